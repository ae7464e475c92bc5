"""Convolution stepper: one output value of a Conv2d, as the dot product it is.

`ConvTrace` holds one layer on one sample (its zero-padded input, its weights and the
output torch computed); `conv_window` returns what the view shows at one output position:
the window's taps (stride = the window's jumps, dilation = spread taps), each input
channel's products and their sum, the bias and the total, which equals torch's output there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.lab.errors import LabError


@dataclass(frozen=True)
class ConvTrace:
    node_id: str
    padded: np.ndarray   # (C, H + top + bottom, W + left + right), zeros in the padding
    pad: tuple[int, int, int, int]  # top, left, bottom, right
    weight: np.ndarray   # (O, C / groups, kh, kw)
    bias: np.ndarray     # (O,), zeros when the layer has no bias
    has_bias: bool
    stride: tuple[int, int]
    dilation: tuple[int, int]
    groups: int
    output: np.ndarray   # (O, OH, OW): the layer's own output for the sample
    weights_note: str    # "trained weights" or "initial weights (untrained)"

    @property
    def in_shape(self) -> tuple[int, int, int]:
        c, hp, wp = self.padded.shape
        t, left, b, r = self.pad
        return c, hp - t - b, wp - left - r

    @property
    def out_shape(self) -> tuple[int, int, int]:
        o, h, w = self.output.shape
        return int(o), int(h), int(w)

    @property
    def positions(self) -> int:
        """Output positions per channel: the number of steps of the stepper."""
        return self.out_shape[1] * self.out_shape[2]

    def position(self, step: int) -> tuple[int, int]:
        """Row-major step index -> (row, col) of the output map."""
        _, _, ow = self.out_shape
        step = min(max(step, 0), self.positions - 1)
        return step // ow, step % ow


@dataclass(frozen=True)
class ConvWindow:
    out_channel: int
    row: int
    col: int
    channels: np.ndarray  # input channel indices this kernel reads (its group)
    tap_rows: np.ndarray  # (kh,) rows of the padded input the taps sit on
    tap_cols: np.ndarray  # (kw,)
    patch: np.ndarray     # (Cg, kh, kw) input values under the taps (padding reads 0)
    kernel: np.ndarray    # (Cg, kh, kw) the weights
    products: np.ndarray  # patch * kernel
    channel_sums: np.ndarray  # (Cg,)
    bias: float
    total: float          # sum of channel_sums + bias
    layer_value: float    # the layer's output there (torch), for the view to show beside


def padding_for(kernel: tuple[int, int], dilation: tuple[int, int],
                padding: str | tuple[int, int]) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) zeros, as PyTorch pads: 'same' puts the odd one at the
    bottom/right for even kernels."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        th, tw = dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)
        return (th // 2, tw // 2, th - th // 2, tw - tw // 2)
    ph, pw = padding  # type: ignore[misc]
    return (int(ph), int(pw), int(ph), int(pw))


def pad_input(x: np.ndarray, pad: tuple[int, int, int, int]) -> np.ndarray:
    t, left, b, r = pad
    return np.pad(np.asarray(x, dtype=np.float32), ((0, 0), (t, b), (left, r)))


def conv_window(trace: ConvTrace, out_channel: int, row: int, col: int) -> ConvWindow:
    """The numbers behind output[out_channel, row, col]; cheap (one window of numpy)."""
    o, oh, ow = trace.out_shape
    if not (0 <= out_channel < o and 0 <= row < oh and 0 <= col < ow):
        raise LabError(
            f"Output position ({out_channel}, {row}, {col}) is outside the {o}x{oh}x{ow} "
            f"output of '{trace.node_id}'; pick a kernel below {o}, a row below {oh} and a "
            f"column below {ow}.")
    kernel = trace.weight[out_channel]
    cg, kh, kw = kernel.shape
    group = out_channel // (o // trace.groups)
    channels = np.arange(group * cg, (group + 1) * cg)
    sh, sw = trace.stride
    dh, dw = trace.dilation
    tap_rows = row * sh + dh * np.arange(kh)
    tap_cols = col * sw + dw * np.arange(kw)
    patch = trace.padded[channels][:, tap_rows][:, :, tap_cols]
    products = patch * kernel
    sums = products.reshape(cg, -1).sum(axis=1, dtype=np.float64)
    bias = float(trace.bias[out_channel])
    return ConvWindow(out_channel, row, col, channels, tap_rows, tap_cols, patch, kernel,
                      products, sums, bias, float(sums.sum() + bias),
                      float(trace.output[out_channel, row, col]))


def partial_output(trace: ConvTrace, out_channel: int, step: int) -> np.ndarray:
    """The output map as filled in up to `step` (row-major), NaN where not reached yet."""
    _, oh, ow = trace.out_shape
    flat = np.full(oh * ow, np.nan, dtype=np.float32)
    upto = min(max(step, 0), oh * ow - 1) + 1
    flat[:upto] = trace.output[out_channel].reshape(-1)[:upto]
    return flat.reshape(oh, ow)


def crop_around(rows: tuple[int, int], cols: tuple[int, int], shape: tuple[int, int],
                size: int) -> tuple[int, int, int, int]:
    """A readable `size` x `size` crop (r0, r1, c0, c1) of a grid of `shape` that keeps the
    span rows[0]..rows[1] x cols[0]..cols[1] (inclusive) in view, nearly centred."""
    out = []
    for (lo, hi), n in ((rows, shape[0]), (cols, shape[1])):
        if n <= size:
            out += [0, n]
            continue
        centre = (lo + hi) // 2
        start = min(max(centre - size // 2, 0), n - size)
        start = min(start, lo)
        start = max(start, hi - size + 1, 0)
        out += [start, start + size]
    return out[0], out[1], out[2], out[3]


def formula_text(trace: ConvTrace) -> list[str]:
    """The output-size rule with this layer's numbers, per axis: (W - F + 2P)/S + 1."""
    c, h, w = trace.in_shape
    _, oh, ow = trace.out_shape
    kh, kw = trace.weight.shape[2:]
    t, left, b, r = trace.pad
    lines = []
    for axis, n, k, p_lo, p_hi, s, d, out in (
            ("H", h, kh, t, b, trace.stride[0], trace.dilation[0], oh),
            ("W", w, kw, left, r, trace.stride[1], trace.dilation[1], ow)):
        f = d * (k - 1) + 1
        pad_text = f"2*{p_lo}" if p_lo == p_hi else f"{p_lo}+{p_hi}"
        lines.append(f"{axis}_out = ({n} - {f} + {pad_text})/{s} + 1 = "
                     f"{(n - f + p_lo + p_hi) / s + 1:g} -> {out}"
                     + (f"   (F = {d}*({k}-1)+1 with dilation {d})" if d != 1 else ""))
    return lines


