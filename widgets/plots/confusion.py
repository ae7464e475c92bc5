"""Confusion matrix: rows are the true class, columns the predicted one; each cell shows
its count or its share of the row, coloured by the share. Clicking a cell emits
cellClicked(true, predicted) so the app can open the images behind it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from widgets.plots.axes import thinned_ticks
from widgets.plots.base import TITLE_SIZE, PlotPanel, title_html

COLORMAP = "CET-L12"  # light to dark blue: dark cells are where the images go
TEXT_ON_DARK, TEXT_ON_LIGHT = QColor("#ffffff"), QColor("#111827")
DARK_CELL = 0.55  # share above which a cell's text is drawn white


class _ClickableImage(pg.ImageItem):
    def __init__(self, on_click: Any) -> None:
        super().__init__(axisOrder="row-major")
        self._on_click = on_click

    def mouseClickEvent(self, event: Any) -> None:  # noqa: N802 - pyqtgraph override
        pos = event.pos()
        self._on_click(int(pos.y()), int(pos.x()))
        event.accept()


class ConfusionPlot(PlotPanel):
    """set_matrix(counts, normalised, names); set_mode("counts" | "normalised")."""

    cellClicked = Signal(int, int)  # noqa: N815 - Qt naming: true class, predicted class
    empty_text = "Evaluate the trained network to see what it confuses."

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent, dark, object_name="confusionPlot")
        self.plot = self.add_plot("predicted class")
        self.plot.setLabel("left", "true class")
        self.plot.invertY(True)
        self.plot.setAspectLocked(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.showGrid(x=False, y=False)
        self.plot.getAxis("left").setWidth(84)
        self.image = _ClickableImage(self._clicked)
        self.image.setColorMap(pg.colormap.get(COLORMAP))
        self.plot.addItem(self.image)
        self.counts = np.zeros((0, 0), np.int64)
        self.shares = np.zeros((0, 0))
        self.names: list[str] = []
        self.mode = "counts"
        self.texts: list[pg.TextItem] = []
        self.set_dark(dark)
        self.update_empty_state()

    def set_matrix(self, counts: Sequence[Sequence[int]], normalised: Sequence[Sequence[float]],
                   names: Sequence[str]) -> None:
        self.counts = np.asarray(counts, dtype=np.int64)
        self.shares = np.asarray(normalised, dtype=float)
        self.names = list(names)
        for item in self.texts:
            self.plot.removeItem(item)
        self.texts = []
        for _ in range(self.counts.size):
            item = pg.TextItem(anchor=(0.5, 0.5))
            self.plot.addItem(item)
            self.texts.append(item)
        self.mark_dirty()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.mark_dirty()

    def clear(self) -> None:
        self.set_matrix(np.zeros((0, 0)), np.zeros((0, 0)), [])
        self.update_empty_state()

    def cell_text(self, i: int, j: int) -> str:
        if self.mode == "normalised":
            return f"{100 * self.shares[i, j]:.0f}%"
        return f"{self.counts[i, j]:,}"

    def _clicked(self, i: int, j: int) -> None:
        k = len(self.names)
        if 0 <= i < k and 0 <= j < k:
            self.cellClicked.emit(i, j)

    # ---- PlotPanel -----------------------------------------------------------------------
    def has_content(self) -> bool:
        return bool(self.names)

    def draw(self) -> None:
        k = len(self.names)
        if not k:
            return
        self.image.setImage(self.shares, autoLevels=False, levels=(0.0, 1.0))
        self.image.setRect(QRectF(0, 0, k, k))
        self.plot.setRange(xRange=(0, k), yRange=(0, k), padding=0)
        font = QFont(self.font())
        font.setPointSizeF(7.5 if k > 8 else 8.5)
        for index, item in enumerate(self.texts):
            i, j = divmod(index, k)
            item.setText(self.cell_text(i, j))
            item.setFont(font)
            item.setColor(TEXT_ON_DARK if self.shares[i, j] > DARK_CELL else TEXT_ON_LIGHT)
            item.setPos(j + 0.5, i + 0.5)
        left, bottom = self.plot.getAxis("left"), self.plot.getAxis("bottom")
        rows = [f"{i} {name}" for i, name in enumerate(self.names)]
        left.setTicks([thinned_ticks(rows, self.plot.vb.height() or 200.0,
                                     left.style.get("tickFont"), vertical=True, offset=0.5), []])
        numbers = [str(j) for j in range(k)]  # column labels: indices (names are on the rows)
        bottom.setTicks([thinned_ticks(numbers, self.plot.vb.width() or 200.0,
                                       bottom.style.get("tickFont"), offset=0.5), []])
        self.restyle(self.dark)

    def restyle(self, dark: bool) -> None:
        what = "share of each true class" if self.mode == "normalised" else "counts"
        self.plot.setTitle(title_html(f"Confusion matrix ({what}; click a cell for its images)",
                                      (), self.text_color()), size=TITLE_SIZE)
