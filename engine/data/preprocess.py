"""Preprocessing as in the CNN tutorial: scaling, mean subtraction, standardisation.

Statistics always come from the training part of the training split only:
computing them on validation or test images would leak those images into
the model's input scaling and make the reported accuracy optimistic.

Pixel convention: uint8 arrays hold 0-255 and are divided by 255; float32
arrays are taken as already scaled (0-1) and are used as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from engine.data.dataset import ArrayDataset
from engine.data.errors import DataError
from engine.data.prep_settings import Preprocessing
from engine.data.stats import ChannelStats, compute_stats


def to_tensor(x: np.ndarray, prep: Preprocessing, stats: ChannelStats) -> torch.Tensor:
    """Images (N, C, H, W) -> float32 tensor, normalised as `prep.mode` says."""
    if x.ndim != 4:
        raise ValueError(f"expected (N, C, H, W) images, got shape {x.shape}")
    if prep.mode in ("mean_subtract", "standardise") and len(stats.mean) != x.shape[1]:
        raise DataError(
            f"The channel statistics are for {len(stats.mean)} channel(s) but the images have "
            f"{x.shape[1]}; recompute the statistics for this data set."
        )
    source = torch.from_numpy(np.require(x, requirements=["C", "W"]))
    out = source.to(torch.float32, copy=True)
    if prep.mode == "none":
        return out
    if x.dtype == np.uint8:
        out.div_(255.0)
    if prep.mode == "scale":
        return out
    out.sub_(torch.tensor(stats.mean, dtype=torch.float32).view(1, -1, 1, 1))
    if prep.mode == "standardise":
        out.div_(torch.tensor(stats.std, dtype=torch.float32).view(1, -1, 1, 1))
    return out


def _random_crop(x: torch.Tensor, padding: int, generator: torch.Generator) -> torch.Tensor:
    batch, _, height, width = x.shape
    # Zero is the channel mean after mean subtraction or standardisation, so
    # the padded border is a neutral value rather than a false edge.
    padded = F.pad(x, (padding, padding, padding, padding))
    offsets = torch.randint(0, 2 * padding + 1, (2, batch), generator=generator,
                            device=generator.device).to(x.device)
    rows = offsets[0, :, None] + torch.arange(height, device=x.device)  # (B, H)
    cols = offsets[1, :, None] + torch.arange(width, device=x.device)   # (B, W)
    samples = torch.arange(batch, device=x.device)[:, None, None]
    # One gather for the whole batch; advanced indexing puts (B, H, W) first.
    cropped = padded[samples, :, rows[:, :, None], cols[:, None, :]]
    return cropped.permute(0, 3, 1, 2).contiguous()


def augment_batch(x: torch.Tensor, prep: Preprocessing,
                  generator: torch.Generator) -> torch.Tensor:
    """Random flip and crop of a training batch (B, C, H, W); same shape back."""
    if prep.flip:
        flip = torch.rand(x.shape[0], generator=generator, device=generator.device) < 0.5
        x = torch.where(flip.to(x.device)[:, None, None, None], x.flip(3), x)
    if prep.crop_padding > 0:
        x = _random_crop(x, prep.crop_padding, generator)
    return x


def split_train_val(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint, sorted index arrays (train, val) over range(n); same seed, same split."""
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), got {val_fraction}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = int(round(n * val_fraction))
    if val_fraction > 0 and n >= 2:
        # A requested validation split never ends up empty, nor swallows training.
        n_val = min(max(n_val, 1), n - 1)
    # Sorted so slicing reads memory in order; training shuffles anyway.
    return np.sort(order[n_val:]), np.sort(order[:n_val])


@dataclass
class PreparedData:
    """Tensors ready for training, plus what is needed to preprocess new images the same way."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    stats: ChannelStats
    class_names: list[str]


def training_stats(ds: ArrayDataset, prep: Preprocessing) -> ChannelStats:
    """The statistics `prepare` normalises with: those of the training part of the split
    (inspection preprocesses a new image with exactly these)."""
    train_idx, _ = split_train_val(len(ds.x_train), prep.val_fraction, prep.seed)
    return compute_stats(ds.x_train[train_idx])


def prepare(ds: ArrayDataset, prep: Preprocessing) -> PreparedData:
    """Split off validation, compute statistics on the rest, and convert every split."""
    prep.validate()
    train_idx, val_idx = split_train_val(len(ds.x_train), prep.val_fraction, prep.seed)
    x_fit = ds.x_train[train_idx]
    stats = compute_stats(x_fit)
    return PreparedData(
        x_train=to_tensor(x_fit, prep, stats),
        y_train=torch.from_numpy(ds.y_train[train_idx]),
        x_val=to_tensor(ds.x_train[val_idx], prep, stats),
        y_val=torch.from_numpy(ds.y_train[val_idx]),
        x_test=to_tensor(ds.x_test, prep, stats),
        y_test=torch.from_numpy(ds.y_test.copy()),
        stats=stats,
        class_names=list(ds.class_names),
    )
