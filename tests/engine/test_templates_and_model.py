from __future__ import annotations

import pytest
import torch

from engine.analysis import analyse
from engine.graph import chain
from engine.model import BuildError, build_model, count_parameters, output_shapes
from engine.templates import ORDER, list_templates, load_template

EXPECTED_PARAMS = {"linear_classifier": 30_730, "fashion_two_conv": 3_274_634}
# The vanishing-gradient lab's Sigmoid stack is meant to draw the analysis' warning.
INTENDED_WARNING = {"deep_mlp_sigmoid": "vanishing gradient"}


@pytest.mark.parametrize("key", ORDER)
def test_template_analyses_and_builds_exactly(key: str) -> None:
    project = load_template(key)
    a = analyse(project.graph)
    assert a.valid, a.errors
    if key in INTENDED_WARNING:
        assert len(a.warnings) == 1 and INTENDED_WARNING[key] in a.warnings[0], a.warnings
    else:
        assert not a.warnings, a.warnings
    if key in EXPECTED_PARAMS:
        assert a.total_params == EXPECTED_PARAMS[key]
    model = build_model(project.graph, a)
    assert count_parameters(model) == a.total_params
    shapes = output_shapes(model, a.input_shape)
    for nid, shape in shapes.items():
        assert shape == a.nodes[nid].output_shape, nid
    x = torch.randn(2, *a.input_shape)
    assert model.eval()(x).shape == (2, a.nodes[a.output_id].output_shape[0])


def test_gallery_lists_every_template_with_a_sentence() -> None:
    infos = list_templates()
    assert [t.key for t in infos] == list(ORDER)
    assert all(t.description.endswith(".") and t.name for t in infos)


def test_linear_classifier_is_the_tutorials() -> None:
    g = load_template("linear_classifier").graph
    a = analyse(g)
    assert a.input_shape == (3, 32, 32)
    assert a.nodes["flatten1"].output_shape == (3072,)
    assert a.nodes["fc1"].params == 3072 * 10 + 10


def test_model_submodules_named_by_node_id() -> None:
    model = build_model(load_template("residual_small").graph)
    assert isinstance(model.get_submodule("conv1"), torch.nn.Conv2d)
    assert "add1" in model.code


def test_build_refuses_graph_with_errors() -> None:
    g = chain([("input", {"height": 4, "width": 4}), ("conv2d", {"kernel": 7, "padding": 0}),
               ("flatten", {}), ("linear", {}), ("output", {})])
    with pytest.raises(BuildError, match="kernel 7x7 is larger than its padded input 4x4"):
        build_model(g)


def test_unreachable_nodes_are_left_out() -> None:
    g = chain([("input", {}), ("flatten", {}), ("linear", {}), ("output", {})])
    g.add_node("conv2d")
    g.connect("input1", "conv1")
    model = build_model(g)
    assert "conv1" not in dict(model.named_children())


def test_same_padding_even_kernel_and_concat() -> None:
    g = chain([("input", {"channels": 2, "height": 9, "width": 9}),
               ("conv2d", {"out_channels": 3, "kernel": 4, "padding": "same"}), ("concat", {})])
    g.connect("input1", "concat1", 1)
    g2_flat = g.add_node("flatten").id
    g.connect("concat1", g2_flat)
    lin = g.add_node("linear", {"units": 10}).id
    g.connect(g2_flat, lin)
    out = g.add_node("output").id
    g.connect(lin, out)
    a = analyse(g)
    assert a.nodes["concat1"].output_shape == (5, 9, 9)
    model = build_model(g, a)
    assert model(torch.zeros(3, 2, 9, 9)).shape == (3, 10)
