"""The canvas scene and view alone, on an engine Graph: mirroring, analysis state and the
gesture signals (no Document here; tests/app covers the round trip)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from engine.analysis import analyse
from engine.graph import Edge, Graph, chain
from engine.templates import load_template
from tests.widgets.test_canvas_helpers import (
    card_point,
    click,
    drag,
    drop_layer,
    key,
    link_drag,
    make_view,
)
from widgets.canvas import CanvasScene
from widgets.canvas.constants import DARK, LIGHT, NODE_HEIGHT, NODE_WIDTH
from widgets.canvas.edge_item import EdgeItem
from widgets.canvas.node_item import NodeItem


def _conv_net() -> Graph:
    return chain([
        ("input", {"channels": 1, "height": 28, "width": 28}),
        ("conv2d", {"out_channels": 32, "kernel": 5, "padding": 0}),
        ("relu", {}),
        ("output", {"classes": 10}),
    ], spacing=120.0)


def _scene(qtbot, graph: Graph) -> CanvasScene:
    scene = CanvasScene()
    scene.set_graph(graph)
    scene.set_analysis(analyse(graph))
    return scene


def test_template_mirrors_every_node_and_edge(qtbot):
    graph = load_template("residual_small").graph
    scene = _scene(qtbot, graph)
    assert set(scene.node_items) == set(graph.nodes)
    assert set(scene.edge_items) == set(graph.edges)
    assert sum(isinstance(i, NodeItem) for i in scene.items()) == len(graph.nodes)
    assert sum(isinstance(i, EdgeItem) for i in scene.items()) == len(graph.edges)
    for nid, node in graph.nodes.items():
        assert scene.node_items[nid].pos() == QPointF(*node.position)  # position = centre
    # The skip link relu1 -> add1 would cross four nodes: it runs in a lane beside them.
    skip = next(e for e in graph.edges if e.source == "relu1" and e.target == "add1")
    assert scene.edge_items[skip].lane_x is not None
    assert scene.edge_items[skip].lane_x > NODE_WIDTH / 2
    short = next(e for e in graph.edges if e.source == "input1")
    assert scene.edge_items[short].lane_x is None


def test_ports_spread_on_top_edge_output_at_bottom_centre(qtbot):
    graph = Graph()
    graph.add_node("add", {"inputs": 3}, (100.0, 50.0))
    scene = _scene(qtbot, graph)
    item = scene.node_items["add1"]
    tops = [item.input_port_pos(i) for i in range(3)]
    assert all(p.y() == 50.0 - NODE_HEIGHT / 2 for p in tops)
    assert tops[0].x() < tops[1].x() == 100.0 < tops[2].x()
    assert item.output_port_pos() == QPointF(100.0, 50.0 + NODE_HEIGHT / 2)


def test_analysis_texts_labels_and_error_state(qtbot):
    graph = _conv_net()
    scene = _scene(qtbot, graph)
    conv = scene.node_items["conv1"]
    assert conv.title_text == "Conv2d  conv1"
    assert conv.params_text == "32 @ 5, s1, p0"
    assert conv.shape_text == "32x24x24"
    assert scene.edge_items[Edge("conv1", "relu1")].label == "32x24x24"

    graph.subscribe(scene.on_graph_change)
    graph.set_params("conv1", {"kernel": 31})  # larger than the 28x28 input
    assert conv.params_text == "32 @ 31, s1, p0"
    scene.set_analysis(analyse(graph))
    assert conv.error and "kernel" in conv.error
    assert conv.tooltip_text() == conv.error
    assert conv.shape_text == conv.error
    relu = scene.node_items["relu1"]
    assert relu.error is None and relu.shape_text == "?"  # blocked upstream, not its fault
    assert scene.edge_items[Edge("conv1", "relu1")].label == ""


def test_warning_mark_has_tooltip(qtbot):
    # A stride-2 window over 5 rows leaves the last row unused: a warning, not an error.
    graph = chain([("input", {"channels": 1, "height": 5, "width": 5}),
                   ("conv2d", {"out_channels": 4, "kernel": 2, "stride": 2, "padding": 0})])
    scene = _scene(qtbot, graph)
    conv = scene.node_items["conv1"]
    assert conv.warnings and conv.error is None
    assert conv.tooltip_text() == conv.warnings[0]
    assert "stride" in conv.tooltip_text()


def test_link_drag_emits_connect_and_hover_feedback(qtbot):
    graph = _conv_net()
    graph.disconnect(Edge("conv1", "relu1"))
    scene = _scene(qtbot, graph)
    view = make_view(qtbot, scene, centre=(0, 180))
    refused: list[tuple[str, str, int]] = []
    scene.connect_check = lambda s, t, p: refused.append((s, t, p)) or "nope: test refusal"
    conv, relu = scene.node_items["conv1"], scene.node_items["relu1"]
    with qtbot.waitSignal(scene.connectRequested) as blocker:
        link_drag(view, conv.output_port_pos(), card_point(scene, "relu1"))
    assert blocker.args == ["conv1", "relu1", 0]
    assert ("conv1", "relu1", 0) in refused
    assert "test refusal" in scene.message_text()  # the reason shows while hovering
    assert scene.mode is None
    assert not any(i.__class__.__name__ == "LinkPreviewItem" for i in scene.items())
    assert relu._highlight is None


def test_link_drag_to_empty_space_cancels(qtbot):
    scene = _scene(qtbot, _conv_net())
    view = make_view(qtbot, scene, centre=(0, 180))
    seen: list[object] = []
    scene.connectRequested.connect(lambda *a: seen.append(a))
    scene.edgesDeleteRequested.connect(lambda *a: seen.append(a))
    link_drag(view, scene.node_items["conv1"].output_port_pos(), QPointF(300, 200))
    assert seen == []


def test_move_drag_snaps_and_emits_once(qtbot):
    scene = _scene(qtbot, _conv_net())
    view = make_view(qtbot, scene, centre=(0, 180))
    scene.select_ids(["conv1", "relu1"])
    moves: list[dict] = []
    scene.nodesMoved.connect(moves.append)
    start = card_point(scene, "conv1")
    drag(view, [start, start + QPointF(20, 7), start + QPointF(43, 12)])
    assert len(moves) == 1
    assert moves[0] == {"conv1": ((0.0, 120.0), (40.0, 130.0)),
                        "relu1": ((0.0, 240.0), (40.0, 250.0))}
    # The edge followed its nodes.
    edge = scene.edge_items[Edge("input1", "conv1")]
    assert edge.endpoints()[1] == scene.node_items["conv1"].input_port_pos(0)


def test_click_selects_and_rubber_band(qtbot):
    scene = _scene(qtbot, _conv_net())
    view = make_view(qtbot, scene, centre=(0, 180))
    emitted: list[list[str]] = []
    scene.selectionIdsChanged.connect(emitted.append)
    click(view, card_point(scene, "relu1"))
    assert scene.selected_ids() == ["relu1"]
    click(view, card_point(scene, "conv1"), Qt.KeyboardModifier.ControlModifier)
    assert scene.selected_ids() == ["conv1", "relu1"]
    # Empty-space drag: a band touching conv1 and relu1 only.
    drag(view, [QPointF(-200, 110), QPointF(-100, 180), QPointF(-50, 250)])
    assert scene.selected_ids() == ["conv1", "relu1"]
    click(view, QPointF(-300, 0))
    assert scene.selected_ids() == []
    assert emitted[-1] == [] and ["relu1"] in emitted


def test_delete_keys_emit_nodes_and_edges(qtbot):
    scene = _scene(qtbot, _conv_net())
    view = make_view(qtbot, scene, centre=(0, 180))
    view.setFocus()
    scene.select_ids(["relu1"])
    with qtbot.waitSignal(scene.deleteRequested) as nodes:
        key(view, Qt.Key.Key_Delete)
    assert nodes.args == [["relu1"], []]
    edge = Edge("input1", "conv1")
    click(view, scene.edge_items[edge].endpoints()[0] + QPointF(0, 25))  # on the link
    assert scene.selected_edges() == [edge]
    with qtbot.waitSignal(scene.deleteRequested) as edges:
        key(view, Qt.Key.Key_Backspace)
    assert edges.args == [[], [edge]]


def test_palette_drop_emits_snapped_scene_position(qtbot):
    graph = _conv_net()
    scene = _scene(qtbot, graph)
    view = make_view(qtbot, scene)
    with qtbot.waitSignal(scene.nodeDropped) as blocker:
        drop_layer(view, "maxpool2d", QPointF(203, -148))
    type_id, pos = blocker.args
    assert type_id == "maxpool2d" and pos == QPointF(200, -150)
    assert scene.palette_drop.ghost is None  # the preview card is gone
    assert set(scene.node_items) == set(graph.nodes)  # the scene never adds nodes itself


def test_view_zoom_is_clamped_and_fit_all_shows_everything(qtbot):
    scene = _scene(qtbot, load_template("vgg_small").graph)
    view = make_view(qtbot, scene)
    for _ in range(30):
        view.zoom_in()
    assert view.zoom() == 4.0
    for _ in range(40):
        view.zoom_out()
    assert view.zoom() == 0.1
    # 28 layers in one column do not fit 700 px at a zoom where cards keep their shape
    # line (#12 item 9): fit stops there and shows the top, where the data enters.
    from widgets.canvas.view import FIT_MIN_ZOOM

    view.fit_all()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert view.zoom() == FIT_MIN_ZOOM
    assert visible.contains(scene.node_items["input1"].sceneBoundingRect())
    view.resize(900, 1000)  # tall enough: then fit shows everything
    view.fit_all()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for item in scene.node_items.values():
        assert visible.contains(item.sceneBoundingRect())
    view.reset_zoom()
    assert view.zoom() == 1.0


def test_dark_theme_swaps_colours(qtbot):
    scene = _scene(qtbot, _conv_net())
    view = make_view(qtbot, scene)
    scene.set_dark(True)
    assert scene.colours is DARK and scene.node_items["conv1"]._colours is DARK
    image = view.grab().toImage()
    assert image.pixelColor(2, 2).lightness() < 80
    scene.set_dark(False)
    assert scene.colours is LIGHT
