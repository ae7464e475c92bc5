"""Where the network looks for a class: Grad-CAM on a conv layer, or plain gradient
saliency for networks without conv layers. Both via Captum, imported only when used.

Maps come back (H, W) at the input resolution, scaled to 0..1 (divided by their maximum;
an all-zero map stays zero), ready to overlay on the sample.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from engine.analysis import Analysis, analyse
from engine.graph import Graph

if TYPE_CHECKING:
    from torch import nn

class SaliencyError(ValueError):
    """The saliency request does not fit the network (unknown layer, bad class)."""


def default_saliency_layer(graph: Graph, analysis: Analysis | None = None) -> str | None:
    """The last conv layer (by its spec's weight layout) on the way to the Output, or None
    for networks without one (use gradient saliency then)."""
    analysis = analysis or analyse(graph)
    conv = [nid for nid in analysis.order
            if graph.nodes[nid].spec.weight_layout == "conv"
            and analysis.nodes[nid].output_shape is not None]
    return conv[-1] if conv else None


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    top = float(m.max()) if m.size else 0.0
    return m / top if top > 0 else np.zeros_like(m)


def _check_class(model: nn.Module, x: Any, target_class: int) -> None:
    import torch

    with torch.no_grad():
        classes = model(x).shape[1]
    if not 0 <= target_class < classes:
        raise SaliencyError(f"Class {target_class} does not exist; the network has {classes} "
                            f"classes (0 to {classes - 1}).")


def grad_cam(model: nn.Module, x: np.ndarray, target_class: int, layer_id: str) -> np.ndarray:
    """Grad-CAM (Selvaraju et al.): ReLU(sum_k alpha_k A_k) with alpha_k the spatial mean of
    d score / d A_k over layer `layer_id`'s output A, upsampled bilinearly to (H, W)."""
    import torch
    import torch.nn.functional as F
    from captum.attr import LayerGradCam

    try:
        layer = model.get_submodule(layer_id)
    except AttributeError:
        raise SaliencyError(f"The model has no layer {layer_id!r} for Grad-CAM.") from None
    was_training = model.training
    try:
        model.eval()
        inp = torch.from_numpy(np.ascontiguousarray(x, np.float32))[None]
        _check_class(model, inp, target_class)
        inp.requires_grad_(True)
        cam = LayerGradCam(model, layer).attribute(inp, target=int(target_class),
                                                   relu_attributions=True)
        if cam.dim() != 4:
            raise SaliencyError(f"Grad-CAM needs an image-shaped layer; {layer_id!r} outputs "
                                f"{tuple(cam.shape[1:])}. Pick a conv layer.")
        cam = F.interpolate(cam.detach(), size=tuple(inp.shape[-2:]), mode="bilinear",
                            align_corners=False)
    finally:
        model.train(was_training)
        model.zero_grad(set_to_none=True)
    return _normalise(cam[0, 0].numpy())


def gradient_saliency(model: nn.Module, x: np.ndarray, target_class: int) -> np.ndarray:
    """|d score / d input| (Simonyan et al.), the maximum over channels, as (H, W)."""
    import torch
    from captum.attr import Saliency

    was_training = model.training
    try:
        model.eval()
        inp = torch.from_numpy(np.ascontiguousarray(x, np.float32))[None]
        _check_class(model, inp, target_class)
        inp.requires_grad_(True)
        grads = Saliency(model).attribute(inp, target=int(target_class), abs=True)
    finally:
        model.train(was_training)
        model.zero_grad(set_to_none=True)
    g = grads.detach()[0].numpy()
    return _normalise(g.max(axis=0) if g.ndim == 3 else g[None])
