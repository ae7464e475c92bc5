"""Reading an ONNX file safely, shape inference, and the small numpy evaluator for the
shape arithmetic exporters write (Shape -> Gather -> Unsqueeze -> Concat -> Reshape).

onnx is imported inside functions: this package is reachable from the GUI's import graph.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.importers.errors import ModelTooLargeError, UnreadableModelError

# Stand-in for the batch size inside computed shapes: odd enough never to be a real size.
BATCH = 1_000_003
# Reading a model holds the protobuf, its numpy copies and the built torch model at once.
MEMORY_FACTOR = 4
# protobuf cannot parse a single message larger than 2 GiB.
PROTOBUF_LIMIT = 2 * 1024**3


@dataclass
class OnnxNode:
    """One node as plain data (attributes decoded to Python values)."""

    op: str
    name: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def scope_name(self) -> str:
        """The torch module a PyTorch exporter says this node came from ('' if none)."""
        raw = self.meta.get("pkg.torch.onnx.name_scopes", "")
        try:
            scopes = ast.literal_eval(raw) if raw else []
        except (ValueError, SyntaxError):
            return ""
        # [..., module path, op name]: the module is the one before the op's own name.
        return str(scopes[-2]) if isinstance(scopes, list) and len(scopes) >= 2 else ""


def available_memory() -> int | None:
    """Bytes of memory free for a new allocation, or None where it cannot be told."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def read_model(path: str | os.PathLike[str], memory: int | None = None) -> Any:
    """The checked onnx.ModelProto, or a typed error whose message is one sentence."""
    p = Path(path)
    name = p.name
    if p.is_dir():
        raise UnreadableModelError(f"'{p}' is a folder; pick the .onnx file inside it.")
    if not p.is_file():
        raise UnreadableModelError(f"There is no file '{p}'; check the path.")
    size = p.stat().st_size
    if size == 0:
        raise UnreadableModelError(f"'{name}' is empty; it may have been cut short while saving.")
    free = available_memory() if memory is None else memory
    if free is not None and size * MEMORY_FACTOR > free:
        raise ModelTooLargeError(
            f"'{name}' is {_mb(size)} and importing it needs about {_mb(size * MEMORY_FACTOR)} "
            f"of memory, but only {_mb(free)} is free; close other programs or import it on a "
            f"machine with more memory.")
    if size >= PROTOBUF_LIMIT:
        raise ModelTooLargeError(
            f"'{name}' is {_mb(size)}, over ONNX's 2 GB limit for one file; re-export it with "
            f"its weights in an external data file.")
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load(os.fspath(p), load_external_data=False)
    except (DecodeError, RuntimeWarning, ValueError, TypeError, OSError) as exc:
        raise UnreadableModelError(
            f"'{name}' is not a readable ONNX model: it is truncated, damaged or another kind "
            f"of file ({_first_line(exc)}).") from None
    external = _external_bytes(model, p.parent)
    if external and free is not None and (size + external) * MEMORY_FACTOR > free:
        raise ModelTooLargeError(
            f"'{name}' and its weights file hold {_mb(size + external)}, and importing them "
            f"needs about {_mb((size + external) * MEMORY_FACTOR)} of memory, but only "
            f"{_mb(free)} is free; close other programs or import it on a machine with more "
            f"memory.")
    if external:
        try:
            onnx.load_external_data_for_model(model, os.fspath(p.parent))
        except (OSError, ValueError, onnx.checker.ValidationError) as exc:
            raise UnreadableModelError(
                f"'{name}' keeps its weights in a separate data file that cannot be read "
                f"({_first_line(exc)}); put that file beside it.") from None
    if not model.graph.node or not model.opset_import:
        raise UnreadableModelError(
            f"'{name}' holds no ONNX network (no nodes or no opset): it is damaged or another "
            f"kind of file.")
    try:
        onnx.checker.check_model(model)
    except (onnx.checker.ValidationError, ValueError) as exc:
        raise UnreadableModelError(
            f"'{name}' is a damaged ONNX model ({_first_line(exc)}); export it again.") from None
    return model


def _external_bytes(model: Any, folder: Path) -> int:
    """Bytes of the external data files the model's initialisers point to (0 if none);
    a missing file counts as 0 here and is reported when it is read."""
    files = set()
    for tensor in model.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                files.add(entry.value)
    return sum((folder / f).stat().st_size for f in files if (folder / f).is_file()) + (
        1 if files else 0)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line[:160]


def opset_version(model: Any) -> int:
    for entry in model.opset_import:
        if entry.domain in ("", "ai.onnx"):
            return int(entry.version)
    return 1


