"""Activation thumbnails on canvas cards: a small strip of a node's first channels, drawn
beside its card so activations are seen flowing through the graph the user built.

`thumbnail_image(array, low, high)` turns a node's activation into the strip (first
THUMB_CHANNELS channels side by side, or a vector as a bar-code strip); a ThumbnailItem,
a child of the node's card, draws it to the right of the card. It is a separate item
because the card caches its rendering: repainting the card for every live refresh during
training cost ~5x more than drawing the strip alone.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from widgets.canvas.constants import NODE_HEIGHT, NODE_WIDTH
from widgets.inspect.colormap import SEQUENTIAL_LUT, rgb_to_qimage, tile, to_indices

THUMB_CHANNELS = 3
THUMB_GAP = 6.0
THUMB_HEIGHT = NODE_HEIGHT - 16
VECTOR_UNITS = 64
BORDER = QColor(128, 128, 128)
# The thumbnail's place, in the node item's coordinates (the card is centred on 0, 0).
THUMB_RECT = QRectF(NODE_WIDTH / 2 + THUMB_GAP, -THUMB_HEIGHT / 2, THUMB_HEIGHT * THUMB_CHANNELS,
                    THUMB_HEIGHT)


def thumbnail_image(array: np.ndarray, low: float, high: float) -> QImage:
    """A node's activation (C, H, W) or (N,) as a strip for its card, on the layer's range."""
    a = np.asarray(array, dtype=np.float32)
    if a.ndim == 1:
        values = a[:VECTOR_UNITS]
        strip = SEQUENTIAL_LUT[to_indices(values, low, high)][None]
        return rgb_to_qimage(np.repeat(strip, 8, axis=0))
    if a.ndim == 2:
        a = a[None]
    cells = SEQUENTIAL_LUT[to_indices(a[:THUMB_CHANNELS], low, high)]
    return rgb_to_qimage(tile(cells, THUMB_CHANNELS, 1, 1))


def thumbnail_rect(image: QImage) -> QRectF:
    """Where the strip goes: the height of THUMB_RECT, its own aspect ratio."""
    if image.isNull() or image.height() == 0:
        return QRectF(THUMB_RECT)
    width = min(THUMB_RECT.height() * image.width() / image.height(), NODE_WIDTH)
    return QRectF(THUMB_RECT.left(), THUMB_RECT.top(), width, THUMB_RECT.height())


class ThumbnailItem(QGraphicsItem):
    """The strip, as a child of the node's card: its own small repaint, no card cache."""

    def __init__(self, parent: QGraphicsItem, image: QImage, border: QColor) -> None:
        super().__init__(parent)
        self.image = image
        self._border = border
        self._rect = thumbnail_rect(image)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the canvas

    def set_image(self, image: QImage) -> None:
        rect = thumbnail_rect(image)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.image = image
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.drawImage(self._rect, self.image)  # nearest neighbour: no smoothing hint
        painter.setPen(QPen(self._border, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self._rect)


def update_thumbnail(parent: QGraphicsItem, item: ThumbnailItem | None,
                     image: QImage | None) -> ThumbnailItem | None:
    """Create, refresh or remove a node card's thumbnail child; returns what remains."""
    if image is None:
        if item is not None:
            item.setParentItem(None)
            scene = item.scene()
            if scene is not None:
                scene.removeItem(item)
        return None
    if item is None:
        return ThumbnailItem(parent, image, BORDER)
    item.set_image(image)
    return item
