"""The canvas scene: a mirror of the engine graph, one item per node and per edge.

It never edits the graph. Gestures come out as signals (nodeDropped, connectRequested,
nodesMoved, ...) that app/bindings/canvas.py turns into undoable Document edits; the
resulting GraphChange notifications come back in through `on_graph_change`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneHelpEvent,
    QGraphicsSceneMouseEvent,
    QToolTip,
    QWidget,
)

from engine.analysis import Analysis
from engine.graph import Edge, Graph, GraphChange
from engine.layers import fmt_shape
from widgets.canvas.constants import LANE_MIN_SPAN, MESSAGE_MS, Colours, colours_for
from widgets.canvas.context import CANVAS, EDGE, NODE, ContextTarget
from widgets.canvas.edge_item import EdgeItem
from widgets.canvas.modes import (
    LinkDragMode,
    MessageBubble,
    Mode,
    MoveMode,
    PaletteDropMode,
    RubberBandMode,
)
from widgets.canvas.node_item import NodeItem

_ADDITIVE = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


class CanvasScene(QGraphicsScene):
    nodeDropped = Signal(str, QPointF)  # layer type id dropped from the palette, scene pos
    connectRequested = Signal(str, str, int)  # source id, target id, target port
    reconnectRequested = Signal(object, str, str, int)  # old Edge, new source, target, port
    nodesMoved = Signal(object)  # {id: ((old_x, old_y), (new_x, new_y))}, once per drag
    deleteRequested = Signal(list, list)  # node ids, and selected links not touching them
    edgesDeleteRequested = Signal(list)  # [engine.graph.Edge]
    selectionIdsChanged = Signal(list)  # selected node ids
    # A right-click: a widgets.canvas.context.ContextTarget; the app shows the menu.
    contextMenuRequested = Signal(object)  # noqa: N815 - Qt naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connect_check: Callable[[str, str, int], str | None] | None = None
        self.snap_to_grid = True
        self.colours: Colours = colours_for(False)
        self.graph: Graph | None = None
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: dict[Edge, EdgeItem] = {}
        self._analysis: Analysis | None = None
        self._mode: Mode | None = None
        self.palette_drop = PaletteDropMode(self)
        self._last_selection: list[str] = []
        self._selection_batch = False
        self.message_item = MessageBubble(self.colours)
        self.addItem(self.message_item)
        # Owned by the scene, so it cannot fire into a bubble that died with it.
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.setInterval(MESSAGE_MS)
        self._message_timer.timeout.connect(self._hide_message)
        # Lanes for long links depend on every node's place; moves arrive one node at a
        # time, so re-route once after the burst rather than per node.
        self._route_timer = QTimer(self)
        self._route_timer.setSingleShot(True)
        self._route_timer.setInterval(0)
        self._route_timer.timeout.connect(self.route_links)
        self.selectionChanged.connect(self._on_selection_changed)

    # ---- mirroring the graph -------------------------------------------------------------
    def set_graph(self, graph: Graph) -> None:
        """Drop every item and build one per node and per edge of `graph`."""
        self._end_mode()
        self.palette_drop.leave()
        self._selection_batch = True
        try:
            for item in list(self.edge_items.values()) + list(self.node_items.values()):
                self.removeItem(item)
        finally:
            self._selection_batch = False
        self.node_items.clear()
        self.edge_items.clear()
        self.graph = graph
        self._analysis = None
        for node_id in graph.nodes:
            self._add_node_item(node_id)
        for edge in graph.edges:
            self._add_edge_item(edge)
        self.route_links()
        self._on_selection_changed()

    def on_graph_change(self, change: GraphChange) -> None:
        """Mirror one engine change."""
        graph = self.graph
        if graph is None:
            return
        kind, node_id = change.kind, change.node_id
        if kind == "reset":
            self.set_graph(graph)
        elif kind == "node_added" and node_id is not None:
            self._add_node_item(node_id)
            self._route_timer.start()
        elif kind == "node_removed" and node_id is not None:
            self._remove_node_item(node_id)
            self._route_timer.start()
        elif kind == "node_moved" and node_id in self.node_items:
            x, y = graph.nodes[node_id].position
            self.node_items[node_id].setPos(x, y)
            self._route_timer.start()
        elif kind == "params_changed" and node_id in self.node_items:
            node = graph.nodes[node_id]
            self.node_items[node_id].set_data(node.type_id, node.params)
        elif kind == "edge_added" and change.edge is not None:
            self._add_edge_item(change.edge)
            self._route_timer.start()
        elif kind == "edge_removed" and change.edge is not None:
            self._remove_edge_item(change.edge)

    def _add_node_item(self, node_id: str) -> None:
        node = self.graph.nodes[node_id]  # type: ignore[union-attr]
        item = NodeItem(node_id, node.type_id, node.params, self.colours)
        item.setPos(*node.position)
        self.node_items[node_id] = item
        self.addItem(item)
        if self._analysis is not None:
            self._apply_result(item, self._analysis)

    def _remove_node_item(self, node_id: str) -> None:
        item = self.node_items.pop(node_id, None)
        if item is None:
            return
        for link in [e for e in item.edges if isinstance(e, EdgeItem)]:
            self._remove_edge_item(link.edge)
        self.removeItem(item)

    def _add_edge_item(self, edge: Edge) -> None:
        source, target = self.node_items.get(edge.source), self.node_items.get(edge.target)
        if source is None or target is None or edge in self.edge_items:
            return
        item = EdgeItem(edge, source, target, self.colours)
        self.edge_items[edge] = item
        self.addItem(item)
        self._refresh_ports(source)
        self._refresh_ports(target)
        if self._analysis is not None:
            item.set_label(self._edge_label(edge, self._analysis))

    def _remove_edge_item(self, edge: Edge) -> None:
        item = self.edge_items.pop(edge, None)
        if item is None:
            return
        item.detach()
        self.removeItem(item)
        self._refresh_ports(item.source_item)
        self._refresh_ports(item.target_item)

    @staticmethod
    def _refresh_ports(node: NodeItem) -> None:
        links = [e for e in node.edges if isinstance(e, EdgeItem)]
        node.set_connections({e.edge.port for e in links if e.target_item is node},
                             any(e.source_item is node for e in links))

    def route_links(self) -> None:
        """Send a long link round the side when nodes sit between its two ends: through a
        lane just outside those nodes, on the side its target port (or target) lies."""
        for item in self.edge_items.values():
            item.set_lane(*self._lane_for(item))

    def _lane_for(self, item: EdgeItem) -> tuple[float | None, bool]:
        start, end = item.endpoints()
        if end.y() - start.y() <= LANE_MIN_SPAN:
            return None, False
        corridor = QRectF(QPointF(min(start.x(), end.x()) - 4, start.y() + 4),
                          QPointF(max(start.x(), end.x()) + 4, end.y() - 4))
        ends = (item.source_item, item.target_item)
        return item.lane_around([i.pos().x() for i in self.items(corridor) if isinstance(i, NodeItem)
                                 and i not in ends and i.node_id in self.node_items])

    # ---- analysis --------------------------------------------------------------------------
    def set_analysis(self, analysis: Analysis) -> None:
        """Shape texts, edge labels and error/warning state. Items that did not change keep
        their cached pixmaps, so a keystroke in the inspector repaints only what it affects."""
        self._analysis = analysis
        for item in self.node_items.values():
            self._apply_result(item, analysis)
        labels: dict[str, str] = {}  # one per source: its links all carry the same shape
        for edge, item in self.edge_items.items():
            label = labels.get(edge.source)
            if label is None:
                label = labels[edge.source] = self._edge_label(edge, analysis)
            item.set_label(label)

    @staticmethod
    def _apply_result(item: NodeItem, analysis: Analysis) -> None:
        res = analysis.nodes.get(item.node_id)
        if res is None:  # the graph has a loop: nothing could be worked out
            item.set_result("?", None, True, ())
            return
        shape = fmt_shape(res.output_shape) if res.output_shape is not None else "?"
        item.set_result(shape, res.error, res.blocked_by is not None, tuple(res.warnings))

    @staticmethod
    def _edge_label(edge: Edge, analysis: Analysis) -> str:
        res = analysis.nodes.get(edge.source)
        return fmt_shape(res.output_shape) if res is not None and res.output_shape else ""

    # ---- selection -------------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        return [nid for nid, item in self.node_items.items() if item.isSelected()]

    def selected_edges(self) -> list[Edge]:
        return [edge for edge, item in self.edge_items.items() if item.isSelected()]

    def select_ids(self, ids: list[str]) -> None:
        """Select exactly these nodes (and no links); one selectionIdsChanged at the end."""
        wanted = set(ids)
        self._selection_batch = True
        try:
            for edge_item in self.edge_items.values():
                if edge_item.isSelected():
                    edge_item.setSelected(False)
            for nid, item in self.node_items.items():
                if item.isSelected() != (nid in wanted):
                    item.setSelected(nid in wanted)
        finally:
            self._selection_batch = False
        self._on_selection_changed()

    def _on_selection_changed(self) -> None:
        if self._selection_batch:
            return
        ids = self.selected_ids()
        if ids != self._last_selection:
            self._last_selection = ids
            self.selectionIdsChanged.emit(ids)

    # ---- feedback and theme ----------------------------------------------------------------
    def show_message(self, text: str, scene_pos: QPointF) -> None:
        self.message_item.show_text(text, scene_pos)
        self._message_timer.start()

    def _hide_message(self) -> None:
        self.message_item.hide()

    def message_text(self) -> str:
        """The bubble's text while it is showing, else ''."""
        return self.message_item.text() if self.message_item.isVisible() else ""

    def set_dark(self, dark: bool) -> None:
        self.colours = colours_for(dark)
        for item in self.node_items.values():
            item.set_colours(self.colours)
        for edge_item in self.edge_items.values():
            edge_item.set_colours(self.colours)
        self.message_item.set_colours(self.colours)
        self.invalidate(self.sceneRect(), QGraphicsScene.SceneLayer.BackgroundLayer)
        self.update()

    # ---- hit testing -----------------------------------------------------------------------
    def node_at(self, pos: QPointF) -> NodeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem) and item.node_id in self.node_items:
                return item
        return None

    def _pick(self, pos: QPointF) -> NodeItem | EdgeItem | None:
        for item in self.items(pos):
            if isinstance(item, NodeItem) and item.node_id in self.node_items:
                return item
            if isinstance(item, EdgeItem) and item.isVisible():
                return item
        return None

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # noqa: N802 - Qt override
        """Tooltips are built on demand from the item under the cursor (see tooltip_text)."""
        item = self._pick(event.scenePos())
        text = item.tooltip_text() if item is not None else ""
        if text:
            QToolTip.showText(event.screenPos(), text, event.widget())
        else:
            QToolTip.hideText()
        event.accept()

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:  # noqa: N802
        """Right-click: the node under the cursor joins (or becomes) the selection, as in
        file managers, so the menu acts on what the user sees highlighted."""
        hit = self._pick(event.scenePos())
        where = (event.scenePos(), event.screenPos())
        if isinstance(hit, NodeItem):
            if not hit.isSelected():
                self.select_ids([hit.node_id])
            target = ContextTarget(NODE, *where, node_id=hit.node_id)
        elif isinstance(hit, EdgeItem):
            target = ContextTarget(EDGE, *where, edge=hit.edge)
        else:
            target = ContextTarget(CANVAS, *where)
        self.contextMenuRequested.emit(target)
        event.accept()

    # ---- mouse and keys --------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._mode is not None:
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.scenePos()
        additive = bool(event.modifiers() & _ADDITIVE)
        item = self._pick(pos)
        if isinstance(item, NodeItem):
            port = item.port_at(pos)
            if port is not None and not additive:
                self._mode = LinkDragMode(self, item, port[0], port[1])
            elif additive:
                item.setSelected(not item.isSelected())
            else:
                if not item.isSelected():
                    self.select_ids([item.node_id])
                self._mode = MoveMode(self, item, pos)
        elif isinstance(item, EdgeItem):
            if additive:
                item.setSelected(not item.isSelected())
            else:
                self.select_ids([])
                item.setSelected(True)
        else:
            self._mode = RubberBandMode(self, pos, additive)
        event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._mode is not None:
            self._mode.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)  # hover feedback on ports

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        mode, self._mode = self._mode, None
        if mode is not None and event.button() == Qt.MouseButton.LeftButton:
            mode.release(event.scenePos())
            event.accept()
            return
        self._mode = mode
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.mousePressEvent(event)  # a fast second click behaves as a plain press

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self._mode is not None:
                self._end_mode()
            else:
                self.select_ids([])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selection()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_ids(list(self.node_items))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def delete_selection(self) -> None:
        """Ask to delete the selected nodes, and the selected links not already going with them."""
        ids = self.selected_ids()
        gone = set(ids)
        edges = [e for e in self.selected_edges() if e.source not in gone and e.target not in gone]
        if ids or edges:
            # One request, so the document makes one undo step of the whole selection.
            self.deleteRequested.emit(ids, edges)

    def _end_mode(self) -> None:
        mode, self._mode = self._mode, None
        if mode is not None:
            mode.cancel()

    @property
    def mode(self) -> Mode | None:
        return self._mode
