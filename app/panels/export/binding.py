"""File > Export... (Ctrl+Shift+E): opens the export dialog for the current project and
remembers the last folder and format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from app.document import Document
from app.host import WindowHost
from app.jobs import JobRunner
from app.panels.export.dialog import ExportDialog
from app.settings import AppSettings

ACTION_KEY = "export"
SHORTCUT = "Ctrl+Shift+E"


def trained_weights(doc: Document) -> dict[str, Any] | None:
    """The trained weights kept with the project, or None before any training: the one
    place the export reads them."""
    return doc.weights


class ExportBinding(QObject):
    def __init__(self, window: WindowHost, settings: AppSettings | None = None) -> None:
        super().__init__(window.doc)
        self.window = window
        self.doc = window.doc
        self.settings = settings or AppSettings()
        self.runner = JobRunner(self)
        self.dialog: ExportDialog | None = None
        self.action = QAction("&Export…", self)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setStatusTip("Export the network as PyTorch code, .pt2, ONNX, TorchScript, "
                                 "weights or a training script, verified")
        self.action.triggered.connect(self.open_dialog)
        self.doc.weightsChanged.connect(self._on_weights_changed)

    def open_dialog(self) -> ExportDialog:
        from engine.project import dumps

        dialog = ExportDialog(lambda: dumps(self.doc.project), self.doc.project.name,
                              lambda: trained_weights(self.doc), self.settings.export_folder,
                              self.settings.export_format, runner=self.runner,
                              parent=self.window.view.window())
        dialog.exported.connect(self._remember)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_weights_changed(self) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.refresh_weights_choice()

    def _remember(self, report: dict[str, Any]) -> None:
        self.settings.export_folder = str(Path(report["files"][0]).parent)
        self.settings.export_format = report["format"]
        self.window.show_message(f"Exported {Path(report['files'][0]).name}: max abs diff "
                                 f"{report['max_abs_diff']:.3g}, top-1 agreement "
                                 f"{report['top1_agreement']:.1%}")


def install_export(window: WindowHost) -> ExportBinding:
    binding = ExportBinding(window)
    window.actions[ACTION_KEY] = binding.action
    menu = window.menus["file"]
    quit_action = window.actions.get("quit")
    if quit_action is None:
        menu.addAction(binding.action)
    else:  # above Quit, after the save group, where desktop apps keep Export
        menu.insertAction(quit_action, binding.action)
        menu.insertSeparator(quit_action)
    return binding