@dataclass(frozen=True)
class ConvFrame:
    """Everything the convolution view draws at one step: computed here, drawn there."""

    window: ConvWindow
    in_channel: int       # which input channel's grid and products are written out
    crop: tuple[int, int, int, int]  # r0, r1, c0, c1 of the padded input shown
    input_crop: np.ndarray   # padded input values in the crop
    pad_mask: np.ndarray     # True where the crop shows padding
    output: np.ndarray       # the output map filled in up to this step (NaN: not yet)
    input_limit: float       # colour range of the input channel (symmetric)
    output_limit: float
    step: int
    steps: int


def conv_frame(trace: ConvTrace, out_channel: int, step: int, in_channel: int = 0,
               crop_size: int = 0) -> ConvFrame:
    """`crop_size` 0: the window's span plus two cells each side, so numbers stay legible."""
    row, col = trace.position(step)
    win = conv_window(trace, out_channel, row, col)
    local = min(max(in_channel, 0), len(win.channels) - 1)
    channel = int(win.channels[local])
    rows = (int(win.tap_rows[0]), int(win.tap_rows[-1]))
    cols = (int(win.tap_cols[0]), int(win.tap_cols[-1]))
    hp, wp = trace.padded.shape[1:]
    span = max(rows[1] - rows[0] + 1, cols[1] - cols[0] + 1)
    r0, r1, c0, c1 = crop_around(rows, cols, (hp, wp), max(crop_size or span + 4, span))
    t, left, b, r = trace.pad
    rr = np.arange(r0, r1)[:, None]
    cc = np.arange(c0, c1)[None, :]
    pad_mask = (rr < t) | (rr >= hp - b) | (cc < left) | (cc >= wp - r)
    return ConvFrame(win, local, (r0, r1, c0, c1), trace.padded[channel, r0:r1, c0:c1],
                     pad_mask, partial_output(trace, out_channel, row * trace.out_shape[2] + col),
                     _limit(trace.padded[channel]), _limit(trace.output[out_channel]),
                     row * trace.out_shape[2] + col, trace.positions)


def _limit(a: np.ndarray) -> float:
    m = float(np.abs(a).max()) if a.size else 0.0
    return m if m > 0 else 1.0
