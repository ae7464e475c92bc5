"""The canvas bound to a real Document: gestures become undoable edits, and the scene
follows every change (including undo/redo) through the document's notifications."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from app.bindings.canvas import bind_canvas
from app.document import Document
from engine.graph import Edge
from engine.project import Project
from engine.templates import load_template
from tests.widgets.test_canvas_helpers import (
    card_point,
    drag,
    drop_layer,
    key,
    link_drag,
    make_view,
)
from widgets.canvas import CanvasScene


def _bound(qtbot, project: Project | None = None, centre=(0.0, 180.0)):
    doc = Document()
    if project is not None:
        doc.replace_project(project, None)
    scene = CanvasScene()
    binding = bind_canvas(doc, scene)
    view = make_view(qtbot, scene, centre)
    return doc, scene, view, binding


def _conv_doc(qtbot):
    doc, scene, view, binding = _bound(qtbot)
    doc.add_node("input", (0, 0), {"channels": 1, "height": 28, "width": 28})
    doc.add_node("conv2d", (0, 120), {"out_channels": 32, "kernel": 5, "padding": 0},
                 connect_from="input1")
    doc.add_node("relu", (0, 240), connect_from="conv1")
    return doc, scene, view, binding


def test_bind_mirrors_current_graph_and_sets_check(qtbot):
    doc, scene, _view, binding = _bound(qtbot, load_template("residual_small"))
    assert set(scene.node_items) == set(doc.graph.nodes)
    assert set(scene.edge_items) == set(doc.graph.edges)
    assert scene.connect_check == binding.check_connect
    assert scene.node_items["add1"].shape_text == "16x32x32"
    # Open another project: the scene is rebuilt for it.
    doc.replace_project(load_template("mlp"), None)
    assert set(scene.node_items) == set(doc.graph.nodes)
    assert scene.node_items["fc1"].shape_text == "256"


def test_palette_drop_adds_node_through_undo_stack(qtbot):
    doc, scene, view, _b = _bound(qtbot)
    drop_layer(view, "conv2d", QPointF(101, 49))
    assert list(doc.graph.nodes) == ["conv1"]
    assert doc.graph.nodes["conv1"].position == (100.0, 50.0)
    assert scene.node_items["conv1"].pos() == QPointF(100, 50)
    assert scene.selected_ids() == ["conv1"]
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.graph.nodes == {} and scene.node_items == {}


def test_link_drag_connects_and_undo_disconnects(qtbot):
    doc, scene, view, _b = _conv_doc(qtbot)
    doc.add_node("maxpool2d", (250, 240))
    start = scene.node_items["conv1"].output_port_pos()
    link_drag(view, start, card_point(scene, "pool1", dx=0))
    edge = Edge("conv1", "pool1", 0)
    assert edge in doc.graph.edges and edge in scene.edge_items
    assert scene.node_items["pool1"].shape_text == "32x12x12"
    doc.undo_stack.undo()
    assert edge not in doc.graph.edges and edge not in scene.edge_items


def test_port_in_use_is_refused_with_a_message(qtbot):
    doc, scene, view, _b = _conv_doc(qtbot)
    doc.add_node("maxpool2d", (250, 0))
    count, edges = doc.undo_stack.count(), list(doc.graph.edges)
    link_drag(view, scene.node_items["pool1"].output_port_pos(), card_point(scene, "relu1", dx=0))
    assert doc.graph.edges == edges and doc.undo_stack.count() == count
    assert "already takes its input from 'conv1'" in scene.message_text()


def test_loop_message_when_dragging_backwards(qtbot):
    doc, scene, view, _b = _bound(qtbot)
    doc.add_node("input", (0, 0))
    doc.add_node("add", (0, 120), connect_from="input1")
    doc.add_node("relu", (0, 240), connect_from="add1")
    count, edges = doc.undo_stack.count(), list(doc.graph.edges)
    # relu1's output back into add1's free second input would make a loop.
    link_drag(view, scene.node_items["relu1"].output_port_pos(),
              scene.node_items["add1"].input_port_pos(1))
    assert doc.graph.edges == edges and doc.undo_stack.count() == count
    assert len(scene.edge_items) == len(edges)
    assert "loop" in scene.message_item.text() and scene.message_item.isVisible()


def test_param_change_updates_shape_text(qtbot):
    doc, scene, _view, _b = _conv_doc(qtbot)
    conv = scene.node_items["conv1"]
    assert conv.shape_text == "32x24x24"
    doc.set_params("conv1", {"kernel": 3})
    assert conv.shape_text == "32x26x26"
    assert conv.params_text == "32 @ 3, s1, p0"
    assert scene.edge_items[Edge("conv1", "relu1")].label == "32x26x26"
    assert scene.node_items["relu1"].shape_text == "32x26x26"


def test_move_undo_redo_restores_positions(qtbot):
    doc, scene, view, _b = _conv_doc(qtbot)
    scene.select_ids(["conv1", "relu1"])
    start = card_point(scene, "conv1")
    drag(view, [start, start + QPointF(30, 10), start + QPointF(60, 20)])
    assert doc.graph.nodes["conv1"].position == (60.0, 140.0)
    assert doc.graph.nodes["relu1"].position == (60.0, 260.0)
    assert doc.undo_stack.count() == 4  # three adds + one move for the whole drag
    doc.undo_stack.undo()
    assert scene.node_items["conv1"].pos() == QPointF(0, 120)
    assert scene.node_items["relu1"].pos() == QPointF(0, 240)
    edge = scene.edge_items[Edge("conv1", "relu1")]
    assert edge.endpoints()[0] == QPointF(0, 120 + 32)  # the link followed back
    doc.undo_stack.redo()
    assert scene.node_items["conv1"].pos() == QPointF(60, 140)


def test_delete_node_then_undo_restores_node_and_edges(qtbot):
    doc, scene, view, _b = _conv_doc(qtbot)
    view.setFocus()
    scene.select_ids(["conv1"])
    key(view, Qt.Key.Key_Delete)
    assert "conv1" not in doc.graph.nodes and "conv1" not in scene.node_items
    assert scene.edge_items == {}
    assert scene.node_items["relu1"].error  # its input is now missing
    doc.undo_stack.undo()
    assert "conv1" in scene.node_items
    assert set(scene.edge_items) == {Edge("input1", "conv1"), Edge("conv1", "relu1")}
    assert scene.node_items["relu1"].shape_text == "32x24x24"


def test_delete_selected_edge(qtbot):
    doc, scene, view, _b = _conv_doc(qtbot)
    view.setFocus()
    edge = Edge("conv1", "relu1")
    drag(view, [scene.edge_items[edge].endpoints()[0] + QPointF(0, 28)])
    assert scene.selected_edges() == [edge]
    key(view, Qt.Key.Key_Delete)
    assert edge not in doc.graph.edges and edge not in scene.edge_items
    doc.undo_stack.undo()
    assert edge in scene.edge_items


def test_error_node_state_and_tooltip(qtbot):
    doc, scene, _view, _b = _conv_doc(qtbot)
    doc.set_params("conv1", {"kernel": 31})
    conv = scene.node_items["conv1"]
    assert conv.error and "larger than" in conv.error
    assert conv.tooltip_text() == conv.error
    assert scene.node_items["relu1"].shape_text == "?"


def test_dragging_a_connected_input_moves_the_link(qtbot):
    doc, scene, view, _b = _conv_doc(qtbot)
    doc.add_node("maxpool2d", (250, 240))
    count = doc.undo_stack.count()
    link_drag(view, scene.node_items["relu1"].input_port_pos(0), card_point(scene, "pool1", dx=0))
    assert Edge("conv1", "relu1") not in doc.graph.edges
    assert Edge("conv1", "pool1") in doc.graph.edges
    assert doc.undo_stack.count() == count + 1  # one step
    doc.undo_stack.undo()
    assert Edge("conv1", "relu1") in scene.edge_items and Edge("conv1", "pool1") not in scene.edge_items
    # Dropped on empty canvas, the picked-up link is removed.
    link_drag(view, scene.node_items["relu1"].input_port_pos(0), QPointF(-300, 300))
    assert Edge("conv1", "relu1") not in doc.graph.edges


def test_deleting_nodes_and_links_together_is_one_undo_step(qtbot):
    doc, scene, view, _b = _conv_doc(qtbot)
    view.setFocus()
    before = (set(doc.graph.nodes), set(doc.graph.edges))
    edge = Edge("input1", "conv1")
    scene.edge_items[edge].setSelected(True)
    scene.node_items["relu1"].setSelected(True)
    count = doc.undo_stack.count()
    key(view, Qt.Key.Key_Delete)
    assert doc.undo_stack.count() == count + 1
    assert "relu1" not in doc.graph.nodes and edge not in doc.graph.edges
    doc.undo_stack.undo()
    assert (set(doc.graph.nodes), set(doc.graph.edges)) == before
