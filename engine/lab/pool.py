"""Pooling stepper: one window of a MaxPool2d / AvgPool2d, which input wins (max) or how
the window averages (avg), where the gradient of that output flows back to, and which
rows and columns floor mode drops or ceil mode adds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.lab.errors import LabError
from engine.layers.window import axis_out


@dataclass(frozen=True)
class PoolTrace:
    node_id: str
    op: str                  # "max" or "avg"
    input: np.ndarray        # (C, H, W) what the layer received
    kernel: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    ceil_mode: bool
    output: np.ndarray       # (C, OH, OW) the layer's output (torch)
    argmax: np.ndarray | None  # (C, OH, OW) torch's winner per window, flat index into H*W
    weights_note: str

    @property
    def out_shape(self) -> tuple[int, int, int]:
        c, h, w = self.output.shape
        return int(c), int(h), int(w)

    @property
    def positions(self) -> int:
        return self.out_shape[1] * self.out_shape[2]

    def position(self, step: int) -> tuple[int, int]:
        _, _, ow = self.out_shape
        step = min(max(step, 0), self.positions - 1)
        return step // ow, step % ow


@dataclass(frozen=True)
class PoolWindow:
    channel: int
    row: int
    col: int
    rows: np.ndarray     # (kh,) input rows of the window (negative / >= H: padding)
    cols: np.ndarray     # (kw,)
    values: np.ndarray   # (kh, kw) input values, NaN on padding or past the input
    gradient: np.ndarray  # (kh, kw) d output / d input for each window cell
    winner: tuple[int, int] | None  # (row, col) of the input that wins (max pooling)
    value: float         # what the stepper computed
    layer_value: float   # the layer's own output there


@dataclass(frozen=True)
class Coverage:
    """Which input rows / columns the windows reach, floor and ceil mode side by side."""

    floor_out: tuple[int, int]
    ceil_out: tuple[int, int]
    dropped: tuple[int, int]  # rows, cols at the bottom / right no window uses (floor)
    added: tuple[int, int]    # extra output rows, cols that ceil mode adds


def pool_window(trace: PoolTrace, channel: int, row: int, col: int) -> PoolWindow:
    c, oh, ow = trace.out_shape
    if not (0 <= channel < c and 0 <= row < oh and 0 <= col < ow):
        raise LabError(f"Position ({channel}, {row}, {col}) is outside the {c}x{oh}x{ow} "
                       f"output of '{trace.node_id}'; pick a smaller channel, row or column.")
    _, h, w = trace.input.shape
    kh, kw = trace.kernel
    r0 = row * trace.stride[0] - trace.padding[0]
    c0 = col * trace.stride[1] - trace.padding[1]
    rows, cols = r0 + np.arange(kh), c0 + np.arange(kw)
    inside = ((rows >= 0) & (rows < h))[:, None] & ((cols >= 0) & (cols < w))[None, :]
    values = np.full((kh, kw), np.nan, dtype=np.float32)
    rr, cc = np.nonzero(inside)
    values[rr, cc] = trace.input[channel, rows[rr], cols[cc]]
    gradient = np.zeros((kh, kw), dtype=np.float32)
    winner = None
    if trace.op == "max":
        # The first largest value in row-major order wins, as in PyTorch's kernel.
        flat = np.where(inside, values, -np.inf).reshape(-1)
        best = int(np.argmax(flat))
        gradient.reshape(-1)[best] = 1.0
        winner = (int(rows[best // kw]), int(cols[best % kw]))
        value = float(flat[best])
    else:
        # PyTorch's divisor (count_include_pad): the window clipped to input + padding.
        h_end = min(r0 + kh, h + trace.padding[0])
        w_end = min(c0 + kw, w + trace.padding[1])
        divisor = (h_end - r0) * (w_end - c0)
        gradient[inside] = 1.0 / divisor
        value = float(np.nansum(values, dtype=np.float64) / divisor)
    return PoolWindow(channel, row, col, rows, cols, values, gradient, winner, value,
                      float(trace.output[channel, row, col]))


def coverage(trace: PoolTrace) -> Coverage:
    _, h, w = trace.input.shape
    floor_out, ceil_out, dropped = [], [], []
    for n, k, s, p in zip((h, w), trace.kernel, trace.stride, trace.padding, strict=True):
        f = axis_out(n, k, s, p, 1, False)
        floor_out.append(f)
        ceil_out.append(axis_out(n, k, s, p, 1, True))
        last = (f - 1) * s - p + k - 1  # last input index the floor windows reach
        dropped.append(max(0, n - 1 - last))
    return Coverage((floor_out[0], floor_out[1]), (ceil_out[0], ceil_out[1]),
                    (dropped[0], dropped[1]),
                    (ceil_out[0] - floor_out[0], ceil_out[1] - floor_out[1]))


@dataclass(frozen=True)
class PoolFrame:
    """What the pooling view draws at one step."""

    window: PoolWindow
    origin: tuple[int, int]   # input (row, col) of the crop's top-left cell (may be < 0)
    values: np.ndarray        # crop of the input, NaN outside it (padding / past the edge)
    outside: np.ndarray       # True where the crop lies outside the input
    unused: np.ndarray        # True on input cells no window of this mode ever reads
    gradient: np.ndarray      # d output / d input routed onto the crop
    output: np.ndarray        # output map, filled in up to this step (NaN: not yet)
    coverage: Coverage
    limit: float
    step: int
    steps: int


def pool_frame(trace: PoolTrace, channel: int, step: int, crop_size: int = 8) -> PoolFrame:
    from engine.lab.conv import crop_around

    row, col = trace.position(step)
    win = pool_window(trace, channel, row, col)
    _, h, w = trace.input.shape
    _, oh, ow = trace.out_shape
    # The drawable extent: the input, its padding, and what ceil-mode windows reach past it.
    lo = (-trace.padding[0], -trace.padding[1])
    hi = (max(h + trace.padding[0], (oh - 1) * trace.stride[0] - trace.padding[0] + trace.kernel[0]),
          max(w + trace.padding[1], (ow - 1) * trace.stride[1] - trace.padding[1] + trace.kernel[1]))
    extent = (hi[0] - lo[0], hi[1] - lo[1])
    span_r = (int(win.rows[0]) - lo[0], int(win.rows[-1]) - lo[0])
    span_c = (int(win.cols[0]) - lo[1], int(win.cols[-1]) - lo[1])
    r0, r1, c0, c1 = crop_around(span_r, span_c, extent, max(crop_size, trace.kernel[0],
                                                              trace.kernel[1]))
    rows = np.arange(r0, r1) + lo[0]
    cols = np.arange(c0, c1) + lo[1]
    inside = ((rows >= 0) & (rows < h))[:, None] & ((cols >= 0) & (cols < w))[None, :]
    values = np.full(inside.shape, np.nan, dtype=np.float32)
    ii, jj = np.nonzero(inside)
    values[ii, jj] = trace.input[channel, rows[ii], cols[jj]]
    last_r = (oh - 1) * trace.stride[0] - trace.padding[0] + trace.kernel[0] - 1
    last_c = (ow - 1) * trace.stride[1] - trace.padding[1] + trace.kernel[1] - 1
    unused = inside & ((rows > last_r)[:, None] | (cols > last_c)[None, :])
    gradient = np.zeros(inside.shape, dtype=np.float32)
    for i, r in enumerate(win.rows):
        for j, c in enumerate(win.cols):
            if r0 <= r - lo[0] < r1 and c0 <= c - lo[1] < c1:
                gradient[r - lo[0] - r0, c - lo[1] - c0] += win.gradient[i, j]
    flat = np.full(oh * ow, np.nan, dtype=np.float32)
    upto = row * ow + col + 1
    flat[:upto] = trace.output[channel].reshape(-1)[:upto]
    m = float(np.abs(trace.input[channel]).max()) or 1.0
    return PoolFrame(win, (int(rows[0]), int(cols[0])), values, ~inside, unused, gradient,
                     flat.reshape(oh, ow), coverage(trace), m, row * ow + col, trace.positions)
