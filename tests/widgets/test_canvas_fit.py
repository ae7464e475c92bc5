"""Fit and zoom keep the network readable (#12 item 9)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from engine.templates import load_template
from tests.widgets.test_canvas_helpers import make_view
from widgets.canvas.constants import BIG_SHAPE_MIN_LOD
from widgets.canvas.scene import CanvasScene
from widgets.canvas.view import FIT_MIN_ZOOM


def scene_for(qtbot, key: str) -> CanvasScene:  # noqa: ANN001
    graph = load_template(key).graph
    scene = CanvasScene()
    scene.set_graph(graph)
    from engine.analysis import analyse

    scene.set_analysis(analyse(graph))
    return scene


def ink(view, item) -> int:  # noqa: ANN001
    """Dark text pixels inside a card as rendered by the view (its title, its shape)."""
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    view.render(painter, source=view.viewport().rect())
    painter.end()
    rect = view.mapFromScene(item.sceneBoundingRect()).boundingRect().adjusted(12, 3, -3, -3)
    count = 0
    for y in range(max(rect.top(), 0), min(rect.bottom(), image.height())):
        for x in range(max(rect.left(), 0), min(rect.right(), image.width())):
            if QColor(image.pixel(x, y)).lightness() < 110:
                count += 1
    return count


def test_fit_never_goes_below_the_zoom_that_keeps_shapes():
    assert FIT_MIN_ZOOM >= BIG_SHAPE_MIN_LOD


def test_the_adaptive_pool_card_is_not_blank_at_fit(qtbot):  # noqa: ANN001
    scene = scene_for(qtbot, "residual_small")
    view = make_view(qtbot, scene)
    view.fit_all()
    assert view.zoom() < 0.6  # cards are in their zoomed-out form
    gap = scene.node_items["gap1"]
    relu = scene.node_items["relu5"]
    assert ink(view, gap) > 0.5 * ink(view, relu) > 0


def test_actual_size_keeps_the_selection_in_view(qtbot):  # noqa: ANN001
    scene = scene_for(qtbot, "vgg_small")
    view = make_view(qtbot, scene)
    view.fit_all()
    last = list(scene.node_items)[-2]
    scene.select_ids([last])
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() == 1.0
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(scene.node_items[last].sceneBoundingRect())
