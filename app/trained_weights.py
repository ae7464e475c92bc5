"""The trained weights that belong to the open document, and what each layer's are worth.

Plain Python (the Document owns one and emits weightsChanged): the weights as numpy
(engine.weights' plain data), the params each node had when they were trained, and per
node "trained" / "stale" / "untrained" / "none" (no parameters), recomputed after every
edit by engine.weights.state without torch. The weights are not on the undo stack, but
undoing an edit makes a stale layer trained again, because staleness is recomputed from
the graph, never recorded as an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from engine.analysis import Analysis
from engine.graph import Graph
from engine.weights.state import (
    NO_WEIGHTS,
    STALE,
    TRAINED,
    UNTRAINED,
    fitting_weights,
    params_snapshot,
    weight_states,
)


class TrainedWeights:
    def __init__(self) -> None:
        self.weights: dict[str, np.ndarray] | None = None
        self.source = ""  # "training", "project file", "<file name>"
        self._trained_params: dict[str, dict[str, Any]] = {}
        self.states: dict[str, str] = {}

    def set(self, weights: Mapping[str, np.ndarray] | None, source: str, trained_on: Graph,
            graph: Graph, analysis: Analysis) -> None:
        # Kept as given (the caller hands over plain numpy data and keeps no other use).
        self.weights = (weights if isinstance(weights, dict) else dict(weights)) if weights \
            else None
        self.source = source if self.weights is not None else ""
        self._trained_params = params_snapshot(trained_on) if self.weights is not None else {}
        self.update(graph, analysis)

    def update(self, graph: Graph, analysis: Analysis) -> bool:
        """Recompute the per-node states; True when any changed."""
        states = weight_states(graph, analysis, self.weights, self._trained_params)
        changed = states != self.states
        self.states = states
        return changed

    @property
    def stale(self) -> set[str]:
        return {nid for nid, state in self.states.items() if state == STALE}

    def state(self, node_id: str) -> str:
        return self.states.get(node_id, NO_WEIGHTS)

    @property
    def summary(self) -> str:
        """"trained" when every layer with parameters is, "untrained" when none is,
        "stale" otherwise (some layers' weights were edited away or never trained)."""
        kinds = {s for s in self.states.values() if s != NO_WEIGHTS}
        if not kinds or kinds == {UNTRAINED}:
            return UNTRAINED
        return TRAINED if kinds == {TRAINED} else STALE

    def fitting(self) -> dict[str, np.ndarray] | None:
        """Entries of the trained layers only: what a model of the current graph loads
        (the others keep their initial weights), and what Save writes."""
        return fitting_weights(self.weights, self.states)

    def describe(self) -> str:
        """One line for a status bar or a panel header."""
        summary = self.summary
        if summary == UNTRAINED:
            return "Untrained: the weights are the initial (seeded) ones."
        if summary == TRAINED:
            return f"Trained weights (from {self.source})."
        stale = sorted(nid for nid, s in self.states.items() if s == STALE)
        fresh = sorted(nid for nid, s in self.states.items() if s == UNTRAINED)
        parts = []
        if stale:
            parts.append(f"{', '.join(stale)} edited since training")
        if fresh:
            parts.append(f"{', '.join(fresh)} never trained")
        return f"Partly trained ({'; '.join(parts)}): those layers use initial weights."
