"""Every inspection view can be saved as a PNG: a context-menu entry and a function the
panel's toolbar button and the tests call directly.

The picture is the widget rendered at its full size (`QWidget.grab`), so a grid taller than
its scroll area is saved whole, exactly as drawn.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

SAVE_TEXT = "Save as PNG…"
_LAST_FOLDER_KEY = "inspect/png_folder"


def save_png(widget: QWidget, path: str | Path) -> None:
    """Write what `widget` draws to `path`; raises OSError with a sentence when it cannot."""
    target = Path(path)
    if target.suffix.lower() != ".png":
        target = target.with_suffix(".png")
    if not target.parent.is_dir():
        raise OSError(f"Cannot save {target.name}: the folder {target.parent} does not exist.")
    if widget.width() <= 0 or widget.height() <= 0 or not widget.grab().save(str(target), "PNG"):
        raise OSError(f"Could not write {target}; check that the folder is writable and the "
                      "view shows something.")


def ask_and_save_png(widget: QWidget, suggested_name: str) -> Path | None:
    """Ask for a file name and save; returns the path written, or None if cancelled.
    A failure is shown as one sentence in the view's window status, never raised."""
    settings = QSettings()
    folder = str(settings.value(_LAST_FOLDER_KEY, str(Path.home())))
    name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in suggested_name) or "view"
    path, _ = QFileDialog.getSaveFileName(widget, "Save as PNG", str(Path(folder) / f"{name}.png"),
                                          "PNG images (*.png)")
    if not path:
        return None
    try:
        save_png(widget, path)
    except OSError as exc:
        widget.setToolTip(str(exc))
        return None
    settings.setValue(_LAST_FOLDER_KEY, str(Path(path).parent))
    return Path(path)


def add_png_menu(widget: QWidget, suggested_name: str) -> QAction:
    """Give `widget` a right-click menu with "Save as PNG…"; returns the action."""
    action = QAction(SAVE_TEXT, widget)
    action.setToolTip("Save this view as a PNG image")
    action.triggered.connect(lambda: ask_and_save_png(widget, widget.property("png_name")
                                                      or suggested_name))
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_menu(pos: QPoint) -> None:
        menu = QMenu(widget)
        menu.addAction(action)
        menu.exec(widget.mapToGlobal(pos))

    widget.customContextMenuRequested.connect(show_menu)
    widget.setProperty("png_name", suggested_name)
    return action
