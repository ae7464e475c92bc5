"""The Inspect dock wired to the document, the canvas, the data set and training.

- A sample is picked (data set image, opened or dropped file) -> one `inspect_sample` job on
  the document's current project and weights -> maps, prediction and saliency are shown.
  Any newer request drops the older one's result (JobRunner.cancel), so a quick scroll
  through samples never shows a stale answer; torch runs only in the job worker.
- Editing the network, new weights (training ended, Load Weights) or a new data set re-run
  it, debounced, and only while someone looks (the dock is visible or thumbnails are on).
- Clicking a node on the canvas jumps to its maps (or, on the Filters / Saliency tabs, shows
  its filters / explains it); hovering a map pixel outlines the input region it sees.
- During training, LiveMaps refreshes maps and thumbnails from the training weights.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction

from app.host import WindowHost
from app.jobs import JobRunner
from app.panels.inspect import requests as rq
from app.panels.inspect.live import LiveMaps
from app.panels.inspect.panel import InspectPanel
from app.panels.inspect.present import Presenter, class_names, is_spatial
from engine.inspect.receptive import input_region
from widgets.canvas.thumbnail import thumbnail_image

DOCK_KEY = "inspect"
THUMBNAILS_KEY = "activation_thumbnails"
THUMBNAILS_SETTING = "inspect/thumbnails"
LIVE_SETTING = "inspect/live"
FILTER_MODE_SETTING = "inspect/filter_mode"
REFRESH_DELAY_MS = 250  # edits arrive in bursts (typing a number); inspect once after them

DatasetProvider = Callable[[], Any]


class InspectBinding(QObject):
    def __init__(self, window: WindowHost, dataset_provider: DatasetProvider | None = None,
                 training: Any = None, jobs: JobRunner | None = None) -> None:
        super().__init__(window.doc)
        self.window, self.doc = window, window.doc
        self.dataset_provider = dataset_provider
        self.jobs = jobs if jobs is not None else JobRunner(self)
        self.panel = InspectPanel()
        self.dock = window.add_dock(DOCK_KEY, "Inspect", self.panel,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.present = Presenter(self.panel)
        self._pending_origin = ""
        self._maps_behind = False  # live maps arrived while the Feature maps tab was hidden
        self.sample: rq.SampleChoice | None = None
        self.saliency_class: int | None = None
        self.saliency_layer: str | None = None
        self._dataset: Any = None
        self._jobs_by_kind: dict[str, int] = {}
        self._dirty = True
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.thumbnails_action = self._make_thumbnails_action()
        self.live = LiveMaps(training, self._live_sample, self) if training is not None else None
        self._restore_settings()
        self._connect()
        self._show_blockers()

    # ---- composition -------------------------------------------------------------------
    def _make_thumbnails_action(self) -> QAction:
        action = QAction("Activation &Thumbnails", self.window.menus["view"])
        action.setObjectName(f"action_{THUMBNAILS_KEY}")
        action.setCheckable(True)
        action.setChecked(QSettings().value(THUMBNAILS_SETTING, False, type=bool))
        action.setStatusTip("Show a small picture of each layer's first channels on its card")
        action.toggled.connect(self._on_thumbnails_toggled)
        self.window.actions[THUMBNAILS_KEY] = action
        self.window.menus["view"].addSeparator()
        self.window.menus["view"].addAction(action)
        return action

    def _restore_settings(self) -> None:
        settings, p = QSettings(), self.panel
        p.live_check.setChecked(settings.value(LIVE_SETTING, True, type=bool))
        at = p.filter_mode.findData(settings.value(FILTER_MODE_SETTING, "mean"))
        p.filter_mode.setCurrentIndex(max(at, 0))
        p.live_check.toggled.connect(lambda on: QSettings().setValue(LIVE_SETTING, on))
        p.filter_mode.activated.connect(lambda _i: QSettings().setValue(
            FILTER_MODE_SETTING, p.filter_mode.currentData()))

    def _connect(self) -> None:
        doc, p = self.doc, self.panel
        doc.analysisChanged.connect(self._on_network_changed)
        doc.projectReplaced.connect(self._on_project_replaced)
        doc.weightsChanged.connect(self._on_weights_changed)
        self.jobs.finished.connect(self._on_job_finished)
        self.jobs.failed.connect(self._on_job_failed)
        self.window.scene.selectionIdsChanged.connect(self._on_canvas_selection)
        self.dock.visibilityChanged.connect(self._on_visibility)
        p.picker.sampleChosen.connect(self.choose_dataset_sample)
        p.picker.fileChosen.connect(self.open_image)
        p.maps.mapClicked.connect(self.present.enlarge)
        p.maps.pixelHovered.connect(lambda nid, _ch, r, c: self._outline(nid, r, c))
        p.maps.hoverLeft.connect(lambda: p.sample.set_region(None))
        p.map_view.pixelHovered.connect(self._on_map_view_hover)
        p.map_view.hoverLeft.connect(lambda: p.sample.set_region(None))
        p.filter_layer.activated.connect(lambda _i: self.request_filters())
        p.filter_mode.activated.connect(lambda _i: self.request_filters())
        p.saliency.classChosen.connect(self._on_saliency_class)
        p.tabs.currentChanged.connect(lambda _i: self._on_tab())
        if self.live is not None:
            self.live.mapsArrived.connect(self._on_live_maps)

    # ---- who is looking ------------------------------------------------------------------
    def watched(self) -> bool:
        return self.dock.isVisible() or self.thumbnails_action.isChecked()

    def _on_visibility(self, visible: bool) -> None:
        if visible:
            self._on_tab()
        if visible and self._dirty:
            self.schedule_refresh()

    def schedule_refresh(self) -> None:
        self._dirty = True
        if self.watched():
            self._refresh_timer.start()

    # ---- requests -------------------------------------------------------------------------
    def choose_dataset_sample(self, split: str, index: int) -> None:
        ds = self._dataset
        if ds is None:
            return
        images, labels = (ds.x_test, ds.y_test) if split == "test" else (ds.x_train, ds.y_train)
        label = int(labels[index])
        name = ds.class_names[label] if label < len(ds.class_names) else str(label)
        self.sample = rq.SampleChoice(np.asarray(images[index]), label,
                                      f"{split} sample {index} ({name})", channels_first=True)
        self.saliency_class = None  # explain the new sample's own prediction first
        self.refresh()

    def open_image(self, path: str) -> None:
        """A PNG/JPEG the user opened or dropped: read off the GUI thread, then inspected."""
        self._pending_origin = Path(path).name
        self._submit("load", rq.LOAD_IMAGE_JOB, path=path)

    def refresh(self) -> None:
        """Inspect the chosen sample with the current network and weights (one job)."""
        self._refresh_timer.stop()
        self._update_dataset()
        self._update_weights_label()
        if self._show_blockers():
            return
        self._dirty = False
        if self.sample is None:
            self._default_sample()
        if self.sample is not None:
            self._submit("inspect", rq.INSPECT_JOB, **rq.inspect_kwargs(
                self.doc.project, self.doc.weights, self.sample, self.saliency_class,
                self.saliency_layer))
        self.request_filters()

    def request_filters(self) -> None:
        node_id = self.panel.filter_layer.currentData()
        if node_id is None or network_blocked(self):
            return
        mode = str(self.panel.filter_mode.currentData())
        self._submit("filters", rq.FILTERS_JOB, **rq.filters_kwargs(
            self.doc.project, self.doc.weights, str(node_id), mode))

    def _submit(self, kind: str, function: str, **kwargs: Any) -> None:
        old = self._jobs_by_kind.get(kind)
        if old is not None:
            self.jobs.cancel(old)  # a newer request: the older answer is no longer wanted
        self._jobs_by_kind[kind] = self.jobs.submit(function, **kwargs)
        self.panel.set_busy(True)

    def _default_sample(self) -> None:
        picker = self.panel.picker
        if picker.has_data():
            picker.choose(picker.split, picker.index)  # emits sampleChosen -> a request

    # ---- answers ------------------------------------------------------------------------
    def _kind_of(self, job_id: int) -> str | None:
        for kind, jid in self._jobs_by_kind.items():
            if jid == job_id:
                return kind
        return None

    def _on_job_finished(self, job_id: int, result: Any) -> None:
        kind = self._kind_of(job_id)
        if kind is None:
            return
        del self._jobs_by_kind[kind]
        self.panel.set_busy(bool(self._jobs_by_kind))
        if kind == "load":
            self.sample = rq.SampleChoice(np.asarray(result), None, self._pending_origin)
            self.saliency_class = None
            self.refresh()
        elif kind == "inspect":
            self.show_result(result)
        elif kind == "filters":
            self.show_filters(result)

    def _on_job_failed(self, job_id: int, message: str) -> None:
        kind = self._kind_of(job_id)
        if kind is None:
            return
        del self._jobs_by_kind[kind]
        self.panel.set_busy(bool(self._jobs_by_kind))
        if kind == "filters":
            self.panel.set_message("filters", message)
        else:
            if kind == "load":
                self.panel.picker.set_description(message)
            for tab in ("maps", "prediction", "saliency"):
                self.panel.set_message(tab, message)
        # Said in the panel only: these jobs start by themselves (a new sample, new weights),
        # and the status bar belongs to what the user did (a training run that died says so).

    def show_result(self, result: dict[str, Any]) -> None:
        """Draw an inspect_sample answer in every view (and the canvas thumbnails)."""
        origin = self.sample.origin if self.sample is not None else ""
        names = list(result.get("class_names") or class_names(
            self._dataset, self.doc.analysis, len(result["prediction"])))
        self.present.show_result(result, origin, names)
        self._update_thumbnails()

    def show_filters(self, result: dict[str, Any]) -> None:
        self.present.show_filters(str(self.panel.filter_layer.currentData()), result,
                                  str(self.panel.filter_mode.currentData()))

    @property
    def result(self) -> dict[str, Any] | None:
        return self.present.result

    # ---- feature-map interaction -------------------------------------------------------------
    def _on_map_view_hover(self, row: int, col: int) -> None:
        if self.present.enlarged is not None:
            self._outline(self.present.enlarged[0], row, col)

    def _outline(self, node_id: str, row: int, col: int) -> None:
        try:
            box = input_region(self.doc.graph, self.doc.analysis, node_id, row, col)
        except ValueError:
            box = None  # the network changed under the pointer; nothing to outline
        self.panel.sample.set_region(box)

    # ---- canvas --------------------------------------------------------------------------
    def _on_canvas_selection(self, ids: list[str]) -> None:
        if len(ids) != 1:
            self.panel.maps.set_current(None)
            return
        node_id, p = ids[0], self.panel
        tab = p.current_tab
        if tab == "filters" and p.filter_layer.findData(node_id) >= 0:
            p.filter_layer.setCurrentIndex(p.filter_layer.findData(node_id))
            self.request_filters()
        elif tab == "saliency" and is_spatial(self.doc.analysis, node_id):
            self.saliency_layer = node_id
            self.refresh()
        else:
            self.present.jump_to(node_id)

    def _on_thumbnails_toggled(self, on: bool) -> None:
        QSettings().setValue(THUMBNAILS_SETTING, on)
        self._update_thumbnails()
        if on and (self.result is None or self._dirty):
            self.schedule_refresh()

    def _update_thumbnails(self) -> None:
        on = self.thumbnails_action.isChecked()
        maps = self.result["maps"] if self.result is not None else {}
        for node_id, item in self.window.scene.node_items.items():
            entry = maps.get(node_id) if on else None
            item.set_thumbnail(None if entry is None else thumbnail_image(
                np.asarray(entry["array"]), float(entry["min"]), float(entry["max"])))

    # ---- live ---------------------------------------------------------------------------
    def _live_sample(self) -> np.ndarray | None:
        if (self.result is None or not self.panel.live_check.isChecked()
                or not self.watched()):
            return None
        return np.asarray(self.result["sample"]["tensor_input"])

    def _on_live_maps(self, step: int, payload: dict[str, np.ndarray]) -> None:
        result = self.present.result
        if result is None:
            return
        self.present.result = {**result, "maps": rq.live_maps(payload, result["maps"])}
        # Only what is on screen is redrawn: every redraw takes the GIL from training.
        if self.dock.isVisible() and self.panel.current_tab == "maps":
            self.present.show_maps(self.present.result["maps"])
        else:
            self._maps_behind = True
        self._update_thumbnails()
        # Fixed wording (no step count): a label whose text changes relayouts the dock.
        if self.panel.weights_label.text() != rq.LIVE:
            self.panel.weights_label.setText(rq.LIVE)

    # ---- document -------------------------------------------------------------------------
    def _on_network_changed(self, *_args: object) -> None:
        self._update_filter_layers()
        self.schedule_refresh()

    def _on_project_replaced(self) -> None:
        self.present.clear()
        self.saliency_layer, self.saliency_class = None, None
        self._update_thumbnails()
        self.schedule_refresh()

    def _on_weights_changed(self, *_args: object) -> None:
        self.schedule_refresh()

    def _on_saliency_class(self, index: int) -> None:
        self.saliency_class = index
        self.refresh()

    def _on_tab(self) -> None:
        if self._maps_behind and self.present.result is not None and (
                self.panel.current_tab == "maps"):
            self._maps_behind = False
            self.present.show_maps(self.present.result["maps"])
        if self.panel.current_tab == "filters" and self.panel.filters.cell_count() == 0:
            self.request_filters()

    def _update_dataset(self) -> None:
        ds = self.dataset_provider() if self.dataset_provider is not None else None
        if ds is self._dataset:
            return
        self._dataset = ds
        splits = {} if ds is None else {"test": (ds.x_test, ds.y_test),
                                        "train": (ds.x_train, ds.y_train)}
        self.panel.picker.set_splits(splits, list(ds.class_names) if ds is not None else [])
        if self.sample is not None and self.sample.label is not None:
            self.sample = None  # a sample of the previous data set

    def _update_filter_layers(self) -> None:
        combo = self.panel.filter_layer
        current = combo.currentData()
        layers = rq.weighted_layers(self.doc.analysis) if not self.doc.analysis.errors else []
        if layers == [combo.itemData(i) for i in range(combo.count())]:
            return
        combo.clear()
        for nid in layers:
            combo.addItem(nid, nid)
        if current in layers:
            combo.setCurrentIndex(layers.index(current))

    def _update_weights_label(self) -> None:
        self.panel.weights_label.setText(rq.weights_state(self.doc.weights, self.doc.stale_weights))

    def _show_blockers(self) -> bool:
        """Show every tab's empty state that applies; True when nothing can run now."""
        blocker = network_blocked(self)
        p = self.panel
        if blocker:
            for tab in ("maps", "filters", "prediction", "saliency"):
                p.set_message(tab, blocker)
            return True
        if self.sample is None and not p.picker.has_data():
            for tab in ("maps", "prediction", "saliency"):
                p.set_message(tab, rq.NO_SAMPLE)
        if p.filter_layer.count() == 0:
            self._update_filter_layers()
        if p.filter_layer.count() == 0:
            p.set_message("filters", rq.NO_FILTER_LAYERS)
        return False


def network_blocked(binding: InspectBinding) -> str:
    return rq.network_blocker(binding.doc.analysis, bool(binding.doc.graph.nodes))


def install_inspect(window: WindowHost, dataset_provider: DatasetProvider | None = None,
                    training: Any = None) -> InspectBinding:
    """The Inspect dock, its View menu toggle and its live refresh during training
    (`training`: the TrainingController, optional)."""
    return InspectBinding(window, dataset_provider, training)
