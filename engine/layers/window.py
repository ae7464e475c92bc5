"""Sliding-window arithmetic shared by convolution and pooling.

PyTorch's rule, per axis:  out = floor((n + 2p - d(k-1) - 1) / s) + 1
(the tutorial writes it (W - F + 2P)/S + 1 for d = 1). With ceil mode the division rounds
up, but a last window that would start inside the right padding is dropped.
"""

from __future__ import annotations

from engine.layers.spec import Shape, ShapeError, fmt_pair, fmt_shape

AXES = ("H", "W")


def axis_out(n: int, k: int, s: int, p: int, d: int = 1, ceil: bool = False) -> int:
    """Exactly PyTorch's pooling/convolution size rule (0 or less means no valid output)."""
    span = n + 2 * p - d * (k - 1) - 1
    if ceil:
        out = -(-span // s) + 1
        if out > 0 and (out - 1) * s >= n + p:
            out -= 1
        return out
    return span // s + 1


def require_image(kind: str, name: str, shapes: list[Shape]) -> Shape:
    """The single input must be C x H x W; say how to get there if it is not."""
    shape = shapes[0]
    if len(shape) != 3:
        raise ShapeError(
            f"{kind} '{name}' needs an image-shaped input (channels x height x width) but "
            f"receives {fmt_shape(shape)}. Place it before the Flatten, or use an Input with "
            f"image layout."
        )
    return shape


def window_out(
    kind: str,
    name: str,
    hw: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    pad: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
    ceil: bool = False,
) -> tuple[int, int]:
    """Output height and width, or a ShapeError naming the input, padding and a fix."""
    out = []
    for axis in range(2):
        n, k, s, p, d = hw[axis], kernel[axis], stride[axis], pad[axis], dilation[axis]
        eff = d * (k - 1) + 1
        size = axis_out(n, k, s, p, d, ceil)
        if size < 1:
            size_text = f"{hw[0]}x{hw[1]}"
            padded = f"{hw[0] + 2 * pad[0]}x{hw[1] + 2 * pad[1]}"
            kern = f"{kernel[0]}x{kernel[1]}"
            dil = f", dilation {d}" if d != 1 else ""
            need_pad = -(-(eff - n) // 2)
            raise ShapeError(
                f"{kind} '{name}': kernel {kern}{dil} is larger than its padded input {padded} "
                f"(input {size_text}, padding {fmt_pair(pad)}). Use padding >= {need_pad} "
                f"or a kernel <= {(n + 2 * p - 1) // d + 1}."
            )
        out.append(size)
    return out[0], out[1]


def formula_lines(
    hw: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    pad: tuple[int, int],
    dilation: tuple[int, int],
    out_hw: tuple[int, int],
    ceil: bool = False,
) -> list[str]:
    """The output-size formula with the user's numbers, once per distinct axis."""
    rnd = "ceil" if ceil else "floor"
    lines = []
    axes = [0] if (hw[0], kernel[0], stride[0], pad[0], dilation[0]) == (
        hw[1], kernel[1], stride[1], pad[1], dilation[1]) else [0, 1]
    for a in axes:
        ax = AXES[a] if len(axes) == 2 else "H"
        n, k, s, p, d = hw[a], kernel[a], stride[a], pad[a], dilation[a]
        lines.append(
            f"{ax}_out = {rnd}(({ax} + 2P - D(K-1) - 1)/S) + 1 = "
            f"{rnd}(({n} + 2*{p} - {d}*{k - 1} - 1)/{s}) + 1 = {out_hw[a]}"
        )
        if d == 1 and not ceil:
            exact = (n - k + 2 * p) / s + 1
            shown = f"{exact:g}" if exact.is_integer() else f"{exact:.2f}, floored to {out_hw[a]}"
            lines.append(f"  tutorial form: (W - F + 2P)/S + 1 = ({n} - {k} + 2*{p})/{s} + 1 = {shown}")
    if len(axes) == 1:
        lines.append(f"W_out = {out_hw[1]} (same numbers as H)")
    return lines


def floored_away(
    hw: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    pad: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[int, int]:
    """Real input rows / columns (not padding) past the last window, lost to the floor.

    Only reported where windows otherwise tile the input (stride <= kernel): with a larger
    stride, rows are skipped everywhere by design and the last one is no special loss.
    """
    lost = []
    for a in range(2):
        eff = dilation[a] * (kernel[a] - 1) + 1
        span = hw[a] + 2 * pad[a] - eff
        if span < 0 or stride[a] > eff:
            lost.append(0)
        else:
            lost.append(max(0, span % stride[a] - pad[a]))
    return lost[0], lost[1]
