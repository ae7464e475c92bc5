"""Which input pixels one feature-map pixel sees: exact, torch-free, fast enough for hover.

Each layer declares its sliding-window geometry on its LayerSpec (`window`: kernel,
stride, padding before the first pixel and dilation per axis). Walking the graph from the
hovered node back to the Input, the set of rows and the set of columns that matter are
back-projected separately: a window is a product of a row range and a column range, so the
rows (columns) of the input region are the union of the back-projected rows (columns)
whatever the branches. The box returned is the bounding box of that set; padding is not
part of the input, so windows that hang over a border are clipped exactly there, and
dilation taps that skip a border pixel do not count it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from engine.analysis import Analysis
from engine.graph import Graph
from engine.layers.spec import Window, fmt_shape

Box = tuple[int, int, int, int]  # top, left, bottom, right (bottom/right exclusive)


class ReceptiveError(ValueError):
    """The region cannot be computed: unknown node, bad pixel, or a network with errors."""


# Marker for "every position": the node's output is a vector, or a layer mixed everything.
_ALL = None


def input_region(graph: Graph, analysis: Analysis, node_id: str, row: int, col: int) -> Box:
    """The input pixels that output pixel (row, col) of `node_id` depends on, as
    (top, left, bottom, right), inclusive-exclusive and clipped to the input image.

    For a node whose output is a vector (after Flatten / Linear) every input pixel counts,
    so the whole image is returned.
    """
    result = analysis.nodes.get(node_id)
    if result is None or result.output_shape is None:
        raise ReceptiveError(f"Node {node_id!r} has no known output shape; fix the network's "
                             f"errors first.")
    source = _input_node(graph, analysis)
    in_shape = analysis.nodes[source].output_shape
    assert in_shape is not None
    if len(in_shape) != 3:
        return (0, 0, 1, in_shape[0])
    out = result.output_shape
    if len(out) == 3:
        h, w = out[1], out[2]
        if not (0 <= row < h and 0 <= col < w):
            raise ReceptiveError(f"Pixel ({row}, {col}) is outside {node_id!r}'s {h}x{w} "
                                 f"feature map.")
        start: tuple[np.ndarray | None, np.ndarray | None] = (
            _one_hot(h, row), _one_hot(w, col))
    else:
        start = (_ALL, _ALL)
    rows, cols = _back_project(graph, analysis, node_id, source, start)
    top, bottom = _span(rows, in_shape[1])
    left, right = _span(cols, in_shape[2])
    return (top, left, bottom, right)


def _input_node(graph: Graph, analysis: Analysis) -> str:
    # The Input is the one node that takes no inputs (asked of its spec, not its type id).
    sources = [nid for nid in analysis.order
               if graph.nodes[nid].spec.port_count(graph.nodes[nid].params) == 0]
    if len(sources) != 1 or analysis.nodes[sources[0]].output_shape is None:
        raise ReceptiveError("The network needs exactly one working Input node.")
    return sources[0]


def _one_hot(n: int, i: int) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[i] = True
    return mask


def _span(mask: np.ndarray | None, n: int) -> tuple[int, int]:
    if mask is None:
        return 0, n
    hits = np.flatnonzero(mask)
    if hits.size == 0:  # cannot happen for real layers; an empty region is still honest
        return 0, 0
    return int(hits[0]), int(hits[-1]) + 1


def _back_project(graph: Graph, analysis: Analysis, node_id: str, source: str,
                  start: tuple[np.ndarray | None, np.ndarray | None]
                  ) -> tuple[np.ndarray | None, np.ndarray | None]:
    parents: dict[str, list[str]] = {}
    for edge in sorted(graph.edges, key=lambda e: e.port):
        parents.setdefault(edge.target, []).append(edge.source)
    wanted: dict[str, tuple[np.ndarray | None, np.ndarray | None]] = {node_id: start}
    # Reverse topological order: a node is finished once all its consumers have asked.
    for nid in reversed(analysis.order):
        if nid not in wanted or nid == source:
            continue
        rows, cols = wanted.pop(nid)
        node = graph.nodes[nid]
        res = analysis.nodes[nid]
        window = node.spec.window(node.params)
        for parent, in_shape in zip(parents.get(nid, []), res.input_shapes, strict=False):
            if len(in_shape) != 3:
                need: tuple[np.ndarray | None, np.ndarray | None] = (_ALL, _ALL)
            elif window is None or rows is None or cols is None or len(res.output_shape or ()) != 3:
                need = (np.ones(in_shape[1], bool), np.ones(in_shape[2], bool))
            else:
                need = (_axis_back(rows, in_shape[1], window[0]),
                        _axis_back(cols, in_shape[2], window[1]))
            wanted[parent] = _union(wanted.get(parent), need)
    if source not in wanted:
        raise ReceptiveError(f"Node {node_id!r} is not connected to the Input.")
    return wanted[source]


def _axis_back(out_mask: np.ndarray, n_in: int, window: Window) -> np.ndarray:
    """Input positions (a mask of length n_in) read by the output positions in out_mask."""
    kernel, stride, pad, dilation = window
    q = np.flatnonzero(out_mask)
    taps = q[:, None] * stride - pad + np.arange(kernel)[None, :] * dilation
    taps = taps[(taps >= 0) & (taps < n_in)]
    mask = np.zeros(n_in, dtype=bool)
    mask[taps] = True
    return mask


def _union(a: tuple[np.ndarray | None, np.ndarray | None] | None,
           b: tuple[np.ndarray | None, np.ndarray | None]
           ) -> tuple[np.ndarray | None, np.ndarray | None]:
    if a is None:
        return b
    return (_or(a[0], b[0]), _or(a[1], b[1]))


def _or(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None or b is None:
        return _ALL
    return a | b


def region_text(box: Box, node_id: str, pixel: Iterable[int]) -> str:
    """'conv2 (3, 4) sees input rows 2-9, columns 4-11 (8x8)' for a status line."""
    top, left, bottom, right = box
    r, c = pixel
    return (f"{node_id} ({r}, {c}) sees input rows {top}-{bottom - 1}, columns {left}-"
            f"{right - 1} ({fmt_shape((bottom - top, right - left))})")
