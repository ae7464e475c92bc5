"""Wires the Dataset panel to the data controller and the document.

- The user picks a data set -> the controller loads it off the GUI thread -> on success the
  panel shows it, the document learns its shape (analysis errors with one-click Fixes
  appear when the network does not fit), and the choice is written to the project.
- A failed load shows its sentence in the panel; the previous data set stays in use.
- A replaced project (new / open / revert) brings its own data set and preprocessing;
  loading those does not mark the document changed.

Preprocessing settings are written as the plain dict whose keys are exactly those of
engine.data.Preprocessing.to_dict() (a test checks it). The class itself is not used
here: it imports torch, and that import would freeze the window for about a second.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog

from app.host import WindowHost
from app.panels.data.controller import DataController
from engine.analysis import Analysis, Fix
from engine.data import (
    ArrayDataset,
    DataError,
    DataSource,
    available_sources,
    detect_source,
    project_source,
)
from engine.graph import GraphError
from widgets.dataset_panel import DatasetPanel

DOCK_KEY = "dataset"
DOCK_TITLE = "Dataset"
ACTION_KEY = "choose_dataset"
OPEN_DIALOG_TITLE = "Open a dataset: an .npz file, or any file inside the dataset's folder"
OPEN_DIALOG_FILTER = ("Datasets (*.npz *-ubyte *-ubyte.gz *.idx3-ubyte data_batch_* test_batch "
                      "batches.meta meta train test *.png *.jpg *.jpeg);;All files (*)")


class DataBinding(QObject):
    def __init__(self, doc: Any, panel: DatasetPanel, controller: DataController | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.panel = panel
        self.controller = controller if controller is not None else DataController(doc, self)
        self.dock: QDockWidget | None = None
        self._offered = available_sources()
        # A load the user asked for is written to the project once it succeeds; a load
        # caused by opening a project is not (the project already says so).
        self._store_when_loaded: DataSource | None = None
        panel.set_sources(self._offered)
        panel.sourceChosen.connect(self.choose_source)
        panel.openRequested.connect(self.open_dialog)
        panel.preprocessingChanged.connect(self._on_preprocessing)
        c = self.controller
        c.loadStarted.connect(self._on_load_started)
        c.busyChanged.connect(self._on_busy)
        c.loaded.connect(self._on_loaded)
        c.failed.connect(self._on_failed)
        doc.projectReplaced.connect(self.load_project_data)
        doc.analysisChanged.connect(self._on_analysis)
        panel.fixes.fixRequested.connect(self._apply_fix)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.controller.wait_idle)

    @property
    def dataset(self) -> ArrayDataset | None:
        return self.controller.dataset

    # ---- the network against this data ------------------------------------------------
    def _on_analysis(self, analysis: Analysis) -> None:
        """The data check's errors and fixes, shown where the data set is chosen (the
        inspector lists them too, with every other problem)."""
        self.panel.fixes.set_mismatch(list(analysis.data_errors), list(analysis.fixes))

    def _apply_fix(self, fix: Fix) -> None:
        try:
            self.doc.apply_fix(fix)
        except GraphError as exc:
            self.panel.show_error(str(exc))

    # ---- user actions ------------------------------------------------------------------
    def choose_source(self, source: DataSource) -> None:
        self._store_when_loaded = source
        self.controller.load(source)

    def open_path(self, path: str | os.PathLike[str]) -> bool:
        """Load a picked file or folder; False when its layout is not recognised."""
        self.panel.show_error("")
        try:
            source = detect_source(path)
        except DataError as exc:
            self._on_failed(str(exc))
            return False
        self.choose_source(source)
        return True

    def ask_path(self) -> str | None:
        """The file dialog; tests replace this method."""
        path, _filter = QFileDialog.getOpenFileName(
            self.panel.window(), OPEN_DIALOG_TITLE, "", OPEN_DIALOG_FILTER)
        return path or None

    def open_dialog(self) -> None:
        path = self.ask_path()
        if path:
            self.open_path(path)

    def show_panel(self) -> None:
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()
        self.panel.combo.setFocus()

    # ---- project -----------------------------------------------------------------------
    def load_project_data(self) -> None:
        data = self.doc.project.data or {}
        self.panel.set_preprocessing(data.get("preprocessing") or {})
        self._store_when_loaded = None
        try:
            source = project_source(data)
        except DataError as exc:
            self._on_failed(f"The project's dataset cannot be used: {exc}")
            return
        self.controller.load(source)

    def _write_project(self, source: DataSource | None) -> None:
        data = dict(self.doc.project.data or {})
        if source is not None:
            data["source"] = source.to_dict()
        data["preprocessing"] = self.panel.preprocessing_values()
        self.doc.set_project_records(data=data)

    def _on_preprocessing(self, _values: dict[str, Any]) -> None:
        self._write_project(self.controller.source)

    # ---- controller results ------------------------------------------------------------
    def _label(self, source: DataSource) -> str:
        for label, offered in self._offered:
            if offered == source:
                return label
        return os.path.basename(source.path.rstrip("/\\")) or source.path or source.kind

    def _on_load_started(self, source: DataSource) -> None:
        self.panel.set_busy(True, f"Loading {self._label(source)}…")

    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.panel.set_busy(False)

    def _on_loaded(self, dataset: ArrayDataset) -> None:
        summary = self.controller.summary
        self.panel.set_current_source(dataset.source, self._label(dataset.source))
        self.panel.set_dataset(dataset, summary.mean if summary else (),
                               summary.std if summary else ())
        if self._store_when_loaded == dataset.source:
            self._store_when_loaded = None
            if project_source_or_none(self.doc.project.data) != dataset.source:
                self._write_project(dataset.source)

    def _on_failed(self, message: str) -> None:
        self._store_when_loaded = None
        self.panel.set_busy(False)
        self.panel.show_error(message)
        self.panel.set_current_source(self.controller.source)


def project_source_or_none(data: dict[str, Any] | None) -> DataSource | None:
    try:
        return project_source(data) if (data or {}).get("source") else None
    except DataError:
        return None


def install_data_panel(window: WindowHost | None, doc: Any) -> DataBinding:
    """Add the Dataset dock and the Network ▸ Choose dataset… entry; load the project's data.

    `window` is the MainWindow (add_dock, actions, menus); None gives a binding without a
    dock, for tests and scripts. The training binding reads `binding.controller.dataset`.
    """
    panel = DatasetPanel()
    parent = window if isinstance(window, QObject) else None
    binding = DataBinding(doc, panel, DataController(doc, parent), parent)
    if window is not None:
        binding.dock = window.add_tab_beside(DOCK_KEY, DOCK_TITLE, panel)
        action = QAction("Choose &dataset…", window)
        action.setObjectName(f"action_{ACTION_KEY}")
        action.setStatusTip("Pick the images to train on and how to preprocess them")
        action.triggered.connect(binding.show_panel)
        window.actions[ACTION_KEY] = action
        menu = window.menus["network"]
        menu.addSeparator()
        menu.addAction(action)
    binding.load_project_data()
    return binding
