"""Every layer's activations for one sample, one labelled section per layer.

A section's label reads like "conv1 · 6x28x28" with the layer's value range beside it; all
of a layer's channels share that range and one colour map, so channels compare at a glance.
Channel maps are laid out as a mosaic; a vector (a Linear layer's output) is a strip of bars
around zero. Each section is one small unscaled QImage (a colour-map lookup in numpy),
scaled per cell when painted: the whole LeNet-5 set rebuilds in about a millisecond, which
live refresh during training needs.

Clicking a channel emits mapClicked(node_id, channel); hovering one of its pixels emits
pixelHovered(node_id, channel, row, col), and leaving emits hoverLeft().
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from widgets.inspect.colormap import SEQUENTIAL_LUT, format_value, rgb_to_qimage, to_indices

CELL_TARGET_PX = 56
MAX_SCALE = 8
GAP_PX = 2
SECTION_GAP_PX = 10
LABEL_GAP_PX = 3
BAR_HEIGHT_PX = 44
WRAPPED_BAR_PX = 24
BAR_MAX_PX = 6
MARGIN_PX = 4


@dataclass(frozen=True)
class LayerMaps:
    """One layer's activation as the engine returned it (its "maps" entry)."""

    node_id: str
    title: str  # "conv1 · 6x28x28"
    array: np.ndarray  # (C, H, W) maps or (N,) vector
    low: float  # the engine's min over the layer
    high: float  # the engine's max over the layer

    @property
    def is_vector(self) -> bool:
        return self.array.ndim == 1

    def range_text(self) -> str:
        return f"range {format_value(self.low)} … {format_value(self.high)}"


def layer_maps_from(maps: dict[str, dict]) -> list[LayerMaps]:
    """The engine's {"node_id": {"array", "min", "max", "title"}} (already in order)."""
    out = []
    for node_id, entry in maps.items():
        array = np.asarray(entry["array"])
        if array.ndim == 2:  # a (H, W) map with its channel axis dropped
            array = array[None]
        out.append(LayerMaps(node_id, str(entry.get("title", node_id)), array,
                             float(entry["min"]), float(entry["max"])))
    return out


class _Section:
    """A laid-out layer: its label, and its channels as one unscaled strip image (channel k
    is rows k*H..(k+1)*H) that paint() scales per cell. Scaling at paint time (nearest
    neighbour) keeps a rebuild to one colour-map lookup per layer, and the lookup is made
    the first time the section is painted: a live refresh during training only pays for
    the layers scrolled into view."""

    def __init__(self, layer: LayerMaps, build: Callable[[], QImage], scale: int, columns: int,
                 size: QSize) -> None:
        self.layer, self.scale, self.columns = layer, scale, columns
        self._build: Callable[[], QImage] | None = build
        self._strip = QImage()
        self.size = size  # the picture as painted
        self.top = 0
        self.image_top = 0

    @property
    def strip(self) -> QImage:
        if self._build is not None:
            self._strip, self._build = self._build(), None
        return self._strip

    @property
    def height(self) -> int:
        return self.image_top - self.top + self.size.height()

    @property
    def is_vector(self) -> bool:
        return self.layer.is_vector

    def cell_rect(self, channel: int) -> QRect:
        """Where channel `channel` is painted, relative to the picture's top-left."""
        _, h, w = self.layer.array.shape
        row, col = divmod(channel, self.columns)
        return QRect(col * (w * self.scale + GAP_PX), row * (h * self.scale + GAP_PX),
                     w * self.scale, h * self.scale)


