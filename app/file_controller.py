"""New, open, save, save as, revert, recent files and the "unsaved changes" prompt.

Every question to the user goes through one small method (`ask_save_changes`,
`get_open_path`, `get_save_path`, `choose_template`, `confirm_revert`, `show_error`), so
tests replace those instead of blocking on a modal dialog. Failures never lose work: the
Document raises ProjectError before anything changes, and this class shows that sentence.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.document import Document
from app.settings import AppSettings
from engine.project import ProjectError
from engine.templates import DEFAULT_TEMPLATE, project_from_template

FILE_FILTER = "NetCanvas projects (*.json);;All files (*)"
SAVE_CHOICES = ("save", "discard", "cancel")


class FileController(QObject):
    recentChanged = Signal(list)  # noqa: N815 - list[str], newest first
    message = Signal(str)  # a short status-bar note ("Saved lenet.json")

    def __init__(self, doc: Document, settings: AppSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self.doc = doc
        self.settings = settings
        self.parent_widget = parent
        self.template_key: str | None = None  # the template the unsaved project came from

    # ---- questions (overridden in tests) ---------------------------------------------
    def ask_save_changes(self) -> str:
        """"save", "discard" or "cancel" for a document with unsaved changes."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Unsaved changes",
                          f"Save the changes to “{self.doc.title}” before closing it?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.parent_widget)
        box.setInformativeText("Your changes are lost if you don't save them.")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(
                    QMessageBox.StandardButton(answer), "cancel")

    def get_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, "Open Project",
                                              self.settings.last_folder, FILE_FILTER)
        return path or None

    def get_save_path(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, "Save Project As",
                                              str(self.suggested_path()), FILE_FILTER)
        if not path:
            return None
        # Dialogs on some platforms do not add the extension the filter implies.
        return path if Path(path).suffix else f"{path}.json"

    def choose_template(self) -> str | None:
        from widgets.template_gallery import TemplateGallery  # only when asked for

        return TemplateGallery.choose(self.parent_widget, current=self.template_key)

    def confirm_revert(self) -> bool:
        answer = QMessageBox.question(
            self.parent_widget, "Revert to Saved",
            f"Discard every change since “{self.doc.title}” was last saved?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def show_error(self, title: str, text: str) -> None:
        QMessageBox.critical(self.parent_widget, title, text)

    # ---- start-up --------------------------------------------------------------------
    def start(self, path: str | None = None) -> None:
        """What the window shows first: `path` if given and readable; otherwise the default
        template on the very first start, and the last project on later ones."""
        first = not self.settings.started_before
        self.settings.mark_started()
        if path is not None:
            try:
                self.doc.open(path)
            except ProjectError as exc:
                # Shown once the event loop runs, so the dialog sits over the visible window.
                QTimer.singleShot(0, lambda text=str(exc): self.show_error("Cannot open project", text))
            else:
                self.template_key = None
                self._remember(path)
                if self.doc.weights_note:
                    QTimer.singleShot(0, lambda text=self.doc.weights_note: self.show_error(
                        "Trained weights not loaded", text))
                return
        last = self.settings.last_project
        if first or last is None:
            self.load_template(DEFAULT_TEMPLATE)
            return
        try:
            self.doc.open(last)
        except ProjectError as exc:
            self.load_template(DEFAULT_TEMPLATE)
            self.message.emit(f"Could not reopen the last project: {exc}")
            return
        self._remember(last)
        if self.doc.weights_note:  # reopened at start-up: a note, not a dialog
            self.message.emit(self.doc.weights_note)

    # ---- commands --------------------------------------------------------------------
    def new_from_template(self) -> bool:
        if not self.maybe_save():
            return False
        key = self.choose_template()
        if key is None:
            return False
        self.load_template(key)
        return True

    def load_template(self, key: str) -> None:
        self.doc.replace_project(project_from_template(key), None)
        self.template_key = key

    def open(self) -> bool:
        if not self.maybe_save():
            return False
        path = self.get_open_path()
        return self.open_path(path) if path else False

    def open_recent(self, path: str) -> bool:
        if not self.maybe_save():
            return False
        if self.open_path(path):
            return True
        if not Path(path).exists():  # gone for good: stop offering it
            self.recentChanged.emit(self.settings.remove_recent(path))
        return False

    def open_path(self, path: str | Path) -> bool:
        """Open without asking about unsaved changes (callers ask first). On failure the
        current project stays as it was and the reason is shown."""
        try:
            self.doc.open(path)
        except ProjectError as exc:
            self.show_error("Cannot open project", str(exc))
            return False
        self.template_key = None
        self._remember(path)
        self.message.emit(f"Opened {Path(path).name}. {self.doc.weights_note}".strip())
        if self.doc.weights_note:
            self.show_error("Trained weights not loaded", self.doc.weights_note)
        return True

    def save(self) -> bool:
        if self.doc.path is None:
            return self.save_as()
        return self.save_to(self.doc.path)

    def save_as(self) -> bool:
        path = self.get_save_path()
        return self.save_to(path) if path else False

    def save_to(self, path: str | Path) -> bool:
        project = self.doc.project
        old_name = project.name
        if self.doc.path is None and old_name.startswith("Untitled"):
            # Saved under a name for the first time: the project takes the file's name.
            project.name = Path(path).stem.replace("_", " ")
        try:
            self.doc.save(path)
        except ProjectError as exc:
            # The document keeps its dirty flag and the old file is untouched (atomic save).
            project.name = old_name
            self.show_error("Cannot save project", str(exc))
            return False
        self.template_key = None
        self._remember(path)
        self.message.emit(f"Saved {Path(path).name}")
        return True

    def revert(self) -> bool:
        if self.doc.path is None or not self.doc.dirty or not self.confirm_revert():
            return False
        path = self.doc.path
        try:
            self.doc.open(path)
        except ProjectError as exc:
            self.show_error("Cannot revert", str(exc))
            return False
        self.message.emit(f"Reverted to the saved {path.name}")
        return True

    def maybe_save(self) -> bool:
        """True when it is fine to replace or close the document."""
        if not self.doc.dirty:
            return True
        answer = self.ask_save_changes()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        self.recentChanged.emit([])

    # ---- helpers ---------------------------------------------------------------------
    def suggested_path(self) -> Path:
        if self.doc.path is not None:
            return self.doc.path
        name = self.doc.project.name
        # "Untitled (from LeNet-5)" suggests lenet_5.json, not untitled_from_lenet_5.json.
        name = name.removeprefix("Untitled (from ").removesuffix(")") if self.template_key else name
        stem = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "network"
        return Path(self.settings.last_folder) / f"{stem}.json"

    def _remember(self, path: str | Path) -> None:
        resolved = Path(path).resolve()
        self.settings.last_project = resolved
        self.settings.last_folder = resolved.parent
        self.recentChanged.emit(self.settings.add_recent(resolved))
