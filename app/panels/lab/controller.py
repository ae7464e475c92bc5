"""Keeps the Learn panel's views in step with the document, the data set and the sample.

Heavy work (building the model, running the sample) goes to the JobRunner once per
(view, layer, sample, network version); every arrow key, slider move or temperature change
afterwards is a cheap numpy call in engine.lab plus a repaint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer

from app.jobs import JobRunner
from engine.project import dumps

REFRESH_MS = 150  # edits come in bursts (typing a param): compute once they settle
NO_DATA = ("Load a data set in the Dataset panel first: the lab shows your network on one "
           "of its test images.")


class LabController(QObject):
    """Owns the jobs and the traces; the per-view adapters (app/panels/lab/views.py) say
    which job a view needs and how a trace becomes a frame."""

    def __init__(self, doc: Any, dataset_provider: Callable[[], Any], panel: Any,
                 adapters: dict[str, Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.dataset_provider = dataset_provider
        # The document's trained weights that fit the current graph; without them every
        # view shows the seeded initial weights training starts from.
        self.weights_provider: Callable[[], dict[str, np.ndarray] | None] = (
            lambda: doc.trained.fitting())
        self.panel = panel
        self.adapters = adapters
        self.jobs = JobRunner(self)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(self._on_failed)
        self.sample_index = 0
        self.generation = 0  # bumps whenever the network, its settings or weights change
        self.stats: dict[str, Any] | None = None
        self._stats_for: int | None = None
        self._stats_job: int | None = None
        self._pending: dict[int, tuple[str, tuple[Any, ...]]] = {}
        self.results: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        doc.analysisChanged.connect(self._on_network_changed)
        doc.settingsChanged.connect(self._on_network_changed)
        doc.weightsChanged.connect(self._on_network_changed)
        panel.sampleChanged.connect(self.set_sample)
        panel.viewChanged.connect(lambda _key: self.schedule())
        for adapter in adapters.values():
            adapter.attach(self)

    # ---- what the views read -----------------------------------------------------------
    @property
    def dataset(self) -> Any:
        return self.dataset_provider()

    def sample(self) -> tuple[np.ndarray, int] | None:
        ds = self.dataset
        if ds is None or len(ds.x_test) == 0:
            return None
        i = min(self.sample_index, len(ds.x_test) - 1)
        return ds.x_test[i], int(ds.y_test[i])

    def class_names(self) -> list[str]:
        ds = self.dataset
        return list(ds.class_names) if ds is not None else []

    def project_text(self) -> str:
        return dumps(self.doc.project)

    # ---- triggers ----------------------------------------------------------------------
    def _on_network_changed(self, *_args: Any) -> None:
        self.generation += 1
        for adapter in self.adapters.values():
            adapter.network_changed(self.doc)
        self.schedule()

    def weights_changed(self) -> None:
        self._on_network_changed()

    def set_sample(self, index: int) -> None:
        self.sample_index = max(0, int(index))
        self.schedule()

    def schedule(self) -> None:
        self._timer.start()

    def refresh(self) -> None:
        """Bring the visible view up to date (submitting its job when its inputs changed)."""
        self._timer.stop()
        key = self.panel.current_view()
        adapter = self.adapters.get(key)
        ds = self.dataset
        if ds is None:
            self.panel.set_sample(0, None, "No data set yet")
            for a in self.adapters.values():
                a.show_empty(NO_DATA)
            return
        want = self.doc.analysis.input_shape
        if want is not None and tuple(want) != tuple(ds.image_shape):
            # Right after opening a project its own data set may still be loading.
            text = (f"The data set's images are {'x'.join(map(str, ds.image_shape))} but the "
                    f"network's Input is {'x'.join(map(str, want))}; choose a matching data set "
                    f"in the Dataset panel or set the Input to the data's shape.")
            for a in self.adapters.values():
                a.show_empty(text)
            return
        self.panel.set_sample_range(len(ds.x_test))
        sample = self.sample()
        assert sample is not None
        image, label = sample
        names = self.class_names()
        self.panel.set_sample(self.sample_index, image,
                              f"#{self.sample_index} of {len(ds.x_test):,} test images: "
                              f"{names[label] if label < len(names) else label}")
        stale = sorted(self.doc.stale_weights)
        self.panel.set_note(("trained weights" + (f" (stale: {', '.join(stale)})" if stale else ""))
                            if self.weights_provider() else "initial weights (untrained)")
        if id(ds) != self._stats_for:
            if self._stats_job is None:
                prep = (self.doc.project.data or {}).get("preprocessing") or {}
                self._stats_job = self.jobs.submit(
                    "engine.lab.jobs:channel_stats", images=ds.x_train,
                    val_fraction=float(prep.get("val_fraction", 0.1)),
                    seed=int(prep.get("seed", 0)))
                self._pending[self._stats_job] = ("__stats__", (id(ds),))
            return
        if adapter is not None:
            adapter.refresh(self)

    def request(self, view: str, key: tuple[Any, ...], function: str, **kwargs: Any) -> Any:
        """The finished result for `key`, or None after submitting the job that makes it
        (the adapter is refreshed when it arrives)."""
        have = self.results.get(view)
        if have is not None and have[0] == key:
            return have[1]
        if any(v == view and k == key for v, k in self._pending.values()):
            return None
        job = self.jobs.submit(function, **kwargs)
        self._pending[job] = (view, key)
        self.adapters[view].busy()
        return None

    def job_inputs(self) -> dict[str, Any]:
        """The keyword arguments every lab job shares."""
        sample = self.sample()
        assert sample is not None
        return {"project": self.project_text(), "weights": self.weights_provider(),
                "image": sample[0], "stats": self.stats}

    def base_key(self) -> tuple[Any, ...]:
        return (self.generation, self.sample_index, id(self.dataset))

    # ---- results -----------------------------------------------------------------------
    def _on_finished(self, job: int, result: Any) -> None:
        view, key = self._pending.pop(job, ("", ()))
        if view == "__stats__":
            self._stats_job = None
            self.stats, self._stats_for = result, key[0]
            self.schedule()
            return
        if view in self.adapters:
            self.results[view] = (key, result)
            if view == self.panel.current_view():
                self.adapters[view].refresh(self)

    def _on_failed(self, job: int, text: str) -> None:
        view, _key = self._pending.pop(job, ("", ()))
        if view == "__stats__":
            self._stats_job = None
            for a in self.adapters.values():
                a.show_empty(f"The data set's statistics could not be computed: {text}")
            return
        if view in self.adapters:
            self.results.pop(view, None)
            self.adapters[view].show_empty(text)

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Tests and screenshots: run pending refreshes and jobs to the end."""
        for _ in range(6):
            if self._timer.isActive():
                self.refresh()
            if not self.jobs.wait(timeout_s):
                return False
            if not self._timer.isActive() and not self.jobs.busy:
                break
        return True
