"""Card text at low zoom (the layer title and its output shape in big type) and the
warning badge: painting helpers split from node_item.py, which paints the full card.
Zoomed out, a card's normal lines
would be a few pixels tall; these keep ~11 px on screen, so a network fitted to the view
still says what each layer is and what it outputs.
"""

from __future__ import annotations

import math
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from widgets.canvas.constants import (
    BIG_SHAPE_MIN_LOD,
    BIG_TEXT_MIN_SCREEN_PX,
    BODY_PX,
    NODE_HEIGHT,
    NODE_WIDTH,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_TOP,
    TITLE_PX,
)

_W, _H = NODE_WIDTH, NODE_HEIGHT
_BOX = QRectF(-_W / 2 + TEXT_LEFT, -_H / 2, _W - TEXT_LEFT - TEXT_RIGHT, _H)
WARN_SIZE = 12.0
_LEFT = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft


@cache
def big_font(pixels: int, weight: QFont.Weight) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setWeight(weight)
    return font


def paint_big_text(painter: QPainter, title: str, shape: str, title_colour: QColor,
                   shape_colour: QColor, lod: float) -> None:
    """Title (and, while two lines fit legibly, the shape) scaled to stay readable; a
    long title (AdaptiveAvgPool2d) is shrunk a little then elided, never left blank."""
    two_lines = bool(shape) and lod >= BIG_SHAPE_MIN_LOD
    if two_lines:
        top = _BOX.adjusted(0, 4, 0, -_H / 2)
        paint_fitted(painter, title, top, lod, TITLE_PX, title_colour, QFont.Weight.DemiBold)
        bottom = _BOX.adjusted(0, _H / 2 - 4, 0, -4)
        paint_fitted(painter, shape, bottom, lod, BODY_PX, shape_colour, QFont.Weight.Normal)
    else:
        paint_fitted(painter, title, _BOX, lod, TITLE_PX, title_colour, QFont.Weight.DemiBold)


def paint_fitted(painter: QPainter, text: str, box: QRectF, lod: float, screen_px: int,
                 colour: QColor, weight: QFont.Weight) -> None:
    px = int(min(screen_px / lod, box.height() * 0.9))  # whole pixels: an exact fit test
    width = QFontMetricsF(big_font(px, weight)).horizontalAdvance(text)
    if width > box.width():
        px = max(int(px * box.width() / width), math.ceil(BIG_TEXT_MIN_SCREEN_PX / lod))
    if px * lod < BIG_TEXT_MIN_SCREEN_PX - 0.5:
        return  # a smudge, not text
    font = big_font(px, weight)
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(box, _LEFT, QFontMetricsF(font).elidedText(
        text, Qt.TextElideMode.ElideRight, box.width()))


def paint_warning_badge(painter: QPainter, colour: QColor, card: QColor) -> None:
    """An amber triangle with '!' in the card's top-right corner; the tooltip says why."""
    right = -_W / 2 + _W - TEXT_RIGHT
    top = -_H / 2 + TEXT_TOP + 1
    s = WARN_SIZE
    tri = QPolygonF([QPointF(right - s / 2, top), QPointF(right, top + s - 1),
                     QPointF(right - s, top + s - 1)])
    painter.setPen(QPen(colour, 1.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.setBrush(colour)
    painter.drawPolygon(tri)
    painter.setPen(QPen(card, 1.4))
    painter.drawLine(QPointF(right - s / 2, top + 3.5), QPointF(right - s / 2, top + s - 5))
    painter.drawPoint(QPointF(right - s / 2, top + s - 3))
