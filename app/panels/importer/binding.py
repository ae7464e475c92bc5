"""File > Import Model…: pick an ONNX file, import it in the engine worker with progress,
show the report (offering the cut when nodes are unsupported) and open the network as a
new document through the file controller's "unsaved changes" question.

The imported weights go to the document as its trained weights (Document.set_weights),
which also marks the new document unsaved; saving writes them beside the project.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QProgressDialog

from app.file_controller import FileController
from app.host import WindowHost
from app.jobs import JobRunner
from app.panels.importer.dialog import CUT, ImportReportDialog
from engine.project import ProjectError, parse_project

ACTION_KEY = "import_model"
JOB = "engine.importers.jobs:import_model_job"
MODEL_FILTER = "ONNX models (*.onnx);;All files (*)"
SHORTCUT = "Ctrl+Shift+I"


class ImportBinding(QObject):
    def __init__(self, window: WindowHost, files: FileController,
                 jobs: JobRunner | None = None) -> None:
        super().__init__(files)
        self.window, self.files = window, files
        self.jobs = jobs if jobs is not None else JobRunner(self)
        self.jobs.finished.connect(self._on_finished)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.progress.connect(self._on_progress)
        self.job_id: int | None = None
        self.path: str | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.last_dialog: ImportReportDialog | None = None
        self.action = QAction("Import &Model…", files.parent_widget)
        self.action.setObjectName(f"action_{ACTION_KEY}")
        self.action.setShortcut(QKeySequence(SHORTCUT))
        tip = "Open an ONNX model as a new, editable network (verified against onnxruntime)"
        self.action.setToolTip(f"{tip} ({SHORTCUT})")
        self.action.setStatusTip(tip)
        self.action.triggered.connect(self.start)

    # ---- questions (overridden in tests) ---------------------------------------------
    def get_model_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.files.parent_widget, "Import Model",
                                              self.files.settings.last_folder, MODEL_FILTER)
        return path or None

    def show_report(self, report: dict[str, Any], refused_message: str = "") -> int:
        """Shows the report; returns CUT when the user chose to import up to there."""
        self.last_dialog = ImportReportDialog(report, refused_message, self.files.parent_widget)
        return self.last_dialog.exec()

    # ---- the flow --------------------------------------------------------------------
    def start(self) -> bool:
        """Ask about unsaved changes, pick a file, run the import."""
        if self.busy or not self.files.maybe_save():
            return False
        path = self.get_model_path()
        if not path:
            return False
        self.run(path, cut=False)
        return True

    @property
    def busy(self) -> bool:
        return self.job_id is not None

    def run(self, path: str, cut: bool) -> None:
        self.path = path
        self.job_id = self.jobs.submit(JOB, path=path, cut=cut)
        dialog = QProgressDialog(f"Importing {Path(path).name}…", "Cancel", 0, 100,
                                 self.files.parent_widget)
        dialog.setWindowTitle("Import Model")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)  # a quick import shows no dialog at all
        dialog.setAutoClose(False)
        dialog.canceled.connect(self.cancel)
        self.progress_dialog = dialog
        self.action.setEnabled(False)

    def cancel(self) -> None:
        if self.job_id is not None:
            self.jobs.cancel(self.job_id)
        self._end_job()
        self.window.show_message("Import cancelled.")

    def _end_job(self) -> None:
        self.job_id = None
        self.action.setEnabled(True)
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _on_progress(self, job_id: int, fraction: float, text: str) -> None:
        dialog = self.progress_dialog
        if job_id == self.job_id and dialog is not None:
            dialog.setLabelText(f"{Path(self.path or '').name}: {text}")
            # A window-modal progress dialog runs the event loop in setValue, where the
            # job's end may arrive and close it: nothing may touch it afterwards.
            dialog.setValue(int(fraction * 100))

    def _on_failed(self, job_id: int, message: str) -> None:
        if job_id != self.job_id:
            return
        self._end_job()
        self.files.show_error("Cannot import model", message)

    def _on_finished(self, job_id: int, result: dict[str, Any]) -> None:
        if job_id != self.job_id:
            return
        self._end_job()
        if result["refused"]:
            if self.show_report(result["report"], result["message"]) == CUT and self.path:
                self.run(self.path, cut=True)
            return
        try:
            project = parse_project(result["project"], Path(self.path or "").name)
        except ProjectError as exc:  # the importer wrote something this build cannot read
            self.files.show_error("Cannot import model", str(exc))
            return
        self.open_imported(project, result["weights"])
        self.show_report(result["report"])

    def open_imported(self, project: Any, weights: dict[str, Any]) -> None:
        """The imported network as a new, unsaved document (Save asks where)."""
        doc = self.files.doc
        doc.replace_project(project, None)
        self.files.template_key = None
        doc.set_weights(weights, f"imported from {Path(self.path or '').name}")
        self.window.show_message(f"Imported {Path(self.path or '').name}: "
                                 f"{len(project.graph.nodes)} nodes.")


def install_importer(window: WindowHost, files: FileController,
                     jobs: JobRunner | None = None) -> ImportBinding:
    """Add File > Import Model… after File > Open."""
    binding = ImportBinding(window, files, jobs)
    window.actions[ACTION_KEY] = binding.action
    menu = window.menus["file"]
    items = menu.actions()
    opener = window.actions.get("open")
    after = items.index(opener) + 1 if opener in items else len(items)
    if after < len(items):
        menu.insertAction(items[after], binding.action)
    else:
        menu.addAction(binding.action)
    return binding
