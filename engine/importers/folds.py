"""Folds: nodes that change another layer rather than becoming one (a zero Pad before a
Conv, a constant Add after a layer without bias), and the neutral BatchNorm that restores
one an exporter folded into its Conv."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.importers.convert import Context, Unsupported
from engine.importers.reader import OnnxNode
from engine.importers.report import FOLDED, ReportRow


def fold_pad(b: Any, node: OnnxNode, source: str) -> None:
    """A zero Pad of an image's height and width: remembered, added to the next Conv2d's
    padding."""
    pads = b.values.get(node.inputs[1]) if len(node.inputs) > 1 else node.attrs.get("pads")
    fill = b.values.get(node.inputs[2]) if len(node.inputs) > 2 and node.inputs[2] else None
    mode = node.attrs.get("mode", "constant")
    shape = b.shape.get(source, ())
    if pads is None or mode != "constant" or (fill is not None and np.any(fill != 0)):
        raise Unsupported("only zero padding with fixed amounts can be folded into a Conv2d.")
    p = [int(v) for v in np.asarray(pads).reshape(-1)]
    if len(shape) != 3 or len(p) != 8 or any(p[i] for i in (0, 1, 4, 5)):
        raise Unsupported("it pads something other than the height and width of an image.")
    if source in b.pads:
        raise Unsupported("it pads a tensor that is already padded.")
    # ONNX order: begins of N, C, H, W then ends; kept as (top, left, bottom, right).
    b.pads[node.outputs[0]] = (source, (p[2], p[3], p[6], p[7]))
    b.report.rows.append(ReportRow(node.name, node.op, FOLDED,
                                   note="zero padding folded into the next Conv2d"))


def fold_bias(b: Any, node: OnnxNode, source: str, inputs: list[str]) -> None:
    """Add (or Sub) of a constant right after a Conv2d/Linear without bias: its bias."""
    const = next(t for t in inputs if t != source)
    value = np.asarray(b.values[const], dtype=np.float32)
    if node.op == "Sub":
        if inputs[0] != source:
            raise Unsupported("it subtracts the data from a constant.")
        value = -value
    pid = b.producer.get(source)
    host = b.graph.nodes.get(pid) if pid else None
    names = {p.name for p in host.spec.params} if host else set()
    shape = b.shape[source]
    channels = shape[0]
    # One value per channel, on the channel axis once broadcast: (C,) or (1, C) after a
    # Linear, (C, 1, 1) or (1, C, 1, 1) after a Conv ((C,) there would run along the width).
    along_channels = (channels,) + (1,) * (len(shape) - 1)
    fits = value.size == channels and (
        (len(shape) == 1 and value.ndim <= 2)
        or (value.ndim >= len(shape) and value.shape[-len(shape):] == along_channels))
    if (host is None or "bias" not in names or host.params["bias"] or source in b.pads
            or b.uses.get(source, 0) != 1 or not fits):
        raise Unsupported("it adds a constant tensor; NetCanvas can fold a constant only into "
                          "the bias of the Conv2d or Linear right before it.")
    host.params = host.spec.coerce_params({**host.params, "bias": True})
    b.weights[f"{host.id}.bias"] = value.reshape(-1).copy()
    b.alias(node.outputs[0], source)
    b.report.rows.append(ReportRow(node.name, node.op, FOLDED, [b.label(host.id)],
                                   note=f"became the bias of '{host.id}'"))


def neutral_bn_context(shape: tuple[int, ...], opset: int) -> Context:
    """A BatchNormalization that changes nothing (mean 0, var 1 - eps, scale 1, shift 0)."""
    c = shape[0]
    node = OnnxNode("BatchNormalization", "", ["x", "s", "b", "m", "v"], ["y"])
    one, zero = np.ones(c, np.float32), np.zeros(c, np.float32)
    var = np.full(c, 1.0 - 1e-5, np.float32)
    return Context(node, [None, one, zero, zero, var], [shape], opset)
