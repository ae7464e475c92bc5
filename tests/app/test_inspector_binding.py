from __future__ import annotations

import pytest

from app.bindings.inspector import bind_inspector
from app.document import Document
from engine.templates import load_template
from widgets.inspector import Inspector


@pytest.fixture
def bound(qtbot):
    doc = Document()
    doc.replace_project(load_template("fashion_two_conv"), None)
    inspector = Inspector()
    qtbot.addWidget(inspector)
    binding = bind_inspector(doc, inspector)
    return doc, inspector, binding


def test_kernel_edit_goes_through_the_document_and_undoes(bound):
    doc, inspector, binding = bound
    binding.select("conv1")
    assert binding.selected() == "conv1"
    kernel = inspector.editor("kernel")
    kernel.h_spin.setValue(3)
    assert doc.graph.nodes["conv1"].params["kernel"] == (3, 3)
    text = inspector.arithmetic_text()
    assert "P = D(K-1)/2 = 1" in text
    assert "floor((28 + 2*1 - 1*2 - 1)/1) + 1 = 28" in text
    assert "W: 32 x 1 x 3 x 3, b: 32 -> 320 parameters" in text
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.graph.nodes["conv1"].params["kernel"] == (5, 5)
    assert inspector.editor("kernel") is kernel
    assert kernel.value() == (5, 5)
    assert "floor((28 + 2*2 - 1*4 - 1)/1) + 1 = 28" in inspector.arithmetic_text()


def test_typing_a_number_is_one_undo_step(bound, qtbot):
    doc, inspector, binding = bound
    binding.select("conv1")
    spin = inspector.editor("out_channels").spin
    spin.selectAll()
    qtbot.keyClicks(spin, "128")
    assert doc.graph.nodes["conv1"].params["out_channels"] == 128
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert spin.value() == 32


def test_linear_classifier_shows_weight_shapes(qtbot):
    doc = Document()
    doc.replace_project(load_template("linear_classifier"), None)
    inspector = Inspector()
    qtbot.addWidget(inspector)
    binding = bind_inspector(doc, inspector)
    binding.select("fc1")
    assert "W: 10 x 3072, b: 10 -> 30,730 parameters" in inspector.arithmetic_text()


def test_refused_edit_shows_the_reason_until_the_next_accepted_edit(bound):
    doc, inspector, binding = bound
    binding.select("conv1")
    inspector.paramEdited.emit("conv1", "kernel", (0, 0))
    assert "at least 1" in inspector.param_error_text("kernel")
    assert doc.graph.nodes["conv1"].params["kernel"] == (5, 5)
    inspector.editor("out_channels").spin.setValue(16)
    assert inspector.param_error_text("kernel") == ""


def test_fix_button_applies_the_fix(bound):
    doc, inspector, binding = bound
    doc.set_data_info((3, 32, 32), 10)
    binding.select(None)
    [button] = inspector.fix_buttons()
    button.click()
    params = doc.graph.nodes["input1"].params
    assert (params["channels"], params["height"], params["width"]) == (3, 32, 32)
    assert doc.analysis.valid
    assert inspector.fix_buttons() == []


def test_project_replaced_and_deleted_node_show_the_overview(bound):
    doc, inspector, binding = bound
    binding.select("fc1")
    doc.replace_project(load_template("mlp"), None)
    assert inspector.node_id() is None
    binding.select("fc1")
    doc.remove_nodes(["fc1"])
    assert inspector.node_id() is None
    doc.undo_stack.undo()
    binding.select("fc1")
    assert inspector.node_id() == "fc1"
