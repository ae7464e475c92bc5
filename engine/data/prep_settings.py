"""The preprocessing record stored in project files, checked without importing torch
(`netcanvas info` and project reading validate it; engine.data.preprocess applies it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from engine.data.errors import DataError

PREPROCESSING_MODES = ("none", "scale", "mean_subtract", "standardise")
MAX_CROP_PADDING = 16
# numpy's and torch's generators take seeds of 0 .. 2**32 - 1 here.
MAX_SEED = 2**32 - 1


@dataclass
class Preprocessing:
    """Settings stored in the project file; validated on creation and by `prepare`."""

    mode: str = "standardise"  # "none" | "scale" | "mean_subtract" | "standardise"
    flip: bool = False         # random horizontal flip (augmentation, train only)
    crop_padding: int = 0      # random crop after zero padding P (augmentation, train only)
    val_fraction: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.mode not in PREPROCESSING_MODES:
            raise DataError(
                f"Unknown preprocessing mode {self.mode!r}; use one of "
                f"{', '.join(PREPROCESSING_MODES)}."
            )
        if not isinstance(self.flip, bool):
            raise DataError(f"flip must be true or false, not {self.flip!r}.")
        if (not isinstance(self.crop_padding, int) or isinstance(self.crop_padding, bool)
                or not 0 <= self.crop_padding <= MAX_CROP_PADDING):
            raise DataError(
                f"crop_padding must be a whole number from 0 to {MAX_CROP_PADDING}, not "
                f"{self.crop_padding!r}."
            )
        if (not isinstance(self.val_fraction, int | float) or isinstance(self.val_fraction, bool)
                or not 0.0 <= self.val_fraction < 1.0):
            raise DataError(
                f"val_fraction must be a number from 0 up to (not including) 1, not "
                f"{self.val_fraction!r}; 0.1 keeps a tenth of the training images for validation."
            )
        if (not isinstance(self.seed, int) or isinstance(self.seed, bool)
                or not 0 <= self.seed <= MAX_SEED):
            raise DataError(
                f"seed must be a whole number from 0 to {MAX_SEED}, not {_short(self.seed)}.")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Any) -> Preprocessing:
        """Missing keys take their defaults, so older project files still open."""
        if not isinstance(d, dict):
            raise DataError(f"Preprocessing settings must be a dictionary, got {d!r}.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise DataError(
                f"Unknown preprocessing settings {unknown}; expected only {sorted(known)}."
            )
        return cls(**d)


def _short(value: Any) -> str:
    """repr() of a value, cut short: a 5,000-digit seed should not fill the terminal."""
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
    return text if len(text) <= 60 else text[:57] + "..."
