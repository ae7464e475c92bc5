"""Top-k class probabilities for one sample."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.graph import Graph


def ends_in_probabilities(graph: Graph) -> bool:
    """True when the scores reaching the Output already are probabilities (a Softmax
    feeds it), asked of the layers' specs."""
    feeds = {e.target: e.source for e in graph.edges}
    for node in graph.nodes.values():
        if node.spec.has_output:
            continue
        source = feeds.get(node.id)
        return source is not None and graph.nodes[source].spec.outputs_probabilities
    return False


def probabilities(scores: np.ndarray, already: bool = False) -> np.ndarray:
    """Softmax of a score vector in float64 (stable: the maximum is subtracted first)."""
    s = np.asarray(scores, dtype=np.float64).ravel()
    if already:
        return s
    e = np.exp(s - s.max())
    return e / e.sum()


def predict(model: Any, x: np.ndarray, class_names: list[str], k: int = 5,
            graph: Graph | None = None) -> list[tuple[int, str, float]]:
    """[(class index, class name, probability)] for the k most likely classes, most likely
    first. With `graph`, a network that already ends in Softmax is not softmaxed again."""
    import torch

    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            scores = model(torch.from_numpy(np.ascontiguousarray(x, np.float32))[None])
    finally:
        model.train(was_training)
    probs = probabilities(scores[0].numpy(), graph is not None and ends_in_probabilities(graph))
    order = np.argsort(-probs, kind="stable")[: max(1, k)]
    return [(int(i), _name(class_names, int(i)), float(probs[i])) for i in order]


def _name(class_names: list[str], i: int) -> str:
    return class_names[i] if 0 <= i < len(class_names) else f"class {i}"
