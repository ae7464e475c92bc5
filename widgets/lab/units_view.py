"""Activation and dropout views: they draw engine.lab.units traces, computing nothing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.lab.units import CURVE_TITLES, ActivationTrace, DropoutFrame, DropoutTrace
from widgets.lab.paint import Ink, caption, draw_grid, fmt, ink, text_block

MARGIN = 12


class _View(QWidget):
    empty_text = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(520, 340)
        self._empty = self.empty_text

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(900, 460)

    def set_empty(self, text: str) -> None:
        self._empty = text
        self.clear()
        self.update()

    def clear(self) -> None:
        pass

    def paint_empty(self, p: QPainter, k: Ink) -> None:
        text_block(p, QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, 60), [self._empty], k,
                   mono=False)


class ActivationView(_View):
    empty_text = "Pick an activation layer and a sample to see its inputs and its curve."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: ActivationTrace | None = None
        self.curve = "layer"

    def clear(self) -> None:
        self.trace = None

    def set_trace(self, trace: ActivationTrace | None, curve: str) -> None:
        self.trace, self.curve = trace, curve if trace is None or curve in trace.curves else "layer"
        self.update()

    def lines(self) -> list[str]:
        t = self.trace
        if t is None:
            return []
        name = CURVE_TITLES.get(self.curve, self.curve)
        return [
            f"{t.pre.size:,} inputs of '{t.node_id}' for this sample, from {fmt(float(t.pre.min()))} "
            f"to {fmt(float(t.pre.max()))} (histogram in grey)",
            f"{name}: the gradient is below 0.01 for {t.small_grad[self.curve]:.1%} of them",
            f"a sigmoid here would pass almost no gradient (< 0.01) for "
            f"{t.sigmoid_vanishing():.1%} of the inputs; its slope is at most 0.25",
        ]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        t = self.trace
        if t is None:
            self.paint_empty(p, k)
            return
        text_h = 64
        plot = QRectF(MARGIN + 36, MARGIN + 22, self.width() - 2 * MARGIN - 48,
                      self.height() - text_h - 2 * MARGIN - 44)
        caption(p, MARGIN, MARGIN + 12, f"{CURVE_TITLES.get(self.curve, self.curve)}: f(x) in "
                f"colour, f'(x) dashed, this layer's inputs as a histogram", k, bold=True)
        y = t.curves[self.curve]
        dy = t.derivatives[self.curve]
        lo = min(float(y.min()), float(dy.min()), 0.0)
        hi = max(float(y.max()), float(dy.max()), 1.0)
        x0, x1 = float(t.grid[0]), float(t.grid[-1])

        def at(xv: float, yv: float) -> QPointF:
            return QPointF(plot.left() + (xv - x0) / (x1 - x0) * plot.width(),
                           plot.bottom() - (yv - lo) / (hi - lo) * plot.height())

        # Histogram first, under the curves.
        peak = max(int(t.hist_counts.max()), 1)
        for count, a, b in zip(t.hist_counts, t.hist_edges[:-1], t.hist_edges[1:], strict=True):
            if count:
                top = plot.bottom() - count / peak * plot.height() * 0.9
                p.fillRect(QRectF(at(a, 0).x(), top, at(b, 0).x() - at(a, 0).x() - 1,
                                  plot.bottom() - top), k.pad)
        p.setPen(QPen(k.grid, 1))
        p.drawRect(plot)
        p.drawLine(at(x0, 0), at(x1, 0))
        p.drawLine(at(0, lo), at(0, hi))
        p.setPen(k.muted)
        for v in (lo, hi):
            p.drawText(QPointF(MARGIN, at(0, v).y() + 4), fmt(v, 1))
        for v in (x0, 0.0, x1):
            p.drawText(at(v, lo) + QPointF(-10, 14), fmt(v, 1))
        for values, colour, dashed in ((y, k.accent, False), (dy, k.bad, True)):
            path = QPainterPath(at(float(t.grid[0]), float(values[0])))
            for xv, yv in zip(t.grid[1:], values[1:], strict=True):
                path.lineTo(at(float(xv), float(yv)))
            pen = QPen(colour, 2.2)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawPath(path)
        text_block(p, QRectF(MARGIN, self.height() - text_h - MARGIN + 6, self.width() - 24,
                             text_h), self.lines(), k, px=12)


class DropoutView(_View):
    empty_text = "Pick a dropout layer and a sample to see which units one training pass drops."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: DropoutTrace | None = None
        self.frame: DropoutFrame | None = None

    def clear(self) -> None:
        self.trace = self.frame = None

    def set_frame(self, trace: DropoutTrace | None, frame: DropoutFrame | None) -> None:
        self.trace, self.frame = trace, frame
        self.update()

    def lines(self) -> list[str]:
        t, f = self.trace, self.frame
        if t is None or f is None:
            return []
        kept = np.argwhere(f.kept & f.valid)
        example = ""
        if len(kept):
            i, j = kept[0]
            example = (f"; e.g. unit {f.first + i * f.cols + j}: {fmt(f.before[i, j], 3)} × "
                       f"{fmt(t.scale, 3)} = {fmt(f.after[i, j], 3)}")
        return [
            f"training pass (draw {t.seed}): {f.dropped:,} of {f.total:,} units dropped "
            f"({f.dropped / max(f.total, 1):.0%}; p = {t.p:g})",
            f"survivors are scaled by 1/(1 - p) = {fmt(t.scale, 3)} so the expected sum stays "
            f"the same{example}",
            "at test time (eval mode) dropout passes every value unchanged",
        ]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        t, f = self.trace, self.frame
        if t is None or f is None:
            self.paint_empty(p, k)
            return
        text_h = 64
        area_h = self.height() - text_h - 2 * MARGIN - 30
        half = (self.width() - 3 * MARGIN) / 2
        cell = max(3.0, min(area_h / f.rows, half / f.cols, 40.0))
        y0 = MARGIN + 22
        caption(p, MARGIN, MARGIN + 12, f"before: units {f.first}-{f.first + f.shown - 1} of "
                f"{f.total:,}", k, bold=True)
        draw_grid(p, MARGIN, y0, cell, np.where(f.valid, f.before, np.nan), f.limit, k,
                  ~f.valid, pad_text="")
        x2 = MARGIN * 2 + f.cols * cell
        caption(p, x2, MARGIN + 12, "after one training pass (dark: dropped)", k, bold=True)
        draw_grid(p, x2, y0, cell, np.where(f.valid, f.after, np.nan), f.limit, k, ~f.valid,
                  pad_text="")
        dark = QColor(k.text)
        dark.setAlpha(170)
        for i, j in np.argwhere(~f.kept & f.valid):
            p.fillRect(QRectF(x2 + j * cell + 1, y0 + i * cell + 1, cell - 2, cell - 2), dark)
        text_block(p, QRectF(MARGIN, self.height() - text_h - MARGIN + 6, self.width() - 24,
                             text_h), self.lines(), k, px=12)
