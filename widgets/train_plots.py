"""Live training plots: loss per step, data loss vs L2 penalty, loss and accuracy per
epoch, learning rate.

Built for a trainer running on another thread (STACK-FACTS, "Qt and threads"): curves are
created once and only ever get setData(); points go into numpy buffers that double when
full; a QTimer redraws only when new points arrived, at most REDRAW_HZ times a second and
less often when frames get dear (they may take MAX_GUI_SHARE of the GUI thread's time);
every plot clips to the view and peak-downsamples, so 100k+ steps stay cheap to draw.

Importing this module imports pyqtgraph (~0.4 s): the app loads it off the start-up path.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from time import perf_counter
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPen, QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from widgets.colors import ACCENT, CARD, CARD_BORDER, MUTED_TEXT, ThemedColor

REDRAW_HZ = 10
# Frames (updates + paint) may use this share of the GUI thread; slower frames stretch the
# interval, up to MAX_INTERVAL_MS. Every millisecond the GUI thread holds the GIL is one the
# training loop may wait for: at a fixed 10 Hz, training with the window open ran ~10% slower.
MAX_GUI_SHARE = 0.025
MAX_INTERVAL_MS = 1000
INITIAL_CAPACITY = 1024
# Weight of the newest step in the smoothed loss; ~1/EMA_ALPHA steps of memory.
EMA_ALPHA = 0.05
RAW_ALPHA = 70  # of 255: the raw per-step loss is drawn faint under its smoothed line
MARKER_SIZE = 7
TITLE_SIZE = "9pt"
MAX_EPOCH_TICKS = 12
SYMBOL_KEYS = {"o": "●", "s": "■"}

TRAIN_COLOR = ACCENT
VAL_COLOR = ThemedColor("#ea580c", "#fb923c")
PENALTY_COLOR = ThemedColor("#db2777", "#f472b6")
LR_COLOR = ThemedColor("#7c3aed", "#a78bfa")
TEXT_COLOR = ThemedColor("#374151", "#d1d5db")
GRID_ALPHA = 0.25

STEP_FIELDS = ("step", "loss", "smooth", "data_loss", "l2_penalty", "lr")
EPOCH_FIELDS = ("epoch", "train_loss", "val_loss", "train_acc", "val_acc")


class GrowingColumns:
    """Equal-length float64 columns that double their capacity when full, so appending
    n points costs O(n) overall. `view(name)` slices are never written again (later
    points go past them, and growth copies into a new array), so a curve can keep one."""

    def __init__(self, names: Sequence[str], capacity: int = INITIAL_CAPACITY) -> None:
        self._names = tuple(names)
        self._capacity = capacity
        self.size = 0
        self._data = {name: np.empty(capacity) for name in self._names}

    def clear(self) -> None:
        self.size = 0

    def append(self, columns: dict[str, np.ndarray]) -> None:
        count = len(next(iter(columns.values())))
        needed = self.size + count
        if needed > self._capacity:
            while self._capacity < needed:
                self._capacity *= 2
            for name in self._names:
                grown = np.empty(self._capacity)
                grown[: self.size] = self._data[name][: self.size]
                self._data[name] = grown
        for name in self._names:
            self._data[name][self.size : needed] = columns[name]
        self.size = needed

    def view(self, name: str) -> np.ndarray:
        return self._data[name][: self.size]

    def last(self, name: str) -> float:
        return float(self._data[name][self.size - 1])


def _title_html(title: str, keys: Sequence[tuple[pg.PlotDataItem, str]], text: str) -> str:
    """'Title' over a line of coloured keys: '━ smoothed  ━ per step'."""
    parts = []
    for curve, label in keys:
        pen = curve.opts["pen"]
        colour = pen.color() if isinstance(pen, QPen) else QColor(text)
        mark = SYMBOL_KEYS.get(curve.opts.get("symbol"), "━")
        parts.append(f"<span style='color:{colour.name(QColor.NameFormat.HexArgb)}'>{mark}</span>"
                     f"&nbsp;{html.escape(label)}")
    line = "&nbsp;&nbsp;".join(parts) if parts else "&nbsp;"
    return (f"<span style='color:{text}'>{html.escape(title)}</span><br>"
            f"<span style='color:{text}; font-size:8pt'>{line}</span>")


def _let_title_overflow(label: pg.LabelItem) -> None:
    """pyqtgraph gives a title a minimum width of its text, so five titles could make the
    plots wider than the dock (the last one is then cut off). Here a title may only
    overflow its plot a little when the dock is very narrow."""
    plain_update = label.updateMin

    def update_min() -> None:
        plain_update()
        label.setMinimumWidth(0)
        height = label._sizeHint[Qt.SizeHint.MinimumSize][1]
        label._sizeHint[Qt.SizeHint.MinimumSize] = (0, height)

    label.updateMin = update_min
    update_min()


def _optional(value: float | None) -> float:
    return math.nan if value is None else float(value)


class _TimedGraphicsLayout(pg.GraphicsLayoutWidget):
    """Remembers how long its last paint took, so redraws can be paced by their cost."""

    last_paint_s = 0.0

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        start = perf_counter()
        super().paintEvent(event)
        self.last_paint_s = perf_counter() - start


class TrainPlots(QWidget):
    """Five small plots in a row. Feed it with add_batches()/add_epoch(); clear() per run."""

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("trainPlots")
        self.steps = GrowingColumns(STEP_FIELDS)
        self.epochs = GrowingColumns(EPOCH_FIELDS, capacity=64)
        self._ema = math.nan
        self._steps_dirty = self._epochs_dirty = False
        self.redraw_count = 0  # tests and the latency bench read it

        self.graphics = _TimedGraphicsLayout()
        self.graphics.setObjectName("trainPlotsView")
        self.graphics.ci.layout.setSpacing(6)
        self.graphics.ci.setContentsMargins(4, 4, 4, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)

        # No y-axis labels: the titles say what is plotted, and in a dock beside the side
        # panels every pixel of width goes to the curves.
        self.loss_plot = self._add_plot("step")
        self.parts_plot = self._add_plot("step")
        self.epoch_loss_plot = self._add_plot("epoch")
        self.accuracy_plot = self._add_plot("epoch")
        self.lr_plot = self._add_plot("step")
        self.lr_plot.enableAutoRange(y=False)  # ranged from 0 in _redraw; see there
        self.lr_plot.getAxis("left").setWidth(46)  # "0.0010" is hidden, not squeezed, if narrower
        for col, stretch in enumerate((3, 3, 2, 2, 2)):
            self.graphics.ci.layout.setColumnStretchFactor(col, stretch)

        self.loss_raw = self.loss_plot.plot()
        self.loss_smooth = self.loss_plot.plot()
        self.data_loss = self.parts_plot.plot()
        self.l2_penalty = self.parts_plot.plot()
        self.train_epoch_loss = self.epoch_loss_plot.plot(connect="finite")
        self.val_loss = self.epoch_loss_plot.plot(connect="finite")
        self.train_acc = self.accuracy_plot.plot(connect="finite")
        self.val_acc = self.accuracy_plot.plot(connect="finite")
        self.lr_curve = self.lr_plot.plot()
        for curve in (self.loss_raw, self.loss_smooth, self.data_loss, self.l2_penalty, self.lr_curve):
            # Per-step values are finite (a NaN loss ends the run), so skip the O(n) check.
            curve.setSkipFiniteCheck(True)
        # Keys live in the titles rather than in pyqtgraph legends: a legend box covers a
        # third of a 170-pixel plot, and repainting them made each frame ~2x as costly.
        self._titles: tuple[tuple[pg.PlotItem, str, tuple[tuple[pg.PlotDataItem, str], ...]], ...] = (
            (self.loss_plot, "Loss",
             ((self.loss_smooth, "smoothed"), (self.loss_raw, "raw"))),
            (self.parts_plot, "Loss parts",
             ((self.data_loss, "data"), (self.l2_penalty, "λ·Σ‖W‖²"))),
            (self.epoch_loss_plot, "Epoch loss",
             ((self.train_epoch_loss, "train"), (self.val_loss, "val"))),
            (self.accuracy_plot, "Accuracy %",
             ((self.train_acc, "train"), (self.val_acc, "val"))),
            (self.lr_plot, "Learning rate", ()),
        )
        # Ranges set by hand once the run's length is known (set_run): x spans the whole
        # run and y goes from 0 to the largest value seen, so during training a frame only
        # repaints curves. Auto-ranging instead moved every axis on every frame (axis
        # regeneration + full-plot repaints were most of a ~20 ms frame on 2 busy cores).
        self._run_steps: int | None = None
        self._tops = {"loss": 0.0, "parts": 0.0, "lr": 0.0}
        self._applied: dict[str, tuple[float, float]] = {}

        self._timer = QTimer(self)
        self._min_interval_ms = 1000 // REDRAW_HZ
        self._timer.setInterval(self._min_interval_ms)
        self._timer.timeout.connect(self._redraw)
        self.set_dark(dark)

    def _add_plot(self, x_label: str) -> pg.PlotItem:
        plot = self.graphics.addPlot()
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        # Horizontal grid lines at major ticks only: pyqtgraph's minor-tick grid lines
        # tripled the cost of a frame (measured: 1000 points, 5 plots, 32 ms -> 9 ms).
        plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
        for side in ("left", "bottom"):
            plot.getAxis(side).setStyle(maxTickLevel=0)
        plot.setMenuEnabled(True)  # right-click: log scale, export, ...
        plot.hideButtons()  # the "A" auto-range button overlaps small plots
        plot.setLabel("bottom", x_label)
        plot.getAxis("left").setWidth(36)  # aligned plots even as tick labels change
        _let_title_overflow(plot.titleLabel)
        return plot

    # ---- data in -------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every point (a new run starts)."""
        self.steps.clear()
        self.epochs.clear()
        self._ema = math.nan
        self._run_steps = None
        self._tops = dict.fromkeys(self._tops, 0.0)
        self._applied.clear()
        for plot in (self.loss_plot, self.parts_plot, self.epoch_loss_plot, self.accuracy_plot):
            plot.enableAutoRange()
        self.lr_plot.enableAutoRange(x=True, y=False)
        self._steps_dirty = self._epochs_dirty = True
        self._redraw()

    def set_run(self, total_steps: int, epochs: int) -> None:
        """The run's length (from Started): fixes the x ranges, so curves fill the plots
        from left to right like a progress bar and the axes stay put while it trains."""
        self._run_steps = max(1, int(total_steps))
        self._applied.clear()
        for plot in (self.loss_plot, self.parts_plot, self.lr_plot):
            plot.enableAutoRange(False)
        for plot in (self.epoch_loss_plot, self.accuracy_plot):
            plot.enableAutoRange(x=False, y=True)
            plot.setXRange(0.5, max(1, epochs) + 0.5, padding=0.02)
        self._steps_dirty = True
        self._schedule()

    def add_batches(self, events: Sequence[Any]) -> None:
        """Append BatchEnd events (any objects with step, loss, data_loss, l2_penalty, lr)."""
        if not events:
            return
        count = len(events)
        columns = {
            name: np.fromiter((getattr(e, name) for e in events), dtype=float, count=count)
            for name in ("step", "loss", "data_loss", "l2_penalty", "lr")
        }
        columns["smooth"] = self._smooth(columns["loss"])
        for key, names in (("loss", ("loss",)), ("parts", ("data_loss", "l2_penalty")),
                           ("lr", ("lr",))):
            for name in names:
                finite = columns[name][np.isfinite(columns[name])]
                if finite.size:
                    self._tops[key] = max(self._tops[key], float(finite.max()))
        self.steps.append(columns)
        self._steps_dirty = True
        self._schedule()

    def _smooth(self, losses: np.ndarray) -> np.ndarray:
        # Started at the first value rather than 0, so the early points need no bias
        # correction. A Python loop: it runs over one delivery's few dozen points.
        out = np.empty_like(losses)
        ema, keep = self._ema, 1.0 - EMA_ALPHA
        for i, value in enumerate(losses.tolist()):
            ema = value if math.isnan(ema) else keep * ema + EMA_ALPHA * value
            out[i] = ema
        self._ema = ema
        return out

    def add_epoch(self, event: Any) -> None:
        """Append an EpochEnd (epoch, train_loss, train_acc, val_loss, val_acc)."""
        self.epochs.append({
            "epoch": np.array([float(event.epoch)]),
            "train_loss": np.array([_optional(event.train_loss)]),
            "val_loss": np.array([_optional(event.val_loss)]),
            "train_acc": np.array([100.0 * _optional(event.train_acc)]),
            "val_acc": np.array([100.0 * _optional(event.val_acc)]),
        })
        self._epochs_dirty = True
        self._schedule()

    # ---- drawing -------------------------------------------------------------------
    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._schedule()  # points that arrived while hidden

    def _redraw(self) -> None:
        if not (self._steps_dirty or self._epochs_dirty):
            self._timer.stop()  # idle: no ticks until the next point arrives
            return
        if not self.isVisible():
            return  # keep the flags; showEvent draws them
        start = perf_counter()
        if self._steps_dirty:
            s = self.steps
            x = s.view("step")
            self.loss_raw.setData(x, s.view("loss"))
            self.loss_smooth.setData(x, s.view("smooth"))
            self.data_loss.setData(x, s.view("data_loss"))
            self.l2_penalty.setData(x, s.view("l2_penalty"))
            self.lr_curve.setData(x, s.view("lr"))
            self._apply_step_ranges()
            self._steps_dirty = False
        if self._epochs_dirty:
            e = self.epochs
            x = e.view("epoch")
            for curve, name in ((self.train_epoch_loss, "train_loss"), (self.val_loss, "val_loss"),
                                (self.train_acc, "train_acc"), (self.val_acc, "val_acc")):
                y = e.view(name)
                finite = np.isfinite(y)  # no validation split: no points (markers warn on NaN)
                curve.setData(x[finite], y[finite])
            # A tick per epoch while they fit; "2, 4" under five markers reads as missing data.
            ticks = [[(v, f"{v:g}") for v in x.tolist()]] if 0 < e.size <= MAX_EPOCH_TICKS else None
            for plot in (self.epoch_loss_plot, self.accuracy_plot):
                plot.getAxis("bottom").setTicks(ticks)
            self._epochs_dirty = False
        self.redraw_count += 1
        # The paint this update triggers comes later; the last one is a good estimate.
        cost_s = perf_counter() - start + self.graphics.last_paint_s
        interval = int(min(MAX_INTERVAL_MS, max(self._min_interval_ms, 1000 * cost_s / MAX_GUI_SHARE)))
        self._timer.setInterval(interval)

    def _apply_step_ranges(self) -> None:
        """Set ranges only when they change: each change regenerates the axis."""
        plots = {"loss": self.loss_plot, "parts": self.parts_plot, "lr": self.lr_plot}
        if self._run_steps is None:
            plots = {"lr": self.lr_plot}  # the others auto-range until the run length is known
        last_step = self.steps.last("step") if self.steps.size else 0.0
        x_max = float(max(self._run_steps or 0, last_step, 1))
        for key, plot in plots.items():
            # From 0 up: auto-ranging a constant learning rate centres it in ±0.5 and
            # draws 0.001 as a flat line at "0"; losses are never negative either.
            top = self._tops[key] * (1.1 if key == "lr" else 1.05) or 1.0
            wanted = (x_max, top)
            if self._applied.get(key) != wanted:
                self._applied[key] = wanted
                if self._run_steps is None:
                    plot.setYRange(0.0, top, padding=0)
                else:
                    plot.setRange(xRange=(0.0, x_max), yRange=(0.0, top), padding=0)

    # ---- look ----------------------------------------------------------------------
    def set_dark(self, dark: bool) -> None:
        """Colours for the light or dark theme (the app calls this on theme changes)."""
        text, muted = QColor(TEXT_COLOR.pick(dark)), QColor(MUTED_TEXT.pick(dark))
        self.graphics.setBackground(QColor(CARD.pick(dark)))
        self.graphics.setStyleSheet(f"border: 1px solid {CARD_BORDER.pick(dark)};")
        font = QFont(self.font())
        font.setPointSizeF(8)
        for plot in self._plots():
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(muted))
                axis.setTextPen(pg.mkPen(muted))
                axis.setTickFont(font)
                axis.label.setDefaultTextColor(muted)
        train, val = TRAIN_COLOR.pick(dark), VAL_COLOR.pick(dark)
        faint = QColor(train)
        faint.setAlpha(RAW_ALPHA)
        self.loss_raw.setPen(pg.mkPen(faint, width=1))
        self.loss_smooth.setPen(pg.mkPen(train, width=2))
        # Width-1 (cosmetic) pens for the long per-step curves: wider ones go through the
        # stroker and cost ~0.5 ms per curve per frame; only the smoothed loss is bold.
        self.data_loss.setPen(pg.mkPen(train, width=1))
        self.l2_penalty.setPen(pg.mkPen(PENALTY_COLOR.pick(dark), width=1))
        self.lr_curve.setPen(pg.mkPen(LR_COLOR.pick(dark), width=1))
        card = CARD.pick(dark)
        for curve, colour, symbol in ((self.train_epoch_loss, train, "o"), (self.val_loss, val, "s"),
                                      (self.train_acc, train, "o"), (self.val_acc, val, "s")):
            curve.setPen(pg.mkPen(colour, width=1.5))
            curve.setSymbol(symbol)
            curve.setSymbolSize(MARKER_SIZE)
            curve.setSymbolBrush(pg.mkBrush(colour))
            curve.setSymbolPen(pg.mkPen(card, width=1))
        for plot, title, keys in self._titles:
            plot.setTitle(_title_html(title, keys, text.name()), size=TITLE_SIZE)

    def _plots(self) -> tuple[pg.PlotItem, ...]:
        return (self.loss_plot, self.parts_plot, self.epoch_loss_plot, self.accuracy_plot,
                self.lr_plot)
