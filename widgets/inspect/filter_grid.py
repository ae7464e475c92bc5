"""A layer's weights as pictures: conv filters, Linear templates or a Linear heat map.

All filters of a layer share one diverging scale centred on zero (the engine's `vmax`):
white is 0, red positive, blue negative, and the colour bar states the range, so two filters
compare by colour alone. A first conv layer on 3-channel input (and a template of a
3-channel input) is drawn in colour instead: each channel's value on [-vmax, vmax] becomes
that channel's 0..255, the usual way to look at RGB filters.

Shapes (from engine.inspect.jobs.layer_filters): "conv" (N, C, kh, kw) shows a row per
filter and a column per input channel (C = 1 when averaged); "conv-rgb" (N, 3, kh, kw);
"linear-template" (N, C, H, W) with a caption per row of W (the class name); and
"linear-heatmap" (1, 1, out, in), the weight matrix itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from widgets.inspect.colormap import DIVERGING_LUT, format_value, rgb_to_qimage, tile, to_indices

KINDS = ("conv-rgb", "conv", "linear-template", "linear-heatmap")
CELL_TARGET_PX = 64
HEATMAP_TARGET_PX = 420
MAX_SCALE = 16
GAP_PX = 6
MARGIN_PX = 4
BAR_HEIGHT_PX = 12
BAR_WIDTH_PX = 200
MAX_COLUMNS = 16


def _as_4d(images: np.ndarray) -> np.ndarray:
    a = np.asarray(images, dtype=np.float32)
    if a.ndim == 2:
        a = a[None, None]
    elif a.ndim == 3:
        a = a[:, None]
    if a.ndim != 4:
        raise ValueError(f"filter images are (N, C, h, w), not {np.shape(images)}")
    return a


class FilterGrid(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images = np.zeros((0, 1, 1, 1), dtype=np.float32)
        self._kind = "conv"
        self._vmax = 0.0
        self._labels: list[str] = []
        self._title = ""
        self._picture = QImage()
        self._scale, self._columns, self._cell = 1, 1, (1, 1)
        bar = np.repeat(DIVERGING_LUT[None, :, :], BAR_HEIGHT_PX, axis=0)
        self._bar = rgb_to_qimage(bar)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_filters(self, title: str, images: np.ndarray, vmax: float, kind: str,
                    labels: Sequence[str] = ()) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown filter picture kind {kind!r}; expected one of {KINDS}")
        a = _as_4d(images)
        self._images, self._vmax, self._kind = a, float(vmax), kind
        self._labels, self._title = [str(s) for s in labels], title
        n, c, h, w = a.shape
        colour = kind == "conv-rgb" or (kind == "linear-template" and c == 3)
        if colour:
            # Each channel's [-vmax, vmax] to 0..255: grey is zero in all three.
            scaled = (np.transpose(a, (0, 2, 3, 1)) / (2 * self._vmax or 1.0) + 0.5) * 255.0
            cells = np.clip(np.nan_to_num(scaled), 0, 255).astype(np.uint8)
            columns = min(n, MAX_COLUMNS)
        else:
            cells = DIVERGING_LUT[to_indices(a.reshape(n * c, h, w), -self._vmax, self._vmax)]
            # One row per filter when there are input channels to compare across.
            columns = c if c > 1 else min(n, MAX_COLUMNS)
        target = HEATMAP_TARGET_PX if kind == "linear-heatmap" else CELL_TARGET_PX
        self._scale = max(1, min(MAX_SCALE, round(target / max(h, w, 1))))
        self._columns, self._cell = columns, (h, w)
        base = self.palette().base().color()
        gap = (base.red(), base.green(), base.blue())
        self._picture = rgb_to_qimage(tile(cells, columns, self._scale, GAP_PX, gap))
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self._images = np.zeros((0, 1, 1, 1), dtype=np.float32)
        self._picture, self._title, self._labels = QImage(), "", []
        self.updateGeometry()
        self.update()

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def is_colour(self) -> bool:
        return self._kind == "conv-rgb" or (self._kind == "linear-template"
                                            and self._images.shape[1] == 3)

    def range_text(self) -> str:
        return f"shared scale −{format_value(self._vmax)} … 0 … +{format_value(self._vmax)}"

    def cell_count(self) -> int:
        n, c = self._images.shape[:2]
        return n if self.is_colour else n * c

    # ---- geometry -------------------------------------------------------------------
    def _line(self) -> int:
        return QFontMetrics(self.font()).height()

    def _captions(self) -> bool:
        return self._kind == "linear-template" and bool(self._labels)

    def _picture_top(self) -> int:
        return MARGIN_PX + 2 * self._line() + BAR_HEIGHT_PX + 8

    def _cell_rect(self, index: int) -> QRect:
        h, w = self._cell
        step_x = w * self._scale + GAP_PX
        step_y = h * self._scale + GAP_PX + (self._line() if self._captions() else 0)
        row, col = divmod(index, self._columns)
        return QRect(MARGIN_PX + col * step_x, self._picture_top() + row * step_y,
                     w * self._scale, h * self._scale)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if self._picture.isNull():
            return QSize(0, 0)
        last = self._cell_rect(self.cell_count() - 1 if not self._captions()
                               else len(self._images) - 1)
        extra = self._line() if self._captions() else 0
        width = max(self._picture.width(), BAR_WIDTH_PX + 160) + 2 * MARGIN_PX
        return QSize(width, last.bottom() + extra + MARGIN_PX + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, self.sizeHint().height())

    def index_at(self, pos: QPoint) -> int:
        for i in range(self.cell_count()):
            if self._cell_rect(i).contains(pos):
                return i
        return -1

    # ---- painting --------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self._picture.isNull():
            return
        painter = QPainter(self)
        fm = QFontMetrics(self.font())
        text = self.palette().text().color()
        painter.setPen(text)
        painter.drawText(MARGIN_PX, MARGIN_PX + fm.ascent(), self._title)
        bar_top = MARGIN_PX + self._line() + 4
        if self.is_colour:
            painter.drawText(MARGIN_PX, bar_top + fm.ascent(),
                             f"colour: each channel on −{format_value(self._vmax)} … "
                             f"+{format_value(self._vmax)} (grey = 0)")
        else:
            bar = QRect(MARGIN_PX, bar_top, BAR_WIDTH_PX, BAR_HEIGHT_PX)
            painter.drawImage(bar, self._bar)
            painter.setPen(QPen(self.palette().mid().color(), 1))
            painter.drawRect(bar.adjusted(0, 0, -1, -1))
            painter.setPen(text)
            painter.drawText(bar.right() + 8, bar.top() + fm.ascent() - 1, self.range_text())
        if not self._captions():
            painter.drawImage(MARGIN_PX, self._picture_top(), self._picture)
        else:
            # Captions sit under each template: copy the mosaic cell by cell.
            h, w = self._cell
            for i in range(len(self._images)):
                src_row, src_col = divmod(i, self._columns)
                src = QRect(src_col * (w * self._scale + GAP_PX),
                            src_row * (h * self._scale + GAP_PX), w * self._scale, h * self._scale)
                rect = self._cell_rect(i)
                painter.drawImage(rect, self._picture, src)
                if i < len(self._labels):
                    label = fm.elidedText(self._labels[i], Qt.TextElideMode.ElideRight,
                                          rect.width() + GAP_PX)
                    painter.drawText(QRect(rect.left(), rect.bottom() + 1, rect.width(),
                                           self._line()), Qt.AlignmentFlag.AlignHCenter, label)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        index = self.index_at(event.position().toPoint())
        if index < 0:
            QToolTip.hideText()
            return
        if self.is_colour or self._images.shape[1] == 1:
            name = self._labels[index] if index < len(self._labels) else f"filter {index}"
        else:
            f, ch = divmod(index, self._images.shape[1])
            name = f"filter {f}, input channel {ch}"
        QToolTip.showText(event.globalPosition().toPoint(), name, self)
