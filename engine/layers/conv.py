"""Conv2d: many kernels slid over a multi-channel input."""

from __future__ import annotations

from typing import Any

from engine.layers.spec import (
    BOOL,
    INT,
    PADDING,
    PAIR,
    LayerSpec,
    Param,
    Params,
    Shape,
    ShapeError,
    Window,
    fmt_int,
    fmt_pair,
    fmt_shape,
)
from engine.layers.window import floored_away, formula_lines, require_image, window_out


def resolve_padding(params: Params) -> tuple[int, int]:
    """Explicit per-axis padding; 'same' is resolved for odd kernels with stride 1."""
    pad = params["padding"]
    if pad == "valid":
        return (0, 0)
    if pad == "same":
        k, d = params["kernel"], params["dilation"]
        # Even kernels pad one side more (PyTorch does it inside the layer); for the
        # formula the total padding per axis is what matters, shown as its half.
        return ((d[0] * (k[0] - 1)) // 2, (d[1] * (k[1] - 1)) // 2)
    return pad


def _conv_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    c, h, w = require_image("Conv2d", name, inputs)
    groups, out_c = p["groups"], p["out_channels"]
    if c % groups or out_c % groups:
        raise ShapeError(
            f"Conv2d '{name}': groups {groups} must divide both the input channels ({c}) and "
            f"the output channels ({out_c}). Use groups 1 or a divisor of both."
        )
    if p["padding"] == "same":
        if p["stride"] != (1, 1):
            raise ShapeError(
                f"Conv2d '{name}': padding 'same' needs stride 1 (stride is "
                f"{fmt_pair(p['stride'])}). Set stride 1 or give the padding as a number."
            )
        return (out_c, h, w)
    oh, ow = window_out(
        "Conv2d", name, (h, w), p["kernel"], p["stride"], resolve_padding(p), p["dilation"]
    )
    return (out_c, oh, ow)


def _conv_params(inputs: list[Shape], p: Params) -> int:
    c = inputs[0][0]
    k = p["kernel"]
    weights = p["out_channels"] * (c // p["groups"]) * k[0] * k[1]
    return weights + (p["out_channels"] if p["bias"] else 0)


def _conv_macs(inputs: list[Shape], out: Shape, p: Params) -> int:
    c = inputs[0][0]
    k = p["kernel"]
    return out[0] * out[1] * out[2] * (c // p["groups"]) * k[0] * k[1]


def _conv_explain(inputs: list[Shape], out: Shape, p: Params) -> list[str]:
    c, h, w = inputs[0]
    k = p["kernel"]
    pad = resolve_padding(p)
    lines = []
    if p["padding"] == "same":
        lines.append(f"padding 'same' with stride 1 keeps {h}x{w}: P = D(K-1)/2 = {fmt_pair(pad)}")
    lines += formula_lines((h, w), k, p["stride"], pad, p["dilation"], (out[1], out[2]))
    cin = c // p["groups"]
    lines.append(
        f"W: {p['out_channels']} x {cin} x {k[0]} x {k[1]}"
        + (f", b: {p['out_channels']}" if p["bias"] else ", no bias")
        + f" -> {fmt_int(_conv_params(inputs, p))} parameters"
    )
    lines.append(
        f"{p['out_channels']} kernels, each {cin}x{k[0]}x{k[1]}, give {fmt_shape(out)}; "
        f"MACs = {out[0]}*{out[1]}*{out[2]} outputs x {cin * k[0] * k[1]} = "
        f"{fmt_int(_conv_macs(inputs, out, p))}"
    )
    return lines


def _conv_warnings(name: str, inputs: list[Shape], out: Shape, p: Params) -> list[str]:
    if p["padding"] == "same":
        return []
    c, h, w = inputs[0]
    lost = floored_away((h, w), p["kernel"], p["stride"], resolve_padding(p), p["dilation"])
    if any(lost):
        return [
            f"Conv2d '{name}': the stride does not fit the {h}x{w} input evenly, so the last "
            f"{lost[0]} row(s) and {lost[1]} column(s) are never used. Adjust padding or stride "
            f"so (W - F + 2P)/S is a whole number."
        ]
    return []


def _conv_torch(inputs: list[Shape], p: Params) -> tuple[str, dict[str, Any]]:
    pad = p["padding"] if isinstance(p["padding"], str) else tuple(p["padding"])
    return "torch.nn.Conv2d", {
        "in_channels": inputs[0][0],
        "out_channels": p["out_channels"],
        "kernel_size": tuple(p["kernel"]),
        "stride": tuple(p["stride"]),
        "padding": pad,
        "dilation": tuple(p["dilation"]),
        "groups": p["groups"],
        "bias": p["bias"],
    }


def _conv_key(p: Params) -> str:
    pad = p["padding"]
    pad_text = pad if isinstance(pad, str) else f"p{fmt_pair(pad)}"
    text = f"{p['out_channels']} @ {fmt_pair(p['kernel'])}, s{fmt_pair(p['stride'])}, {pad_text}"
    if p["dilation"] != (1, 1):
        text += f", d{fmt_pair(p['dilation'])}"
    if p["groups"] != 1:
        text += f", g{p['groups']}"
    return text


def _conv_receptive(p: Params) -> tuple[tuple[int, int], tuple[int, int]]:
    k, s, d = p["kernel"], p["stride"], p["dilation"]
    return ((d[0] * (k[0] - 1) + 1, s[0]), (d[1] * (k[1] - 1) + 1, s[1]))


def _conv_window(p: Params) -> tuple[Window, Window]:
    # PyTorch pads 'same' with total // 2 before the first pixel (the rest after), which
    # is exactly resolve_padding's value.
    k, s, d = p["kernel"], p["stride"], p["dilation"]
    pad = resolve_padding(p)
    return ((k[0], s[0], pad[0], d[0]), (k[1], s[1], pad[1], d[1]))


def _conv_state(inputs: list[Shape], p: Params) -> dict[str, Shape]:
    k, out_c = p["kernel"], p["out_channels"]
    shapes: dict[str, Shape] = {"weight": (out_c, inputs[0][0] // p["groups"], k[0], k[1])}
    if p["bias"]:
        shapes["bias"] = (out_c,)
    return shapes


CONV2D = LayerSpec(
    type_id="conv2d",
    title="Conv2d",
    category="Convolution",
    summary="Slides learned kernels over the image; each kernel makes one output channel.",
    params=(
        Param("out_channels", INT, 16, "Kernels (out channels)",
              "How many kernels to learn; each one produces one feature map.", 1, 4096),
        Param("kernel", PAIR, 3, "Kernel size", "Height x width of each kernel (F).", 1, 64),
        Param("stride", PAIR, 1, "Stride", "Step between kernel positions (S).", 1, 64),
        Param("padding", PADDING, 1, "Padding",
              "Zeros added on each side (P), or 'same' / 'valid'.", 0, 64),
        Param("dilation", PAIR, 1, "Dilation", "Spacing between kernel taps (D).", 1, 16),
        Param("groups", INT, 1, "Groups",
              "Split channels into groups convolved separately (1 = ordinary).", 1, 4096),
        Param("bias", BOOL, True, "Bias", "Learn one bias per kernel."),
    ),
    output_shape=_conv_shape,
    explain=_conv_explain,
    count_params=_conv_params,
    count_macs=_conv_macs,
    receptive=_conv_receptive,
    window=_conv_window,
    weight_layout="conv",
    state_shapes=_conv_state,
    torch_module=_conv_torch,
    key_params=_conv_key,
    id_prefix="conv",
    glyph="conv",
    warnings=_conv_warnings,
    lab="conv",
    onnx_ops=("Conv",),
    onnx_import="engine.importers.convert:conv2d",
)
