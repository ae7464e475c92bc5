"""Convolution stepper view: the padded input channel with the kernel window on it, the
kernel's weights, the output map filling in, and the dot product written out with the
actual numbers. It draws an engine.lab.conv.ConvFrame; it computes nothing."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.lab.conv import ConvFrame, ConvTrace
from widgets.lab.paint import caption, draw_grid, draw_heat, fmt, ink, outline, text_block

MARGIN = 12
MAX_TERMS = 9       # products written out before "..."
MAX_CHANNEL_SUMS = 6


def product_line(frame: ConvFrame) -> str:
    """'x1*w1 + x2*w2 + ... = sum' for the channel being shown."""
    win = frame.window
    c = frame.in_channel
    pairs = list(zip(win.patch[c].reshape(-1), win.kernel[c].reshape(-1), strict=True))
    terms = [f"{fmt(x)}×{fmt(w)}" for x, w in pairs[:MAX_TERMS]]
    more = f" + … ({len(pairs) - MAX_TERMS} more)" if len(pairs) > MAX_TERMS else ""
    return (f"channel {int(win.channels[c])}: " + " + ".join(terms) + more
            + f" = {fmt(win.channel_sums[c], 3)}")


def sum_line(frame: ConvFrame) -> str:
    win = frame.window
    sums = [fmt(s, 3) for s in win.channel_sums[:MAX_CHANNEL_SUMS]]
    more = (f" + … ({len(win.channel_sums) - MAX_CHANNEL_SUMS} more channels)"
            if len(win.channel_sums) > MAX_CHANNEL_SUMS else "")
    return (f"sum over {len(win.channel_sums)} channel(s): " + " + ".join(sums) + more
            + f" = {fmt(float(win.channel_sums.sum()), 3)}")


def total_line(frame: ConvFrame, has_bias: bool) -> str:
    win = frame.window
    bias = f" + bias {fmt(win.bias, 3)}" if has_bias else " (no bias)"
    agree = "✓" if abs(win.total - win.layer_value) <= 1e-3 * max(1.0, abs(win.layer_value)) else "≠"
    return (f"{fmt(float(win.channel_sums.sum()), 3)}{bias} = {fmt(win.total, 4)}   "
            f"layer output at ({win.row}, {win.col}): {fmt(win.layer_value, 4)} {agree}")


class ConvStepperView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: ConvTrace | None = None
        self.frame: ConvFrame | None = None
        self.empty_text = "Pick a Conv2d layer and a sample to step through its convolution."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(560, 380)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(900, 470)

    def set_frame(self, trace: ConvTrace | None, frame: ConvFrame | None) -> None:
        self.trace, self.frame = trace, frame
        self.update()

    def set_empty(self, text: str) -> None:
        self.trace, self.frame, self.empty_text = None, None, text
        self.update()

    def lines(self) -> list[str]:
        """The dot product as text (also what tests and the clipboard read)."""
        if self.frame is None or self.trace is None:
            return []
        return [product_line(self.frame), sum_line(self.frame),
                total_line(self.frame, self.trace.has_bias)]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        if self.frame is None or self.trace is None:
            text_block(p, QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, 60),
                       [self.empty_text], k, mono=False)
            return
        f, t, win = self.frame, self.trace, self.frame.window
        text_h = 92
        area_h = self.height() - text_h - 2 * MARGIN - 40
        vals = f.input_crop
        rows, cols = vals.shape
        kh, kw = win.kernel.shape[1:]
        oh, ow = f.output.shape
        width = self.width() - 2 * MARGIN
        # Input crop gets most of the room, then the kernel, then the output map.
        cell = max(8.0, min(area_h / rows, width * 0.5 / cols, 44.0))
        kcell = max(8.0, min(cell, width * 0.24 / kw, area_h / kh))
        ocell = max(2.0, min(width * 0.28 / ow, area_h / oh, 30.0))
        y0 = MARGIN + 36
        x_in = MARGIN
        r0, r1, c0, c1 = f.crop
        caption(p, x_in, MARGIN + 12, f"input channel {int(win.channels[f.in_channel])} "
                f"(padded {t.padded.shape[1]}x{t.padded.shape[2]})", k, bold=True)
        caption(p, x_in, MARGIN + 28, f"grey: zero padding · rows {r0}-{r1 - 1}, "
                f"cols {c0}-{c1 - 1}", k, muted=True)
        draw_grid(p, x_in, y0, cell, vals, f.input_limit, k, f.pad_mask)
        # The window: each tap outlined (dilation spreads them), the span dashed.
        for r in win.tap_rows:
            for c in win.tap_cols:
                outline(p, QRectF(x_in + (c - c0) * cell, y0 + (r - r0) * cell, cell, cell),
                        k.accent, 2.0)
        span = QRectF(x_in + (win.tap_cols[0] - c0) * cell, y0 + (win.tap_rows[0] - r0) * cell,
                      (win.tap_cols[-1] - win.tap_cols[0] + 1) * cell,
                      (win.tap_rows[-1] - win.tap_rows[0] + 1) * cell)
        outline(p, span.adjusted(-2, -2, 2, 2), k.accent, 1.0, dashed=True)
        x_k = x_in + cols * cell + 2 * MARGIN
        caption(p, x_k, MARGIN + 12, f"kernel {win.out_channel}", k, bold=True)
        caption(p, x_k, MARGIN + 28, f"slice {int(win.channels[f.in_channel])} of "
                f"{len(win.channels)}", k, muted=True)
        kernel = win.kernel[f.in_channel]
        draw_grid(p, x_k, y0, kcell, kernel, max(float(abs(kernel).max()), 1e-6), k)
        x_o = x_k + kw * kcell + 2 * MARGIN
        caption(p, x_o, MARGIN + 12, f"output map {win.out_channel}", k, bold=True)
        caption(p, x_o, MARGIN + 28, f"{oh}x{ow}, filling in", k, muted=True)
        out_rect = QRectF(x_o, y0, ow * ocell, oh * ocell)
        draw_heat(p, out_rect, f.output, f.output_limit, k)
        outline(p, QRectF(x_o + win.col * ocell, y0 + win.row * ocell, ocell, ocell), k.accent,
                2.0)
        caption(p, x_o, y0 + oh * ocell + 16,
                f"step {f.step + 1} of {f.steps}: position ({win.row}, {win.col})", k, muted=True)
        caption(p, x_o, y0 + oh * ocell + 32, f"stride {t.stride[0]}x{t.stride[1]}, dilation "
                f"{t.dilation[0]}x{t.dilation[1]}", k, muted=True)
        caption(p, x_o, y0 + oh * ocell + 48, t.weights_note, k, muted=True)
        text_top = self.height() - text_h - MARGIN
        text_block(p, QRectF(MARGIN, text_top, width, text_h), self.lines(), k, px=12)
