"""Autosave and crash recovery.

While the document has unsaved changes, a copy is written every NETCANVAS_AUTOSAVE_SECONDS
(30 by default) to `autosave/session-<pid>.json` in the settings folder, atomically, so a
kill at any moment leaves either the previous copy or the new one. Saving the project (the
document turns clean) or quitting normally removes the copy. At the next start, a copy
whose process no longer runs is what a crash left behind: the editor offers to restore it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from app.host import WindowHost
from app.settings import AppSettings
from engine.project import Project, ProjectError, dumps, parse_project, write_text_atomic

INTERVAL_ENV = "NETCANVAS_AUTOSAVE_SECONDS"
DEFAULT_INTERVAL_S = 30.0
FORMAT = "netcanvas-autosave"
FOLDER = "autosave"


def autosave_interval() -> float:
    """Seconds between autosaves: NETCANVAS_AUTOSAVE_SECONDS when it is a positive number."""
    try:
        value = float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL_S))
    except ValueError:
        return DEFAULT_INTERVAL_S
    return value if value > 0 else DEFAULT_INTERVAL_S


def autosave_folder(settings: AppSettings) -> Path:
    """`autosave/` beside the settings file (NETCANVAS_SETTINGS_DIR's folder in tests)."""
    return Path(settings.store.fileName()).resolve().parent / FOLDER


@dataclass(frozen=True)
class Recovery:
    """An autosaved copy left by a process that is gone."""

    file: Path
    project: Project
    path: Path | None  # the project's own file, None for an unsaved one
    saved_at: float

    def describe(self) -> str:
        what = f"“{self.path.name}”" if self.path else f"the unsaved project “{self.project.name}”"
        when = time.strftime("%H:%M:%S", time.localtime(self.saved_at))
        return (f"NetCanvas did not close normally last time. Restore the changes to {what} "
                f"autosaved at {when}?")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process with that id: not ours, but alive
        return True
    return True


def find_recoveries(folder: Path) -> list[Recovery]:
    """Copies whose process no longer runs, newest first; unreadable ones are skipped."""
    found = []
    for file in folder.glob("session-*.json"):
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
            pid = int(record["pid"])
            if record.get("format") != FORMAT or pid == os.getpid() or _process_alive(pid):
                continue
            project = parse_project(record["project"], str(file))
            path = Path(record["path"]) if record.get("path") else None
            found.append(Recovery(file, project, path, float(record["saved_at"])))
        except (OSError, ValueError, KeyError, TypeError, ProjectError):
            continue  # a damaged copy helps no one; it is left for the user to inspect
    return sorted(found, key=lambda r: r.saved_at, reverse=True)


class Autosave(QObject):
    """Writes the dirty document to the settings folder on a timer; offers crash copies."""

    def __init__(self, window: WindowHost, settings: AppSettings,
                 interval_s: float | None = None) -> None:
        super().__init__(window.doc)
        self.window = window
        self.doc = window.doc
        self.folder = autosave_folder(settings)
        self.file = self.folder / f"session-{os.getpid()}.json"
        self._changed = False
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 * (interval_s or autosave_interval())))
        self.timer.timeout.connect(self.autosave_now)
        self.timer.start()
        self.doc.undo_stack.indexChanged.connect(self._mark_changed)
        self.doc.settingsChanged.connect(self._mark_changed)
        self.doc.projectReplaced.connect(self._mark_changed)
        self.doc.dirtyChanged.connect(self._on_dirty)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.discard)

    # ---- questions (replaced in tests) --------------------------------------------
    def ask_restore(self, text: str) -> bool:
        answer = QMessageBox.question(
            self.window.view.window(), "Restore unsaved changes", text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
            QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    # ---- autosave ---------------------------------------------------------------------
    def _mark_changed(self, *_args: object) -> None:
        self._changed = True

    def _on_dirty(self, dirty: bool) -> None:
        if not dirty:
            self.discard()  # saved (or reverted): the file itself is the copy now

    def autosave_now(self) -> bool:
        """Write the copy if there are unsaved changes since the last one; True if written."""
        if not self.doc.dirty or not self._changed:
            return False
        record = {"format": FORMAT, "pid": os.getpid(), "saved_at": time.time(),
                  "path": str(self.doc.path) if self.doc.path else None,
                  "project": dumps(self.doc.project)}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_text_atomic(self.file, json.dumps(record))
        except (OSError, ProjectError) as exc:
            self.window.show_message(f"Autosave failed: {exc}")
            return False
        self._changed = False
        return True

    def discard(self) -> None:
        try:
            self.file.unlink()
        except OSError:
            pass
        self._changed = self.doc.dirty

    # ---- recovery ---------------------------------------------------------------------
    def offer_restore(self) -> bool:
        """Offer the newest copy a crashed session left; True when one was restored. Every
        copy found is removed afterwards, restored or not, so the question comes once."""
        found = find_recoveries(self.folder)
        if not found:
            return False
        newest = found[0]
        restored = self.ask_restore(newest.describe())
        if restored:
            self.doc.replace_project(newest.project, newest.path)
            # The copy holds changes that no file has: the document is unsaved again.
            self.doc.undo_stack.resetClean()
            self._changed = True
            self.autosave_now()
            self.window.show_message("Restored the autosaved changes; save them to keep them.")
        for recovery in found:
            try:
                recovery.file.unlink()
            except OSError:
                pass
        return restored


def install_autosave(window: WindowHost, settings: AppSettings) -> Autosave:
    """Autosave the window's document; once the event loop runs, offer any crash copy."""
    autosave = Autosave(window, settings)
    QTimer.singleShot(0, autosave.offer_restore)
    return autosave
