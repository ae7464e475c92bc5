"""What the Inspect dock asks the engine, as plain job arguments, and the sentences it
shows when it cannot ask yet. Kept apart from the binding so both stay short and the
arguments can be tested without a window."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.analysis import Analysis
from engine.project import Project, dumps

INSPECT_JOB = "engine.inspect.jobs:inspect_sample"
FILTERS_JOB = "engine.inspect.jobs:layer_filters"
LOAD_IMAGE_JOB = "engine.inspect.sample:load_image_file"
TOP_K = 5

EMPTY_CANVAS = "The canvas is empty: add layers or start from a template to look inside a network."
NO_SAMPLE = ("Pick a sample on the left (a data set image, or Open Image… / drop a PNG or JPEG) "
             "to see what each layer makes of it.")
NO_FILTER_LAYERS = "This network has no layer with weights yet; add a Conv or Linear layer."
UNTRAINED = ("Untrained weights: train the network (F5) or load weights (File ▸ Load Weights…) "
             "to see what it learned; the initial random weights are shown until then.")
TRAINED = "Trained weights."
LIVE = "Live: the maps follow the weights of the run in progress."


def network_blocker(analysis: Analysis, has_nodes: bool) -> str:
    """Why nothing can be inspected now, or ""."""
    if not has_nodes:
        return EMPTY_CANVAS
    if analysis.errors:
        more = f" (and {len(analysis.errors) - 1} more)" if len(analysis.errors) > 1 else ""
        return f"Fix the network to inspect it: {analysis.errors[0]}{more}"
    return ""


def weights_state(weights: dict[str, np.ndarray] | None, stale: set[str] | None) -> str:
    """The toolbar's words for the weights the views show."""
    if weights is None:
        return UNTRAINED
    if stale:
        names = ", ".join(sorted(stale))
        return (f"Stale weights for {names}: these layers changed after training and show fresh "
                f"initial weights; train again to update them.")
    return TRAINED


def project_text(project: Project) -> str:
    """The document's project as job input (a snapshot: later edits cannot reach the job)."""
    snapshot = Project(project.graph.copy(), project.name, project.description,
                       copy.deepcopy(project.data), copy.deepcopy(project.training))
    return dumps(snapshot)


def weighted_layers(analysis: Analysis) -> list[str]:
    """Nodes that hold weights, in network order: the Filters tab's choices."""
    return [nid for nid in analysis.order if analysis.nodes[nid].params > 0]


@dataclass(frozen=True)
class SampleChoice:
    """The sample the user picked: a data set image (with its label) or an opened file."""

    image: np.ndarray  # data set images are (C, H, W); files (H, W) or (H, W, 3)
    label: int | None
    origin: str  # "test sample 12 (Ankle boot)", "photo.png"
    channels_first: bool | None = None

    def job_kwargs(self) -> dict[str, Any]:
        return {"image": self.image, "label": self.label, "origin": self.origin,
                "channels_first": self.channels_first}


def inspect_kwargs(project: Project, weights: dict[str, np.ndarray] | None, sample: SampleChoice,
                   saliency_class: int | None, saliency_layer: str | None) -> dict[str, Any]:
    return {"project": project_text(project), "weights": weights, **sample.job_kwargs(),
            "saliency_class": saliency_class, "saliency_layer": saliency_layer, "k": TOP_K}


def filters_kwargs(project: Project, weights: dict[str, np.ndarray] | None, node_id: str,
                   mode: str) -> dict[str, Any]:
    return {"project": project_text(project), "weights": weights, "node_id": node_id,
            "mode": mode}


def live_maps(payload: dict[str, np.ndarray], previous: dict[str, dict[str, Any]]
              ) -> dict[str, dict[str, Any]]:
    """A live feature_maps probe's arrays in the form of inspect_sample's "maps", for the
    layers already shown (same order and titles); each layer's range is recomputed because
    the weights moved."""
    out: dict[str, dict[str, Any]] = {}
    for node_id, entry in previous.items():
        array = payload.get(node_id)
        if array is None or np.shape(array) != tuple(np.shape(entry["array"])):
            out[node_id] = entry
            continue
        a = np.asarray(array)
        finite = a[np.isfinite(a)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        out[node_id] = {**entry, "array": a, "min": low, "max": high}
    return out
