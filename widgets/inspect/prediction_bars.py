"""The network's top-k classes for the sample: softmax probabilities as horizontal bars,
the true label marked when it is known.

The bars are drawn on a fixed 0..1 axis (not stretched to the top class), so a bar's length
is the probability itself and a hesitant network looks hesitant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ROW_PX = 24
BAR_PX = 16
MARGIN_PX = 6
LABEL_MAX_PX = 150
VALUE_PX = 64
BAR_COLOUR = QColor(70, 130, 200)
TRUE_COLOUR = QColor(46, 160, 67)
WRONG_TOP_COLOUR = QColor(214, 90, 60)


@dataclass(frozen=True)
class ClassProbability:
    index: int
    name: str
    prob: float


def probabilities_from(prediction: Sequence[dict]) -> list[ClassProbability]:
    """The engine's [{"index", "class", "prob"}, ...], best first."""
    return [ClassProbability(int(p["index"]), str(p["class"]), float(p["prob"])) for p in prediction]


class PredictionBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ClassProbability] = []
        self._true: int | None = None
        self._true_name = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(320)

    def set_prediction(self, rows: Sequence[ClassProbability], true_index: int | None = None,
                       true_name: str = "") -> None:
        self._rows, self._true, self._true_name = list(rows), true_index, true_name
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.set_prediction([])

    def rows(self) -> list[ClassProbability]:
        return list(self._rows)

    @staticmethod
    def percent(prob: float) -> str:
        return f"{prob * 100:.1f}%"

    def verdict_text(self) -> str:
        """One line under the bars: right or wrong, and where the true class stands."""
        if not self._rows or self._true is None:
            return "" if not self._rows else "The true label is unknown for an opened image."
        top = self._rows[0]
        name = self._true_name or str(self._true)
        if top.index == self._true:
            return f"Correct: the true label is {name}."
        ranks = [i for i, r in enumerate(self._rows) if r.index == self._true]
        where = (f"ranked {ranks[0] + 1} with {self.percent(self._rows[ranks[0]].prob)}" if ranks
                 else f"not in the top {len(self._rows)}")
        return f"Wrong: the true label {name} is {where}."

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        line = QFontMetrics(self.font()).height()
        return QSize(420, 2 * MARGIN_PX + len(self._rows) * ROW_PX + (line + 6 if self._rows else 0))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(320, self.sizeHint().height())

    def bar_rect(self, row: int) -> QRect:
        """The filled part of a row's bar (tests compare its width with the probability)."""
        fm = QFontMetrics(self.font())
        label_w = min(LABEL_MAX_PX, max((fm.horizontalAdvance(r.name + "  ✓") for r in self._rows),
                                        default=0)) + 8
        full = max(10, self.width() - label_w - VALUE_PX - 2 * MARGIN_PX)
        y = MARGIN_PX + row * ROW_PX + (ROW_PX - BAR_PX) // 2
        return QRect(MARGIN_PX + label_w, y, round(full * self._rows[row].prob), BAR_PX)

    def bar_full_width(self) -> int:
        fm = QFontMetrics(self.font())
        label_w = min(LABEL_MAX_PX, max((fm.horizontalAdvance(r.name + "  ✓") for r in self._rows),
                                        default=0)) + 8
        return max(10, self.width() - label_w - VALUE_PX - 2 * MARGIN_PX)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not self._rows:
            return
        painter = QPainter(self)
        fm = QFontMetrics(self.font())
        text = self.palette().text().color()
        track = QColor(self.palette().mid().color())
        track.setAlpha(60)
        for i, row in enumerate(self._rows):
            bar = self.bar_rect(i)
            full = QRect(bar.left(), bar.top(), self.bar_full_width(), bar.height())
            painter.fillRect(full, track)
            is_true = self._true is not None and row.index == self._true
            colour = TRUE_COLOUR if is_true else (
                WRONG_TOP_COLOUR if i == 0 and self._true is not None else BAR_COLOUR)
            painter.fillRect(bar, colour)
            painter.setPen(text)
            label = row.name + ("  ✓" if is_true else "")
            shown = fm.elidedText(label, Qt.TextElideMode.ElideRight, bar.left() - MARGIN_PX - 8)
            painter.drawText(QRect(MARGIN_PX, MARGIN_PX + i * ROW_PX, bar.left() - MARGIN_PX - 8,
                                   ROW_PX), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             shown)
            painter.drawText(QRect(full.right() + 6, MARGIN_PX + i * ROW_PX, VALUE_PX, ROW_PX),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self.percent(row.prob))
        painter.drawText(MARGIN_PX, MARGIN_PX + len(self._rows) * ROW_PX + 4 + fm.ascent(),
                         self.verdict_text())
        painter.end()
