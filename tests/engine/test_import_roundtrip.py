"""Every template exported to ONNX and imported back: the same graph (types, params,
shapes, node ids) and the same outputs.

Two things an ONNX file cannot carry are normalised before comparing: Dropout (identity at
inference, so exporters leave no node) and 'same' padding on odd kernels (written as the
equal explicit padding it resolves to)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.analysis import analyse
from engine.layers.conv import resolve_padding
from engine.templates import ORDER, load_template
from tests.engine.onnx_helpers import export

torch = pytest.importorskip("torch")


def _signature(graph) -> list[tuple]:  # noqa: ANN001
    """(id, type, params, shape, inputs) per node, Dropout bypassed, 'same' resolved."""
    analysis = analyse(graph)
    feeds = {}
    for e in sorted(graph.edges, key=lambda e: e.port):
        feeds.setdefault(e.target, []).append(e.source)
    bypass = {n for n in graph.nodes if graph.nodes[n].spec.onnx_ops == ("Dropout",)}

    def source(n: str) -> str:
        while n in bypass:
            n = feeds[n][0]
        return n

    out = []
    for nid in analysis.order:
        if nid in bypass:
            continue
        node = graph.nodes[nid]
        params = dict(node.params)
        if params.get("padding") == "same" and all(k % 2 for k in params["kernel"]):
            params["padding"] = resolve_padding(params)
        out.append((nid, node.type_id, params, analysis.nodes[nid].output_shape,
                    [source(s) for s in feeds.get(nid, [])]))
    return sorted(out, key=lambda row: row[0])  # branches may list in either order


@pytest.mark.slow
@pytest.mark.parametrize("key", ORDER)
def test_template_round_trip(key: str, tmp_path) -> None:  # noqa: ANN001
    from engine.importers.onnx import import_onnx
    from engine.model import build_model, load_weights_into

    project = load_template(key)
    torch.manual_seed(0)
    model = build_model(project.graph).eval()
    path = export(model, analyse(project.graph).input_shape, tmp_path / f"{key}.onnx")
    result = import_onnx(path)
    assert _signature(result.project.graph) == _signature(project.graph)
    assert result.report.verified, result.report.lines()
    imported = build_model(result.project.graph).eval()
    load_weights_into(imported, result.weights)
    x = torch.randn(3, *analyse(project.graph).input_shape)
    with torch.no_grad():
        diff = (imported(x) - model(x)).abs().max().item()
    assert diff <= 1e-4
    assert np.isfinite(diff)
