"""One layer on the canvas: a rounded card with a category stripe, three lines of text and
its ports (inputs on the top edge, the single output at the bottom centre).

The item is a mirror: the scene pushes the node's type/params and the analysis result into
it, and it only paints. Text is elided once per change, and the whole card is cached as a
device-resolution pixmap, so a repaint of a large graph is a pixmap blit per node.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from engine.layers import get_spec
from widgets.canvas.constants import (
    BODY_PX,
    LINE_HEIGHT,
    LOD_SIMPLE,
    NODE_HEIGHT,
    NODE_MARGIN,
    NODE_RADIUS,
    NODE_WIDTH,
    PORT_HIT_RADIUS,
    PORT_RADIUS,
    SHADOW_OFFSET,
    STRIPE_WIDTH,
    TEXT_LEFT,
    TEXT_RIGHT,
    TEXT_TOP,
    TITLE_PX,
    Z_NODE,
    Z_NODE_SELECTED,
    Colours,
    mix,
    with_alpha,
)
from widgets.canvas.node_text import paint_big_text, paint_warning_badge
from widgets.canvas.thumbnail import ThumbnailItem, update_thumbnail

IN, OUT = "in", "out"
_W, _H = NODE_WIDTH, NODE_HEIGHT
_CARD = QRectF(-_W / 2, -_H / 2, _W, _H)
# Asked for on every repaint for every node in view: build it once.
_BOUNDS = _CARD.adjusted(-NODE_MARGIN, -NODE_MARGIN, NODE_MARGIN, NODE_MARGIN)
_TEXT_WIDTH = _W - TEXT_LEFT - TEXT_RIGHT
_WARN_SIZE = 12.0


class Follower(Protocol):
    """A link attached to a node; told to re-route when the node moves or changes ports."""

    def adjust(self) -> None: ...


@cache
def _font(pixels: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setWeight(weight)
    return font


@cache
def _static_paths() -> tuple[QPainterPath, QPainterPath, QPainterPath]:
    """Card outline, the stripe (the card's left slice, so it keeps the rounded corners),
    and the hit shape (card plus the port zones above and below it)."""
    card = QPainterPath()
    card.addRoundedRect(_CARD, NODE_RADIUS, NODE_RADIUS)
    slice_ = QPainterPath()
    slice_.addRect(QRectF(_CARD.left(), _CARD.top(), STRIPE_WIDTH, _H))
    hit = QPainterPath()
    hit.addRect(_CARD.adjusted(0, -PORT_HIT_RADIUS, 0, PORT_HIT_RADIUS))
    return card, card.intersected(slice_), hit


class NodeItem(QGraphicsItem):
    def __init__(self, node_id: str, type_id: str, params: Mapping[str, Any], colours: Colours,
                 ghost: bool = False) -> None:
        super().__init__()
        self.node_id = node_id
        self.edges: list[Follower] = []
        self.connected_ports: set[int] = set()
        self.output_connected = False
        self._colours = colours
        self._ghost = ghost
        self._title = self._ident = self._params_text = self._category = ""
        self._ports = 1
        self._has_output = True
        self._shape_text = ""
        self._error: str | None = None
        self._error_line = ""
        self._blocked = False
        self._warnings: tuple[str, ...] = ()
        self._summary = ""
        self._hover_port: tuple[str, int] | None = None
        self._highlight: tuple[str, int, bool] | None = None
        self._thumbnail: ThumbnailItem | None = None
        self.setZValue(Z_NODE)
        if ghost:
            self.setOpacity(0.6)
        else:
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
            self.setAcceptHoverEvents(True)
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.set_data(type_id, params)

    # ---- state pushed in by the scene --------------------------------------------------
    def set_data(self, type_id: str, params: Mapping[str, Any]) -> None:
        """Title, key params and port count from the layer registry."""
        spec = get_spec(type_id)
        self._category = spec.category
        self._title = spec.title
        self._summary = spec.summary
        self._ports = spec.port_count(params)
        self._has_output = spec.has_output
        bold = QFontMetricsF(_font(TITLE_PX, QFont.Weight.DemiBold))
        plain = QFontMetricsF(_font(TITLE_PX))
        self._title_width = bold.horizontalAdvance(self._title)
        room = _TEXT_WIDTH - self._title_width - 6 - _WARN_SIZE
        self._ident = plain.elidedText(self.node_id, Qt.TextElideMode.ElideRight, max(room, 0))
        text = spec.key_params(params) or spec.category
        self._params_text = QFontMetricsF(_font(BODY_PX)).elidedText(
            text, Qt.TextElideMode.ElideRight, _TEXT_WIDTH)
        self._geometry_changed()

    def set_result(self, shape_text: str, error: str | None, blocked: bool,
                   warnings: tuple[str, ...]) -> bool:
        """The analysis outcome for this node; returns False (and skips the repaint that
        would throw away the cached pixmap) when nothing changed."""
        if (shape_text, error, blocked, warnings) == (
                self._shape_text, self._error, self._blocked, self._warnings):
            return False
        self._shape_text, self._error, self._blocked, self._warnings = (
            shape_text, error, blocked, warnings)
        self._error_line = self._short_error() if error else ""
        self.update()
        return True

    def set_thumbnail(self, image: QImage | None) -> None:
        """An activation strip beside the card, drawn by a child item so that refreshing it
        never re-renders the cached card (widgets/canvas/thumbnail.py); None removes it."""
        self._thumbnail = update_thumbnail(self, self._thumbnail, image)

    @property
    def thumbnail(self) -> QImage | None:
        return self._thumbnail.image if self._thumbnail is not None else None

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.update()

    def set_connections(self, inputs: set[int], output: bool) -> None:
        """Which ports have links: connected ports are drawn filled."""
        if (inputs, output) != (self.connected_ports, self.output_connected):
            self.connected_ports, self.output_connected = inputs, output
            self.update()

    def set_port_highlight(self, kind: str | None, index: int = 0, ok: bool = True) -> None:
        """Link-drag feedback: ring one port green (can connect) or red (refused)."""
        value = None if kind is None else (kind, index, ok)
        if value != self._highlight:
            self._highlight = value
            self.update()

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def warnings(self) -> tuple[str, ...]:
        return self._warnings

    @property
    def shape_text(self) -> str:
        """What the third line shows: the shape, '?' when blocked upstream, or the error."""
        if self._error:
            return self._error
        return self._shape_text

    @property
    def title_text(self) -> str:
        return f"{self._title}  {self.node_id}"

    @property
    def params_text(self) -> str:
        return self._params_text

    @property
    def port_count(self) -> int:
        return self._ports

    # ---- ports -------------------------------------------------------------------------
    def input_port_local(self, index: int) -> QPointF:
        n = max(self._ports, 1)
        return QPointF(-_W / 2 + _W * (index + 1) / (n + 1), -_H / 2)

    def output_port_local(self) -> QPointF:
        return QPointF(0.0, _H / 2)

    def input_port_pos(self, index: int) -> QPointF:
        return self.pos() + self.input_port_local(index)

    def output_port_pos(self) -> QPointF:
        return self.pos() + self.output_port_local()

    def port_at(self, scene_pos: QPointF) -> tuple[str, int] | None:
        """The port within grabbing distance of `scene_pos`, if any."""
        local = scene_pos - self.pos()
        out = self.output_port_local()
        if self._has_output and _dist2(local, out) <= PORT_HIT_RADIUS ** 2:
            return OUT, 0
        for i in range(self._ports):
            if _dist2(local, self.input_port_local(i)) <= PORT_HIT_RADIUS ** 2:
                return IN, i
        return None

    def nearest_input(self, scene_pos: QPointF) -> int | None:
        """The input port closest to the cursor anywhere over the card: dropping a link on
        the body connects, no pixel hunting needed."""
        if self._ports == 0:
            return None
        local = scene_pos - self.pos()
        return min(range(self._ports), key=lambda i: _dist2(local, self.input_port_local(i)))

    # ---- Qt overrides ------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return _BOUNDS

    def shape(self) -> QPainterPath:
        return _static_paths()[2]

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(Z_NODE_SELECTED if value else Z_NODE)
        return super().itemChange(change, value)

    def hoverMoveEvent(self, event: Any) -> None:  # noqa: N802
        port = self.port_at(event.scenePos())
        if port != self._hover_port:
            self._hover_port = port
            self.setCursor(Qt.CursorShape.CrossCursor if port else Qt.CursorShape.ArrowCursor)
            self.update()

    def hoverLeaveEvent(self, event: Any) -> None:  # noqa: N802
        if self._hover_port is not None:
            self._hover_port = None
            self.unsetCursor()
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        c = self._colours
        card, stripe, _hit = _static_paths()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = self.isSelected()
        detailed = lod >= LOD_SIMPLE
        category = c.category(self._category)
        painter.setPen(Qt.PenStyle.NoPen)
        if detailed:
            painter.setBrush(c.shadow)
            painter.drawPath(card.translated(0, SHADOW_OFFSET))
            painter.setBrush(c.error_fill if self._error else c.card)
        else:
            # Zoomed out, a tint of the category colour makes the network's structure
            # readable at a glance; the text lines would be too small to read anyway.
            painter.setBrush(c.error_fill if self._error else mix(c.card, category, 0.22))
        painter.drawPath(card)
        painter.setBrush(c.error if self._error else category)
        painter.drawPath(stripe)
        if selected:
            painter.setPen(QPen(with_alpha(c.accent, 70), 5.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(_CARD.adjusted(-2, -2, 2, 2), NODE_RADIUS + 2, NODE_RADIUS + 2)
        border, width = c.card_border, 1.0
        if selected:
            border, width = c.accent, 2.0 if detailed else 2.0 / max(lod, 0.1)
        elif self._error:
            border, width = c.error, 1.6 if detailed else 1.6 / max(lod, 0.1)
        painter.setPen(QPen(border, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(card)
        if not detailed:
            self._paint_big_title(painter, c, lod)
            return
        self._paint_text(painter, c)
        if self._warnings and not self._error:
            paint_warning_badge(painter, c.warning, c.card)
        self._paint_ports(painter, c)

    # ---- painting helpers ----------------------------------------------------------------
    def _paint_text(self, painter: QPainter, c: Colours) -> None:
        left = _CARD.left() + TEXT_LEFT
        top = _CARD.top() + TEXT_TOP
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setFont(_font(TITLE_PX, QFont.Weight.DemiBold))
        painter.setPen(c.text)
        painter.drawText(QRectF(left, top, _TEXT_WIDTH, LINE_HEIGHT), align, self._title)
        painter.setFont(_font(TITLE_PX))
        painter.setPen(c.muted)
        painter.drawText(QRectF(left + self._title_width + 6, top, _TEXT_WIDTH, LINE_HEIGHT),
                         align, self._ident)
        painter.setFont(_font(BODY_PX))
        painter.drawText(QRectF(left, top + LINE_HEIGHT, _TEXT_WIDTH, LINE_HEIGHT), align,
                         self._params_text)
        third = QRectF(left, top + 2 * LINE_HEIGHT + 1, _TEXT_WIDTH, LINE_HEIGHT)
        if self._error:
            painter.setPen(c.error)
            painter.drawText(third, align, self._error_line)
            return
        shape = "?" if self._blocked or not self._shape_text else self._shape_text
        painter.setFont(_font(BODY_PX))
        painter.setPen(c.muted)
        painter.drawText(third, align, "out")
        offset = QFontMetricsF(_font(BODY_PX)).horizontalAdvance("out") + 6
        painter.setFont(_font(BODY_PX + 1, QFont.Weight.DemiBold))
        painter.setPen(c.muted if shape == "?" else c.shape_text)
        painter.drawText(third.adjusted(offset, 0, 0, 0), align, shape)

    def _paint_big_title(self, painter: QPainter, c: Colours, lod: float) -> None:
        shape = "" if self._error else ("?" if self._blocked else self._shape_text or "?")
        paint_big_text(painter, self._title, shape, c.error if self._error else c.text,
                       c.shape_text, lod)

    def _paint_ports(self, painter: QPainter, c: Colours) -> None:
        ring = c.category(self._category)
        for i in range(self._ports):
            self._paint_port(painter, c, (IN, i), self.input_port_local(i), ring,
                             i in self.connected_ports)
        if self._has_output:
            self._paint_port(painter, c, (OUT, 0), self.output_port_local(), ring,
                             self.output_connected)

    def _paint_port(self, painter: QPainter, c: Colours, port: tuple[str, int], centre: QPointF,
                    ring: Any, filled: bool) -> None:
        radius = PORT_RADIUS
        fill = QBrush(ring) if filled else QBrush(c.port_fill)
        pen = QPen(ring, 1.5)
        hl = self._highlight
        if hl is not None and (hl[0], hl[1]) == port:
            colour = c.ok if hl[2] else c.error
            radius += 2.0
            pen = QPen(colour, 2.5)
            fill = QBrush(with_alpha(colour, 90))
        elif port == self._hover_port:
            radius += 1.5
            pen = QPen(c.accent, 2.0)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawEllipse(centre, radius, radius)

    def _short_error(self) -> str:
        """The card names the node already: drop the message's "Conv2d 'conv2': " lead-in
        and elide the rest to one line (the tooltip keeps the whole message)."""
        text = self._error or ""
        lead = f"{self._title} '{self.node_id}'"
        if text.startswith(lead):
            text = text[len(lead):].lstrip(": ")
            text = text[:1].upper() + text[1:]
        return QFontMetricsF(_font(BODY_PX)).elidedText(text, Qt.TextElideMode.ElideRight, _TEXT_WIDTH)

    def tooltip_text(self) -> str:
        """The full error, else the warnings, else what the layer does. Built when the
        scene is asked for a tooltip: setToolTip on every analysis would cost a Python
        itemChange round trip per node per keystroke."""
        if self._ghost:
            return ""
        if self._error:
            return self._error
        if self._warnings:
            return "\n\n".join(self._warnings)
        return f"{self._title} '{self.node_id}': {self._summary}"

    def _geometry_changed(self) -> None:
        self.update()
        for edge in self.edges:
            edge.adjust()


def _dist2(a: QPointF, b: QPointF) -> float:
    d = a - b
    return d.x() * d.x() + d.y() * d.y()
