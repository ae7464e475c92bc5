"""One feature map enlarged, with its colour bar and the value under the cursor.

The colour bar spans the layer's range (the same one the grid used), so a colour means the
same number here and there. Hovering a pixel shows its value and emits
pixelHovered(row, col), which the panel turns into the input region that pixel sees.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.inspect.colormap import SEQUENTIAL_LUT, format_value, map_to_qimage, rgb_to_qimage

TARGET_PX = 224
MAX_SCALE = 24
BAR_WIDTH_PX = 14
BAR_GAP_PX = 8
MARGIN_PX = 6


class MapView(QWidget):
    pixelHovered = Signal(int, int)  # row, col  # noqa: N815 - Qt naming
    hoverLeft = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._array: np.ndarray | None = None
        self._title = ""
        self._low = self._high = 0.0
        self._image = QImage()
        self._scale = 1
        self._hover: tuple[int, int] | None = None
        bar = np.repeat(SEQUENTIAL_LUT[::-1][:, None, :], BAR_WIDTH_PX, axis=1)
        self._bar = rgb_to_qimage(bar)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # as FeatureMapGrid

    def set_map(self, title: str, array: np.ndarray, low: float, high: float) -> None:
        """A (H, W) map drawn on the range [low, high] (the engine's layer min/max)."""
        a = np.asarray(array, dtype=np.float32)
        if a.ndim != 2:
            raise ValueError(f"an enlarged map is (H, W), not {a.shape}")
        same_shape = self._array is not None and self._array.shape == a.shape
        before = self.sizeHint()
        self._array, self._title, self._low, self._high = a, title, float(low), float(high)
        h, w = a.shape
        self._scale = max(1, min(MAX_SCALE, TARGET_PX // max(h, w, 1)))
        self._image = map_to_qimage(a, low, high)  # scaled when painted (cheap to rebuild live)
        if not same_shape:
            self._hover = None
        if self.sizeHint() != before:  # a live refresh of the same map keeps the layout
            self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self._array, self._image, self._title, self._hover = None, QImage(), "", None
        self.updateGeometry()
        self.update()

    @property
    def title(self) -> str:
        return self._title

    def range_labels(self) -> tuple[str, str]:
        """The colour bar's (bottom, top) labels."""
        return format_value(self._low), format_value(self._high)

    def value_text(self) -> str:
        if self._array is None:
            return ""
        if self._hover is None:
            return "Hover a pixel to read its value."
        r, c = self._hover
        return f"({r}, {c}) = {format_value(float(self._array[r, c]))}"

    # ---- geometry --------------------------------------------------------------------
    def _line(self) -> int:
        return QFontMetrics(self.font()).height()

    def _image_rect(self) -> QRect:
        if self._array is None:
            return QRect()
        h, w = self._array.shape
        return QRect(MARGIN_PX, MARGIN_PX + self._line() + 2, w * self._scale, h * self._scale)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if self._array is None:
            return QSize(0, 0)
        label_w = QFontMetrics(self.font()).horizontalAdvance("-0.0000e+00") + 4
        picture = self._image_rect()
        width = picture.width() + BAR_GAP_PX + BAR_WIDTH_PX + label_w + 2 * MARGIN_PX
        height = picture.height() + 2 * self._line() + 2 * MARGIN_PX + 6
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def pixel_at(self, pos: QPoint) -> tuple[int, int] | None:
        rect = self._image_rect()
        if self._array is None or not rect.contains(pos):
            return None
        row = (pos.y() - rect.top()) // self._scale
        col = (pos.x() - rect.left()) // self._scale
        h, w = self._array.shape
        return (row, col) if row < h and col < w else None

    def widget_rect_of(self, row: int, col: int) -> QRect:
        rect = self._image_rect()
        return QRect(rect.left() + col * self._scale, rect.top() + row * self._scale,
                     self._scale, self._scale)

    # ---- painting and input ------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().window())
        if self._array is None:
            return
        fm = QFontMetrics(self.font())
        text = self.palette().text().color()
        painter.setPen(text)
        painter.drawText(MARGIN_PX, MARGIN_PX + fm.ascent(), self._title)
        rect = self._image_rect()
        painter.drawImage(rect, self._image)
        if self._hover is not None:
            painter.setPen(QPen(self.palette().highlight().color(), 2))
            painter.drawRect(self.widget_rect_of(*self._hover))
        bar = QRect(rect.right() + 1 + BAR_GAP_PX, rect.top(), BAR_WIDTH_PX, rect.height())
        painter.drawImage(bar, self._bar)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(bar.adjusted(0, 0, -1, -1))
        painter.setPen(text)
        low, high = self.range_labels()
        painter.drawText(bar.right() + 5, bar.top() + fm.ascent(), high)
        painter.drawText(bar.right() + 5, bar.bottom(), low)
        painter.drawText(MARGIN_PX, rect.bottom() + 4 + fm.ascent(), self.value_text())
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        hit = self.pixel_at(event.position().toPoint())
        if hit == self._hover:
            return
        self._hover = hit
        self.update()
        if hit is None:
            self.hoverLeft.emit()
        else:
            self.pixelHovered.emit(*hit)

    def leaveEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        if self._hover is not None:
            self._hover = None
            self.update()
        self.hoverLeft.emit()
