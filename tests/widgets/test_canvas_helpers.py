"""Helpers (no tests here) that drive the real canvas widgets with synthesised events.

Under the offscreen platform QDrag.exec() returns at once and qtbot.mouseMove carries no
button, so drags are sent as explicit QMouseEvent / QDrag*Event objects to the viewport.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from widgets.canvas import CanvasScene, CanvasView
from widgets.mime import LAYER_MIME

LEFT = Qt.MouseButton.LeftButton
NO_BUTTON = Qt.MouseButton.NoButton
NO_MODS = Qt.KeyboardModifier.NoModifier


def make_view(qtbot, scene: CanvasScene, centre: tuple[float, float] = (0.0, 0.0)) -> CanvasView:
    view = CanvasView(scene)
    view.resize(900, 700)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.reset_zoom()
    view.centerOn(*centre)
    return view


def mouse(view: CanvasView, kind: QEvent.Type, scene_pos: QPointF, button=LEFT, buttons=LEFT,
          modifiers=NO_MODS) -> None:
    local = QPointF(view.mapFromScene(scene_pos))
    glob = QPointF(view.viewport().mapToGlobal(local.toPoint()))
    QApplication.sendEvent(view.viewport(), QMouseEvent(kind, local, glob, button, buttons, modifiers))


def drag(view: CanvasView, points: list[QPointF], modifiers=NO_MODS) -> None:
    """Press at the first point, move through the others with the left button held, release
    at the last one."""
    mouse(view, QEvent.Type.MouseButtonPress, points[0], modifiers=modifiers)
    for p in points[1:]:
        mouse(view, QEvent.Type.MouseMove, p, button=NO_BUTTON, buttons=LEFT, modifiers=modifiers)
    mouse(view, QEvent.Type.MouseButtonRelease, points[-1], buttons=NO_BUTTON, modifiers=modifiers)


def click(view: CanvasView, scene_pos: QPointF, modifiers=NO_MODS) -> None:
    drag(view, [scene_pos], modifiers)


def link_drag(view: CanvasView, start: QPointF, end: QPointF) -> None:
    """A link drag in a few steps, so hover feedback sees the target before the release."""
    mid = (start + end) / 2
    drag(view, [start, mid, end - QPointF(0, 5), end])


def drop_layer(view: CanvasView, type_id: str, scene_pos: QPointF) -> None:
    """A palette drag entering, moving over and dropping on the view."""
    mime = QMimeData()  # must outlive the events that point at it
    mime.setData(LAYER_MIME, QByteArray(type_id.encode()))
    pos = QPointF(view.mapFromScene(scene_pos))
    copy = Qt.DropAction.CopyAction
    viewport = view.viewport()
    enter = QDragEnterEvent(pos.toPoint(), copy, mime, LEFT, NO_MODS)  # QPoint on PySide6 6.11
    QApplication.sendEvent(viewport, enter)
    move = QDragMoveEvent(pos.toPoint(), copy, mime, LEFT, NO_MODS)
    QApplication.sendEvent(viewport, move)
    assert move.isAccepted(), "the canvas must accept in dragMoveEvent or the drop never comes"
    drop = QDropEvent(pos, copy, mime, LEFT, NO_MODS)
    QApplication.sendEvent(viewport, drop)
    del mime


def key(view: CanvasView, which: Qt.Key, modifiers=NO_MODS) -> None:
    QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyPress, which, modifiers))


def press_key_on_scene(scene: CanvasScene, which: Qt.Key, modifiers=NO_MODS) -> None:
    scene.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, which, modifiers))


def card_point(scene: CanvasScene, node_id: str, dx: float = 30.0, dy: float = 0.0) -> QPointF:
    """A point on a node's body, away from its ports."""
    return scene.node_items[node_id].pos() + QPointF(dx, dy)
