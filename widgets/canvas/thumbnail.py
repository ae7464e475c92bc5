"""Activation thumbnails on canvas cards: a small strip of a node's first channels, drawn
beside its card so activations are seen flowing through the graph the user built.

`thumbnail_image(array, low, high)` turns a node's activation into the strip (first
THUMB_CHANNELS channels side by side, or a vector as a bar-code strip); `paint_thumbnail`
draws it to the right of the card. NodeItem only stores the QImage and calls the painter.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from widgets.canvas.constants import NODE_HEIGHT, NODE_WIDTH
from widgets.inspect.colormap import SEQUENTIAL_LUT, rgb_to_qimage, tile, to_indices

THUMB_CHANNELS = 3
THUMB_GAP = 6.0
THUMB_HEIGHT = NODE_HEIGHT - 16
VECTOR_UNITS = 64
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


def thumbnail_bounds() -> QRectF:
    """The most room a thumbnail can take (the item's bounding rect grows by this)."""
    return QRectF(THUMB_RECT.left() - 1, THUMB_RECT.top() - 1, NODE_WIDTH + 2,
                  THUMB_RECT.height() + 2)


def paint_thumbnail(painter: QPainter, image: QImage, border: QColor) -> None:
    rect = thumbnail_rect(image)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(rect, image)
    painter.setPen(QPen(border, 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect)
    painter.restore()
