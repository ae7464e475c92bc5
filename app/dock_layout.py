"""The main window's first-start layout: its size, which panels share tabs, their sizes.

Used only when no saved layout can be restored; after that the user's own arrangement
(remembered through each dock's objectName) wins.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow

DEFAULT_SIZE = (1400, 900)
DEFAULT_DOCK_WIDTHS = (250, 390)  # palette, inspector: the inspector's formulas need room
# The bottom tabs' share of the window height; the canvas keeps the rest.
BOTTOM_SHARE = 1 / 3
MIN_BOTTOM_HEIGHT = 240


def tab_default_layout(window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
    """Every right-hand panel a tab beside the inspector and every bottom panel a tab
    beside the training panel (both stay in front), so the canvas keeps its size and the
    window its width whatever panels the features add."""
    for front_key, area in (("inspector", Qt.DockWidgetArea.RightDockWidgetArea),
                            ("training", Qt.DockWidgetArea.BottomDockWidgetArea)):
        front = docks.get(front_key)
        if front is None or window.dockWidgetArea(front) != area:
            continue
        tabbed = set(window.tabifiedDockWidgets(front))
        for dock in docks.values():
            # A panel hidden until asked for (Diagnose) joins the tabs when it is shown.
            if (dock is not front and dock not in tabbed and not dock.isFloating()
                    and not dock.isHidden() and window.dockWidgetArea(dock) == area):
                window.tabifyDockWidget(front, dock)
        front.raise_()


def apply_default_sizes(window: QMainWindow, docks: dict[str, QDockWidget]) -> None:
    """Side columns at their default widths, the bottom tabs at about a third of the height."""
    window.resizeDocks([docks["palette"], docks["inspector"]], list(DEFAULT_DOCK_WIDTHS),
                       Qt.Orientation.Horizontal)
    bottom = docks.get("training")
    if bottom is not None and not bottom.isFloating():
        height = max(MIN_BOTTOM_HEIGHT, int(window.height() * BOTTOM_SHARE))
        window.resizeDocks([bottom], [height], Qt.Orientation.Vertical)


def default_geometry(window: QMainWindow) -> None:
    """First start: a comfortable size that still fits a small laptop screen, centred."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(*DEFAULT_SIZE)
        return
    avail = screen.availableGeometry()
    window.resize(min(DEFAULT_SIZE[0], int(avail.width() * 0.92)),
                  min(DEFAULT_SIZE[1], int(avail.height() * 0.92)))
    frame = window.frameGeometry()
    frame.moveCenter(avail.center())
    window.move(frame.topLeft())
