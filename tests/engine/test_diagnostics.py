"""Gradient norms, weight norms, histograms and dead-ReLU fractions on a hand-built net;
the words for vanishing / exploding gradients; the slow Sigmoid-vs-ReLU lab test."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from engine.inspect.diagnostics import dead_fraction, gradient_flow, histogram, histograms
from engine.inspect.gradflow import gradient_warning
from engine.inspect.probes import ProbeError, run_probe


class HandNet(nn.Module):
    """x (2) -> fc1 (3) -> ReLU -> fc2 (1), weights chosen so the arithmetic is by hand."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(3, 1)
        with torch.no_grad():
            self.fc1.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]))
            self.fc1.bias.zero_()
            self.fc2.weight.copy_(torch.tensor([[1.0, 1.0, 1.0]]))
            self.fc2.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.relu1(self.fc1(x)))


def test_gradient_and_weight_norms_by_hand() -> None:
    net = HandNet()
    assert gradient_flow(net) == {"layers": [], "grad_norm": [], "weight_norm": []}  # no backward yet
    net(torch.tensor([[1.0, 2.0]])).sum().backward()
    flow = gradient_flow(net)
    # h = (1, 2, -3) -> relu (1, 2, 0) -> out 3. dL/dfc2.w = (1, 2, 0), dL/dfc2.b = 1;
    # dL/dh = (1, 1, 0): dL/dfc1.w = [[1, 2], [1, 2], [0, 0]], dL/dfc1.b = (1, 1, 0).
    assert flow["layers"] == ["fc1", "fc2"]  # forward order, the ReLU has no parameters
    assert flow["grad_norm"] == pytest.approx([math.sqrt(12), math.sqrt(6)])
    assert flow["weight_norm"] == pytest.approx([2.0, math.sqrt(3)])
    probed = run_probe(net, "gradient_flow", {})
    assert probed.pop("cost_s") >= 0 and probed == flow


def test_dead_relu_fraction_by_hand() -> None:
    net = HandNet()
    batch = torch.tensor([[1.0, 2.0], [2.0, 1.0], [0.5, 0.0]])
    result = histograms(net, batch, bins=4)
    # The third unit's pre-activation is -(x1 + x2) < 0 for every sample: 1 of 3 dead.
    assert result["dead"] == {"relu1": pytest.approx(1 / 3)}
    assert set(result["weights"]) == {"fc1", "fc2"} and set(result["activations"]) == {
        "fc1", "relu1", "fc2"}
    fc1 = result["weights"]["fc1"]
    assert fc1["counts"].sum() == 6 and fc1["edges"][0] == -1.0 and fc1["edges"][-1] == 1.0
    assert fc1["counts"].tolist() == [2, 0, 2, 2]  # -1, -1 | 0, 0 | 1, 1 (last bin closed)
    # Convolutions: a channel is dead when it is zero at every position for every sample.
    conv = torch.zeros(4, 3, 5, 5)
    conv[1, 0, 2, 2] = 0.1
    assert dead_fraction(conv) == pytest.approx(2 / 3)
    assert dead_fraction(torch.ones(4, 8)) == 0.0


def test_histogram_of_a_constant_tensor_and_probe_arguments() -> None:
    h = histogram(torch.zeros(10), bins=5)
    assert h["counts"].sum() == 10 and h["edges"][0] < 0 < h["edges"][-1] and h["std"] == 0
    net = HandNet()
    x = torch.randn(20, 2)
    result = run_probe(net, "histograms", {"samples": 8, "bins": 6}, x_val=x)
    assert result["activations"]["relu1"]["counts"].sum() == 8 * 3
    with pytest.raises(ProbeError, match="needs data"):
        run_probe(net, "histograms", {})
    with pytest.raises(ProbeError, match="bins >= 2"):
        run_probe(net, "histograms", {"bins": 1}, x_val=x)
    state = run_probe(net, "state", {})["weights"]
    assert set(state) == {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"}
    assert isinstance(state["fc1.weight"], np.ndarray)


def test_warnings_in_words() -> None:
    layers = ["fc1", "fc2", "fc3"]
    assert gradient_warning(layers, [[0.1, 0.2, 0.3]] * 5) == ""
    vanish = gradient_warning(layers, [[1e-6, 1e-4, 1e-2]] * 5)
    assert vanish.startswith("Gradients vanish") and "fc1" in vanish and "4.0 orders" in vanish
    assert gradient_warning(layers, [[1.0, 1.0, 5e3]] * 5).startswith("Gradients are exploding")
    assert "non-finite" in gradient_warning(layers, [[1.0, math.inf, 1.0]])
    # One noisy sample is no verdict: the median of the recent ones is.
    assert gradient_warning(layers, [[0.1, 0.2, 0.3]] * 4 + [[1e-9, 0.2, 0.3]]) == ""
    assert gradient_warning([], []) == ""


@pytest.mark.slow
def test_deep_sigmoid_mlp_gradients_vanish_against_relu() -> None:
    from engine.inspect.gradflow import median_norms
    from engine.inspect.lab import compare_gradient_flow
    from engine.project import dumps
    from engine.templates import load_template

    projects = [dumps(load_template(key)) for key in ("deep_mlp_sigmoid", "deep_mlp_relu")]
    sigmoid, relu = compare_gradient_flow(projects, epochs=1, threads=1)
    assert sigmoid["layers"] == relu["layers"] and len(sigmoid["layers"]) == 9
    first_sigmoid = median_norms(sigmoid["grad_norm"])[0]
    first_relu = median_norms(relu["grad_norm"])[0]
    assert first_sigmoid * 10 <= first_relu, (first_sigmoid, first_relu)
    assert gradient_warning(sigmoid["layers"], sigmoid["grad_norm"]).startswith("Gradients vanish")
