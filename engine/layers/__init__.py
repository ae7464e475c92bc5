"""Layer registry: one LayerSpec per layer type."""

from engine.layers.registry import (
    CATEGORIES,
    REGISTRY,
    UnknownLayerError,
    all_specs,
    get_spec,
    specs_by_category,
)
from engine.layers.spec import LayerSpec, Param, ParamError, Shape, ShapeError, fmt_shape

__all__ = [
    "CATEGORIES", "REGISTRY", "LayerSpec", "Param", "ParamError", "Shape", "ShapeError",
    "UnknownLayerError", "all_specs", "fmt_shape", "get_spec", "specs_by_category",
]
