"""Asks the running trainer for diagnostics at a bounded rate and keeps what comes back.

Through the TrainingController interface only (request_probe + probeResult), so it works
the same whether the trainer runs on a thread or in a worker process. Gradient norms are
requested at most every GRADIENT_MS and histograms every HISTOGRAM_MS, never with one of
the same kind still unanswered; the weights ("state") at every epoch end. Probes run
between steps on the live model, so training needs no change. Each answer says what it
cost, and the next request of its kind waits until that cost is at most SHARE of the time
in between: on a loaded machine (measured: 6x oversubscribed cores) fixed rates let the
probes take 17% of the run; paced, each kind stays near SHARE (bench/diagnose.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

GRADIENT_MS = 250
HISTOGRAM_MS = 2000
SHARE = 0.005  # of the training time, per probe kind (two kinds: about 1% in all)
MAX_INTERVAL_MS = 30_000
MAX_SNAPSHOTS = 400  # histogram snapshots kept per run (~13 minutes at HISTOGRAM_MS)
MAX_IMAGES = 32  # filters / feature-map channels kept per layer per epoch


def pace_ms(cost_s: float, base_ms: int, share: float = SHARE) -> int:
    """The wait before the next request of a kind whose last answer cost `cost_s`."""
    return int(min(MAX_INTERVAL_MS, max(base_ms, 1000 * cost_s / share)))


class DiagnosticsRecorder(QObject):
    gradients = Signal(int, object, object)  # step, layers, norms
    snapshot = Signal()  # a new histogram snapshot is in self.snapshots
    weights = Signal(object)  # numpy state dict (epoch ends, the end of a run)
    timelineChanged = Signal()  # noqa: N815 - an epoch's snapshot got filters or maps

    def __init__(self, controller: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.enabled = True
        self.snapshots: list[tuple[int, dict[str, Any]]] = []
        self.latest_weights: dict[str, Any] | None = None
        # Per epoch: {"epoch", "filters": {node: (n, kh, kw)}, "maps": {node: array}}.
        self.timeline: list[dict[str, Any]] = []
        self.sample = 0  # the validation image whose feature maps the timeline keeps
        self._pending: dict[int, str] = {}
        self._entry_of: dict[int, int] = {}
        self._gradient_timer = QTimer(self)
        self._gradient_timer.setInterval(GRADIENT_MS)
        self._gradient_timer.timeout.connect(lambda: self._ask("gradient_flow"))
        self._histogram_timer = QTimer(self)
        self._histogram_timer.setInterval(HISTOGRAM_MS)
        self._histogram_timer.timeout.connect(lambda: self._ask("histograms"))
        self.base_ms = {"gradient_flow": GRADIENT_MS, "histograms": HISTOGRAM_MS}
        self._timers = {"gradient_flow": self._gradient_timer, "histograms": self._histogram_timer}
        controller.started.connect(self._on_started)
        controller.epochEnded.connect(self._on_epoch)
        controller.probeResult.connect(self._on_result)
        controller.stateChanged.connect(self._on_state)
        controller.finished.connect(self._on_finished)

    def kept_timeline(self) -> list[dict[str, Any]]:
        """The epochs whose snapshot came back (a request still unanswered at an epoch's end
        means that epoch is skipped, not waited for)."""
        return [s for s in self.timeline if s["filters"] or s["maps"]]

    def _on_started(self, _started: Any) -> None:
        self.snapshots = []
        self.latest_weights = None
        self.timeline = []
        self._pending.clear()
        self._entry_of.clear()
        if self.enabled:
            for kind, timer in self._timers.items():
                timer.start(self.base_ms[kind])
            self._ask("histograms")  # the run's first snapshot: the reference

    def _on_state(self, _state: str) -> None:
        if not self.controller.is_running:
            self._gradient_timer.stop()
            self._histogram_timer.stop()

    def _on_finished(self, finished: Any) -> None:
        """The last epoch's end is often seen only after the run ended (events arrive in
        batches), too late for a probe: its filters come from the Finished weights."""
        weights = getattr(finished, "weights", None)
        if weights and self.timeline and not self.timeline[-1]["filters"]:
            self.timeline[-1]["filters"] = filters_of(weights)
            self.timelineChanged.emit()

    def _on_epoch(self, event: Any) -> None:
        self.timeline.append({"epoch": event.epoch, "filters": {}, "maps": {}})
        entry = len(self.timeline) - 1
        for request in (self._ask("state"), self._ask("feature_maps", sample=self.sample)):
            if request is not None:
                self._entry_of[request] = entry

    def _ask(self, kind: str, **kwargs: Any) -> int | None:
        if kind in self._pending.values() or not self.controller.is_running:
            return None
        try:
            request_id = self.controller.request_probe(kind, **kwargs)
        except (RuntimeError, ValueError):
            return None  # the run just ended: nothing to ask
        self._pending[request_id] = kind
        return request_id

    def _on_result(self, result: Any) -> None:
        kind = self._pending.pop(result.request_id, None)
        entry = self._entry_of.pop(result.request_id, None)
        if kind is None or result.error:
            return
        payload = result.payload
        timer = self._timers.get(kind)
        if timer is not None and timer.isActive():
            timer.setInterval(pace_ms(float(payload.get("cost_s", 0.0)), self.base_ms[kind]))
        if kind == "gradient_flow" and payload.get("layers"):
            self.gradients.emit(result.step, payload["layers"], payload["grad_norm"])
        elif kind == "histograms":
            self.snapshots.append((result.step, payload))
            if len(self.snapshots) > MAX_SNAPSHOTS:
                del self.snapshots[1]  # keep the first: it is every later one's reference
            self.snapshot.emit()
        elif kind == "state":
            self.latest_weights = payload["weights"]
            self.weights.emit(self.latest_weights)
            if entry is not None:
                self.timeline[entry]["filters"] = filters_of(self.latest_weights)
                self.timelineChanged.emit()
        elif kind == "feature_maps" and entry is not None:
            self.timeline[entry]["maps"] = {k: v[:MAX_IMAGES] for k, v in payload.items()}
            self.timelineChanged.emit()


def filters_of(weights: dict[str, Any]) -> dict[str, Any]:
    """Each convolution kernel stack (a 4-d "<node>.weight"), first input channel of at
    most MAX_IMAGES filters: what the timeline shows per epoch (small copies)."""
    out = {}
    for name, w in weights.items():
        if name.endswith(".weight") and getattr(w, "ndim", 0) == 4:
            out[name[: -len(".weight")]] = w[:MAX_IMAGES, 0].copy()
    return out
