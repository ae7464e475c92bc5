"""A grid of small images with labels: data set samples, feature maps, filters.

Two arrangements, one widget:
- rows: `set_rows([(label, [img, ...]), ...])`, one labelled row each (samples per class);
- cells: `set_images(images, captions, columns)`, a caption under every image (feature maps).

Images are numpy arrays, (H, W), (1, H, W) or (3, H, W), uint8 shown as they are or float
scaled to 0-255 per image (a feature map's range is arbitrary). Each is upscaled by a whole
factor with nearest-neighbour so single pixels stay visible, and painted from a cached
QImage; nothing is recomputed on repaint. Clicking an image emits its index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

CELL_TARGET_PX = 56  # images are upscaled by the largest whole factor that stays near this
MIN_SCALE, MAX_SCALE = 1, 8
GAP_PX = 4
ROW_LABEL_MAX_PX = 96
CAPTION_GAP_PX = 2


def to_display(image: np.ndarray) -> np.ndarray:
    """(H, W) grey or (H, W, 3) RGB uint8, contiguous, ready for a QImage."""
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[0] in (1, 3):
        a = a.transpose(1, 2, 0)  # the engine's channels-first -> Qt's channels-last
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3):
        raise ValueError(f"expected an (H, W), (C, H, W) or (H, W, C) image, got {a.shape}")
    if a.dtype != np.uint8:
        a = a.astype(np.float32)
        finite = np.isfinite(a)
        low = float(a[finite].min()) if finite.any() else 0.0
        high = float(a[finite].max()) if finite.any() else 0.0
        span = high - low if high > low else 1.0
        a = np.clip(np.nan_to_num((a - low) / span * 255.0, nan=0.0), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(a)


def to_qimage(image: np.ndarray, scale: int) -> QImage:
    pixels = to_display(image)
    h, w = pixels.shape[:2]
    if pixels.ndim == 2:
        qimage = QImage(pixels.data, w, h, w, QImage.Format.Format_Grayscale8)
    else:
        qimage = QImage(pixels.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    # scaled() copies, so the QImage no longer points into the numpy buffer.
    return qimage.scaled(w * scale, h * scale, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.FastTransformation)


def pick_scale(height: int, width: int, target: int = CELL_TARGET_PX) -> int:
    return max(MIN_SCALE, min(MAX_SCALE, round(target / max(height, width, 1))))


class ImageGrid(QWidget):
    """Paints labelled thumbnails; emits `imageClicked(index)` in set order."""

    imageClicked = Signal(int)  # noqa: N815 - Qt naming

    def __init__(self, parent: QWidget | None = None, cell_target_px: int = CELL_TARGET_PX) -> None:
        super().__init__(parent)
        self._target = cell_target_px
        self._images: list[QImage] = []
        self._tips: list[str] = []
        self._row_labels: list[str] = []  # rows mode when non-empty
        self._row_starts: list[int] = []
        self._captions: list[str] = []  # cells mode
        self._columns = 1
        self._cell = QSize(0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    # ---- content -----------------------------------------------------------------------
    def clear(self) -> None:
        self._images, self._tips, self._row_labels, self._row_starts, self._captions = (
            [], [], [], [], [])
        self._relayout()

    def set_rows(self, rows: Sequence[tuple[str, Sequence[np.ndarray]]],
                 scale: int | None = None) -> None:
        """One row per (label, images); rows may differ in length."""
        flat = [img for _, imgs in rows for img in imgs]
        scale = scale or self._scale_for(flat)
        self._images = [to_qimage(img, scale) for img in flat]
        self._row_labels = [label for label, _ in rows]
        self._row_starts = list(np.cumsum([0] + [len(imgs) for _, imgs in rows])[:-1])
        self._tips = [label for label, imgs in rows for _ in imgs]
        self._captions = []
        self._columns = max((len(imgs) for _, imgs in rows), default=1)
        self._relayout()

    def set_images(self, images: Sequence[np.ndarray], captions: Sequence[str] = (),
                   columns: int = 8, scale: int | None = None) -> None:
        """A flat grid, `columns` wide, with an optional caption under each image."""
        scale = scale or self._scale_for(images)
        self._images = [to_qimage(img, scale) for img in images]
        self._captions = [str(c) for c in captions]
        self._tips = list(self._captions) or [f"#{i}" for i in range(len(images))]
        self._row_labels, self._row_starts = [], []
        self._columns = max(1, columns)
        self._relayout()

    def set_tooltips(self, tips: Sequence[str]) -> None:
        """Hover texts, one per image in set order (when captions would not fit)."""
        self._tips = [str(t) for t in tips]

    def count(self) -> int:
        return len(self._images)

    def row_labels(self) -> list[str]:
        return list(self._row_labels)

    def _scale_for(self, images: Sequence[np.ndarray]) -> int:
        if not len(images):
            return 1
        h, w = to_display(images[0]).shape[:2]
        return pick_scale(h, w, self._target)

    # ---- geometry ----------------------------------------------------------------------
    def _label_width(self) -> int:
        if not self._row_labels:
            return 0
        fm = QFontMetrics(self.font())
        return min(ROW_LABEL_MAX_PX, max(fm.horizontalAdvance(t) for t in self._row_labels)) + 8

    def _caption_height(self) -> int:
        return QFontMetrics(self.font()).height() + CAPTION_GAP_PX if self._captions else 0

    def _relayout(self) -> None:
        self._cell = self._images[0].size() if self._images else QSize(0, 0)
        self.updateGeometry()
        self.update()

    def _rows(self) -> int:
        if self._row_labels:
            return len(self._row_labels)
        return -(-len(self._images) // self._columns) if self._images else 0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        if not self._images:
            return QSize(0, 0)
        step_x, step_y = self._cell.width() + GAP_PX, self._cell.height() + GAP_PX
        width = self._label_width() + self._columns * step_x - GAP_PX
        height = self._rows() * (step_y + self._caption_height()) - GAP_PX
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def _cell_rect(self, index: int) -> QRect:
        if self._row_labels:
            row = int(np.searchsorted(self._row_starts, index, side="right") - 1)
            col = index - int(self._row_starts[row])
        else:
            row, col = divmod(index, self._columns)
        x = self._label_width() + col * (self._cell.width() + GAP_PX)
        y = row * (self._cell.height() + GAP_PX + self._caption_height())
        return QRect(QPoint(x, y), self._cell)

    def index_at(self, pos: QPoint) -> int:
        for i in range(len(self._images)):
            if self._cell_rect(i).contains(pos):
                return i
        return -1

    # ---- painting and input --------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        text = self.palette().text().color()
        border = QColor(self.palette().mid().color())
        fm = QFontMetrics(self.font())
        for i, image in enumerate(self._images):
            rect = self._cell_rect(i)
            if not rect.intersects(event.rect()):
                continue
            painter.drawImage(rect.topLeft(), image)
            painter.setPen(QPen(border, 1))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
            if self._captions and i < len(self._captions):
                painter.setPen(text)
                caption = fm.elidedText(self._captions[i], Qt.TextElideMode.ElideRight,
                                        rect.width())
                painter.drawText(QRect(rect.left(), rect.bottom() + CAPTION_GAP_PX, rect.width(),
                                       fm.height()), Qt.AlignmentFlag.AlignHCenter, caption)
        painter.setPen(text)
        label_width = self._label_width()
        for row, label in enumerate(self._row_labels):
            top = self._cell_rect(int(self._row_starts[row])).top()
            shown = fm.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(QRect(0, top, label_width - 8, self._cell.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        index = self.index_at(event.position().toPoint())
        if index >= 0 and index < len(self._tips):
            QToolTip.showText(event.globalPosition().toPoint(), self._tips[index], self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        index = self.index_at(event.position().toPoint())
        if index >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.imageClicked.emit(index)
        super().mousePressEvent(event)
