"""Tiny projects and samples for the lab tests."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.graph import chain
from engine.project import Project, dumps


def project_text(layers: list[tuple[str, dict[str, Any]]], shape: tuple[int, int, int] = (2, 9, 9),
                 classes: int = 4, training: dict[str, Any] | None = None,
                 data: dict[str, Any] | None = None) -> str:
    c, h, w = shape
    graph = chain([("input", {"channels": c, "height": h, "width": w}), *layers,
                   ("output", {"classes": classes})])
    return dumps(Project(graph, "lab test", data=data or {}, training=training or {}))


def image(shape: tuple[int, int, int] = (2, 9, 9), seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


STATS = {"mean": [0.4, 0.5], "std": [0.2, 0.3]}
