"""Selected runs overlaid: validation accuracy and loss per epoch, one colour per run,
keys in the titles (a legend box would cover a small plot)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from widgets.plots.base import TITLE_SIZE, PlotPanel, series_color, title_html

MARKER_SIZE = 6


class RunsOverlay(PlotPanel):
    """set_runs([(label, colour_index, epochs rows)]) draws them."""

    empty_text = "Tick runs in the table to overlay their curves."

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent, dark, object_name="runsOverlay")
        self.acc_plot = self.add_plot("epoch", integer_x=True)
        self.loss_plot = self.add_plot("epoch", integer_x=True)
        self.runs: list[tuple[str, int, list[dict[str, Any]]]] = []
        self.acc_curves: list[pg.PlotDataItem] = []
        self.loss_curves: list[pg.PlotDataItem] = []
        self.set_dark(dark)
        self.update_empty_state()

    def set_runs(self, runs: list[tuple[str, int, list[dict[str, Any]]]]) -> None:
        self.runs = runs
        for plot, curves in ((self.acc_plot, self.acc_curves), (self.loss_plot, self.loss_curves)):
            for curve in curves:
                plot.removeItem(curve)
            curves[:] = [plot.plot(connect="finite") for _ in runs]
        self.mark_dirty()
        self.update_empty_state()

    def has_content(self) -> bool:
        return bool(self.runs)

    @staticmethod
    def _column(rows: list[dict[str, Any]], key: str, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        x = np.array([float(r["epoch"]) for r in rows])
        y = np.array([np.nan if r.get(key) is None else scale * float(r[key]) for r in rows])
        keep = np.isfinite(y)
        return x[keep], y[keep]

    def draw(self) -> None:
        for (_label, _colour, rows), acc, loss in zip(self.runs, self.acc_curves, self.loss_curves,
                                                      strict=True):
            acc.setData(*self._column(rows, "val_acc", 100.0))
            loss.setData(*self._column(rows, "val_loss"))
        self.restyle(self.dark)

    def restyle(self, dark: bool) -> None:
        for (_label, colour, _rows), acc, loss in zip(self.runs, self.acc_curves, self.loss_curves,
                                                      strict=True):
            for curve in (acc, loss):
                pen = series_color(colour, dark)
                curve.setPen(pg.mkPen(pen, width=1.5))
                curve.setSymbol("o")
                curve.setSymbolSize(MARKER_SIZE)
                curve.setSymbolBrush(pg.mkBrush(pen))
        keys = [(c, label) for c, (label, _i, _r) in zip(self.acc_curves, self.runs, strict=True)]
        self.acc_plot.setTitle(title_html("Validation accuracy %", keys, self.text_color()),
                               size=TITLE_SIZE)
        self.loss_plot.setTitle(title_html("Validation loss", (), self.text_color()), size=TITLE_SIZE)
