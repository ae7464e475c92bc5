"""Pooling stepper view: the input around the window (padding and cells past the edge in
grey, rows floor mode never reads struck out), the winner of a max window, the gradient
that output sends back (only to the winner for max; spread evenly for average), and the
output map filling in. Draws an engine.lab.pool.PoolFrame."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF, QSize
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.lab.pool import PoolFrame, PoolTrace
from widgets.lab.paint import caption, draw_grid, draw_heat, fmt, ink, outline, text_block

MARGIN = 12


def pool_lines(trace: PoolTrace, frame: PoolFrame) -> list[str]:
    win, cov = frame.window, frame.coverage
    cells = [fmt(v, 3) for v in win.values.reshape(-1) if v == v]
    if trace.op == "max":
        what = (f"max({', '.join(cells)}) = {fmt(win.value, 3)}, won by input "
                f"({win.winner[0]}, {win.winner[1]}); the gradient of this output flows back "
                f"to that one input only (1 there, 0 elsewhere)")
    else:
        share = float(win.gradient.max()) if win.gradient.size else 0.0
        what = (f"average = ({' + '.join(cells)}) / {round(1 / share) if share else '?'} = "
                f"{fmt(win.value, 3)}; the gradient is shared: {fmt(share, 3)} to each input")
    mode = "ceil" if trace.ceil_mode else "floor"
    rows = (f"floor mode gives {cov.floor_out[0]}x{cov.floor_out[1]} and drops the last "
            f"{cov.dropped[0]} row(s) / {cov.dropped[1]} column(s); ceil mode gives "
            f"{cov.ceil_out[0]}x{cov.ceil_out[1]}, adding {cov.added[0]} row(s) / "
            f"{cov.added[1]} column(s) of partial windows. This layer uses {mode} mode.")
    return [what, f"layer output here: {fmt(win.layer_value, 3)}", rows]


class PoolStepperView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: PoolTrace | None = None
        self.frame: PoolFrame | None = None
        self.empty_text = "Pick a pooling layer and a sample to step through its windows."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(560, 360)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(900, 460)

    def set_frame(self, trace: PoolTrace | None, frame: PoolFrame | None) -> None:
        self.trace, self.frame = trace, frame
        self.update()

    def set_empty(self, text: str) -> None:
        self.trace, self.frame, self.empty_text = None, None, text
        self.update()

    def lines(self) -> list[str]:
        return [] if self.frame is None or self.trace is None else pool_lines(self.trace, self.frame)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        if self.frame is None or self.trace is None:
            text_block(p, QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, 60),
                       [self.empty_text], k, mono=False)
            return
        f, t, win = self.frame, self.trace, self.frame.window
        text_h = 84
        area_h = self.height() - text_h - 2 * MARGIN - 44
        rows, cols = f.values.shape
        oh, ow = f.output.shape
        width = self.width() - 2 * MARGIN
        cell = max(8.0, min(area_h / rows, width * 0.34 / cols, 40.0))
        ocell = max(2.0, min(width * 0.22 / ow, area_h / oh, 30.0))
        y0 = MARGIN + 36
        x_in = MARGIN
        caption(p, x_in, MARGIN + 12, f"input channel {win.channel}", k, bold=True)
        caption(p, x_in, MARGIN + 28, "grey: padding · struck out: never read", k, muted=True)
        draw_grid(p, x_in, y0, cell, f.values, f.limit, k, f.outside, digits=3, pad_text="")
        p.setPen(QPen(k.bad, 1.5))
        for i, j in zip(*f.unused.nonzero(), strict=True):
            r = QRectF(x_in + j * cell, y0 + i * cell, cell, cell)
            p.drawLine(QLineF(r.topLeft(), r.bottomRight()))
        r_top, c_left = f.origin
        box = QRectF(x_in + (win.cols[0] - c_left) * cell, y0 + (win.rows[0] - r_top) * cell,
                     len(win.cols) * cell, len(win.rows) * cell)
        outline(p, box, k.accent, 2.5)
        if win.winner is not None:
            wr, wc = win.winner
            outline(p, QRectF(x_in + (wc - c_left) * cell, y0 + (wr - r_top) * cell, cell, cell)
                    .adjusted(3, 3, -3, -3), k.ok, 2.5)
        x_g = x_in + cols * cell + 2 * MARGIN
        caption(p, x_g, MARGIN + 12, "gradient back to the input", k, bold=True)
        caption(p, x_g, MARGIN + 28, "d output / d input", k, muted=True)
        draw_grid(p, x_g, y0, cell, f.gradient, 1.0, k, f.outside, digits=2, pad_text="")
        outline(p, box.translated(x_g - x_in, 0), k.accent, 2.5)
        x_o = x_g + cols * cell + 2 * MARGIN
        caption(p, x_o, MARGIN + 12, f"output {oh}x{ow}", k, bold=True)
        caption(p, x_o, MARGIN + 28, f"{t.op} pool {t.kernel[0]}x{t.kernel[1]}, stride "
                f"{t.stride[0]}", k, muted=True)
        draw_heat(p, QRectF(x_o, y0, ow * ocell, oh * ocell), f.output, f.limit, k)
        outline(p, QRectF(x_o + win.col * ocell, y0 + win.row * ocell, ocell, ocell), k.accent, 2)
        caption(p, x_o, y0 + oh * ocell + 16, f"step {f.step + 1} of {f.steps}", k, muted=True)
        caption(p, x_o, y0 + oh * ocell + 32, t.weights_note, k, muted=True)
        text_block(p, QRectF(MARGIN, self.height() - text_h - MARGIN, width, text_h),
                   self.lines(), k, px=12)
