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


def overlaps(point: tuple[float, float], others: list[tuple[float, float]], width: float,
             height: float) -> bool:
    """Would a card centred at `point` overlap a card centred at any of `others`? (Cards
    are all width x height, so centres closer than that on both axes overlap.)"""
    x, y = point
    return any(abs(x - ox) < width and abs(y - oy) < height for ox, oy in others)


def free_spot(point: tuple[float, float], others: list[tuple[float, float]], width: float,
              height: float, rings: int = 8) -> tuple[float, float]:
    """The nearest place to `point`, on a grid of card-sized steps, where a new card
    overlaps no other; `point` itself when it is free (or nothing nearby is)."""
    if not overlaps(point, others, width, height):
        return point
    x, y = point
    candidates = [(x + i * width, y + j * height)
                  for i in range(-rings, rings + 1) for j in range(-rings, rings + 1)]
    candidates.sort(key=lambda p: ((p[0] - x) / width) ** 2 + ((p[1] - y) / height) ** 2)
    return next((p for p in candidates if not overlaps(p, others, width, height)), point)


def free_offset(group: list[tuple[float, float]], others: list[tuple[float, float]],
                start: tuple[float, float], step: tuple[float, float], width: float,
                height: float, tries: int = 50) -> tuple[float, float]:
    """A shift for a whole group of cards (a paste): `start`, then further steps of `step`
    until no shifted card overlaps any of `others`."""
    dx, dy = start
    for _ in range(tries):
        if not any(overlaps((gx + dx, gy + dy), others, width, height) for gx, gy in group):
            return dx, dy
        dx, dy = dx + step[0], dy + step[1]
    return dx, dy
