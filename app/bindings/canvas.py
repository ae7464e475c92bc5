"""Wires a CanvasScene to a Document: graph and analysis changes flow into the scene, and
the scene's gesture signals become undoable document edits.

The scene never edits the graph; refused edits (a loop, a port in use) come back from the
document as a typed GraphError whose message the scene shows next to the cursor.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF

from app.document import Document
from engine.analysis import Analysis
from engine.graph import Edge, GraphChange, GraphError
from engine.layers import UnknownLayerError
from engine.layout import free_spot
from widgets.canvas.constants import NODE_HEIGHT, NODE_WIDTH
from widgets.canvas.scene import CanvasScene

CARD_GAP = 16.0  # free space kept between a dropped card and its neighbours


class CanvasBinding(QObject):
    """Holds the connections; bound-method slots so every call runs on the GUI thread."""

    def __init__(self, doc: Document, scene: CanvasScene) -> None:
        super().__init__(scene)
        self.doc = doc
        self.scene = scene
        doc.graphChanged.connect(self._on_graph_changed)
        doc.analysisChanged.connect(self._on_analysis_changed)
        doc.projectReplaced.connect(self._on_project_replaced)
        scene.nodeDropped.connect(self._on_node_dropped)
        scene.connectRequested.connect(self._on_connect_requested)
        scene.reconnectRequested.connect(self._on_reconnect_requested)
        scene.nodesMoved.connect(self._on_nodes_moved)
        scene.deleteRequested.connect(self._on_delete_requested)
        scene.edgesDeleteRequested.connect(self._on_edges_delete_requested)
        scene.connect_check = self.check_connect
        scene.set_graph(doc.graph)
        scene.set_analysis(doc.analysis)

    def check_connect(self, source: str, target: str, port: int) -> str | None:
        """None when the link may be made, else the reason (hover feedback during a drag)."""
        try:
            self.doc.graph.check_connect(source, target, port)
        except GraphError as exc:
            return str(exc)
        return None

    # ---- document -> scene -----------------------------------------------------------------
    def _on_graph_changed(self, change: GraphChange) -> None:
        self.scene.on_graph_change(change)

    def _on_analysis_changed(self, analysis: Analysis) -> None:
        self.scene.set_analysis(analysis)

    def _on_project_replaced(self) -> None:
        # doc.analysis still describes the old project here; the document re-runs it right
        # after this signal and analysisChanged brings the shapes.
        self.scene.set_graph(self.doc.graph)

    # ---- scene -> document -----------------------------------------------------------------
    def _on_node_dropped(self, type_id: str, pos: QPointF) -> None:
        # Never on top of another card: the nearest free place to where it was dropped.
        others = [n.position for n in self.doc.graph.nodes.values()]
        spot = free_spot((pos.x(), pos.y()), others, NODE_WIDTH + CARD_GAP, NODE_HEIGHT + CARD_GAP)
        try:
            node_id = self.doc.add_node(type_id, spot)
        except (GraphError, UnknownLayerError, ValueError) as exc:
            self.scene.show_message(str(exc), pos)
            return
        self.scene.select_ids([node_id])

    def _on_connect_requested(self, source: str, target: str, port: int) -> None:
        try:
            self.doc.connect(source, target, port)
        except GraphError as exc:
            self.scene.show_message(str(exc), self._port_pos(target, port))

    def _on_reconnect_requested(self, old: Edge, source: str, target: str, port: int) -> None:
        """Move one end of a link: one undo step, and nothing changes if the new link is refused."""
        graph = self.doc.graph
        try:
            # The old link's target port is freed by the move; only check what else could refuse.
            if not (target == old.target and port == old.port):
                graph.check_connect(source, target, port)
        except GraphError as exc:
            self.scene.show_message(str(exc), self._port_pos(target, port))
            return
        stack = self.doc.undo_stack
        stack.beginMacro(f"Reconnect {source} -> {target}")
        try:
            self.doc.disconnect([old])
            self.doc.connect(source, target, port)
        finally:
            stack.endMacro()

    def _on_nodes_moved(self, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]]) -> None:
        self.doc.move_nodes(moves)

    def _on_delete_requested(self, ids: list[str], edges: list[Edge]) -> None:
        self.doc.remove_nodes(ids, edges)

    def _on_edges_delete_requested(self, edges: list[Edge]) -> None:
        self.doc.disconnect(edges)

    def _port_pos(self, node_id: str, port: int) -> QPointF:
        item = self.scene.node_items.get(node_id)
        return item.input_port_pos(port) if item is not None else QPointF()


def bind_canvas(doc: Document, scene: CanvasScene) -> CanvasBinding:
    """Mirror `doc` in `scene` and route the scene's gestures to `doc`. Keep the result."""
    return CanvasBinding(doc, scene)
