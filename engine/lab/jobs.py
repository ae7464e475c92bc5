"""Job functions for app/jobs.JobRunner: plain data in (project text, numpy weights, a raw
sample), one trace out, computed once per (layer, sample) so that each step of a view is
drawing only. Every failure is a LabError sentence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from engine.lab.capture import lab_kind, layer_io, load_model, module_of, sample_tensor
from engine.lab.conv import ConvTrace, pad_input, padding_for
from engine.lab.errors import LabError
from engine.lab.pool import PoolTrace

Weights = Mapping[str, np.ndarray] | None
Stats = Mapping[str, Any] | None


def _np(t: Any) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float32, copy=True)


def conv_trace(project: str, weights: Weights, node_id: str, image: np.ndarray,
               stats: Stats = None) -> ConvTrace:
    """The Conv2d `node_id` on one sample: padded input, weights, bias, output."""
    lab = load_model(project, weights)
    if lab_kind(lab.project, node_id) != "conv":
        raise LabError(f"'{node_id}' is not a convolution; pick a Conv2d layer.")
    x = sample_tensor(lab.project, image, stats)
    io = layer_io(lab.model, x, [node_id])
    conv = module_of(lab.model, node_id)
    inp, out = io[node_id]
    pad = padding_for(tuple(conv.kernel_size), tuple(conv.dilation), conv.padding)
    bias = (_np(conv.bias) if conv.bias is not None
            else np.zeros(conv.out_channels, dtype=np.float32))
    return ConvTrace(node_id, pad_input(_np(inp[0]), pad), pad, _np(conv.weight), bias,
                     conv.bias is not None, tuple(conv.stride), tuple(conv.dilation),
                     int(conv.groups), _np(out[0]), lab.weights_note)


def pool_trace(project: str, weights: Weights, node_id: str, image: np.ndarray,
               stats: Stats = None) -> PoolTrace:
    """The MaxPool2d / AvgPool2d `node_id` on one sample, with torch's argmax per window."""
    import torch.nn.functional as F

    lab = load_model(project, weights)
    kind = lab_kind(lab.project, node_id)
    if kind not in ("max_pool", "avg_pool"):
        raise LabError(f"'{node_id}' is not a max or average pooling layer; pick one.")
    x = sample_tensor(lab.project, image, stats)
    io = layer_io(lab.model, x, [node_id])
    pool = module_of(lab.model, node_id)
    inp, out = io[node_id]
    k, s, p = (_pair(pool.kernel_size), _pair(pool.stride), _pair(pool.padding))
    argmax = None
    if kind == "max_pool":
        _, idx = F.max_pool2d(inp, k, s, p, ceil_mode=pool.ceil_mode, return_indices=True)
        argmax = idx[0].numpy().astype(np.int64)
    return PoolTrace(node_id, "max" if kind == "max_pool" else "avg", _np(inp[0]), k, s, p,
                     bool(pool.ceil_mode), _np(out[0]), argmax, lab.weights_note)


def _pair(v: Any) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))


def output_scores(project: str, weights: Weights, image: np.ndarray,
                  stats: Stats = None) -> dict[str, Any]:
    """The Output's raw scores for one sample, and the L2 term of the current weights
    (lambda * sum ||W||^2 over the weights the training penalises)."""
    import torch

    from engine.training.losses import l2_penalty
    from engine.training.session import train_settings

    lab = load_model(project, weights)
    x = sample_tensor(lab.project, image, stats)
    with torch.no_grad():
        scores = lab.model(x)[0]
        penalty = float(l2_penalty(lab.model))
    lam = float(train_settings(lab.project).l2)
    return {"scores": _np(scores), "l2_lambda": lam, "l2_term": lam * penalty,
            "weights_note": lab.weights_note}


def channel_stats(images: np.ndarray, val_fraction: float = 0.1, seed: int = 0) -> dict[str, Any]:
    """The per-channel statistics training uses: over the training part of the training
    split (the validation images held out exactly as engine.data.prepare holds them out)."""
    from engine.data.preprocess import split_train_val
    from engine.data.stats import compute_stats

    train_idx, _ = split_train_val(len(images), val_fraction, seed)
    return compute_stats(images[train_idx]).to_dict()
