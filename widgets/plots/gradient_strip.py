"""Gradient flow over training: a layer x step strip (heat map of log10 gradient norm) and
the same norms as curves on a log scale. A PlotPanel: add() buffers, the timer draws."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from widgets.plots.axes import thinned_ticks
from widgets.plots.base import TITLE_SIZE, PlotPanel, title_html

COLORMAP = "viridis"
FIRST_COLOR, LAST_COLOR = QColor("#2563eb"), QColor("#ea580c")  # depth: blue -> orange
EMPTY_TEXT = ("Gradient flow appears here while the network trains: one row per layer, "
              "brighter where its gradients are larger.")


def depth_colors(count: int) -> list[QColor]:
    """First layer blue, last orange, the rest in between: colour reads as depth."""
    out = []
    for i in range(count):
        t = i / max(1, count - 1)
        out.append(QColor.fromRgbF(*(FIRST_COLOR.getRgbF()[k] * (1 - t) + LAST_COLOR.getRgbF()[k] * t
                                     for k in range(3))))
    return out


class GradientStrip(PlotPanel):
    """Feed with set_layers(names) then add(step, norms); clear() per run."""

    empty_text = EMPTY_TEXT

    def __init__(self, parent: QWidget | None = None, dark: bool = False,
                 title: str = "Gradient norm") -> None:
        super().__init__(parent, dark, object_name="gradientStrip")
        self.title = title
        self.layers: list[str] = []
        self.steps: list[int] = []
        self.rows: list[list[float]] = []
        self.strip_plot = self.add_plot("step", row=0, col=0)
        self.curve_plot = self.add_plot("step", row=0, col=1)
        self.curve_plot.setLogMode(y=True)
        self.strip_plot.getAxis("left").setWidth(64)
        self.strip_plot.invertY(True)  # the first layer on top, as on the canvas
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get(COLORMAP))
        self.strip_plot.addItem(self.image)
        self.curves: list[pg.PlotDataItem] = []
        self.levels = (0.0, 1.0)
        self.set_dark(dark)
        self.update_empty_state()

    # ---- data ----------------------------------------------------------------------------
    def set_layers(self, layers: Sequence[str]) -> None:
        if list(layers) == self.layers:
            return
        self.layers = list(layers)
        self.steps, self.rows = [], []
        self.mark_dirty()  # the curves are made in draw(): see _match_curves

    def _match_curves(self) -> None:
        """One curve per layer, made when first drawn rather than when a run's first probe
        arrives: there it added ~40 ms to the GUI thread, even with this view hidden."""
        if len(self.curves) == len(self.layers):
            return
        for curve in self.curves:
            self.curve_plot.removeItem(curve)
        self.curves = [self.curve_plot.plot() for _ in self.layers]
        self.restyle(self.dark)

    def add(self, step: int, norms: Sequence[float]) -> None:
        if len(norms) != len(self.layers):
            return  # a probe from another run's network
        self.steps.append(int(step))
        self.rows.append([float(v) for v in norms])
        self.mark_dirty()

    def set_history(self, layers: Sequence[str], steps: Sequence[int],
                    norms: np.ndarray) -> None:
        """A whole recorded run at once (the lab's comparison)."""
        self.set_layers(layers)
        self.steps = [int(s) for s in steps]
        self.rows = np.asarray(norms, dtype=float).tolist()
        self.mark_dirty()

    def clear(self) -> None:
        self.layers, self.steps, self.rows = [], [], []
        for curve in self.curves:
            self.curve_plot.removeItem(curve)
        self.curves = []
        self.image.clear()
        self.mark_dirty()
        self.update_empty_state()

    def log_norms(self) -> np.ndarray:
        """(samples, layers) log10 of the norms; zero or non-finite norms are NaN."""
        a = np.asarray(self.rows, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.log10(a)
        out[~np.isfinite(out)] = np.nan
        return out

    # ---- PlotPanel -----------------------------------------------------------------------
    def has_content(self) -> bool:
        return bool(self.rows)

    def draw(self) -> None:
        if not self.rows:
            return
        self._match_curves()
        logs = self.log_norms()
        finite = logs[np.isfinite(logs)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
            self.levels = (low, high if high > low else low + 1.0)
        # Layers are rows, samples columns; NaN shows as the lowest colour.
        grid = np.nan_to_num(logs.T, nan=self.levels[0])
        self.image.setImage(grid, autoLevels=False, levels=self.levels)
        first, last = self.steps[0], self.steps[-1]
        width = max(1.0, float(last - first)) * len(self.steps) / max(1, len(self.steps) - 1)
        self.image.setRect(QRectF(float(first), 0.0, width, float(len(self.layers))))
        self.strip_plot.setRange(xRange=(first, first + width), yRange=(0, len(self.layers)),
                                 padding=0)
        self._layer_ticks()
        x = np.asarray(self.steps, dtype=float)
        a = np.asarray(self.rows, dtype=float)
        for i, curve in enumerate(self.curves):
            y = a[:, i]
            keep = np.isfinite(y) & (y > 0)  # log scale: zero norms cannot be drawn
            curve.setData(x[keep], y[keep])
        self.strip_plot.setTitle(title_html(
            f"{self.title} per layer (log₁₀ {self.levels[0]:.1f} … {self.levels[1]:.1f})", (),
            self.text_color()), size=TITLE_SIZE)

    def _layer_ticks(self) -> None:
        """Layer names on the strip's rows, thinned so they never overlap."""
        axis = self.strip_plot.getAxis("left")
        ticks = thinned_ticks(self.layers, self.strip_plot.vb.height() or 100.0,
                              axis.style.get("tickFont"), vertical=True, offset=0.5)
        axis.setTicks([ticks, []])

    def restyle(self, dark: bool) -> None:
        colors = depth_colors(len(self.curves))
        for curve, colour in zip(self.curves, colors, strict=True):
            curve.setPen(pg.mkPen(colour, width=1))
        keys = []
        if self.curves:
            keys.append((self.curves[0], f"first ({self.layers[0]})"))
        if len(self.curves) > 1:
            keys.append((self.curves[-1], f"last ({self.layers[-1]})"))
        self.curve_plot.setTitle(title_html(f"{self.title}, log scale", keys, self.text_color()),
                                 size=TITLE_SIZE)
        self.strip_plot.setTitle(title_html(f"{self.title} per layer", (), self.text_color()),
                                 size=TITLE_SIZE)
