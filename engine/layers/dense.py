"""Flatten and fully connected (Linear) layers."""

from __future__ import annotations

from engine.layers.spec import (
    BOOL,
    INT,
    LayerSpec,
    Param,
    Params,
    Shape,
    ShapeError,
    fmt_int,
    fmt_shape,
    numel,
)


def _flatten_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    return (numel(inputs[0]),)


def _flatten_explain(inputs: list[Shape], out: Shape, p: Params) -> list[str]:
    dims = " x ".join(str(d) for d in inputs[0])
    return [f"{dims} = {fmt_int(out[0])} numbers in one vector (channel by channel, row by row)"]


FLATTEN = LayerSpec(
    type_id="flatten",
    title="Flatten",
    category="Reshape",
    summary="Unrolls a C x H x W block into one long vector for fully connected layers.",
    params=(),
    output_shape=_flatten_shape,
    explain=_flatten_explain,
    window=lambda p: None,
    torch_module=lambda i, p: ("torch.nn.Flatten", {}),
    id_prefix="flatten",
    glyph="flatten",
    # Exporters write a flatten as Flatten, or as Reshape to (batch, -1) whose target
    # shape is often computed by a Shape -> Gather -> Unsqueeze -> Concat chain.
    onnx_ops=("Flatten", "Reshape"),
    onnx_import="engine.importers.convert:flatten",
)


def _linear_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    shape = inputs[0]
    if len(shape) != 1:
        n = numel(shape)
        raise ShapeError(
            f"Linear '{name}' needs a flat vector but receives {fmt_shape(shape)}. "
            f"Insert a Flatten before it (it would give {fmt_int(n)} features)."
        )
    return (p["units"],)


def _linear_params(inputs: list[Shape], p: Params) -> int:
    return inputs[0][0] * p["units"] + (p["units"] if p["bias"] else 0)


def _linear_explain(inputs: list[Shape], out: Shape, p: Params) -> list[str]:
    n, u = inputs[0][0], p["units"]
    bias = f", b: {u}" if p["bias"] else ", no bias"
    return [
        f"scores = W x + b: each of the {u} outputs is a weighted sum of all {fmt_int(n)} inputs",
        f"W: {u} x {n}{bias} -> {fmt_int(_linear_params(inputs, p))} parameters",
        f"MACs = {u} x {n} = {fmt_int(u * n)}",
    ]


LINEAR = LayerSpec(
    type_id="linear",
    title="Linear",
    category="Fully connected",
    summary="Fully connected: every output is a weighted sum of every input plus a bias.",
    params=(
        Param("units", INT, 10, "Units", "How many outputs (neurons or class scores).", 1, 65536),
        Param("bias", BOOL, True, "Bias", "Learn a bias b added to each output."),
    ),
    output_shape=_linear_shape,
    explain=_linear_explain,
    count_params=_linear_params,
    count_macs=lambda i, o, p: i[0][0] * p["units"],
    receptive=lambda p: None,
    window=lambda p: None,
    weight_layout="dense",
    state_shapes=lambda i, p: ({"weight": (p["units"], i[0][0]), "bias": (p["units"],)}
                               if p["bias"] else {"weight": (p["units"], i[0][0])}),
    torch_module=lambda i, p: (
        "torch.nn.Linear", {"in_features": i[0][0], "out_features": p["units"], "bias": p["bias"]}
    ),
    key_params=lambda p: f"{p['units']} units",
    id_prefix="fc",
    class_param="units",
    glyph="linear",
    lab="linear",
    onnx_ops=("Gemm", "MatMul"),
    onnx_import="engine.importers.convert:linear",
)
