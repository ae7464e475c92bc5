"""File > Load Weights…: trained weights from a file into the open document.

The file is read on the job worker (a .pt file needs torch, which must not load on the GUI
thread) by engine.weights.state.read_weights_for, which never executes code from the file
and refuses weights whose names or shapes do not match the network, naming the layer and
both shapes. Nothing changes unless the whole file fits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.host import WindowHost
from app.jobs import JobRunner
from engine.graph import Graph
from engine.project import dumps

WEIGHTS_FILTER = ("Weights (*.safetensors *.pt *.pth);;Safetensors (*.safetensors);;"
                  "PyTorch checkpoints and state_dicts (*.pt *.pth);;All files (*)")
READ_JOB = "engine.weights.state:read_weights_for"


class WeightsBinding(QObject):
    def __init__(self, window: WindowHost, jobs: JobRunner | None = None) -> None:
        super().__init__(window.doc)
        self.window = window
        self.doc = window.doc
        self.jobs = jobs if jobs is not None else JobRunner(self)
        self.jobs.finished.connect(self._on_read)
        self.jobs.failed.connect(self._on_failed)
        # job id -> (file name, the graph the file was checked against)
        self._pending: dict[int, tuple[str, Graph]] = {}
        self.action = QAction("Load &Weights…", self)
        self.action.setStatusTip("Load trained weights (safetensors, a netcanvas train "
                                 "checkpoint or a PyTorch state_dict) into this network")
        self.action.setToolTip(self.action.statusTip())
        self.action.triggered.connect(self.load)
        window.actions["load_weights"] = self.action
        file_menu = window.menus["file"]
        before = window.actions.get("revert")
        if before is not None:
            file_menu.insertAction(before, self.action)
        else:
            file_menu.addAction(self.action)
        self.doc.weightsChanged.connect(self._on_weights_changed)

    # ---- questions (replaced in tests) --------------------------------------------
    def get_weights_path(self) -> str | None:
        folder = str(self.doc.path.parent) if self.doc.path is not None else ""
        path, _ = QFileDialog.getOpenFileName(None, "Load Weights", folder, WEIGHTS_FILTER)
        return path or None

    def show_error(self, text: str) -> None:
        QMessageBox.warning(None, "Cannot load weights", text)

    # ---- commands -------------------------------------------------------------------
    def load(self) -> None:
        path = self.get_weights_path()
        if path:
            self.load_path(path)

    def load_path(self, path: str | Path) -> int:
        """Read `path` on the worker; the document changes only when it fits."""
        job = self.jobs.submit(READ_JOB, path=str(path), project=dumps(self.doc.project))
        self._pending[job] = (Path(path).name, self.doc.graph.copy())
        self.window.show_message(f"Reading weights from {Path(path).name}…")
        return job

    def _on_read(self, job: int, weights: Any) -> None:
        pending = self._pending.pop(job, None)
        if pending is None:
            return
        name, graph = pending
        self.doc.set_weights(weights, name, trained_on=graph)
        self.window.show_message(f"Loaded weights from {name}. {self.doc.trained.describe()}")

    def _on_failed(self, job: int, message: str) -> None:
        if self._pending.pop(job, None) is not None:
            self.show_error(message)

    def _on_weights_changed(self) -> None:
        self.action.setToolTip(f"{self.action.statusTip()}\n{self.doc.trained.describe()}")


def install_weights(window: WindowHost, jobs: JobRunner | None = None) -> WeightsBinding:
    return WeightsBinding(window, jobs)
