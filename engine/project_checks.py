"""Checks of a project file's raw text that the reader needs: broken surrogate escapes,
the edge that closes a loop, short readable values. Split from engine/project.py; plain
Python, linear in the file's size."""

from __future__ import annotations

import re
from typing import Any

from engine.graph import Edge, Graph

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def may_hold_surrogates(text: str) -> bool:
    """Only a \\uD800-\\uDFFF escape (or a surrogate already in `text`) can make one."""
    return _SURROGATE_ESCAPE.search(text) is not None or not _encodes(text)


def lone_surrogate_path(doc: Any) -> str | None:
    """Where the first string (key or value) with a lone surrogate is, or None.

    json accepts "\\ud800" escapes, but such a string cannot be printed, saved as UTF-8 or
    shown, so it is refused at reading. Iterative: the document may be ~1,000 levels deep.
    """
    stack: list[tuple[str, Any]] = [("the top level", doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not _encodes(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                where = key if path == "the top level" else f"{path}.{key}"
                if not _encodes(key):
                    return path
                stack.append((where, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def edge_closing_a_loop(graph: Graph) -> tuple[int, Edge]:
    """The last edge (in file order) of one loop in `graph`: iterative depth-first search,
    linear in the graph's size."""
    children: dict[str, list[tuple[int, str]]] = {n: [] for n in graph.nodes}
    for i, e in enumerate(graph.edges):
        children[e.source].append((i, e.target))
    state = dict.fromkeys(graph.nodes, 0)  # 0 new, 1 on the current path, 2 done
    for root in graph.nodes:
        if state[root]:
            continue
        # (node, index of the edge that reached it, its children still to visit)
        stack = [(root, -1, iter(children[root]))]
        state[root] = 1
        while stack:
            node, _, it = stack[-1]
            step = next(it, None)
            if step is None:
                state[node] = 2
                stack.pop()
                continue
            i, child = step
            if state[child] == 1:  # back edge: the loop is child .. node -> child
                indices = [i] + [v for n, v, _ in stack[[s[0] for s in stack].index(child) + 1:]]
                last = max(indices)
                return last, graph.edges[last]
            if state[child] == 0:
                state[child] = 1
                stack.append((child, i, iter(children[child])))
    raise AssertionError("no loop found in a graph that has one")


def short(value: Any) -> str:
    """repr() cut to a readable length (a file may hold a 4,000-digit number)."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
    return text if len(text) <= 60 else text[:57] + "..."
