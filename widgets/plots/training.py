"""Live training plots: loss per step, data loss vs L2 penalty, loss and accuracy per
epoch, learning rate. A PlotPanel (widgets/plots/base.py): points go into growing numpy
buffers, the timer draws them at a bounded rate, every plot clips to the view and
peak-downsamples, so 100k+ steps stay cheap to draw.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from widgets.colors import ACCENT, CARD, ThemedColor
from widgets.plots.base import (
    MAX_INTERVAL_MS,
    REDRAW_HZ,
    TITLE_SIZE,
    PlotPanel,
    title_html,
)
from widgets.plots.columns import GrowingColumns
from widgets.staged import run_to_end

__all__ = ["EMA_ALPHA", "MAX_INTERVAL_MS", "REDRAW_HZ", "GrowingColumns", "TrainPlots"]

# Weight of the newest step in the smoothed loss; ~1/EMA_ALPHA steps of memory.
EMA_ALPHA = 0.05
RAW_ALPHA = 70  # of 255: the raw per-step loss is drawn faint under its smoothed line
MARKER_SIZE = 7

TRAIN_COLOR = ACCENT
VAL_COLOR = ThemedColor("#ea580c", "#fb923c")
PENALTY_COLOR = ThemedColor("#db2777", "#f472b6")
LR_COLOR = ThemedColor("#7c3aed", "#a78bfa")

STEP_FIELDS = ("step", "loss", "smooth", "data_loss", "l2_penalty", "lr")
EPOCH_FIELDS = ("epoch", "train_loss", "val_loss", "train_acc", "val_acc")
EMPTY_TEXT = "Live plots appear here while the network trains (Train, F5)."


def _optional(value: float | None) -> float:
    return math.nan if value is None else float(value)


class TrainPlots(PlotPanel):
    """Five small plots in a row. Feed it with add_batches()/add_epoch(); clear() per run."""

    empty_text = EMPTY_TEXT

    def __init__(self, parent: QWidget | None = None, dark: bool = False,
                 staged: bool = False) -> None:
        """`staged`: leave the plots to be built by driving `self.build` (widgets/staged.py);
        nothing else may be called before that has ended."""
        super().__init__(parent, dark, object_name="trainPlots")
        self.steps = GrowingColumns(STEP_FIELDS)
        self.epochs = GrowingColumns(EPOCH_FIELDS, capacity=64)
        self._ema = math.nan
        self._steps_dirty = self._epochs_dirty = False
        # Ranges set by hand once the run's length is known (set_run): x spans the whole
        # run and y goes from 0 to the largest value seen, so during training a frame only
        # repaints curves. Auto-ranging instead moved every axis on every frame (axis
        # regeneration + full-plot repaints were most of a ~20 ms frame on 2 busy cores).
        self._run_steps: int | None = None
        self._tops = {"loss": 0.0, "parts": 0.0, "lr": 0.0}
        self._applied: dict[str, tuple[float, float]] = {}
        self.build = self._build(dark)
        if not staged:
            run_to_end(self.build)

    def _build(self, dark: bool) -> Iterator[None]:
        # No y-axis labels: the titles say what is plotted, and in a dock beside the side
        # panels every pixel of width goes to the curves.
        self.loss_plot = self.add_plot("step")
        yield
        self.parts_plot = self.add_plot("step")
        yield
        self.epoch_loss_plot = self.add_plot("epoch", integer_x=True)
        yield
        self.accuracy_plot = self.add_plot("epoch", integer_x=True)
        yield
        self.lr_plot = self.add_plot("step")
        yield
        self.lr_plot.enableAutoRange(y=False)  # ranged from 0 in _apply_step_ranges
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
        self.set_dark(dark)
        self.update_empty_state()

    # ---- the PlotPanel interface -----------------------------------------------------
    def has_content(self) -> bool:
        return bool(self.steps.size or self.epochs.size or self._run_steps is not None)

    def is_dirty(self) -> bool:
        return self._steps_dirty or self._epochs_dirty

    # ---- data in -------------------------------------------------------------------
    def clear(self) -> None:
        """Forget every point and range (a new run starts, or the user cleared them):
        the empty state returns until the next run's first data."""
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
        self._tops = dict.fromkeys(self._tops, 0.0)  # a new run never inherits old ranges
        self._applied.clear()
        for plot in (self.loss_plot, self.parts_plot, self.lr_plot):
            plot.enableAutoRange(False)
        for plot in (self.epoch_loss_plot, self.accuracy_plot):
            plot.enableAutoRange(x=False, y=True)
            plot.setXRange(0.5, max(1, epochs) + 0.5, padding=0.02)
        self._steps_dirty = True
        self.update_empty_state()
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
    def draw(self) -> None:
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
            self._epochs_dirty = False

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
    def restyle(self, dark: bool) -> None:
        text = self.text_color()
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
            plot.setTitle(title_html(title, keys, text), size=TITLE_SIZE)
