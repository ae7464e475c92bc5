"""Input (where data enters) and Output (marks the class scores)."""

from __future__ import annotations

from engine.layers.spec import (
    CHOICE,
    INT,
    ROLE_INPUT,
    ROLE_OUTPUT,
    LayerSpec,
    Param,
    Params,
    Shape,
    ShapeError,
    fmt_shape,
)


def input_shape(p: Params) -> Shape:
    if p["layout"] == "vector":
        return (p["features"],)
    return (p["channels"], p["height"], p["width"])


def params_for_shape(shape: Shape) -> dict[str, object]:
    """The Input params that make it produce `shape` (an image C x H x W or a vector)."""
    if len(shape) == 3:
        return {"layout": "image", "channels": shape[0], "height": shape[1], "width": shape[2]}
    return {"layout": "vector", "features": shape[0]}


INPUT = LayerSpec(
    type_id="input",
    title="Input",
    category="Input / Output",
    summary="Where samples enter: an image (channels x height x width) or a feature vector.",
    params=(
        Param("layout", CHOICE, "image", "Layout", "An image or a flat feature vector.",
              choices=("image", "vector")),
        Param("channels", INT, 1, "Channels", "Colour channels: 1 grey, 3 RGB.", 1, 1024,
              visible_if=("layout", "image")),
        Param("height", INT, 28, "Height", "Image height in pixels.", 1, 4096,
              visible_if=("layout", "image")),
        Param("width", INT, 28, "Width", "Image width in pixels.", 1, 4096,
              visible_if=("layout", "image")),
        Param("features", INT, 784, "Features", "Length of a feature vector.", 1, 10_000_000,
              visible_if=("layout", "vector")),
    ),
    output_shape=lambda name, inputs, p: input_shape(p),
    explain=lambda i, o, p: [f"each sample is {fmt_shape(o)} (the batch dimension is added)"],
    inputs=0,
    key_params=lambda p: fmt_shape(input_shape(p)),
    id_prefix="input",
    role=ROLE_INPUT,
    shape_fix=params_for_shape,
    glyph="input",
)


def _output_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    shape = inputs[0]
    classes = p["classes"]
    if len(shape) != 1:
        raise ShapeError(
            f"Output '{name}' expects {classes} class scores but receives {fmt_shape(shape)}. "
            f"End the network with Flatten and Linear({classes})."
        )
    if shape[0] != classes:
        raise ShapeError(
            f"Output '{name}' expects {classes} class scores but receives {shape[0]}. "
            f"Set the last Linear's units to {classes}."
        )
    return shape


OUTPUT = LayerSpec(
    type_id="output",
    title="Output",
    category="Input / Output",
    summary="Marks the class scores (logits) the loss is computed on.",
    params=(Param("classes", INT, 10, "Classes", "Number of classes to predict.", 1, 100_000),),
    output_shape=_output_shape,
    explain=lambda i, o, p: [
        f"{p['classes']} scores, one per class; the loss applies softmax (or the hinge) itself"],
    torch_module=lambda i, p: ("torch.nn.Identity", {}),
    # The scores pass through unchanged: exported code returns its input.
    code_expr=lambda names: names[0],
    key_params=lambda p: f"{p['classes']} classes",
    has_output=False,
    id_prefix="output",
    role=ROLE_OUTPUT,
    class_param="classes",
    glyph="output",
)
