"""The one table of layer types. Palette, inspector, analysis, build and export read it."""

from __future__ import annotations

from engine.layers.activation import (
    GELU,
    LEAKY_RELU,
    LOG_SOFTMAX,
    RELU,
    SIGMOID,
    SOFTMAX,
    TANH,
)
from engine.layers.conv import CONV2D
from engine.layers.dense import FLATTEN, LINEAR
from engine.layers.io import INPUT, OUTPUT
from engine.layers.merge import ADD, CONCAT
from engine.layers.pool import ADAPTIVE_AVGPOOL2D, AVGPOOL2D, MAXPOOL2D
from engine.layers.regularise import BATCHNORM1D, BATCHNORM2D, DROPOUT, DROPOUT2D
from engine.layers.spec import LayerSpec

_ALL = (
    INPUT, OUTPUT,
    CONV2D,
    MAXPOOL2D, AVGPOOL2D, ADAPTIVE_AVGPOOL2D,
    FLATTEN, LINEAR,
    RELU, LEAKY_RELU, SIGMOID, TANH, GELU, SOFTMAX, LOG_SOFTMAX,
    DROPOUT, DROPOUT2D,
    BATCHNORM2D, BATCHNORM1D,
    ADD, CONCAT,
)

REGISTRY: dict[str, LayerSpec] = {spec.type_id: spec for spec in _ALL}

# Old type ids that project files may still use, mapped to today's.
RENAMED: dict[str, str] = {"dense": "linear", "fc": "linear", "batchnorm": "batchnorm2d"}

CATEGORIES: tuple[str, ...] = (
    "Input / Output", "Convolution", "Pooling", "Reshape", "Fully connected", "Activation",
    "Regularisation", "Normalisation", "Merge",
)


class UnknownLayerError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def get_spec(type_id: str) -> LayerSpec:
    spec = REGISTRY.get(RENAMED.get(type_id, type_id))
    if spec is None:
        known = ", ".join(sorted(REGISTRY))
        raise UnknownLayerError(f"Unknown layer type {type_id!r}. Known types: {known}.")
    return spec


def all_specs() -> list[LayerSpec]:
    return list(_ALL)


def specs_by_category() -> dict[str, list[LayerSpec]]:
    out: dict[str, list[LayerSpec]] = {c: [] for c in CATEGORIES}
    for spec in _ALL:
        out.setdefault(spec.category, []).append(spec)
    return out
