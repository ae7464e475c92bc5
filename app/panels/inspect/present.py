"""Putting an engine answer into the Inspect dock's views: plain arrays in, pictures out.

The presenter keeps what the views need between answers (the last inspect result, which map
is enlarged) so a live refresh during training updates the same layer and channel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.panels.inspect.panel import InspectPanel
from engine.analysis import Analysis
from widgets.inspect.feature_maps import layer_maps_from
from widgets.inspect.prediction_bars import probabilities_from

NO_SALIENCY = "Saliency needs an image input; this network takes vectors."


def class_names(dataset: Any, analysis: Analysis, at_least: int) -> list[str]:
    """The data set's class names, padded with numbers up to the network's class count."""
    names = [str(n) for n in dataset.class_names] if dataset is not None else []
    output = analysis.nodes.get(analysis.output_id or "")
    classes = int(np.prod(output.output_shape)) if output is not None and output.output_shape else 0
    return names + [str(i) for i in range(len(names), max(at_least, len(names), classes))]


def is_spatial(analysis: Analysis, node_id: str) -> bool:
    node = analysis.nodes.get(node_id)
    return node is not None and node.output_shape is not None and len(node.output_shape) == 3


def filters_title(node_id: str, result: dict[str, Any], mode: str) -> str:
    """What a layer_filters answer shows, in words: "conv2 · 16 filters 5x5, averaged over
    input channels"."""
    n, c, h, w = np.shape(result["images"])
    kind = result["kind"]
    if kind == "conv-rgb":
        return f"{node_id} · {n} filters {h}x{w} in colour (the input has 3 channels)"
    if kind == "conv":
        if mode == "mean" or c == 1:
            return f"{node_id} · {n} filters {h}x{w}, averaged over input channels"
        return f"{node_id} · {n} filters × {c} input channels, {h}x{w} (a row per filter)"
    if kind == "linear-template":
        return f"{node_id} · {n} templates {c}x{h}x{w}: each row of W shaped like the input"
    return f"{node_id} · weight matrix {h}x{w} (a row per output, a column per input)"


class Presenter:
    def __init__(self, panel: InspectPanel) -> None:
        self.panel = panel
        self.result: dict[str, Any] | None = None
        self.enlarged: tuple[str, int] | None = None

    def clear(self) -> None:
        self.result, self.enlarged = None, None
        self.panel.maps.clear()
        self.panel.map_view.clear()

    def show_result(self, result: dict[str, Any], origin: str, names: list[str]) -> None:
        """Draw an inspect_sample answer in the sample view and every tab."""
        self.result = result
        p = self.panel
        sample = result["sample"]
        tensor = np.asarray(sample["tensor_input"])
        input_hw = (int(tensor.shape[-2]), int(tensor.shape[-1])) if tensor.ndim == 3 else None
        p.sample.set_sample(sample["raw"], input_hw, origin)
        p.picker.set_description(str(sample["description"]))
        self.show_maps(result["maps"])
        true = result.get("true") or {}
        p.prediction.set_prediction(probabilities_from(result["prediction"]), true.get("index"),
                                    str(true.get("class", "")))
        p.show_content("prediction")
        saliency = result.get("saliency")
        if saliency and input_hw is not None:
            p.saliency.set_classes(names)
            p.saliency.set_saliency(sample["raw"], input_hw, np.asarray(saliency["map"]),
                                    str(saliency["method"]), saliency.get("layer"),
                                    int(saliency["class"]))
            p.show_content("saliency")
        else:
            p.set_message("saliency", NO_SALIENCY)

    def show_maps(self, maps: dict[str, dict[str, Any]]) -> None:
        p = self.panel
        p.maps.set_maps(layer_maps_from(maps))
        p.show_content("maps")
        if self.enlarged is None or self.enlarged[0] not in maps:
            first = next((nid for nid, e in maps.items() if np.ndim(e["array"]) == 3), None)
            self.enlarged = (first, 0) if first is not None else None
        if self.enlarged is not None:
            self.enlarge(*self.enlarged)
        else:
            p.map_view.clear()

    def enlarge(self, node_id: str, channel: int) -> bool:
        """Show one channel big; False when that node has no picture (a vector)."""
        if self.result is None or node_id not in self.result["maps"]:
            return False
        entry = self.result["maps"][node_id]
        array = np.asarray(entry["array"])
        if array.ndim != 3:
            return False  # the bar strip already shows a vector whole
        channel = max(0, min(channel, len(array) - 1))
        self.enlarged = (node_id, channel)
        self.panel.map_view.set_map(f"{entry['title']} · channel {channel}", array[channel],
                                    float(entry["min"]), float(entry["max"]))
        return True

    def jump_to(self, node_id: str) -> None:
        """Frame a layer's maps and scroll to them (a click on its canvas card)."""
        p = self.panel
        p.maps.set_current(node_id)
        if self.result is None or node_id not in self.result["maps"]:
            return
        p.show_tab("maps")
        rect = p.maps.section_rect(node_id)
        if rect is not None:
            p.maps_scroll.ensureVisible(0, rect.bottom(), 0, 0)
            p.maps_scroll.ensureVisible(0, rect.top(), 0, 0)
        self.enlarge(node_id, 0)

    def show_filters(self, node_id: str, result: dict[str, Any], mode: str) -> None:
        # The mode switch only changes conv layers with several input channels.
        self.panel.filter_mode.setEnabled(result["kind"] == "conv")
        self.panel.filters.set_filters(filters_title(node_id, result, mode),
                                       np.asarray(result["images"]), float(result["vmax"]),
                                       str(result["kind"]), list(result.get("labels", []) or []))
        self.panel.show_content("filters")
