"""A small trained conv net and its engine answers, shared by the inspection view tests."""

from __future__ import annotations

from functools import cache

import numpy as np
import torch

from engine.inspect.probes import feature_maps, weights
from tests.engine.training_helpers import conv_net, images


@cache
def trained() -> tuple[torch.nn.Module, torch.Tensor, torch.Tensor]:
    """SmallConvNet after 30 Adam steps on 8x8 noise images (the weights have moved)."""
    model = conv_net(seed=3)
    x, y = images(64, seed=4)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.train()
    for _ in range(30):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    model.eval()
    return model, x, y


def engine_maps(index: int = 0) -> dict[str, np.ndarray]:
    model, x, _ = trained()
    return feature_maps(model, x[index:index + 1])


def conv1_weight() -> np.ndarray:
    model, _, _ = trained()
    return weights(model, "conv1")["weight"]


def probabilities(index: int = 0) -> np.ndarray:
    model, x, _ = trained()
    with torch.no_grad():
        return torch.softmax(model(x[index:index + 1]), dim=1)[0].numpy()
