"""Max, average and adaptive (global) pooling."""

from __future__ import annotations

from typing import Any

from engine.layers.spec import (
    BOOL,
    PAIR,
    LayerSpec,
    Param,
    Params,
    Shape,
    ShapeError,
    Window,
    fmt_int,
    fmt_pair,
)
from engine.layers.window import floored_away, formula_lines, require_image, window_out


def _pool_shape_for(title: str):
    def shape(name: str, inputs: list[Shape], p: Params) -> Shape:
        c, h, w = require_image(title, name, inputs)
        k, pad = p["kernel"], p["padding"]
        for a in range(2):
            if pad[a] * 2 > k[a]:
                raise ShapeError(
                    f"{title} '{name}': padding {fmt_pair(pad)} is more than half the kernel "
                    f"{fmt_pair(k)}, so some windows would see only padding. Use padding <= "
                    f"{k[a] // 2}."
                )
        oh, ow = window_out(title, name, (h, w), k, p["stride"], pad, (1, 1), p["ceil_mode"])
        return (c, oh, ow)

    return shape


def _pool_explain_for(title: str, op: str):
    def explain(inputs: list[Shape], out: Shape, p: Params) -> list[str]:
        c, h, w = inputs[0]
        k = p["kernel"]
        lines = formula_lines((h, w), k, p["stride"], p["padding"], (1, 1), (out[1], out[2]),
                              p["ceil_mode"])
        lines.append(
            f"each {k[0]}x{k[1]} window -> its {op}, per channel: {c} channels kept; "
            f"no parameters to learn"
        )
        return lines

    return explain


def _pool_warnings_for(title: str):
    def warnings(name: str, inputs: list[Shape], out: Shape, p: Params) -> list[str]:
        if p["ceil_mode"]:
            return []
        c, h, w = inputs[0]
        lost = floored_away((h, w), p["kernel"], p["stride"], p["padding"], (1, 1))
        if any(lost):
            return [
                f"{title} '{name}': a {h}x{w} input with kernel {fmt_pair(p['kernel'])} and "
                f"stride {fmt_pair(p['stride'])} floors away the last {lost[0]} row(s) and "
                f"{lost[1]} column(s). Use padding 1 or ceil mode to keep them."
            ]
        return []

    return warnings


def _pool_torch_for(cls: str):
    def torch_module(inputs: list[Shape], p: Params) -> tuple[str, dict[str, Any]]:
        return cls, {
            "kernel_size": tuple(p["kernel"]),
            "stride": tuple(p["stride"]),
            "padding": tuple(p["padding"]),
            "ceil_mode": p["ceil_mode"],
        }

    return torch_module


def _pool_key(p: Params) -> str:
    text = f"{fmt_pair(p['kernel'])}, s{fmt_pair(p['stride'])}"
    if p["padding"] != (0, 0):
        text += f", p{fmt_pair(p['padding'])}"
    if p["ceil_mode"]:
        text += ", ceil"
    return text


def _pool_receptive(p: Params) -> tuple[tuple[int, int], tuple[int, int]]:
    k, s = p["kernel"], p["stride"]
    return ((k[0], s[0]), (k[1], s[1]))


def _pool_window(p: Params) -> tuple[Window, Window]:
    k, s, pad = p["kernel"], p["stride"], p["padding"]
    return ((k[0], s[0], pad[0], 1), (k[1], s[1], pad[1], 1))


def _pool_params() -> tuple[Param, ...]:
    return (
        Param("kernel", PAIR, 2, "Window size", "Height x width of each pooling window.", 1, 64),
        Param("stride", PAIR, 2, "Stride", "Step between windows (usually the window size).",
              1, 64),
        Param("padding", PAIR, 0, "Padding", "Padding on each side (at most half the window).",
              0, 32),
        Param("ceil_mode", BOOL, False, "Ceil mode",
              "Round the output size up instead of down, keeping partial windows."),
    )


def _avg_macs(inputs: list[Shape], out: Shape, p: Params) -> int:
    k = p["kernel"]
    return out[0] * out[1] * out[2] * k[0] * k[1]


def _window_pool(title: str, op: str, summary: str, id_prefix: str, onnx_op: str,
                 macs=None, lab: str = "") -> LayerSpec:  # noqa: ANN001
    """Max and average pooling share everything but the operation and its cost."""
    return LayerSpec(
        type_id=title.lower(),
        title=title,
        category="Pooling",
        summary=summary,
        params=_pool_params(),
        output_shape=_pool_shape_for(title),
        explain=_pool_explain_for(title, op),
        count_macs=macs or (lambda i, o, p: 0),
        receptive=_pool_receptive,
        window=_pool_window,
        torch_module=_pool_torch_for(f"torch.nn.{title}"),
        key_params=_pool_key,
        id_prefix=id_prefix,
        glyph=title.lower().removesuffix("2d"),
        warnings=_pool_warnings_for(title),
        lab=lab,
        onnx_ops=(onnx_op,),
        onnx_import=f"engine.importers.convert:{title.lower()}",
    )


MAXPOOL2D = _window_pool("MaxPool2d", "maximum",
                         "Keeps the largest value in each window, shrinking height and width.", "pool",
                         "MaxPool", lab="max_pool")
AVGPOOL2D = _window_pool("AvgPool2d", "average",
                         "Replaces each window by its average, shrinking height and width.", "avgpool",
                         "AveragePool", macs=_avg_macs, lab="avg_pool")


def _adaptive_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    c, _h, _w = require_image("AdaptiveAvgPool2d", name, inputs)
    return (c, p["output_size"][0], p["output_size"][1])


def _adaptive_explain(inputs: list[Shape], out: Shape, p: Params) -> list[str]:
    c, h, w = inputs[0]
    oh, ow = p["output_size"]
    what = "global average pooling: one number per channel" if (oh, ow) == (1, 1) else (
        f"windows sized to turn {h}x{w} into exactly {oh}x{ow}")
    return [f"{what}; {c}x{h}x{w} -> {c}x{oh}x{ow} = {fmt_int(c * oh * ow)} values"]


def _adaptive_macs(inputs: list[Shape], out: Shape, p: Params) -> int:
    c, h, w = inputs[0]
    return c * h * w


ADAPTIVE_AVGPOOL2D = LayerSpec(
    type_id="adaptiveavgpool2d",
    title="AdaptiveAvgPool2d",
    category="Pooling",
    summary="Averages down to a fixed output size; 1x1 is global average pooling.",
    params=(
        Param("output_size", PAIR, 1, "Output size",
              "Height x width of the result (1 = global average pool).", 1, 256),
    ),
    output_shape=_adaptive_shape,
    explain=_adaptive_explain,
    count_macs=_adaptive_macs,
    receptive=lambda p: None,
    window=lambda p: None,
    torch_module=lambda i, p: ("torch.nn.AdaptiveAvgPool2d", {"output_size": tuple(p["output_size"])}),
    key_params=lambda p: "global" if p["output_size"] == (1, 1) else fmt_pair(p["output_size"]),
    id_prefix="gap",
    glyph="gap",
    # Exporters write global average pooling as GlobalAveragePool or as ReduceMean over H, W.
    onnx_ops=("GlobalAveragePool", "ReduceMean"),
    onnx_import="engine.importers.convert:global_avgpool",
)
