"""Links: a smooth curve from a node's output (bottom) to another node's input (top), with a
small pill in the middle naming the tensor shape that flows along it; and the dashed
preview curve drawn while the user drags a new link.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from engine.graph import Edge
from widgets.canvas.constants import (
    EDGE_HIT_WIDTH,
    EDGE_SELECTED_WIDTH,
    EDGE_WIDTH,
    LABEL_GAP,
    LABEL_HEIGHT,
    LABEL_PAD_X,
    LABEL_PX,
    LANE_MARGIN,
    LOD_SIMPLE,
    NODE_WIDTH,
    Z_EDGE,
    Z_EDGE_SELECTED,
    Z_LINK_PREVIEW,
    Colours,
    with_alpha,
)
from widgets.canvas.node_item import NodeItem

_LANE_BEND = 44.0  # vertical room the curve takes to swing out into a side lane and back
_BACK_SWING = 150.0  # how far a link to a node above its source swings out to the side


def link_path(start: QPointF, end: QPointF, lane_x: float | None = None) -> QPainterPath:
    """A curve leaving `start` downwards and entering `end` from above.

    With `lane_x` the curve swings out to that x, runs straight down, and swings back in,
    so a long skip link passes beside the nodes it jumps over instead of through them.
    """
    path = QPainterPath(start)
    dy = end.y() - start.y()
    if lane_x is not None and dy > 2 * _LANE_BEND:
        b = _LANE_BEND
        path.cubicTo(QPointF(start.x(), start.y() + b / 2), QPointF(lane_x, start.y() + b / 2),
                     QPointF(lane_x, start.y() + b))
        path.lineTo(QPointF(lane_x, end.y() - b))
        path.cubicTo(QPointF(lane_x, end.y() - b / 2), QPointF(end.x(), end.y() - b / 2), end)
        return path
    if dy >= 0:
        pull = max(dy * 0.5, 24.0)
        path.cubicTo(QPointF(start.x(), start.y() + pull), QPointF(end.x(), end.y() - pull), end)
        return path
    # Target above the source: loop out sideways, down and round, instead of running
    # back up through both nodes.
    pull = min(60.0 + abs(dy) * 0.25, 200.0)
    side = 1.0 if end.x() >= start.x() else -1.0
    swing = side * _BACK_SWING
    path.cubicTo(QPointF(start.x() + swing, start.y() + pull),
                 QPointF(end.x() + swing, end.y() - pull), end)
    return path


@cache
def _label_font() -> QFont:
    font = QFont()
    font.setPixelSize(LABEL_PX)
    return font


@cache
def _label_width(text: str) -> float:
    # A graph has a handful of distinct shapes; measure each once.
    return QFontMetricsF(_label_font()).horizontalAdvance(text)


class EdgeItem(QGraphicsItem):
    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem, colours: Colours) -> None:
        super().__init__()
        self.edge = edge
        self.source_item = source
        self.target_item = target
        self._colours = colours
        self._lane_x: float | None = None  # set by the scene when nodes sit in the way
        self._lane_left = False  # the lane runs left of the nodes it avoids
        self._label = ""
        self._note = ""  # extra text after the shape (the learning lab's norms)
        self._label_rect = QRectF()
        self._path = QPainterPath()
        self._mid = QPointF()
        self._path_bounds = QRectF()
        self._bounds = QRectF()
        self._hit: QPainterPath | None = None  # built on first hit test, not on every move
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(Z_EDGE)
        source.edges.append(self)
        target.edges.append(self)
        self.adjust()

    def detach(self) -> None:
        """Stop following the two nodes (the edge is being removed)."""
        for node in (self.source_item, self.target_item):
            if self in node.edges:
                node.edges.remove(self)

    # ---- state pushed in by the scene --------------------------------------------------
    def set_label(self, text: str) -> None:
        """The shape flowing along the link ('' while it is unknown)."""
        if text != self._label:
            self.prepareGeometryChange()
            self._label = text
            self._place_label()
            self.update()

    def set_note(self, text: str) -> None:
        """Text shown after the shape on the link's pill ('' removes it): a hook for views
        that annotate the flow along links, such as the lab's value and gradient norms."""
        if text != self._note:
            self.prepareGeometryChange()
            self._note = text
            self._place_label()
            self.update()

    @property
    def note(self) -> str:
        return self._note

    def _shown(self) -> str:
        return f"{self._label}  {self._note}" if self._note and self._label else (
            self._label or self._note)

    def tooltip_text(self) -> str:
        e = self.edge
        port = f" (input {e.port + 1})" if self.target_item.port_count > 1 else ""
        return f"{e.source} \u2192 {e.target}{port}: {self._label or 'shape unknown'}"

    @property
    def label(self) -> str:
        return self._label

    def set_lane(self, lane_x: float | None, left: bool = False) -> None:
        """Route through a vertical lane at scene x `lane_x` (None: the direct curve),
        `left` of the nodes it avoids or right of them."""
        if (lane_x, left) != (self._lane_x, self._lane_left):
            self._lane_x, self._lane_left = lane_x, left
            self.adjust()

    @property
    def lane_x(self) -> float | None:
        return self._lane_x

    def set_colours(self, colours: Colours) -> None:
        self._colours = colours
        self.update()

    def lane_around(self, blockers: list[float]) -> tuple[float | None, bool]:
        """The lane (x, left?) that clears nodes centred at x = `blockers`: on the side the
        target port sits on its node, else the side the target lies from the source."""
        if not blockers:
            return None, False
        end = self.endpoints()[1]
        target_x = self.target_item.pos().x()
        lean = end.x() - target_x
        if abs(lean) < 1:
            lean = target_x - self.source_item.pos().x()
        if lean < -1:
            return min(blockers) - NODE_WIDTH / 2 - LANE_MARGIN, True
        return max(blockers) + NODE_WIDTH / 2 + LANE_MARGIN, False

    def endpoints(self) -> tuple[QPointF, QPointF]:
        return self.source_item.output_port_pos(), self.target_item.input_port_pos(self.edge.port)

    def adjust(self) -> None:
        """Re-route after either node moved or changed its ports."""
        start, end = self.endpoints()
        self.prepareGeometryChange()
        self._path = link_path(start, end, self._lane_x)
        self._mid = self._path.pointAtPercent(0.5)
        self._path_bounds = self._path.boundingRect()
        self._hit = None
        self._place_label()

    def _place_label(self) -> None:
        bounds = self._path_bounds
        if self._shown():
            width = _label_width(self._shown()) + 2 * LABEL_PAD_X
            mid = self._mid
            # Beside the line, not on it, so the line stays visible in a tight gap; on the
            # outer side of a left lane so the text does not run under the nodes.
            left = self._lane_x is not None and self._lane_left
            x = mid.x() - LABEL_GAP - width if left else mid.x() + LABEL_GAP
            self._label_rect = QRectF(x, mid.y() - LABEL_HEIGHT / 2, width, LABEL_HEIGHT)
            bounds = bounds.united(self._label_rect)
        else:
            self._label_rect = QRectF()
        pad = EDGE_SELECTED_WIDTH
        self._bounds = bounds.adjusted(-pad, -pad, pad, pad)

    # ---- Qt overrides ------------------------------------------------------------------
    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._hit is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(EDGE_HIT_WIDTH)
            self._hit = stroker.createStroke(self._path)
            if self._shown():
                self._hit.addRect(self._label_rect)
        return self._hit

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(Z_EDGE_SELECTED if value else Z_EDGE)
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        c = self._colours
        selected = self.isSelected()
        colour = c.accent if selected else c.edge
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if selected:
            painter.setPen(QPen(with_alpha(c.accent, 60), EDGE_SELECTED_WIDTH + 4))
            painter.drawPath(self._path)
        painter.setPen(QPen(colour, EDGE_SELECTED_WIDTH if selected else EDGE_WIDTH))
        painter.drawPath(self._path)
        if not self._shown():
            return
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_SIMPLE:
            return
        # A background-coloured pad keeps the text readable where links cross.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(c.background)
        radius = LABEL_HEIGHT / 2
        painter.drawRoundedRect(self._label_rect, radius, radius)
        painter.setFont(_label_font())
        painter.setPen(c.accent if selected else c.label_text)
        painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self._shown())


class LinkPreviewItem(QGraphicsPathItem):
    """The dashed curve that follows the cursor during a link drag. `ok` None: not over a
    port yet; True / False: the port under the cursor would accept / refuse the link."""

    def __init__(self, colours: Colours) -> None:
        super().__init__()
        self._colours = colours
        self.setZValue(Z_LINK_PREVIEW)
        self.set_ends(QPointF(), QPointF(), None)

    def set_ends(self, start: QPointF, end: QPointF, ok: bool | None) -> None:
        c = self._colours
        colour: QColor = c.accent if ok is None else (c.ok if ok else c.error)
        pen = QPen(colour, 2.0, Qt.PenStyle.DashLine, Qt.PenCapStyle.RoundCap)
        pen.setDashPattern([4.0, 3.0])
        self.setPen(pen)
        self.setPath(link_path(start, end))
