"""The canvas view's own gestures: wheel zoom around the cursor, panning, zoom keys."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from engine.analysis import analyse
from engine.templates import load_template
from tests.widgets.test_canvas_helpers import LEFT, NO_BUTTON, key, make_view, mouse
from widgets.canvas import CanvasScene


def _view(qtbot):
    graph = load_template("lenet5").graph
    scene = CanvasScene()
    scene.set_graph(graph)
    scene.set_analysis(analyse(graph))
    return scene, make_view(qtbot, scene, centre=(0, 300))


def _wheel(view, local: QPointF, notches: float) -> None:
    event = QWheelEvent(local, QPointF(view.viewport().mapToGlobal(local.toPoint())), QPoint(0, 0),
                        QPoint(0, round(120 * notches)), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)


def test_wheel_zooms_around_the_cursor(qtbot):
    _scene, view = _view(qtbot)
    cursor = QPointF(200, 150)
    under = view.mapToScene(cursor.toPoint())
    _wheel(view, cursor, 2)
    assert view.zoom() > 1.4
    after = view.mapToScene(cursor.toPoint())
    assert abs(after.x() - under.x()) < 2 and abs(after.y() - under.y()) < 2
    _wheel(view, cursor, -40)
    assert view.zoom() == 0.1


def test_middle_drag_and_space_drag_pan(qtbot):
    scene, view = _view(qtbot)
    centre = view.mapToScene(view.viewport().rect().center())
    mid = Qt.MouseButton.MiddleButton
    start = view.mapToScene(QPoint(400, 300))
    mouse(view, QEvent.Type.MouseButtonPress, start, button=mid, buttons=mid)
    mouse(view, QEvent.Type.MouseMove, view.mapToScene(QPoint(350, 240)), button=NO_BUTTON, buttons=mid)
    mouse(view, QEvent.Type.MouseButtonRelease, view.mapToScene(QPoint(350, 240)), button=mid,
          buttons=NO_BUTTON)
    moved = view.mapToScene(view.viewport().rect().center()) - centre
    assert abs(moved.x() - 50) <= 1 and abs(moved.y() - 60) <= 1

    # Space + left drag pans too, and does not start a rubber band selection.
    view.setFocus()
    key(view, Qt.Key.Key_Space)
    before = view.mapToScene(view.viewport().rect().center())
    mouse(view, QEvent.Type.MouseButtonPress, view.mapToScene(QPoint(100, 100)))
    mouse(view, QEvent.Type.MouseMove, view.mapToScene(QPoint(160, 100)), button=NO_BUTTON, buttons=LEFT)
    mouse(view, QEvent.Type.MouseButtonRelease, view.mapToScene(QPoint(160, 100)), buttons=NO_BUTTON)
    QApplication.sendEvent(view, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_Space,
                                           Qt.KeyboardModifier.NoModifier))
    after = view.mapToScene(view.viewport().rect().center())
    assert abs((before - after).x() - 60) <= 1
    assert scene.mode is None and scene.selected_ids() == []


def test_zoom_keys(qtbot):
    scene, view = _view(qtbot)
    view.setFocus()
    ctrl = Qt.KeyboardModifier.ControlModifier
    key(view, Qt.Key.Key_0, ctrl)
    assert view.zoom() < 1.0  # lenet5 is taller than the view
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert all(visible.contains(i.sceneBoundingRect()) for i in scene.node_items.values())
    key(view, Qt.Key.Key_1, ctrl)
    assert view.zoom() == 1.0
    key(view, Qt.Key.Key_Plus, ctrl)
    assert view.zoom() == 1.25
    key(view, Qt.Key.Key_Minus, ctrl)
    assert view.zoom() == 1.0


def test_opening_view_keeps_cards_readable(qtbot):
    from widgets.canvas.view import READABLE_ZOOM

    scene, view = _view(qtbot)  # lenet5: 14 nodes, taller than the test viewport
    view.show_network()
    assert view.zoom() >= READABLE_ZOOM
    top = scene.node_items["input1"].sceneBoundingRect()
    assert view.mapToScene(view.viewport().rect()).boundingRect().contains(top)
