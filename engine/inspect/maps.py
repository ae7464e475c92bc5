"""Every layer's output for one sample: the feature maps the inspection views draw."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from torch import nn


def capture_maps(model: nn.Module, x: np.ndarray,
                 node_ids: Iterable[str] | None = None) -> dict[str, np.ndarray]:
    """{node_id: output} for one (C, H, W) (or (F,)) sample, batch axis dropped: (C, H, W)
    for image-shaped layers, (N,) for vectors; in the model's (topological) order.

    Runs in eval mode without gradients; the forward hooks are removed and the model's
    train/eval mode restored even when the forward pass fails (engine.inspect.probes)."""
    import torch

    from engine.inspect.probes import feature_maps

    sample = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))[None]
    return feature_maps(model, sample, node_ids)
