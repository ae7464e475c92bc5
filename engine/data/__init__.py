"""Data sets, loaders and preprocessing (pure numpy/torch, no Qt)."""

from __future__ import annotations

import importlib
from typing import Any

from engine.data.dataset import (
    DEFAULT_SOURCE,
    ArrayDataset,
    DataError,
    DataSource,
    available_sources,
    load_dataset,
    project_source,
)
from engine.data.detect import detect_source
from engine.data.prep_settings import Preprocessing
from engine.data.stats import ChannelStats, compute_stats

# The preprocessing names need torch, whose import stalls the GUI for about a
# second; they are loaded on first use so listing data sets stays instant.
_LAZY = {
    "PreparedData", "augment_batch", "prepare", "split_train_val", "to_tensor",
}

__all__ = [
    "DEFAULT_SOURCE",
    "ArrayDataset",
    "ChannelStats",
    "DataError",
    "DataSource",
    "PreparedData",
    "Preprocessing",
    "augment_batch",
    "available_sources",
    "compute_stats",
    "detect_source",
    "load_dataset",
    "project_source",
    "prepare",
    "split_train_val",
    "to_tensor",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module("engine.data.preprocess"), name)
    raise AttributeError(f"module 'engine.data' has no attribute {name!r}")
