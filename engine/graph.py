"""The network graph: the one source of truth every view mirrors.

Nodes have stable ids, a layer type, params and a position; edges run from a node's single
output to one input port of another node. Edits validate first and raise typed errors, so
the UI can ask `can_connect` for hover feedback and show `check_connect`'s message on refusal.
Listeners get a `GraphChange` after every edit (no Qt here: plain callbacks).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.layers import REGISTRY as _REGISTRY
from engine.layers import ParamError, UnknownLayerError, get_spec
from engine.layers.spec import LayerSpec


class GraphError(Exception):
    """Base of every refused graph edit."""


class CycleError(GraphError):
    pass


class PortInUseError(GraphError):
    pass


class PortError(GraphError):
    pass


class NodeNotFoundError(GraphError):
    pass


class DuplicateNodeError(GraphError):
    pass


class InvalidParamError(GraphError):
    pass


class UnknownTypeError(GraphError):
    pass


@dataclass
class Node:
    id: str
    type_id: str
    params: dict[str, Any]
    position: tuple[float, float] = (0.0, 0.0)

    @property
    def spec(self) -> LayerSpec:
        # A plain dict lookup: cheaper than functools.cached_property, which takes a lock
        # on every read in Python 3.11 (analysis reads this for every node, every edit).
        spec = _REGISTRY.get(self.type_id)
        return spec if spec is not None else get_spec(self.type_id)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    port: int = 0


@dataclass(frozen=True)
class GraphChange:
    """What changed. kind: node_added, node_removed, params_changed, node_moved,
    edge_added, edge_removed, reset."""

    kind: str
    node_id: str | None = None
    edge: Edge | None = None
    # Ids that were touched by a batch change (reset) or params that changed.
    detail: tuple[str, ...] = ()


# The documented node id rule (docs/project-format.md): a letter, then letters, digits, `_`.
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def id_problem(node_id: str) -> str | None:
    """Why `node_id` breaks the id rule, as a sentence; None when it is valid."""
    if ID_RE.match(node_id):
        return None
    return (f"Node name {node_id.encode('utf-8', 'backslashreplace').decode('ascii', 'backslashreplace')!r} "
            f"must start with a letter and use only letters, digits and underscores.")


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    _listeners: list[Callable[[GraphChange], None]] = field(default_factory=list, repr=False)

    # ---- notifications -------------------------------------------------------------
    def subscribe(self, listener: Callable[[GraphChange], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[GraphChange], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, change: GraphChange) -> None:
        for listener in list(self._listeners):
            listener(change)

    # ---- nodes ---------------------------------------------------------------------
    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise NodeNotFoundError(f"There is no node {node_id!r} in this network.") from None

    def new_id(self, type_id: str) -> str:
        prefix = get_spec(type_id).id_prefix
        n = 1
        while f"{prefix}{n}" in self.nodes:
            n += 1
        return f"{prefix}{n}"

    def add_node(
        self,
        type_id: str,
        params: dict[str, Any] | None = None,
        position: tuple[float, float] = (0.0, 0.0),
        node_id: str | None = None,
    ) -> Node:
        try:
            spec = get_spec(type_id)
        except UnknownLayerError as exc:
            raise UnknownTypeError(str(exc)) from None
        if node_id is None:
            node_id = self.new_id(spec.type_id)
        elif node_id in self.nodes:
            raise DuplicateNodeError(f"A node named {node_id!r} already exists.")
        elif (problem := id_problem(node_id)) is not None:
            raise DuplicateNodeError(problem)
        try:
            values = spec.coerce_params(params)
        except ParamError as exc:
            raise InvalidParamError(f"{spec.title} '{node_id}': {exc}") from None
        node = Node(node_id, spec.type_id, values, (float(position[0]), float(position[1])))
        self.nodes[node_id] = node
        self._emit(GraphChange("node_added", node_id))
        return node

    def remove_node(self, node_id: str) -> tuple[Node, list[Edge]]:
        """Remove a node and every edge touching it; return both so undo can restore them."""
        node = self.node(node_id)
        touching = [e for e in self.edges if e.source == node_id or e.target == node_id]
        for edge in touching:
            self.disconnect(edge)
        del self.nodes[node_id]
        self._emit(GraphChange("node_removed", node_id))
        return node, touching

    def check_params(self, node_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """The node's full params with `changes` applied and coerced, or InvalidParamError."""
        node = self.node(node_id)
        spec = node.spec
        merged = dict(node.params)
        merged.update(changes)
        try:
            values = spec.coerce_params(merged)
        except ParamError as exc:
            raise InvalidParamError(f"{spec.title} '{node_id}': {exc}") from None
        if not isinstance(spec.inputs, int):
            ports = int(values[spec.inputs])
            used = [e.port + 1 for e in self.edges if e.target == node_id and e.port >= ports]
            if used:
                raise InvalidParamError(
                    f"{spec.title} '{node_id}': input {max(used)} is still connected; "
                    f"disconnect it before reducing the inputs to {ports}."
                )
        return values

    def set_params(self, node_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply `changes`; return the previous values of the changed names (for undo)."""
        values = self.check_params(node_id, changes)
        node = self.nodes[node_id]
        old = {k: node.params[k] for k in changes if k in node.params}
        node.params = values
        self._emit(GraphChange("params_changed", node_id, detail=tuple(changes)))
        return old

    def move_node(self, node_id: str, position: tuple[float, float]) -> None:
        node = self.node(node_id)
        node.position = (float(position[0]), float(position[1]))
        self._emit(GraphChange("node_moved", node_id))

    # ---- edges ---------------------------------------------------------------------
    def input_edges(self, node_id: str) -> list[Edge | None]:
        """One entry per input port: the edge feeding it, or None when unconnected."""
        node = self.node(node_id)
        ports: list[Edge | None] = [None] * node.spec.port_count(node.params)
        for e in self.edges:
            if e.target == node_id and e.port < len(ports):
                ports[e.port] = e
        return ports

    def output_edges(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.source == node_id]

    def check_connect(self, source: str, target: str, port: int = 0) -> None:
        """Raise the typed reason this edge cannot be added; return None if it can."""
        src = self.node(source)
        tgt = self.node(target)
        if not src.spec.has_output:
            raise PortError(
                f"{src.spec.title} '{source}' is the end of the network: nothing can follow it. "
                f"Connect the layer before it instead."
            )
        if source == target:
            raise CycleError(f"'{source}' cannot feed itself.")
        ports = tgt.spec.port_count(tgt.params)
        if ports == 0:
            raise PortError(f"{tgt.spec.title} '{target}' takes no input: data starts there.")
        if not 0 <= port < ports:
            raise PortError(
                f"{tgt.spec.title} '{target}' has {ports} input(s); there is no input {port + 1}."
            )
        for e in self.edges:
            if e.target == target and e.port == port:
                what = f"input {port + 1}" if ports > 1 else "its input"
                raise PortInUseError(
                    f"{tgt.spec.title} '{target}' already takes {what} from '{e.source}'. "
                    f"Disconnect that first, or use an Add or Concat to join branches."
                )
        if self._reaches(target, source):
            raise CycleError(
                f"Connecting '{source}' to '{target}' would make a loop ('{target}' already "
                f"feeds '{source}'). Networks here must flow one way."
            )

    def can_connect(self, source: str, target: str, port: int = 0) -> bool:
        try:
            self.check_connect(source, target, port)
        except GraphError:
            return False
        return True

    def connect(self, source: str, target: str, port: int = 0) -> Edge:
        self.check_connect(source, target, port)
        edge = Edge(source, target, port)
        self.edges.append(edge)
        self._emit(GraphChange("edge_added", edge=edge))
        return edge

    def disconnect(self, edge: Edge) -> None:
        try:
            self.edges.remove(edge)
        except ValueError:
            raise GraphError(f"There is no connection {edge.source} -> {edge.target}.") from None
        self._emit(GraphChange("edge_removed", edge=edge))

    def _reaches(self, start: str, goal: str) -> bool:
        children: dict[str, list[str]] = {}
        for e in self.edges:
            children.setdefault(e.source, []).append(e.target)
        stack, seen = [start], {start}
        while stack:
            here = stack.pop()
            if here == goal:
                return True
            for nxt in children.get(here, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    # ---- order and copies ----------------------------------------------------------
    def topological_order(self) -> list[str]:
        """Kahn's algorithm; ties keep insertion order so results are stable."""
        indeg = dict.fromkeys(self.nodes, 0)
        children: dict[str, list[str]] = {n: [] for n in self.nodes}
        for e in self.edges:
            indeg[e.target] += 1
            children[e.source].append(e.target)
        ready = [n for n, d in indeg.items() if d == 0]
        ready.reverse()
        order: list[str] = []
        while ready:
            n = ready.pop()
            order.append(n)
            for c in children[n]:
                indeg[c] -= 1
                if indeg[c] == 0:
                    ready.append(c)
        if len(order) != len(self.nodes):
            raise CycleError("The network contains a loop; remove one of its connections.")
        return order

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [
                {
                    "id": n.id,
                    "type": n.type_id,
                    "params": n.spec.params_to_json(n.params),
                    "position": [n.position[0], n.position[1]],
                }
                for n in self.nodes.values()
            ],
            "edges": [{"source": e.source, "target": e.target, "port": e.port} for e in self.edges],
        }

    def copy(self) -> Graph:
        """A detached deep copy without listeners (a snapshot for training)."""
        g = Graph()
        for n in self.nodes.values():
            g.nodes[n.id] = Node(n.id, n.type_id, dict(n.params), n.position)
        g.edges = list(self.edges)
        return g

    def ids_of_type(self, type_id: str) -> list[str]:
        return [n.id for n in self.nodes.values() if n.type_id == type_id]

    def ids_with_role(self, role: str) -> list[str]:
        """Node ids whose layer has this role (engine.layers.spec.ROLE_INPUT, ...)."""
        return [n.id for n in self.nodes.values() if n.spec.role == role]


def chain(types: Iterable[tuple[str, dict[str, Any]]], spacing: float = 120.0) -> Graph:
    """A straight-line graph from (type, params) pairs; handy for scripts and tests."""
    g = Graph()
    prev: str | None = None
    for i, (type_id, params) in enumerate(types):
        node = g.add_node(type_id, params, (0.0, i * spacing))
        if prev is not None:
            g.connect(prev, node.id)
        prev = node.id
    return g
