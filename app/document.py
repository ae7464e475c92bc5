"""The open project: engine graph + undo stack + file path + dirty flag.

Every edit method validates first (raising the engine's typed error with a readable
message, so the caller can show it), then pushes exactly one undo command. After each
command the analysis re-runs once and `analysisChanged` fires; `graphChanged` forwards
each individual engine change so the canvas can mirror the graph item by item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPointF, Signal
from PySide6.QtGui import QUndoStack

from app.commands import (
    AddNodesCommand,
    ConnectCommand,
    MoveNodesCommand,
    RemoveEdgesCommand,
    RemoveNodesCommand,
    SetParamsCommand,
)
from app.trained_weights import TrainedWeights
from engine.analysis import Analysis, Fix, analyse
from engine.graph import Edge, Graph, GraphChange, GraphError, Node
from engine.layers import get_spec
from engine.layout import ROW_STEP, auto_layout
from engine.project import Project, ProjectError, load_project, save_project
from engine.weights import WeightsError
from engine.weights_state import load_project_weights, save_project_weights

PASTE_OFFSET = 40.0


class Document(QObject):
    graphChanged = Signal(object)  # engine.graph.GraphChange  # noqa: N815 - Qt naming
    analysisChanged = Signal(object)  # engine.analysis.Analysis  # noqa: N815
    dirtyChanged = Signal(bool)  # noqa: N815
    pathChanged = Signal(object)  # Path | None  # noqa: N815
    projectReplaced = Signal()  # noqa: N815 - new/open/revert: views rebuild from scratch
    settingsChanged = Signal()  # noqa: N815 - data or training records changed
    weightsChanged = Signal()  # noqa: N815 - trained weights set, or their per-layer state

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = Project(Graph())
        self.graph.subscribe(self._on_graph_change)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.path: Path | None = None
        self.data_shape: tuple[int, ...] | None = None
        self.num_classes: int | None = None
        self.analysis: Analysis = analyse(self.graph)
        self.trained = TrainedWeights()
        # Why the last opened project's weights were not loaded ("" when they were).
        self.weights_note = ""

    # ---- state -------------------------------------------------------------------
    @property
    def graph(self) -> Graph:
        return self.project.graph

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def title(self) -> str:
        return self.path.name if self.path else f"{self.project.name}"

    def _on_clean_changed(self, clean: bool) -> None:
        self.dirtyChanged.emit(not clean)

    def _on_graph_change(self, change: GraphChange) -> None:
        self.graphChanged.emit(change)

    def refresh(self) -> None:
        """Re-run the analysis (called once at the end of every command)."""
        self.analysis = analyse(self.graph, self.data_shape, self.num_classes)
        self.analysisChanged.emit(self.analysis)
        if self.trained.update(self.graph, self.analysis):
            self.weightsChanged.emit()

    # ---- trained weights (not on the undo stack; see app/trained_weights.py) -------
    @property
    def weights(self) -> dict[str, Any] | None:
        return self.trained.weights

    @property
    def stale_weights(self) -> set[str]:
        """Nodes whose trained weights were edited away or no longer fit."""
        return self.trained.stale

    def set_weights(self, weights: dict[str, Any] | None, source: str,
                    trained_on: Graph | None = None) -> None:
        """Keep trained weights (None forgets them). `trained_on`: the graph they were
        trained on when it may differ from the current one (edits during a run)."""
        self.trained.set(weights, source, trained_on or self.graph, self.graph, self.analysis)
        self.weightsChanged.emit()
        # New weights are unsaved work: closing must offer to save them.
        self.undo_stack.resetClean()
        self.dirtyChanged.emit(True)

    def set_data_info(self, shape: tuple[int, ...] | None, num_classes: int | None) -> None:
        """The chosen dataset's sample shape and class count, checked against the network."""
        self.data_shape, self.num_classes = shape, num_classes
        self.refresh()

    # ---- files -------------------------------------------------------------------
    def replace_project(self, project: Project, path: Path | None,
                        weights: dict[str, Any] | None = None, weights_source: str = "") -> None:
        self.graph.unsubscribe(self._on_graph_change)
        self.project = project
        self.graph.subscribe(self._on_graph_change)
        self.trained.set(weights, weights_source, self.graph, self.graph, analyse(self.graph))
        self.weightsChanged.emit()
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        self.projectReplaced.emit()
        self.pathChanged.emit(path)
        self.dirtyChanged.emit(False)
        self.refresh()

    def open(self, path: str | Path) -> None:
        """Load a project file; raises ProjectError (nothing changes) when it cannot."""
        project = load_project(path)
        weights, self.weights_note = None, ""
        if project.weights:
            try:
                weights = load_project_weights(path, project.weights, project.graph,
                                               analyse(project.graph))
            except WeightsError as exc:
                self.weights_note = str(exc)
        self.replace_project(project, Path(path).resolve(), weights, "the project file")

    def save(self, path: str | Path | None = None) -> None:
        """Atomic save; raises ProjectError and keeps the dirty state when it fails."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("No file name yet: use Save As.")
        fitting = self.trained.fitting()
        try:
            # Weights first: the project's record must name the file as it now is.
            self.project.weights = save_project_weights(target, fitting) if fitting else {}
        except (WeightsError, OSError) as exc:
            raise ProjectError(f"Cannot save the trained weights beside '{target}' ({exc}); "
                               f"the project was not saved.") from None
        save_project(self.project, target)
        self.path = target.resolve()
        self.undo_stack.setClean()
        self.pathChanged.emit(self.path)

    def set_project_records(self, data: dict[str, Any] | None = None,
                            training: dict[str, Any] | None = None,
                            runs: list[dict[str, Any]] | None = None) -> None:
        """Dataset / training settings edits. They are saved with the project; the undo
        stack is for the network, so these mark the document dirty by a clean-index reset."""
        if data is not None:
            self.project.data = data
        if training is not None:
            self.project.training = training
        if runs is not None:
            self.project.runs = runs
        self.undo_stack.resetClean()
        self.dirtyChanged.emit(True)
        self.settingsChanged.emit()

    # ---- edits (one undo command each) --------------------------------------------
    def add_node(self, type_id: str, position: tuple[float, float] | QPointF = (0.0, 0.0),
                 params: dict[str, Any] | None = None, connect_from: str | None = None) -> str:
        """Add a layer; with `connect_from`, wire it in after that node. When that node feeds
        exactly one layer, the new one is spliced into the link and the layers below move
        down a row; after the Output (which nothing may follow) it goes just before it."""
        if isinstance(position, QPointF):
            position = (position.x(), position.y())
        spec = get_spec(type_id)
        node_id = self.graph.new_id(spec.type_id)
        values = spec.coerce_params(params)
        pos = (float(position[0]), float(position[1]))
        edges: list[Edge] = []
        removed: list[Edge] = []
        moves: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}
        if connect_from is not None and spec.port_count(values) > 0:
            g = self.graph
            source: str | None = connect_from
            downstream: Edge | None = None
            if not g.nodes[connect_from].spec.has_output:
                feed = g.input_edges(connect_from)[0] if g.input_edges(connect_from) else None
                source = feed.source if feed is not None else None
                downstream = feed if feed is not None else Edge(node_id, connect_from, 0)
                pos = g.nodes[connect_from].position
            else:
                outs = g.output_edges(connect_from)
                downstream = outs[0] if len(outs) == 1 else None
            if source is not None:
                edges.append(Edge(source, node_id, 0))
            if downstream is not None and spec.has_output:
                if downstream.source != node_id:
                    removed.append(downstream)
                edges.append(Edge(node_id, downstream.target, downstream.port))
                moves = self._shift_below(downstream.target, pos[1])
        node = Node(node_id, spec.type_id, values, pos)
        self.undo_stack.push(AddNodesCommand(self, f"Add {spec.title}", [node], edges, removed, moves))
        return node_id

    def _shift_below(self, start: str, y: float
                     ) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
        """Move `start` and everything it feeds down a row, if they sit where a spliced
        layer at height `y` would overlap them."""
        g = self.graph
        if g.nodes[start].position[1] - y >= ROW_STEP:
            return {}
        seen, stack = {start}, [start]
        while stack:
            for e in g.output_edges(stack.pop()):
                if e.target not in seen:
                    seen.add(e.target)
                    stack.append(e.target)
        return {nid: (g.nodes[nid].position, (g.nodes[nid].position[0], g.nodes[nid].position[1] + ROW_STEP))
                for nid in seen}

    def remove_nodes(self, ids: list[str], edges: list[Edge] | None = None) -> None:
        """Delete nodes (with their links) and any other `edges`, as one undo step."""
        ids = [i for i in ids if i in self.graph.nodes]
        edges = [e for e in (edges or []) if e in self.graph.edges]
        if ids:
            self.undo_stack.push(RemoveNodesCommand(self, ids, edges))
        elif edges:
            self.undo_stack.push(RemoveEdgesCommand(self, edges))

    def connect(self, source: str, target: str, port: int = 0) -> None:
        """Raises GraphError (CycleError, PortInUseError, ...) with the reason when refused."""
        self.graph.check_connect(source, target, port)
        self.undo_stack.push(ConnectCommand(self, Edge(source, target, port)))

    def disconnect(self, edges: list[Edge]) -> None:
        edges = [e for e in edges if e in self.graph.edges]
        if edges:
            self.undo_stack.push(RemoveEdgesCommand(self, edges))

    def set_params(self, node_id: str, changes: dict[str, Any], merge: bool = True) -> None:
        """Raises InvalidParamError with the reason when a value is refused."""
        self.graph.check_params(node_id, changes)
        node = self.graph.nodes[node_id]
        if all(node.params.get(k) == self.graph.check_params(node_id, changes)[k] for k in changes):
            return  # nothing really changes; keep the undo stack clean
        names = ", ".join(node.spec.param(k).label.lower() for k in changes)
        self.undo_stack.push(SetParamsCommand(
            self, {node_id: dict(changes)}, f"Set {node_id} {names}", mergeable=merge))

    def apply_fix(self, fix: Fix) -> None:
        changes = {nid: dict(values) for nid, values in fix.changes}
        for nid, ch in changes.items():
            self.graph.check_params(nid, ch)
        self.undo_stack.push(SetParamsCommand(self, changes, fix.message, mergeable=False))

    def move_nodes(self, moves: dict[str, tuple[tuple[float, float], tuple[float, float]]],
                   text: str | None = None) -> None:
        moves = {k: v for k, v in moves.items() if k in self.graph.nodes and v[0] != v[1]}
        if moves:
            self.undo_stack.push(MoveNodesCommand(self, moves, text))

    def auto_layout(self) -> None:
        positions = auto_layout(self.graph)
        moves = {nid: (self.graph.nodes[nid].position, pos) for nid, pos in positions.items()}
        self.move_nodes(moves, "Auto-layout")

    # ---- clipboard ---------------------------------------------------------------
    def copy_records(self, ids: list[str]) -> dict[str, Any]:
        """Plain JSON of the selected nodes and the edges between them (for the clipboard)."""
        chosen = [i for i in ids if i in self.graph.nodes]
        sub = Graph()
        for i in chosen:
            n = self.graph.nodes[i]
            sub.nodes[i] = Node(n.id, n.type_id, dict(n.params), n.position)
        sub.edges = [e for e in self.graph.edges if e.source in sub.nodes and e.target in sub.nodes]
        return sub.to_dict()

    def paste_records(self, records: dict[str, Any], offset: float = PASTE_OFFSET,
                      text: str = "Paste", shift: tuple[float, float] | None = None) -> list[str]:
        """Add copies of `records` with fresh ids; returns the new ids. Raises GraphError
        (or ProjectError for malformed clipboard text) without changing anything."""
        from engine.project import _Reader  # the same checks a project file gets

        sub = _Reader("clipboard").graph(records)
        rename: dict[str, str] = {}
        nodes: list[Node] = []
        taken = set(self.graph.nodes)
        dx, dy = shift if shift is not None else (offset, offset)
        for n in sub.nodes.values():
            prefix = n.spec.id_prefix
            k = 1
            while f"{prefix}{k}" in taken:
                k += 1
            new_id = f"{prefix}{k}"
            taken.add(new_id)
            rename[n.id] = new_id
            nodes.append(Node(new_id, n.type_id, dict(n.params),
                              (n.position[0] + dx, n.position[1] + dy)))
        edges = [Edge(rename[e.source], rename[e.target], e.port) for e in sub.edges]
        if not nodes:
            return []
        self.undo_stack.push(AddNodesCommand(self, f"{text} {len(nodes)} layer(s)", nodes, edges))
        return [n.id for n in nodes]


__all__ = ["Document", "GraphError"]
