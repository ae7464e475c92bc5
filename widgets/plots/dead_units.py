"""Fraction of dead ReLU units per layer (units that output 0 for every probed sample)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from widgets.colors import ERROR
from widgets.plots.axes import thinned_ticks
from widgets.plots.base import TITLE_SIZE, PlotPanel, title_html


class DeadUnitsPlot(PlotPanel):
    empty_text = "Dead-ReLU fractions appear here when the network has ReLU layers."

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent, dark, object_name="deadUnitsPlot")
        self.plot = self.add_plot()
        self.plot.setYRange(0, 100, padding=0.02)
        self.plot.enableAutoRange(y=False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.plot.addItem(self.bars)
        self.names: list[str] = []
        self.percent = np.zeros(0)
        self.set_dark(dark)
        self.update_empty_state()

    def set_fractions(self, names: Sequence[str], fractions: Sequence[float]) -> None:
        self.names = list(names)
        self.percent = 100.0 * np.asarray(fractions, dtype=float)
        self.mark_dirty()

    def clear(self) -> None:
        self.set_fractions([], [])
        self.update_empty_state()

    def has_content(self) -> bool:
        return bool(self.names)

    def draw(self) -> None:
        x = np.arange(len(self.names), dtype=float)
        self.bars.setOpts(x=x, height=self.percent, width=0.6)
        self.plot.setXRange(-0.6, max(0.6, len(self.names) - 0.4), padding=0)
        axis = self.plot.getAxis("bottom")
        axis.setTicks([thinned_ticks(self.names, self.plot.vb.width() or 100.0,
                                     axis.style.get("tickFont")), []])
        self.restyle(self.dark)

    def restyle(self, dark: bool) -> None:
        colour = QColor(ERROR.text.pick(dark))
        self.bars.setOpts(brush=pg.mkBrush(colour), pen=pg.mkPen(colour))
        worst = f" (worst {self.percent.max():.0f}%)" if self.percent.size else ""
        self.plot.setTitle(title_html(f"Dead ReLU units %{worst}", (), self.text_color()),
                           size=TITLE_SIZE)
