"""Scores to loss: one row per class with its raw score, e^(s/T), the probability, the
gradient p - y, and the hinge margin; under it the two losses written out. Draws an
engine.lab.loss.LossBreakdown; the temperature slider only emits the value chosen."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSlider, QVBoxLayout, QWidget

from engine.lab.loss import LossBreakdown
from widgets.lab.paint import caption, fmt, hbar, ink, text_block

MARGIN = 12
ROW_H = 22
MAX_ROWS = 12
COLUMNS = ("class", "score s", "e^(s/T - max)", "p", "p - y", "hinge margin")
TEMPERATURES = (0.25, 4.0)  # slider range


def loss_lines(b: LossBreakdown, names: list[str]) -> list[str]:
    y = b.label
    name = names[y] if y < len(names) else str(y)
    lines = [
        f"softmax: p_j = e^(s_j/T) / Σ e^(s_k/T) with T = {b.temperature:g}; "
        f"p({name}) = {fmt(b.probs[y], 4)}",
        f"cross-entropy = -log p({name}) = -log {fmt(b.probs[y], 4)} = {fmt(b.cross_entropy, 4)}",
        f"hinge = Σ_(j≠y) max(0, s_j - s_y + {b.margin:g}) = {fmt(b.hinge, 4)}"
        f" ({int((b.margins > 0).sum())} class(es) inside the margin)",
        f"gradient to the scores: dL/ds_j = (p_j - y_j) / T; the correct class is pushed up "
        f"by {fmt(-b.ce_grad[y], 4)}",
    ]
    if b.l2_lambda > 0:
        lines.append(f"loss = data loss + L2 = {fmt(b.cross_entropy, 4)} + {b.l2_lambda:g} × "
                     f"Σ W² ({fmt(b.l2_term, 4)}) = {fmt(b.total, 4)}")
    else:
        lines.append(f"loss = data loss + L2 = {fmt(b.cross_entropy, 4)} + 0 (this project's "
                     f"L2 strength is 0; set it in the training settings)")
    return lines


def shown_rows(b: LossBreakdown) -> list[int]:
    """All classes when they fit; otherwise the most probable ones and the correct one."""
    k = len(b.scores)
    if k <= MAX_ROWS:
        return list(range(k))
    top = [int(i) for i in np.argsort(-b.probs)[:MAX_ROWS - 1]]
    return sorted(set(top) | {b.label})


class LossView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.breakdown: LossBreakdown | None = None
        self.names: list[str] = []
        self.note = ""
        self.empty_text = "Pick a sample to see its scores turn into a loss."
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(560, 360)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(900, 470)

    def set_breakdown(self, b: LossBreakdown | None, names: list[str], note: str = "") -> None:
        self.breakdown, self.names, self.note = b, list(names), note
        self.update()

    def set_empty(self, text: str) -> None:
        self.breakdown, self.empty_text = None, text
        self.update()

    def lines(self) -> list[str]:
        return [] if self.breakdown is None else loss_lines(self.breakdown, self.names)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        b = self.breakdown
        if b is None:
            text_block(p, QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, 60),
                       [self.empty_text], k, mono=False)
            return
        width = self.width() - 2 * MARGIN
        col_w = width / len(COLUMNS)
        y = MARGIN + 12
        for i, title in enumerate(COLUMNS):
            caption(p, MARGIN + i * col_w, y, title, k, bold=True)
        y += 8
        limits = (float(np.abs(b.scores).max()) or 1.0, 1.0, 1.0, 1.0,
                  float(b.margins.max()) or 1.0)
        for row in shown_rows(b):
            name = self.names[row] if row < len(self.names) else str(row)
            is_true = row == b.label
            if is_true:
                p.fillRect(QRectF(MARGIN - 4, y, width + 8, ROW_H), k.pad)
            caption(p, MARGIN, y + 15, ("✔ " if is_true else "   ") + name, k, bold=is_true)
            values = (b.scores[row], b.exps[row], b.probs[row], b.ce_grad[row] * b.temperature,
                      b.margins[row])
            for i, (v, lim) in enumerate(zip(values, limits, strict=True)):
                x = MARGIN + (i + 1) * col_w
                colour = k.bad if (i == 3 and v > 0) or (i == 4 and v > 0) else k.accent
                if i in (1, 2, 4):
                    p.fillRect(QRectF(x, y + 3, max(0.0, min(1.0, v / lim)) * (col_w - 60),
                                      ROW_H - 6), colour)
                else:
                    hbar(p, x, y, col_w - 60, ROW_H, v, lim, colour, k)
                p.setPen(k.text)
                p.drawText(QRectF(x + col_w - 58, y, 54, ROW_H),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           fmt(v, 3))
            y += ROW_H
        y += 10
        y = text_block(p, QRectF(MARGIN, y, width, 200), self.lines(), k, px=12)
        if self.note:
            caption(p, MARGIN, y + 14, self.note, k, muted=True)


class LossPage(QWidget):
    """The loss view with its temperature slider (1 = the ordinary softmax)."""

    temperatureChanged = Signal(float)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = LossView()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setToolTip("Temperature T: scores are divided by T before the softmax; "
                               "small T sharpens the probabilities, large T flattens them")
        self.label = QLabel()
        self.slider.valueChanged.connect(self._changed)
        row = QHBoxLayout()
        row.addWidget(QLabel("Temperature"))
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.set_temperature(1.0)

    @staticmethod
    def _to_value(t: float) -> int:
        lo, hi = np.log(TEMPERATURES[0]), np.log(TEMPERATURES[1])
        return int(round((np.log(t) - lo) / (hi - lo) * 100))

    def temperature(self) -> float:
        lo, hi = np.log(TEMPERATURES[0]), np.log(TEMPERATURES[1])
        t = float(np.exp(lo + (hi - lo) * self.slider.value() / 100))
        return 1.0 if abs(t - 1.0) < 0.02 else round(t, 3)  # the middle snaps to exactly 1

    def set_temperature(self, t: float) -> None:
        self.slider.setValue(self._to_value(t))
        self.label.setText(f"T = {self.temperature():g}")

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def _changed(self, _v: int) -> None:
        self.label.setText(f"T = {self.temperature():g}")
        self.temperatureChanged.emit(self.temperature())
