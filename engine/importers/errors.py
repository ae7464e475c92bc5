"""Typed import errors. Each message is one sentence for the user; all are ValueErrors so
the GUI's job runner and the CLI show them as they are."""

from __future__ import annotations

from typing import Any


class ModelImportError(ValueError):
    """The model cannot become a NetCanvas network."""


class UnreadableModelError(ModelImportError):
    """Missing, empty, truncated or garbage file, or not ONNX at all."""


class NoUsableInputError(ModelImportError):
    """The model has no single image (N x C x H x W) or vector (N x F) float input."""


class ModelTooLargeError(ModelImportError):
    """Reading the model would not fit in the memory that is free."""


class UnsupportedModelError(ModelImportError):
    """Some nodes have no NetCanvas layer; `report` names each with its op type and node."""

    def __init__(self, message: str, report: Any) -> None:
        super().__init__(message)
        self.report = report
