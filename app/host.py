"""The one interface through which feature panels (data, training, inspection, diagnosis,
export, lessons) are installed into the main window.

Panels take a `WindowHost`, never the concrete MainWindow, and never probe it with
getattr/hasattr: what a panel may do to the window is exactly what this Protocol lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QWidget

if TYPE_CHECKING:
    from app.document import Document
    from widgets.canvas.scene import CanvasScene
    from widgets.canvas.view import CanvasView


class WindowHost(Protocol):
    """What the main window offers to the panels composed into it."""

    doc: Document
    scene: CanvasScene
    view: CanvasView
    # Every QAction by key ("save", "train", ...) and every menu by key ("file", "view",
    # "network", "train", "help", "panels", ...); panels add their own under new keys.
    actions: dict[str, QAction]
    menus: dict[str, QMenu]
    docks: dict[str, QDockWidget]

    def add_dock(self, key: str, title: str, widget: QWidget,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea) -> QDockWidget:
        """A movable panel listed in View ▸ Panels, its place remembered between runs."""
        ...

    def add_tab_beside(self, key: str, title: str, widget: QWidget,
                       beside: str = "inspector") -> QDockWidget:
        """A panel added as a tab beside the dock `beside` (the inspector by default)."""
        ...

    def show_message(self, text: str) -> None:
        """A status-bar message for the user."""
        ...
