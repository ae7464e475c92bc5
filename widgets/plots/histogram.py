"""One layer's histogram (weights or activations) at a chosen moment of the run, over the
run's first one drawn faint, so a drifting or collapsing distribution shows at a glance."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from widgets.colors import ACCENT
from widgets.plots.base import TITLE_SIZE, PlotPanel, title_html

REFERENCE_ALPHA = 90


class HistogramPlot(PlotPanel):
    """show(title, counts, edges, reference) draws; clear() returns to the empty state."""

    empty_text = "Histograms appear here a few seconds into training."

    def __init__(self, parent: QWidget | None = None, dark: bool = False,
                 title: str = "Histogram") -> None:
        super().__init__(parent, dark, object_name="histogramPlot")
        self.title = title
        self.plot = self.add_plot("value")
        self.reference = self.plot.plot(stepMode="center")
        self.current = self.plot.plot(stepMode="center")
        self._data: tuple[np.ndarray, np.ndarray] | None = None
        self._reference: tuple[np.ndarray, np.ndarray] | None = None
        self._caption = ""
        self.set_dark(dark)
        self.update_empty_state()

    def show_histogram(self, caption: str, counts: np.ndarray, edges: np.ndarray,
                       reference: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self._caption = caption
        self._data = (np.asarray(edges, float), np.asarray(counts, float))
        self._reference = (None if reference is None else
                           (np.asarray(reference[1], float), np.asarray(reference[0], float)))
        self.mark_dirty()

    def clear(self) -> None:
        self._data = self._reference = None
        self.current.setData([], [])
        self.reference.setData([], [])
        self.mark_dirty()
        self.update_empty_state()

    def has_content(self) -> bool:
        return self._data is not None

    def draw(self) -> None:
        if self._data is None:
            return
        edges, counts = self._data
        self.current.setData(edges, counts)
        if self._reference is not None:
            self.reference.setData(*self._reference)
        else:
            self.reference.setData([], [])
        self.restyle(self.dark)

    def restyle(self, dark: bool) -> None:
        colour = QColor(ACCENT.pick(dark))
        faint = QColor(colour)
        faint.setAlpha(REFERENCE_ALPHA)
        self.current.setPen(pg.mkPen(colour, width=1.5))
        self.reference.setPen(pg.mkPen(faint, width=1))
        self.reference.setFillLevel(0)
        self.reference.setBrush(pg.mkBrush(faint))
        keys = [(self.current, self._caption or "now")]
        if self._reference is not None:
            keys.append((self.reference, "first"))
        self.plot.setTitle(title_html(self.title, keys, self.text_color()), size=TITLE_SIZE)
