"""input_region against brute force: perturb one input pixel, see which outputs change."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.analysis import analyse
from engine.graph import Graph, chain
from engine.inspect.receptive import ReceptiveError, input_region
from engine.model import module_for


class _PositiveNet:
    """Every node's output, with all weights and biases positive (so a big positive
    perturbation changes every output it structurally reaches, through max pools too)."""

    def __init__(self, graph: Graph) -> None:
        self.analysis = analyse(graph)
        self.parents: dict[str, list[str]] = {}
        for e in sorted(graph.edges, key=lambda e: e.port):
            self.parents.setdefault(e.target, []).append(e.source)
        torch.manual_seed(0)
        self.modules = {}
        for nid in self.analysis.order:
            if self.parents.get(nid):
                module = module_for(graph, self.analysis, nid).double().eval()
                with torch.no_grad():
                    for p in module.parameters():
                        p.uniform_(0.5, 1.5)
                self.modules[nid] = module

    def __call__(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        values: dict[str, torch.Tensor] = {}
        with torch.no_grad():
            for nid in self.analysis.order:
                values[nid] = (self.modules[nid](*(values[p] for p in self.parents[nid]))
                               if nid in self.modules else x)
        return values


def _brute_force_boxes(graph: Graph, shape: tuple[int, int, int]):
    """{node_id: {(row, col): box}} from one perturbed forward pass per input pixel."""
    c, h, w = shape
    net = _PositiveNet(graph)
    # The whole batch at once: item i*w + j has pixel (i, j) of channel 0 raised.
    base = torch.rand(1, c, h, w, dtype=torch.float64) + 0.1
    batch = base.repeat(h * w + 1, 1, 1, 1)
    for i in range(h):
        for j in range(w):
            batch[i * w + j, 0, i, j] += 1e3
    outputs = net(batch)
    boxes = {}
    for nid in net.modules:
        out = outputs[nid]
        # (h*w, Ho, Wo): which outputs moved when each pixel was raised
        changed = ((out[:-1] - out[-1:]).abs() > 1e-6).any(1).numpy().reshape(
            h, w, *out.shape[2:])
        node_boxes = {}
        for r in range(changed.shape[2]):
            for col in range(changed.shape[3]):
                rows, cols = np.nonzero(changed[:, :, r, col])
                node_boxes[(r, col)] = (int(rows.min()), int(cols.min()), int(rows.max()) + 1,
                                        int(cols.max()) + 1)
        boxes[nid] = node_boxes
    return boxes


STACKS = {
    "stride-padding-maxpool-dilation": [
        ("conv2d", {"out_channels": 2, "kernel": 3, "stride": 2, "padding": 1}),
        ("maxpool2d", {"kernel": 3, "stride": 2, "padding": 1}),
        ("conv2d", {"out_channels": 2, "kernel": 3, "padding": 2, "dilation": 2}),
    ],
    "dilated-border-skip-ceil-avgpool": [
        ("conv2d", {"out_channels": 2, "kernel": 3, "padding": 1, "dilation": 2}),
        ("avgpool2d", {"kernel": 2, "stride": 2, "ceil_mode": True}),
        ("conv2d", {"out_channels": 1, "kernel": [2, 3], "stride": [1, 2], "padding": [1, 0]}),
    ],
    "same-even-kernel": [
        ("conv2d", {"out_channels": 2, "kernel": 4, "padding": "same"}),
        ("relu", {}),
        ("conv2d", {"out_channels": 2, "kernel": 3, "padding": "same", "dilation": 2}),
    ],
}


@pytest.mark.parametrize("name", sorted(STACKS))
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_input_region_equals_brute_force_on_stacks(name: str) -> None:
    graph = chain([("input", {"channels": 2, "height": 11, "width": 13}), *STACKS[name]])
    analysis = analyse(graph)
    expected = _brute_force_boxes(graph, (2, 11, 13))
    for node_id in analysis.order[1:]:
        out = analysis.nodes[node_id].output_shape
        assert len(expected[node_id]) == out[1] * out[2]
        for (r, c), box in expected[node_id].items():
            assert input_region(graph, analysis, node_id, r, c) == box, (node_id, r, c)


def test_input_region_unions_branches() -> None:
    g = Graph()
    g.add_node("input", {"channels": 1, "height": 10, "width": 10}, node_id="x")
    g.add_node("conv2d", {"out_channels": 2, "kernel": 3, "stride": 2, "padding": 1}, node_id="a")
    g.add_node("conv2d", {"out_channels": 2, "kernel": 1, "stride": 2, "padding": 0}, node_id="b")
    g.add_node("maxpool2d", {"kernel": 1, "stride": 1}, node_id="b2")
    g.add_node("add", {}, node_id="join")
    g.add_node("conv2d", {"out_channels": 1, "kernel": 3, "padding": 1, "dilation": 1}, node_id="top")
    g.connect("x", "a")
    g.connect("x", "b")
    g.connect("b", "b2")
    g.connect("a", "join", 0)
    g.connect("b2", "join", 1)
    g.connect("join", "top")
    analysis = analyse(g)
    assert analysis.nodes["top"].output_shape == (1, 5, 5)
    expected = _brute_force_boxes(g, (1, 10, 10))
    for node_id in ("a", "b", "join", "top"):
        for (r, c), box in expected[node_id].items():
            assert input_region(g, analysis, node_id, r, c) == box, (node_id, r, c)


def test_vector_nodes_see_the_whole_input_and_bad_pixels_are_refused() -> None:
    g = chain([("input", {"channels": 1, "height": 6, "width": 5}),
               ("conv2d", {"out_channels": 2, "kernel": 3}),
               ("adaptiveavgpool2d", {}), ("flatten", {}), ("linear", {"units": 3})])
    analysis = analyse(g)
    assert input_region(g, analysis, "gap1", 0, 0) == (0, 0, 6, 5)
    assert input_region(g, analysis, "fc1", 0, 2) == (0, 0, 6, 5)
    with pytest.raises(ReceptiveError, match="outside"):
        input_region(g, analysis, "conv1", 6, 0)


def test_receptive_module_needs_no_torch() -> None:
    import subprocess
    import sys

    code = ("import sys, engine.inspect.receptive, engine.inspect.predict, "
            "engine.inspect.saliency, engine.inspect.filters, engine.inspect.sample; "
            "assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
