"""Undo commands. Each user edit is exactly one command, and commands change only the
engine graph (through the Document); the canvas follows the graph's change notifications.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from engine.graph import Edge, Node

if TYPE_CHECKING:
    from app.document import Document

MERGE_PARAM_ID = 1001


class _DocCommand(QUndoCommand):
    def __init__(self, doc: Document, text: str) -> None:
        super().__init__(text)
        self.doc = doc

    def redo(self) -> None:
        self.apply()
        self.doc.refresh()

    def undo(self) -> None:
        self.revert()
        self.doc.refresh()

    def apply(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class AddNodesCommand(_DocCommand):
    """Adds nodes and edges together (add one layer, paste, duplicate). A layer spliced
    into a link also removes that link and moves the layers below it down a row."""

    def __init__(self, doc: Document, text: str, nodes: list[Node], edges: list[Edge],
                 removed: list[Edge] | None = None,
                 moves: dict[str, tuple[tuple[float, float], tuple[float, float]]] | None = None,
                 ) -> None:
        super().__init__(doc, text)
        self.nodes = nodes
        self.edges = edges
        self.removed = removed or []
        self.moves = moves or {}

    def apply(self) -> None:
        g = self.doc.graph
        for e in self.removed:
            g.disconnect(e)
        for nid, (_old, new) in self.moves.items():
            g.move_node(nid, new)
        for n in self.nodes:
            g.add_node(n.type_id, dict(n.params), n.position, n.id)
        for e in self.edges:
            g.connect(e.source, e.target, e.port)

    def revert(self) -> None:
        g = self.doc.graph
        for n in reversed(self.nodes):
            g.remove_node(n.id)
        for nid, (old, _new) in self.moves.items():
            g.move_node(nid, old)
        for e in self.removed:
            g.connect(e.source, e.target, e.port)


class RemoveNodesCommand(_DocCommand):
    def __init__(self, doc: Document, ids: list[str], extra_edges: list[Edge] | None = None) -> None:
        what = f"Delete {ids[0]}" if len(ids) == 1 else f"Delete {len(ids)} layers"
        super().__init__(doc, what)
        g = doc.graph
        self.nodes = [Node(i, g.nodes[i].type_id, dict(g.nodes[i].params), g.nodes[i].position)
                      for i in ids]
        touching = [e for e in g.edges if e.source in ids or e.target in ids]
        # Selected links elsewhere go in the same step (they are removed first).
        self.extra = [e for e in extra_edges or [] if e not in touching]
        self.edges = touching + self.extra

    def apply(self) -> None:
        for e in self.extra:
            self.doc.graph.disconnect(e)
        for n in self.nodes:
            self.doc.graph.remove_node(n.id)

    def revert(self) -> None:
        g = self.doc.graph
        for n in self.nodes:
            g.add_node(n.type_id, dict(n.params), n.position, n.id)
        for e in self.edges:
            g.connect(e.source, e.target, e.port)


class RemoveEdgesCommand(_DocCommand):
    def __init__(self, doc: Document, edges: list[Edge]) -> None:
        text = (f"Disconnect {edges[0].source} -> {edges[0].target}" if len(edges) == 1
                else f"Disconnect {len(edges)} links")
        super().__init__(doc, text)
        self.edges = edges

    def apply(self) -> None:
        for e in self.edges:
            self.doc.graph.disconnect(e)

    def revert(self) -> None:
        for e in self.edges:
            self.doc.graph.connect(e.source, e.target, e.port)


class ConnectCommand(_DocCommand):
    def __init__(self, doc: Document, edge: Edge) -> None:
        super().__init__(doc, f"Connect {edge.source} -> {edge.target}")
        self.edge = edge

    def apply(self) -> None:
        self.doc.graph.connect(self.edge.source, self.edge.target, self.edge.port)

    def revert(self) -> None:
        self.doc.graph.disconnect(self.edge)


class SetParamsCommand(_DocCommand):
    """Param edits on one or more nodes. Consecutive edits of the same node and param merge
    into one step, so typing "128" is one undo, not three."""

    def __init__(self, doc: Document, changes: dict[str, dict[str, Any]], text: str,
                 mergeable: bool = True) -> None:
        super().__init__(doc, text)
        self.new = changes
        self.old = {nid: {k: doc.graph.nodes[nid].params[k] for k in ch}
                    for nid, ch in changes.items()}
        self.mergeable = mergeable and len(changes) == 1

    def apply(self) -> None:
        for nid, ch in self.new.items():
            self.doc.graph.set_params(nid, ch)

    def revert(self) -> None:
        for nid, ch in self.old.items():
            self.doc.graph.set_params(nid, ch)

    def id(self) -> int:
        return MERGE_PARAM_ID if self.mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, SetParamsCommand) or not other.mergeable:
            return False
        if set(other.new) != set(self.new):
            return False
        nid = next(iter(self.new))
        if set(other.new[nid]) != set(self.new[nid]):
            return False
        self.new = other.new
        return True


class MoveNodesCommand(_DocCommand):
    def __init__(self, doc: Document, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                 text: str | None = None) -> None:
        if text is None:
            text = f"Move {next(iter(moves))}" if len(moves) == 1 else f"Move {len(moves)} layers"
        super().__init__(doc, text)
        self.moves = moves  # id -> (old, new)

    def apply(self) -> None:
        for nid, (_old, new) in self.moves.items():
            self.doc.graph.move_node(nid, new)

    def revert(self) -> None:
        for nid, (old, _new) in self.moves.items():
            self.doc.graph.move_node(nid, old)
