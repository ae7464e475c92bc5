"""An axis whose tick labels never overlap, whatever the plot's size.

pyqtgraph always draws its top tick level, however crowded (a 200-pixel plot of a
120,000-step run wrote "20000 40000 60000 ..." over each other). CompactAxis widens the
major spacing until the widest label fits between two ticks, writes large numbers short
("40k", "1.2M") and, for integer axes (epochs), never ticks between whole numbers.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF

# Free space between two labels, in pixels, and the factors tried to widen a spacing.
LABEL_GAP_PX = 8
NICE_STEPS = (1, 2, 2.5, 5)


def _decimals(ratio: float, limit: int = 3) -> int:
    """Decimals that write `ratio` (a tick spacing in display units) exactly."""
    decimals = 0
    while decimals < limit and abs(round(ratio, decimals) - ratio) > 1e-9 * max(1.0, abs(ratio)):
        decimals += 1
    return decimals


def compact_number(value: float, spacing: float = 0.0) -> str:
    """'950', '20k', '1.5M', '0.0015': short enough for a small plot. The spacing of the
    ticks decides the decimals, so neighbouring labels never read the same."""
    magnitude = abs(value)
    for divisor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= divisor:
            decimals = _decimals(spacing / divisor) if spacing else 1
            if decimals <= 1:
                scaled = value / divisor
                return f"{scaled:.{decimals}f}{suffix}"
    if spacing and spacing < 1:
        return f"{value:.{_decimals(spacing, 6)}f}"
    return f"{value:g}"


def _nice_spacings(start: float) -> list[float]:
    """Spacings of 1, 2, 2.5 and 5 times powers of ten, from `start` up."""
    exponent = math.floor(math.log10(start)) if start > 0 else 0
    out = []
    for power in range(exponent, exponent + 12):
        out.extend(f * 10.0 ** power for f in NICE_STEPS)
    return [s for s in out if s >= start * 0.999]


class CompactAxis(pg.AxisItem):
    """AxisItem with non-overlapping, compact tick labels (see the module doc)."""

    def __init__(self, orientation: str, integer: bool = False, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.integer = integer
        self.setStyle(maxTickLevel=0)

    def _font_metrics(self) -> QFontMetricsF:
        font = self.style.get("tickFont") or QFont()
        return QFontMetricsF(font)

    def _label_extent(self, low: float, high: float, spacing: float) -> float:
        """Pixels the widest (or tallest) label at this spacing needs along the axis."""
        metrics = self._font_metrics()
        if self.orientation in ("left", "right"):
            return metrics.height() + 2
        first = math.ceil(low / spacing) * spacing
        values = [first + k * spacing for k in range(int((high - first) / spacing) + 1)][:50]
        texts = self.tickStrings(values, 1.0, spacing) or ["0"]
        return max(metrics.horizontalAdvance(t) for t in texts)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:  # noqa: N802, N803
        levels = super().tickSpacing(minVal, maxVal, size)
        if not levels or size <= 0 or not math.isfinite(maxVal - minVal) or maxVal <= minVal:
            return levels
        major = levels[0][0]
        if self.integer:
            major = max(1.0, major)
        per_pixel = (maxVal - minVal) / size
        for spacing in _nice_spacings(major):
            if self.integer and spacing != round(spacing):
                continue
            if spacing / per_pixel >= self._label_extent(minVal, maxVal, spacing) + LABEL_GAP_PX:
                return [(spacing, 0.0)]
        return [(maxVal - minVal, 0.0)]

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802, N803
        """On a log axis pyqtgraph labels every minor tick (0.2 0.3 0.4 ... 0.9 stacked
        on each other): keep one level, the decades when there are two or more, and thin
        it until the labels fit."""
        levels = super().tickValues(minVal, maxVal, size)
        if not self.logMode or not levels or size <= 0 or maxVal <= minVal:
            return levels
        spacing, values = next(((s, v) for s, v in levels if len(v) >= 2), levels[0])
        if len(levels) > 1 and len(values) < 2:
            spacing, values = levels[1][0], sorted(set(levels[0][1]) | set(levels[1][1]))
        need = self._label_extent(minVal, maxVal, 1.0) + LABEL_GAP_PX / 2
        per_pixel = (maxVal - minVal) / size
        kept: list[float] = []
        for value in sorted(values):
            if not kept or (value - kept[-1]) / per_pixel >= need:
                kept.append(value)
        return [(spacing, kept)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if self.logMode:
            return super().tickStrings(values, scale, spacing)
        return [compact_number(v * scale, spacing * scale) for v in values]


def compact_axes(integer_x: bool = False) -> dict[str, CompactAxis]:
    """axisItems for PlotItem / GraphicsLayout.addPlot."""
    return {"bottom": CompactAxis("bottom", integer=integer_x), "left": CompactAxis("left")}


def thinned_ticks(labels: list[str], length_px: float, font: QFont | None,
                  vertical: bool = False, offset: float = 0.0) -> list[tuple[float, str]]:
    """Named ticks at positions 0, 1, ... (plus offset), keeping every k-th so that the
    labels never overlap along an axis `length_px` long."""
    if not labels:
        return []
    metrics = QFontMetricsF(font or QFont())
    need = (metrics.height() + 2 if vertical
            else max(metrics.horizontalAdvance(t) for t in labels) + LABEL_GAP_PX)
    per_label = max(length_px, 1.0) / len(labels)
    every = max(1, math.ceil(need / per_label))
    return [(i + offset, name) for i, name in enumerate(labels) if i % every == 0]
