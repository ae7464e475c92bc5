"""Automatic layered layout: columns of nodes ordered by their depth from the Input."""

from __future__ import annotations

from engine.graph import Graph

ROW_STEP = 90.0
COLUMN_STEP = 240.0


def auto_layout(graph: Graph, row_step: float = ROW_STEP,
                column_step: float = COLUMN_STEP) -> dict[str, tuple[float, float]]:
    """New centre positions: depth (longest path from a source) sets y; branches spread in x.

    Within a depth the previous order by x is kept, so a user's left/right choice survives.
    """
    order = graph.topological_order()
    depth: dict[str, int] = dict.fromkeys(order, 0)
    for nid in order:
        for e in graph.output_edges(nid):
            depth[e.target] = max(depth[e.target], depth[nid] + 1)
    rows: dict[int, list[str]] = {}
    for nid in order:
        rows.setdefault(depth[nid], []).append(nid)
    positions: dict[str, tuple[float, float]] = {}
    for d, ids in rows.items():
        ids.sort(key=lambda n: graph.nodes[n].position[0])
        offset = (len(ids) - 1) / 2.0
        for i, nid in enumerate(ids):
            positions[nid] = ((i - offset) * column_step, d * row_step)
    return positions
