"""Reading .pt/.pth weights files (a NetCanvas checkpoint or a bare state_dict) with
torch.load(weights_only=True), which never executes code from the file. Separate from
engine.weights because it needs torch: only the engine worker and the CLI call it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import torch

from engine.weights import Weights, WeightsError, _first_line


def read_torch_file(path: str | os.PathLike[str], source: str) -> Weights:
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - torch.load raises many kinds
        raise WeightsError(f"Cannot read the weights file {source}: it is not a safetensors "
                           f"file, a NetCanvas checkpoint or a PyTorch state_dict, or it is "
                           f"damaged ({_first_line(exc)}).") from None
    state: Any = payload
    if isinstance(payload, dict) and "model_state" in payload:  # a NetCanvas checkpoint
        state = payload["model_state"]
    if not isinstance(state, Mapping) or not state:
        raise WeightsError(f"The file {source} holds no weights (expected a state_dict of "
                           f"tensors).")
    out: Weights = {}
    for name, value in state.items():
        if not isinstance(name, str) or not isinstance(value, torch.Tensor):
            raise WeightsError(f"The file {source} is not a state_dict: entry {name!r} is "
                               f"not a tensor.")
        out[name] = value.detach().cpu().numpy().copy()
    return out