def plain_nodes(model: Any) -> list[OnnxNode]:
    import onnx

    out = []
    for n in model.graph.node:
        attrs = {}
        for a in n.attribute:
            value = onnx.helper.get_attribute_value(a)
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            elif isinstance(value, onnx.TensorProto):
                value = onnx.numpy_helper.to_array(value)
            attrs[a.name] = value
        meta = {m.key: m.value for m in n.metadata_props}
        domain = n.domain if n.domain not in ("", "ai.onnx") else ""
        op = f"{domain}.{n.op_type}" if domain else n.op_type
        out.append(OnnxNode(op, n.name, list(n.input), list(n.output), attrs, meta))
    return out


def initializers(model: Any) -> dict[str, np.ndarray]:
    from onnx import numpy_helper

    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


def inferred_shapes(model: Any) -> dict[str, tuple[int | None, ...]]:
    """Tensor name -> shape from ONNX shape inference (None for unknown dims); empty when
    inference fails: NetCanvas's own shape rules still check every layer."""
    import onnx

    try:
        inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
    except Exception:  # noqa: BLE001 - inference is a cross-check, not a requirement
        return {}
    shapes: dict[str, tuple[int | None, ...]] = {}
    infos = list(inferred.graph.value_info) + list(inferred.graph.output) + list(
        inferred.graph.input)
    for info in infos:
        t = info.type.tensor_type
        if t.HasField("shape"):
            shapes[info.name] = tuple(d.dim_value if d.HasField("dim_value") else None
                                      for d in t.shape.dim)
    return shapes


# ---- the shape arithmetic ------------------------------------------------------------

def _axes(node: OnnxNode, values: list[np.ndarray | None], index: int) -> list[int] | None:
    if "axes" in node.attrs:
        return [int(a) for a in node.attrs["axes"]]
    if len(values) > index and values[index] is not None:
        return [int(a) for a in np.asarray(values[index]).reshape(-1)]
    return None


def _constant(node: OnnxNode) -> np.ndarray | None:
    a = node.attrs
    for key in ("value", "value_float", "value_floats", "value_int", "value_ints"):
        if key in a:
            return np.asarray(a[key])
    return None


def evaluate_static(node: OnnxNode, values: list[np.ndarray | None],
                    data_shape: tuple[int, ...] | None) -> list[np.ndarray] | None:
    """Evaluate a node whose inputs are all known arrays (or, for Shape, a data tensor of
    known per-sample shape, the batch written as BATCH). None: not shape arithmetic."""
    op, a = node.op, node.attrs
    if op == "Constant":
        value = _constant(node)
        return None if value is None else [value]
    if op == "Shape":
        if data_shape is None:
            return None
        full = np.array((BATCH, *data_shape), dtype=np.int64)
        start, end = a.get("start", 0), a.get("end", len(full))
        return [full[start:end]]
    if any(v is None for v in values[:1]) or not values:
        return None
    x = np.asarray(values[0])
    if op == "Identity":
        return [x]
    if op == "Cast":
        import onnx

        return [x.astype(onnx.helper.tensor_dtype_to_np_dtype(a["to"]))]
    if op == "Gather":
        return [np.take(x, np.asarray(values[1]), axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        axes = _axes(node, values, 1)
        if axes is None:
            return None
        rank = x.ndim + len(axes)
        return [np.expand_dims(x, tuple(sorted(ax % rank for ax in axes)))]
    if op == "Squeeze":
        axes = _axes(node, values, 1)
        return [np.squeeze(x) if axes is None else np.squeeze(x, tuple(axes))]
    if op == "Concat":
        return [np.concatenate([np.asarray(v).reshape(-1) if np.ndim(v) == 0 else v
                                for v in values], axis=a.get("axis", 0))]
    if op == "Reshape":
        return [x.reshape(np.asarray(values[1]).astype(int))]
    if op == "Slice" and len(values) >= 3:
        starts, ends = np.asarray(values[1]), np.asarray(values[2])
        axes = np.asarray(values[3]) if len(values) > 3 and values[3] is not None else range(
            len(starts))
        steps = np.asarray(values[4]) if len(values) > 4 and values[4] is not None else [1] * len(
            starts)
        index = [slice(None)] * x.ndim
        for s, e, ax, st in zip(starts, ends, axes, steps, strict=False):
            index[int(ax)] = slice(int(s), int(min(e, 2**62)), int(st))
        return [x[tuple(index)]]
    arith = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}
    if op in arith and len(values) == 2:
        return [arith[op](x, np.asarray(values[1]))]
    if op == "Div" and len(values) == 2:
        y = np.asarray(values[1])
        both_int = np.issubdtype(x.dtype, np.integer) and np.issubdtype(y.dtype, np.integer)
        return [x // y if both_int else x / y]
    return None
