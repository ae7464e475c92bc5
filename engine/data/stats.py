"""Per-channel pixel statistics for mean subtraction and standardisation.

numpy only, so the editor can show the statistics without importing torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.data.errors import DataError

# Pixels per chunk when accumulating statistics: bounds the float64
# temporaries to ~32 MB whatever the data set size.
_STATS_CHUNK_PIXELS = 1 << 22
# Below this a channel is constant; dividing by its std would blow it up.
_MIN_STD = 1e-6


@dataclass
class ChannelStats:
    """Per-channel mean and std of the training pixels, on the 0-1 scale."""

    mean: list[float]
    std: list[float]

    def to_dict(self) -> dict[str, list[float]]:
        return {"mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_dict(cls, d: Any) -> ChannelStats:
        try:
            mean = [float(m) for m in d["mean"]]
            std = [float(s) for s in d["std"]]
        except (TypeError, KeyError, ValueError) as exc:
            raise DataError(f"Channel statistics {d!r} need 'mean' and 'std' lists.") from exc
        if len(mean) != len(std) or not mean:
            raise DataError(f"Channel statistics {d!r} need one mean and one std per channel.")
        return cls(mean, std)


def _uint8_channel_moments(channel: np.ndarray, chunk: int) -> tuple[float, float]:
    # A 256-bin histogram is exact and needs no float copy of the images.
    counts = np.zeros(256, dtype=np.int64)
    for start in range(0, len(channel), chunk):
        counts += np.bincount(channel[start:start + chunk].ravel(), minlength=256)
    levels = np.arange(256, dtype=np.float64) / 255.0
    total = counts.sum()
    mean = float(counts @ levels) / total
    var = float(counts @ (levels - mean) ** 2) / total
    return mean, var


def _float_channel_moments(channel: np.ndarray, chunk: int) -> tuple[float, float]:
    # Shifting by a first estimate keeps the one-pass sum of squares accurate.
    shift = float(channel[:chunk].mean(dtype=np.float64))
    total, sum_, sum_sq = 0, 0.0, 0.0
    for start in range(0, len(channel), chunk):
        block = channel[start:start + chunk].astype(np.float64) - shift
        total += block.size
        sum_ += float(block.sum())
        sum_sq += float(np.square(block).sum())
    offset = sum_ / total
    return shift + offset, max(sum_sq / total - offset * offset, 0.0)


def compute_stats(x_train: np.ndarray) -> ChannelStats:
    """Per-channel mean and population std of (N, C, H, W) images, after /255 for uint8."""
    if x_train.ndim != 4 or len(x_train) == 0:
        raise ValueError(f"expected a non-empty (N, C, H, W) array, got shape {x_train.shape}")
    per_image = x_train.shape[2] * x_train.shape[3]
    chunk = max(1, _STATS_CHUNK_PIXELS // per_image)
    # uint8 moments come out on the 0-1 scale; float32 pixels already are on it.
    moments = _uint8_channel_moments if x_train.dtype == np.uint8 else _float_channel_moments
    means, stds = [], []
    for c in range(x_train.shape[1]):
        mean, var = moments(x_train[:, c], chunk)
        std = var ** 0.5
        means.append(float(mean))
        stds.append(float(std) if std >= _MIN_STD else 1.0)
    return ChannelStats(means, stds)


