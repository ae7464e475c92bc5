"""Activation, dropout, preprocessing, linear and forward/backward steppers against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.lab import jobs_more
from engine.lab.capture import sample_tensor
from engine.lab.errors import LabError
from engine.lab.flow import flow_frame
from engine.lab.linear import linear_unit
from engine.lab.units import dropout_frame
from engine.model import model_from_project
from tests.engine.lab_helpers import STATS, image, project_text

MLP = [("flatten", {}), ("linear", {"units": 6}), ("sigmoid", {}), ("dropout", {"p": 0.5}),
       ("linear", {"units": 4})]


def test_activation_stepper_curves_derivatives_and_vanishing_fraction() -> None:
    text = project_text(MLP)
    trace = jobs_more.activation_trace(text, None, "sigmoid1", image(), STATS)
    project, model = model_from_project(text)
    x = sample_tensor(project, image(), STATS)
    with torch.no_grad():
        fc = model.get_submodule("fc1")(model.get_submodule("flatten1")(x))[0]
    np.testing.assert_allclose(trace.pre, fc.numpy(), rtol=1e-5)
    g = torch.from_numpy(trace.grid)
    np.testing.assert_allclose(trace.curves["layer"], torch.sigmoid(g).numpy(), atol=1e-6)
    s = torch.sigmoid(g)
    np.testing.assert_allclose(trace.derivatives["sigmoid"], (s * (1 - s)).numpy(), atol=1e-6)
    np.testing.assert_allclose(trace.derivatives["relu"], (g > 0).float().numpy())
    np.testing.assert_allclose(trace.curves["gelu"], F.gelu(g).numpy(), atol=1e-6)
    sp = torch.sigmoid(fc)
    assert trace.sigmoid_vanishing() == pytest.approx(float(((sp * (1 - sp)) < 0.01).float().mean()))
    assert trace.small_grad["relu"] == pytest.approx(float((fc <= 0).float().mean()))
    assert trace.hist_counts.sum() == trace.pre.size
    with pytest.raises(LabError, match="not an activation"):
        jobs_more.activation_trace(text, None, "fc1", image(), STATS)


def test_dropout_stepper_mask_and_scaling_match_torch() -> None:
    text = project_text(MLP)
    trace = jobs_more.dropout_trace(text, None, "drop1", image(), STATS, seed=3)
    assert trace.p == 0.5 and trace.scale == 2.0
    np.testing.assert_allclose(trace.output, trace.expected_output(), rtol=1e-6)
    again = jobs_more.dropout_trace(text, None, "drop1", image(), STATS, seed=3)
    assert (again.kept == trace.kept).all()
    frame = dropout_frame(trace)
    assert frame.total == 6 and frame.dropped == int((~trace.kept).sum())
    assert frame.valid.sum() == 6


def test_preprocess_stepper_stages_by_hand() -> None:
    text = project_text(MLP, data={"preprocessing": {"mode": "standardise"}})
    img = image()
    trace = jobs_more.preprocess_trace(text, img, STATS)
    mean = np.array(STATS["mean"])[:, None, None]
    std = np.array(STATS["std"])[:, None, None]
    np.testing.assert_allclose(trace.stages["scaled"], img / 255.0, rtol=1e-6)
    np.testing.assert_allclose(trace.stages["mean_subtracted"], img / 255.0 - mean, atol=1e-6)
    np.testing.assert_allclose(trace.stages["standardised"], (img / 255.0 - mean) / std, atol=1e-5)
    np.testing.assert_allclose(trace.network_input, trace.stages["standardised"])
    assert trace.summary("raw")[0][3] == img[0].max()


def test_linear_stepper_equals_the_layer_and_shows_templates() -> None:
    text = project_text([("flatten", {}), ("linear", {"units": 4})])
    trace = jobs_more.linear_trace(text, None, "fc1", image(), STATS)
    assert trace.image_shape == (2, 9, 9)
    assert trace.templates.shape == (4, 2, 9, 9)
    np.testing.assert_array_equal(trace.templates, trace.weight.reshape(4, 2, 9, 9))
    for k in range(4):
        unit = linear_unit(trace, k)
        assert unit.total == pytest.approx(trace.output[k], abs=1e-4)
        assert unit.total == pytest.approx(float(trace.weight[k] @ trace.x + trace.bias[k]), abs=1e-4)
    deep = jobs_more.linear_trace(project_text(MLP), None, "fc2", image(), STATS)
    assert deep.image_shape is None and "drop1" in deep.input_note


def test_flow_stepper_norms_match_autograd() -> None:
    text = project_text([("flatten", {}), ("linear", {"units": 5}), ("relu", {}),
                         ("linear", {"units": 4})])
    trace = jobs_more.flow_trace(text, None, image(), 2, STATS)
    project, model = model_from_project(text)
    x = sample_tensor(project, image(), STATS)
    h = model.get_submodule("fc1")(model.get_submodule("flatten1")(x))
    h.retain_grad()
    scores = model.get_submodule("fc2")(torch.relu(h))
    loss = F.cross_entropy(scores, torch.tensor([2]))
    loss.backward()
    by_id = {layer.node_id: layer for layer in trace.layers}
    assert trace.loss == pytest.approx(loss.item(), rel=1e-5)
    assert by_id["fc1"].value_norm == pytest.approx(float(h.norm()), rel=1e-5)
    assert by_id["fc1"].grad_norm == pytest.approx(float(h.grad.norm()), rel=1e-5)
    w = model.get_submodule("fc1").weight.grad
    b = model.get_submodule("fc1").bias.grad
    assert by_id["fc1"].param_grad_norm == pytest.approx(
        float(torch.sqrt((w ** 2).sum() + (b ** 2).sum())), rel=1e-5)
    assert trace.layers[0].node_id == "input1" and by_id["relu1"].param_grad_norm is None
    n = len(trace.layers)
    first = flow_frame(trace, 0)
    assert first.phase == "forward" and "‖a‖" in first.labels["input1"]
    last = flow_frame(trace, trace.steps - 1)
    assert last.phase == "backward" and last.current == "input1"
    assert all("‖∂L/∂a‖" in t for t in last.labels.values()) and last.backward_done == n
