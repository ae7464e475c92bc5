"""Preprocessing stepper: one sample before and after each stage the tutorial describes
(scaling to 0-1, mean subtraction, standardisation), with the per-channel statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STAGES = ("raw", "scaled", "mean_subtracted", "standardised")
STAGE_TITLES = {"raw": "raw pixels", "scaled": "÷ 255 (0 to 1)",
                "mean_subtracted": "− channel mean", "standardised": "÷ channel std"}


@dataclass(frozen=True)
class PreprocessTrace:
    stages: dict[str, np.ndarray]  # stage -> (C, H, W) float32
    mean: list[float]
    std: list[float]
    mode: str                      # the project's preprocessing mode
    network_input: np.ndarray      # what the network is fed (engine.data.preprocess)

    def summary(self, stage: str) -> list[tuple[float, float, float, float]]:
        """Per channel (mean, std, min, max) of one stage."""
        a = self.stages[stage]
        return [(float(c.mean()), float(c.std()), float(c.min()), float(c.max())) for c in a]
