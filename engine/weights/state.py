"""Which trained weights still fit the graph, and the weights file beside a project.

Torch-free (the editor runs this after every edit): the state_dict shapes a model would
have come from each layer's LayerSpec.state_shapes and the analysis' input shapes, so the
document can tell, per node, "trained", "stale" (edited after training, or its weights no
longer fit) or "untrained" without building a model.

A saved project records its weights as `"weights": {"file": "<stem>.weights.safetensors",
"sha256": "<hex>"}` (docs/project-format.md); the file lies beside the project, and a file
whose hash differs (changed or swapped since the save) is refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from engine.analysis import Analysis
from engine.graph import Graph
from engine.weights import WeightsError, check_fit, file_sha256, read_weights, save_weights

Shape = tuple[int, ...]
WEIGHTS_SUFFIX = ".weights.safetensors"

TRAINED, STALE, UNTRAINED, NO_WEIGHTS = "trained", "stale", "untrained", "none"


def _model_nodes(graph: Graph, analysis: Analysis) -> list[str]:
    """The nodes a built model contains: the Output and everything feeding it."""
    if analysis.output_id is None:
        return []
    parents: dict[str, list[str]] = {}
    for e in graph.edges:
        parents.setdefault(e.target, []).append(e.source)
    seen, stack = {analysis.output_id}, [analysis.output_id]
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return [nid for nid in analysis.order if nid in seen]


def node_state_shapes(graph: Graph, analysis: Analysis) -> dict[str, dict[str, Shape]]:
    """{node_id: {"weight": shape, ...}} for every model node that has parameters or
    buffers and a known input shape."""
    out: dict[str, dict[str, Shape]] = {}
    for nid in _model_nodes(graph, analysis):
        res = analysis.nodes.get(nid)
        if res is None or res.output_shape is None:
            continue
        node = graph.nodes[nid]
        shapes = node.spec.state_shapes(res.input_shapes, node.params)
        if shapes:
            out[nid] = {name: tuple(s) for name, s in shapes.items()}
    return out


def expected_state_shapes(graph: Graph, analysis: Analysis) -> dict[str, Shape]:
    """The model's state_dict names and shapes ("conv1.weight": (6, 1, 5, 5), ...)."""
    return {f"{nid}.{name}": shape
            for nid, shapes in node_state_shapes(graph, analysis).items()
            for name, shape in shapes.items()}


def params_snapshot(graph: Graph) -> dict[str, dict[str, Any]]:
    """Each node's params as trained, to notice a later edit (and its undo)."""
    return {nid: dict(node.params) for nid, node in graph.nodes.items()}


def weight_states(graph: Graph, analysis: Analysis, weights: Mapping[str, np.ndarray] | None,
                  trained_params: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """{node_id: TRAINED | STALE | UNTRAINED | NO_WEIGHTS} for every node of the graph.

    A node is STALE when its params changed since training, or its trained entries no
    longer have the shapes the network needs (a layer above it changed its output); a node
    with parameters but no trained entries (added later, or nothing trained) is UNTRAINED.
    """
    needed = node_state_shapes(graph, analysis)
    states: dict[str, str] = {}
    for nid, node in graph.nodes.items():
        if nid not in needed:
            states[nid] = NO_WEIGHTS
            continue
        names = {f"{nid}.{name}": shape for name, shape in needed[nid].items()}
        if weights is None or not any(n in weights for n in names):
            states[nid] = UNTRAINED
        elif (trained_params.get(nid) != dict(node.params)
              or any(n not in weights or tuple(weights[n].shape) != s for n, s in names.items())):
            states[nid] = STALE
        else:
            states[nid] = TRAINED
    return states


def fitting_weights(weights: Mapping[str, np.ndarray] | None, states: Mapping[str, str]
                    ) -> dict[str, np.ndarray] | None:
    """The entries of the TRAINED nodes only (None when there are none): what a model for
    the current graph may load; the other nodes keep their initial weights."""
    if not weights:
        return None
    keep = {nid for nid, state in states.items() if state == TRAINED}
    out = {name: a for name, a in weights.items() if name.rsplit(".", 1)[0] in keep}
    if len(out) == len(weights) and isinstance(weights, dict):
        return weights  # everything fits: the very same weights, not a copy
    return out or None


def weights_path_for(project_path: str | os.PathLike[str]) -> Path:
    """net.json -> net.weights.safetensors, in the same folder."""
    p = Path(project_path)
    return p.with_name(p.stem + WEIGHTS_SUFFIX)


def save_project_weights(project_path: str | os.PathLike[str],
                         weights: Mapping[str, np.ndarray]) -> dict[str, str]:
    """Write the weights beside the project; returns the project file's record."""
    target = weights_path_for(project_path)
    digest = save_weights(target, weights)
    return {"file": target.name, "sha256": digest}


def load_project_weights(project_path: str | os.PathLike[str], record: Any, graph: Graph,
                         analysis: Analysis) -> dict[str, np.ndarray]:
    """The weights a project file records, checked against its hash and the network;
    WeightsError with one sentence (the caller opens the project untrained) otherwise."""
    if (not isinstance(record, dict) or not isinstance(record.get("file"), str)
            or not isinstance(record.get("sha256"), str) or not record["file"]):
        raise WeightsError("The project's \"weights\" record is damaged (it needs \"file\" and "
                           "\"sha256\"), so the network opens untrained.")
    name = record["file"]
    if Path(name).name != name:  # only a file beside the project, never a path elsewhere
        raise WeightsError(f"The project's weights file {name!r} must lie beside the project; "
                           f"the network opens untrained.")
    path = Path(project_path).with_name(name)
    if not path.is_file():
        raise WeightsError(f"The trained weights file {name!r} is missing beside the project, "
                           f"so the network opens untrained; use File > Load Weights to pick "
                           f"it.")
    if file_sha256(path) != record["sha256"]:
        raise WeightsError(f"The weights file {name!r} does not match this project (it was "
                           f"changed or replaced after the project was saved), so the network "
                           f"opens untrained.")
    weights = read_weights(path)
    check_partial_fit(weights, expected_state_shapes(graph, analysis),
                      f"The weights file {name!r}")
    return weights


def check_partial_fit(weights: Mapping[str, np.ndarray], expected: Mapping[str, Shape],
                      source: str = "the weights") -> None:
    """Like engine.weights.check_fit, but entries may be missing (layers saved untrained
    keep their initial weights); every entry present must exist with the right shape."""
    check_fit(weights, {n: expected[n] for n in weights if n in expected}, source)


def read_weights_for(path: str, project: str) -> dict[str, np.ndarray]:
    """A job: the weights in `path` (safetensors, a `netcanvas train --out` checkpoint or a
    state_dict) if their names and shapes match the project's network exactly; otherwise
    WeightsError naming the layer and both shapes. Never executes code from the file."""
    from engine.analysis import analyse
    from engine.project import ProjectError, parse_project

    try:
        graph = parse_project(project).graph
    except ProjectError as exc:
        raise WeightsError(str(exc)) from None
    analysis = analyse(graph)
    expected = expected_state_shapes(graph, analysis)
    if not expected:
        raise WeightsError("The network has no layers with weights yet (or cannot be built), "
                           "so there is nothing to load weights into.")
    weights = read_weights(path)
    check_fit(weights, expected, f"The file {Path(path).name!r}")
    return weights
