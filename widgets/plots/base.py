"""PlotPanel: the small interface every plot in this package implements.

Built for data arriving from a trainer on another thread (STACK-FACTS, "Qt and threads"):
curves are created once and only ever get setData(); a QTimer redraws only when new data
arrived (`mark_dirty()`), at most REDRAW_HZ times a second and less often when frames get
dear (they may take MAX_GUI_SHARE of the GUI thread's time). With nothing to show, the
panel shows its empty-state sentence instead of blank axes.

A concrete plot implements:
- `has_content() -> bool`: whether there is anything to draw (else the empty state);
- `draw()`: push the buffered data into its items (called by the timer, when visible);
- `restyle(dark)`: colours of its own items (axes and background are done here).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from time import perf_counter
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPen, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from widgets.colors import CARD, CARD_BORDER, MUTED_TEXT, ThemedColor
from widgets.plots.axes import compact_axes

REDRAW_HZ = 10
# Frames (updates + paint) may use this share of the GUI thread; slower frames stretch the
# interval, up to MAX_INTERVAL_MS. Every millisecond the GUI thread holds the GIL is one the
# training loop may wait for: at a fixed 10 Hz, training with the window open ran ~10% slower.
MAX_GUI_SHARE = 0.025
MAX_INTERVAL_MS = 1000
TITLE_SIZE = "9pt"
GRID_ALPHA = 0.25
TEXT_COLOR = ThemedColor("#374151", "#d1d5db")
SYMBOL_KEYS = {"o": "●", "s": "■"}
# Distinct colours for several curves (layers, runs), light and dark variants.
SERIES_COLORS = (
    ThemedColor("#2563eb", "#60a5fa"), ThemedColor("#ea580c", "#fb923c"),
    ThemedColor("#16a34a", "#4ade80"), ThemedColor("#db2777", "#f472b6"),
    ThemedColor("#7c3aed", "#a78bfa"), ThemedColor("#0891b2", "#22d3ee"),
    ThemedColor("#ca8a04", "#facc15"), ThemedColor("#dc2626", "#f87171"),
    ThemedColor("#4b5563", "#9ca3af"), ThemedColor("#65a30d", "#a3e635"),
)


def series_color(index: int, dark: bool) -> str:
    return SERIES_COLORS[index % len(SERIES_COLORS)].pick(dark)


def title_html(title: str, keys: Sequence[tuple[pg.PlotDataItem, str]], text: str) -> str:
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


def let_title_overflow(label: pg.LabelItem) -> None:
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


WARM_PAINT_DEBOUNCE_MS = 200


class TimedGraphicsLayout(pg.GraphicsLayoutWidget):
    """Remembers how long its last paint took, so redraws can be paced by their cost."""

    last_paint_s = 0.0

    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        start = perf_counter()
        super().paintEvent(event)
        self.last_paint_s = perf_counter() - start


class PlotPanel(QWidget):
    """A pyqtgraph layout with a paced redraw timer and an empty state (module doc)."""

    empty_text = "Nothing to plot yet."

    def __init__(self, parent: QWidget | None = None, dark: bool = False,
                 object_name: str = "plotPanel") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.redraw_count = 0  # tests and the latency bench read it
        self._dirty = False
        self._dark = dark
        self.graphics = TimedGraphicsLayout()
        self.graphics.setObjectName(f"{object_name}View")
        self.graphics.ci.layout.setSpacing(6)
        self.graphics.ci.setContentsMargins(4, 4, 4, 4)
        self.empty_label = QLabel(self.empty_text)
        self.empty_label.setObjectName(f"{object_name}Empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(self.graphics)
        self._plots: list[pg.PlotItem] = []
        self._warm_timer: QTimer | None = None  # made by the first warm_paint()
        self._timer = QTimer(self)
        self._min_interval_ms = 1000 // REDRAW_HZ
        self._timer.setInterval(self._min_interval_ms)
        self._timer.timeout.connect(self._redraw)

    # ---- the interface ----------------------------------------------------------------
    def has_content(self) -> bool:
        raise NotImplementedError

    def draw(self) -> None:
        raise NotImplementedError

    def restyle(self, dark: bool) -> None:
        raise NotImplementedError

    # ---- building ------------------------------------------------------------------------
    def add_plot(self, x_label: str = "", row: int | None = None, col: int | None = None,
                 integer_x: bool = False) -> pg.PlotItem:
        """A small plot styled like the others: compact non-overlapping ticks, no auto
        button, horizontal grid at major ticks only (minor-tick grid lines tripled the cost
        of a frame: 1000 points, 5 plots, 32 ms -> 9 ms)."""
        plot = self.graphics.addPlot(row=row, col=col, axisItems=compact_axes(integer_x))
        plot.setClipToView(True)
        plot.setDownsampling(auto=True, mode="peak")
        plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
        plot.setMenuEnabled(True)  # right-click: log scale, export, ...
        plot.hideButtons()  # the "A" auto-range button overlaps small plots
        if x_label:
            plot.setLabel("bottom", x_label)
        plot.getAxis("left").setWidth(40)  # aligned plots even as tick labels change
        let_title_overflow(plot.titleLabel)
        self._plots.append(plot)
        return plot

    def plots(self) -> tuple[pg.PlotItem, ...]:
        return tuple(self._plots)

    # ---- redrawing -----------------------------------------------------------------------
    def mark_dirty(self) -> None:
        """New data: draw it on the next tick (never synchronously)."""
        self._dirty = True
        self._schedule()

    def is_dirty(self) -> bool:
        return self._dirty

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._schedule()  # points that arrived while hidden

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._warm_timer is not None and not self.has_content():
            self._warm_timer.start()  # laid out again at the new size, once it settles

    def warm_paint(self) -> None:
        """Lay out and paint the empty plots once, out of sight behind the empty state.

        The first paint after the plots appear cost 24 ms (50-60 ms with training on both
        cores) and came with a run's first batch; done ahead at the size they will have,
        it is 13 ms. Repeated (debounced) when the empty panel is resized. Only where the
        panel is shown: a hidden one has no real size to lay out for yet."""
        if self._warm_timer is None:
            self._warm_timer = QTimer(self)
            self._warm_timer.setSingleShot(True)
            self._warm_timer.setInterval(WARM_PAINT_DEBOUNCE_MS)
            self._warm_timer.timeout.connect(self.warm_paint)
        if self.has_content() or not self.isVisible():
            return
        self._stack.setCurrentWidget(self.graphics)
        self.graphics.grab()
        self._stack.setCurrentWidget(self.empty_label)

    def update_empty_state(self) -> None:
        self._stack.setCurrentWidget(self.graphics if self.has_content() else self.empty_label)

    def _redraw(self) -> None:
        self.update_empty_state()
        if not self.is_dirty():
            self._timer.stop()  # idle: no ticks until the next point arrives
            return
        if not self.isVisible():
            return  # keep the flags; showEvent draws them
        start = perf_counter()
        self.draw()
        self._dirty = False
        self.redraw_count += 1
        # The paint this update triggers comes later; the last one is a good estimate.
        cost_s = perf_counter() - start + self.graphics.last_paint_s
        interval = int(min(MAX_INTERVAL_MS, max(self._min_interval_ms, 1000 * cost_s / MAX_GUI_SHARE)))
        self._timer.setInterval(interval)

    # ---- look ----------------------------------------------------------------------------
    @property
    def dark(self) -> bool:
        return self._dark

    def set_dark(self, dark: bool) -> None:
        """Colours for the light or dark theme (the app calls this on theme changes)."""
        self._dark = dark
        muted = QColor(MUTED_TEXT.pick(dark))
        self.graphics.setBackground(QColor(CARD.pick(dark)))
        self.graphics.setStyleSheet(f"border: 1px solid {CARD_BORDER.pick(dark)};")
        self.empty_label.setStyleSheet(f"color: {muted.name()};")
        font = QFont(self.font())
        font.setPointSizeF(8)
        for plot in self._plots:
            for side in ("left", "bottom"):
                axis = plot.getAxis(side)
                axis.setPen(pg.mkPen(muted))
                axis.setTextPen(pg.mkPen(muted))
                axis.setTickFont(font)
                axis.label.setDefaultTextColor(muted)
        self.restyle(dark)

    def text_color(self) -> str:
        return QColor(TEXT_COLOR.pick(self._dark)).name()

    def save_png(self, path: str | Path) -> bool:
        """The panel as it is shown, as a PNG (every view is savable)."""
        return self.grab().save(str(path), "PNG")
