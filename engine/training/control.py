"""Thread-safe remote control for a running Trainer.

The UI thread calls pause/resume/stop/request_probe while Trainer.run() iterates in a
worker thread. The loop only looks at these flags between steps, so every request takes
effect within one batch and never interrupts a half-done optimizer update.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from engine.inspect.kinds import PROBE_KINDS


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    request_id: int
    kind: str
    kwargs: dict[str, Any] = field(default_factory=dict)


class TrainControl:
    def __init__(self) -> None:
        self._paused = threading.Event()
        self._stopped = threading.Event()
        # Set by every request so a paused loop wakes at once instead of at its next poll.
        self._wake = threading.Event()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        # deque.append/popleft are atomic, and `if self._probes` is a cheap per-step test.
        self._probes: deque[ProbeRequest] = deque()

    def pause(self) -> None:
        self._paused.set()
        self._wake.set()

    def resume(self) -> None:
        self._paused.clear()
        self._wake.set()

    def stop(self) -> None:
        self._stopped.set()
        self._wake.set()

    def reset(self) -> None:
        """Clear stop and pause, so the same Trainer can run() again and continue."""
        self._stopped.clear()
        self._paused.clear()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def request_probe(self, kind: str, **kwargs: Any) -> int:
        """Queue a probe; its ProbeResult carries the returned id. Served between steps."""
        if kind not in PROBE_KINDS:
            allowed = ", ".join(repr(k) for k in PROBE_KINDS)
            raise ValueError(f"Unknown probe kind {kind!r}; choose one of {allowed}.")
        with self._lock:
            request_id = next(self._ids)
        self._probes.append(ProbeRequest(request_id, kind, dict(kwargs)))
        self._wake.set()
        return request_id

    # -- used by the training loop --------------------------------------------------

    def has_probe_requests(self) -> bool:
        return bool(self._probes)

    def take_probe_requests(self) -> list[ProbeRequest]:
        taken: list[ProbeRequest] = []
        while True:
            try:
                taken.append(self._probes.popleft())
            except IndexError:
                return taken

    def wait(self, timeout: float) -> None:
        """Block until any request arrives or `timeout` seconds pass."""
        self._wake.wait(timeout)
        self._wake.clear()
