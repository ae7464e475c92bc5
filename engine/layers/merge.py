"""Add and Concat: the two ways branches meet (skip connections, Inception-style joins)."""

from __future__ import annotations

from engine.layers.spec import INT, LayerSpec, Param, Params, Shape, ShapeError, fmt_shape, numel


def _inputs_text(inputs: list[Shape]) -> str:
    return ", ".join(f"input {i + 1}: {fmt_shape(s)}" for i, s in enumerate(inputs))


def _add_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    first = inputs[0]
    if any(s != first for s in inputs[1:]):
        raise ShapeError(
            f"Add '{name}' needs inputs of the same shape ({_inputs_text(inputs)}). Make the "
            f"branches agree, e.g. a 1x1 Conv2d to match channels or a stride to match size."
        )
    return first


def _concat_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    ranks = {len(s) for s in inputs}
    if len(ranks) != 1 or (ranks != {3} and ranks != {1}):
        raise ShapeError(
            f"Concat '{name}' needs all inputs as images or all as vectors "
            f"({_inputs_text(inputs)}). Flatten every branch or none."
        )
    if ranks == {3} and len({s[1:] for s in inputs}) != 1:
        raise ShapeError(
            f"Concat '{name}' joins along channels, so heights and widths must match "
            f"({_inputs_text(inputs)}). Pool or pad the branches to one size."
        )
    return (sum(s[0] for s in inputs),) + inputs[0][1:]


_PORTS = Param("inputs", INT, 2, "Inputs", "How many branches join here.", 2, 8)



ADD = LayerSpec(
    type_id="add",
    title="Add",
    category="Merge",
    summary="Adds branches element by element: the join of a residual (skip) connection.",
    params=(_PORTS,),
    output_shape=_add_shape,
    explain=lambda i, o, p: [
        f"element-wise sum of {len(i)} inputs, each {fmt_shape(o)}; no parameters"],
    count_macs=lambda i, o, p: numel(o) * (len(i) - 1),
    torch_module=lambda i, p: ("engine.layers.modules.Add", {}),
    code_expr=lambda names: " + ".join(names),
    inputs="inputs",
    id_prefix="add",
    glyph="add",
    onnx_ops=("Add", "Sum"),
    onnx_import="engine.importers.convert:add",
)

CONCAT = LayerSpec(
    type_id="concat",
    title="Concat",
    category="Merge",
    summary="Stacks branches along the channel axis.",
    params=(_PORTS,),
    output_shape=_concat_shape,
    explain=lambda i, o, p: [
        " + ".join(str(s[0]) for s in i) + f" = {o[0]} channels; no parameters"],
    torch_module=lambda i, p: ("engine.layers.modules.Concat", {}),
    code_expr=lambda names: f"torch.cat([{', '.join(names)}], dim=1)",
    inputs="inputs",
    id_prefix="concat",
    glyph="concat",
    onnx_ops=("Concat",),
    onnx_import="engine.importers.convert:concat",
)