class FeatureMapGrid(QWidget):
    mapClicked = Signal(str, int)  # node id, channel  # noqa: N815 - Qt naming
    pixelHovered = Signal(str, int, int, int)  # node id, channel, row, col  # noqa: N815
    hoverLeft = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None, cell_target_px: int = CELL_TARGET_PX) -> None:
        super().__init__(parent)
        self._target = cell_target_px
        self._layers: list[LayerMaps] = []
        self._sections: list[_Section] = []
        self._current: str | None = None
        self._columns_for_width = 0
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        # paintEvent fills every pixel: Qt then need not repaint the parents behind it on
        # each live refresh (it did, the whole dock, measured).
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    # ---- content -----------------------------------------------------------------------
    def set_maps(self, layers: Sequence[LayerMaps]) -> None:
        self._layers = list(layers)
        self._rebuild()

    def clear(self) -> None:
        self.set_maps([])

    def layers(self) -> list[LayerMaps]:
        return list(self._layers)

    def titles(self) -> list[str]:
        return [layer.title for layer in self._layers]

    def range_texts(self) -> dict[str, str]:
        return {layer.node_id: layer.range_text() for layer in self._layers}

    def set_current(self, node_id: str | None) -> None:
        """Frame one layer's section (the node selected on the canvas)."""
        self._current = node_id
        self.update()

    def section_rect(self, node_id: str) -> QRect | None:
        for s in self._sections:
            if s.layer.node_id == node_id:
                return QRect(0, s.top, self.width(), s.height)
        return None

    def picture_rect(self, node_id: str) -> QRect | None:
        """Where a layer's picture is painted, in widget pixels."""
        for s in self._sections:
            if s.layer.node_id == node_id:
                return QRect(QPoint(MARGIN_PX, s.image_top), s.size)
        return None

    # ---- layout -------------------------------------------------------------------------
    def _available_width(self) -> int:
        return max(self.width(), 320) - 2 * MARGIN_PX

    def _rebuild(self) -> None:
        width = self._available_width()
        sections = []
        for layer in self._layers:
            if layer.is_vector:
                sections.append(self._vector_section(layer, width))
            else:
                sections.append(self._maps_section(layer, width))
        line = QFontMetrics(self.font()).height()
        y = MARGIN_PX
        for s in sections:
            s.top = y
            s.image_top = y + line + LABEL_GAP_PX
            y = s.image_top + s.size.height() + SECTION_GAP_PX
        before = self.sizeHint()
        self._sections = sections
        self._columns_for_width = width
        if self.sizeHint() != before:  # a live refresh keeps the layout: skip the relayout
            self.updateGeometry()
        self.update()

    def _maps_section(self, layer: LayerMaps, width: int) -> _Section:
        c, h, w = layer.array.shape
        scale = max(1, min(MAX_SCALE, round(self._target / max(h, w, 1))))
        columns = max(1, min(c, (width + GAP_PX) // (w * scale + GAP_PX)))
        rows = -(-c // columns)
        size = QSize(columns * (w * scale + GAP_PX) - GAP_PX, rows * (h * scale + GAP_PX) - GAP_PX)

        def build() -> QImage:
            rgb = SEQUENTIAL_LUT[to_indices(layer.array, layer.low, layer.high)]
            return rgb_to_qimage(rgb.reshape(c * h, w, 3))

        return _Section(layer, build, scale, columns, size)

    def _background(self) -> tuple[int, int, int]:
        c = self.palette().base().color()
        return (c.red(), c.green(), c.blue())

    def _vector_section(self, layer: LayerMaps, width: int) -> _Section:
        """Bars from a zero line, coloured by value on the layer's range; a vector longer
        than the width wraps onto further rows (`columns` is the units per row)."""
        values = np.asarray(layer.array, dtype=np.float32)
        n = len(values)
        bar = max(1, min(BAR_MAX_PX, width // max(n, 1)))
        per_row = max(1, min(n, width // bar))
        rows = -(-n // per_row)
        height = BAR_HEIGHT_PX if rows == 1 else WRAPPED_BAR_PX
        background = self._background()

        def build() -> QImage:
            low, high = min(layer.low, 0.0), max(layer.high, 0.0)
            span = high - low if high > low else 1.0
            zero = int(round(high / span * (height - 1)))
            padded = np.full(rows * per_row, np.nan, dtype=np.float32)
            padded[:n] = values
            tops = np.round((high - np.nan_to_num(padded, nan=0.0)) / span * (height - 1)).astype(int)
            y = np.arange(height)[:, None]
            filled = (y >= np.minimum(tops, zero)[None]) & (y <= np.maximum(tops, zero)[None])
            # One lookup for the whole picture: LUT colours, the background, the zero line.
            index = np.where(filled, to_indices(padded, layer.low, layer.high)[None],
                             256).astype(np.uint16)
            index[zero] = 257
            index[:, n:] = 256  # the unused end of the last row
            table = np.vstack([SEQUENTIAL_LUT, np.array([background, (120, 120, 120)], np.uint8)])
            picture = table[index.reshape(height, rows, per_row).transpose(1, 0, 2).reshape(
                rows * height, per_row)]
            return rgb_to_qimage(picture)

        return _Section(layer, build, bar, per_row, QSize(per_row * bar, rows * height))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if not self._sections:
            return QSize(320, 0)
        last = self._sections[-1]
        width = max(s.size.width() for s in self._sections) + 2 * MARGIN_PX
        return QSize(width, last.image_top + last.size.height() + MARGIN_PX)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, self.sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self._layers and self._available_width() != self._columns_for_width:
            self._rebuild()

    # ---- hit testing ---------------------------------------------------------------------
    def cell_at(self, pos: QPoint) -> tuple[str, int, int, int] | None:
        """(node id, channel, row, col) under a widget position; vectors give row 0."""
        for s in self._sections:
            x, y = pos.x() - MARGIN_PX, pos.y() - s.image_top
            if not (0 <= x < s.size.width() and 0 <= y < s.size.height()):
                continue
            if s.is_vector:
                row_height = s.size.height() // -(-len(s.layer.array) // s.columns)
                unit = (y // row_height) * s.columns + x // s.scale
                return (s.layer.node_id, unit, 0, 0) if unit < len(s.layer.array) else None
            c, h, w = s.layer.array.shape
            step_x, step_y = w * s.scale + GAP_PX, h * s.scale + GAP_PX
            col, inner_x = divmod(x, step_x)
            row, inner_y = divmod(y, step_y)
            channel = row * s.columns + col
            if inner_x >= w * s.scale or inner_y >= h * s.scale or channel >= c:
                return None
            return s.layer.node_id, channel, inner_y // s.scale, inner_x // s.scale
        return None

    # ---- painting and input ----------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().base())
        text = self.palette().text().color()
        muted = QColor(self.palette().placeholderText().color())
        fm = QFontMetrics(self.font())
        accent = self.palette().highlight().color()
        for s in self._sections:
            box = QRect(0, s.top - 2, self.width(), s.height + 4)
            if not box.intersects(event.rect()):
                continue
            if s.layer.node_id == self._current:
                painter.setPen(QPen(accent, 2))
                painter.drawRect(box.adjusted(1, 1, -2, -2))
            painter.setPen(text)
            painter.drawText(MARGIN_PX, s.top + fm.ascent(), s.layer.title)
            painter.setPen(muted)
            painter.drawText(MARGIN_PX + fm.horizontalAdvance(s.layer.title) + 12,
                             s.top + fm.ascent(), s.layer.range_text())
            self._paint_picture(painter, s, event.rect())
        painter.end()

    @staticmethod
    def _paint_picture(painter: QPainter, s: _Section, exposed: QRect) -> None:
        origin = QPoint(MARGIN_PX, s.image_top)
        if s.is_vector:
            painter.drawImage(QRect(origin, s.size), s.strip)
            return
        _, h, w = s.layer.array.shape
        for k in range(len(s.layer.array)):
            target = s.cell_rect(k).translated(origin)
            if target.intersects(exposed):
                painter.drawImage(target, s.strip, QRect(0, k * h, w, h))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        hit = self.cell_at(event.position().toPoint())
        if hit is None:
            QToolTip.hideText()
            self.hoverLeft.emit()
            return
        node_id, channel, row, col = hit
        layer = next(la for la in self._layers if la.node_id == node_id)
        if layer.is_vector:
            value = float(layer.array[channel])
            tip = f"{node_id} unit {channel}: {format_value(value)}"
        else:
            value = float(layer.array[channel, row, col])
            tip = f"{node_id} channel {channel} at ({row}, {col}): {format_value(value)}"
            self.pixelHovered.emit(node_id, channel, row, col)
        QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def leaveEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        self.hoverLeft.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        hit = self.cell_at(event.position().toPoint())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.mapClicked.emit(hit[0], hit[1])
        super().mousePressEvent(event)
