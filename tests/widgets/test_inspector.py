from __future__ import annotations

import pytest

from engine.analysis import analyse
from engine.graph import Graph, chain
from engine.layers import all_specs
from engine.layers.spec import PADDING, PAIR
from widgets.inspector import Inspector
from widgets.param_editors import (
    BoolEditor,
    ChoiceEditor,
    FloatEditor,
    IntEditor,
    PaddingEditor,
    PairEditor,
)

EDITOR_FOR_KIND = {"int": IntEditor, "float": FloatEditor, "bool": BoolEditor,
                   "choice": ChoiceEditor, "pair": PairEditor, "padding": PaddingEditor}


def _inspector(qtbot) -> Inspector:
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.resize(340, 900)
    inspector.show()
    return inspector


def _conv_graph(**conv) -> Graph:
    params = {"out_channels": 8, "kernel": 5, "padding": 0}
    params.update(conv)
    return chain([("input", {}), ("conv2d", params)])


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.type_id)
def test_editors_generated_for_every_layer_type(qtbot, spec):
    graph = Graph()
    node = graph.add_node(spec.type_id)
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), node.id)
    assert inspector.node_id() == node.id
    for param in spec.params:
        editor = inspector.editor(param.name)
        assert isinstance(editor, EDITOR_FOR_KIND[param.kind])
        assert editor.value() == node.params[param.name]
        assert editor.toolTip() == param.help


def test_editing_conv_kernel_emits_param_edited(qtbot):
    graph = _conv_graph()
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "conv1")
    kernel = inspector.editor("kernel")
    assert kernel.linked
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        kernel.h_spin.setValue(3)
    assert blocker.args == ["conv1", "kernel", (3, 3)]
    kernel.set_linked(False)
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        kernel.w_spin.setValue(1)
    assert blocker.args == ["conv1", "kernel", (3, 1)]


def test_padding_editor_modes(qtbot):
    graph = _conv_graph()
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "conv1")
    padding = inspector.editor("padding")
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        padding.mode_combo.setCurrentText("same")
    assert blocker.args[2] == "same"
    assert padding.pair.isHidden()
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        padding.mode_combo.setCurrentText("number")
    assert blocker.args[2] == (0, 0)
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        padding.pair.h_spin.setValue(2)
    assert blocker.args[2] == (2, 2)


def test_other_kinds_emit_their_stored_form(qtbot):
    graph = chain([("input", {}), ("flatten", {}), ("linear", {}), ("dropout", {})])
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "fc1")
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        inspector.editor("bias").check.setChecked(False)
    assert blocker.args == ["fc1", "bias", False]
    inspector.show_node(graph, analyse(graph), "drop1")
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        inspector.editor("p").spin.setValue(0.25)
    assert blocker.args == ["drop1", "p", 0.25]
    inspector.show_node(graph, analyse(graph), "input1")
    with qtbot.waitSignal(inspector.paramEdited) as blocker:
        inspector.editor("layout").combo.setCurrentText("vector")
    assert blocker.args == ["input1", "layout", "vector"]


def test_show_param_error_and_clear_on_next_update(qtbot):
    graph = _conv_graph()
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "conv1")
    inspector.show_param_error("groups", "Conv2d 'conv1': Groups must be at least 1, not 0.")
    assert "Groups must be at least 1" in inspector.param_error_text("groups")
    assert inspector.param_error_text("kernel") == ""
    graph.set_params("conv1", {"out_channels": 4})
    inspector.update_analysis(graph, analyse(graph))
    assert inspector.param_error_text("groups") == ""


def test_update_analysis_refreshes_text_but_keeps_editors(qtbot):
    graph = _conv_graph()
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "conv1")
    editor = inspector.editor("kernel")
    assert "floor((28 + 2*0 - 1*4 - 1)/1) + 1 = 24" in inspector.arithmetic_text()
    assert inspector.output_text().endswith("8x24x24")
    # An external change (undo, another view) shows up without a signal back.
    graph.set_params("conv1", {"kernel": 3, "padding": 1})
    with qtbot.assertNotEmitted(inspector.paramEdited):
        inspector.update_analysis(graph, analyse(graph))
    assert inspector.editor("kernel") is editor
    assert editor.value() == (3, 3)
    assert inspector.editor("padding").value() == (1, 1)
    assert "floor((28 + 2*1 - 1*2 - 1)/1) + 1 = 28" in inspector.arithmetic_text()
    assert "W: 8 x 1 x 3 x 3, b: 8 -> 80 parameters" in inspector.arithmetic_text()


def test_node_error_and_warning_boxes(qtbot):
    graph = _conv_graph(kernel=40)
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "conv1")
    messages = inspector.messages()
    assert [kind for kind, _ in messages] == ["error"]
    assert "larger than its padded input" in messages[0][1]
    assert "error" in inspector.output_text()
    graph.set_params("conv1", {"kernel": 3, "stride": 2})
    inspector.update_analysis(graph, analyse(graph))
    messages = inspector.messages()
    assert [kind for kind, _ in messages] == ["warning"]
    assert "never used" in messages[0][1]


def test_fix_button_emits_fix_requested(qtbot):
    graph = _conv_graph()
    analysis = analyse(graph, (3, 32, 32), 10)
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analysis, None)
    buttons = inspector.fix_buttons()
    assert [b.text() for b in buttons] == ["Set Input 'input1' to 3x32x32"]
    with qtbot.waitSignal(inspector.fixRequested) as blocker:
        buttons[0].click()
    assert blocker.args == [analysis.fixes[0]]
    # The node page offers the fixes that change that node.
    inspector.show_node(graph, analysis, "input1")
    assert [b.fix for b in inspector.fix_buttons()] == [analysis.fixes[0]]
    inspector.show_node(graph, analysis, "conv1")
    assert inspector.fix_buttons() == []


def test_overview_when_nothing_selected(qtbot):
    graph = _conv_graph()
    analysis = analyse(graph)
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analysis, None)
    text = inspector.overview_text()
    assert f"{analysis.total_params:,}" in text
    assert "2 layers" in text
    assert "KiB" in text


def test_deleted_node_falls_back_to_overview(qtbot):
    graph = _conv_graph()
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "conv1")
    graph.remove_node("conv1")
    inspector.update_analysis(graph, analyse(graph))
    assert inspector.node_id() is None


def test_pair_kinds_covered():
    kinds = {p.kind for s in all_specs() for p in s.params}
    assert {PAIR, PADDING} <= kinds
    assert kinds <= set(EDITOR_FOR_KIND)


def test_reselecting_the_shown_node_keeps_its_editors(qtbot):
    graph = _conv_graph()
    inspector = _inspector(qtbot)
    inspector.show_node(graph, analyse(graph), "conv1")
    editor = inspector.editor("kernel")
    inspector.show_node(graph, analyse(graph), "conv1")
    assert inspector.editor("kernel") is editor
    inspector.show_node(graph, analyse(graph), "input1")
    assert inspector.node_id() == "input1"
    assert inspector.editor("layout") is not None


def test_input_shows_only_the_fields_of_its_layout(qtbot):
    inspector = _inspector(qtbot)
    g = chain([("input", {}), ("flatten", {}), ("linear", {}), ("output", {})])
    inspector.show()
    inspector.show_node(g, analyse(g), "input1")
    assert inspector.editor("channels").isVisible()
    assert not inspector.editor("features").isVisible()
    g.set_params("input1", {"layout": "vector"})
    inspector.update_analysis(g, analyse(g))
    assert not inspector.editor("channels").isVisible()
    assert inspector.editor("features").isVisible()
