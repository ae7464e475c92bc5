"""Writers for the file formats: each takes a ready model (or weights) and a target path.

The program formats (.pt2, ONNX, TorchScript) are made from the generated standalone
source (engine.export.source) with the weights loaded, not from the editor's fx model: the
file then names the same layers as the .py export and refers to no NetCanvas class.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import itertools
import logging
import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from engine.export.formats import ExportError

# torch.export needs an example batch of at least 2 to keep the batch dimension dynamic
# (with 1 it specialises to 1: "Constraints violated"), see shared STACK-FACTS.
EXAMPLE_BATCH = 2
# A protobuf message (an .onnx file) cannot exceed 2 GiB; above this the weights go to a
# separate .onnx.data file beside the model.
ONNX_INLINE_LIMIT_BYTES = 1_800_000_000
_module_ids = itertools.count(1)


@contextlib.contextmanager
def standalone_module(source_text: str) -> Iterator[Any]:
    """Import generated source as a real module (TorchScript reads the class's source file),
    and forget it afterwards."""
    name = f"_netcanvas_export_{next(_module_ids)}"
    with tempfile.TemporaryDirectory(prefix="netcanvas-source-") as folder:
        path = Path(folder) / f"{name}.py"
        path.write_text(source_text, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
            yield module
        finally:
            sys.modules.pop(name, None)


def instantiate(module: Any, class_name: str, weights: Mapping[str, np.ndarray]) -> nn.Module:
    """The generated class with `weights` loaded, in eval mode."""
    model = getattr(module, class_name)()
    model.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in weights.items()})
    return model.eval()


def _example(input_shape: tuple[int, ...]) -> torch.Tensor:
    return torch.zeros((EXAMPLE_BATCH, *input_shape))


def _dynamic_batch() -> dict[str, dict[int, Any]]:
    return {"x": {0: torch.export.Dim("batch")}}


def export_program(model: nn.Module, input_shape: tuple[int, ...]) -> Any:
    try:
        return torch.export.export(model, (_example(input_shape),), dynamic_shapes=_dynamic_batch())
    except Exception as exc:  # torch's messages are pages long; the first line says it
        raise ExportError(f"torch.export could not trace the network: {_first_line(exc)}") from None


def write_pt2(model: nn.Module, input_shape: tuple[int, ...], path: Path) -> dict[str, Any]:
    torch.export.save(export_program(model, input_shape), str(path))
    return {"notes": ["Load with torch.export.load(path).module(); the batch size is free."]}


def write_onnx(model: nn.Module, input_shape: tuple[int, ...], path: Path) -> dict[str, Any]:
    import onnx

    size = sum(p.numel() * p.element_size() for p in model.state_dict().values())
    external = size > ONNX_INLINE_LIMIT_BYTES
    # The exporter chats on stdout and logs that torchvision is absent; a job has no console.
    quiet = logging.getLogger("torch.onnx")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            torch.onnx.export(model, (_example(input_shape),), str(path),
                              input_names=["x"], output_names=["scores"],
                              dynamic_shapes=_dynamic_batch(), external_data=external,
                              verbose=False)
        except Exception as exc:
            raise ExportError(f"The ONNX exporter failed: {_first_line(exc)}") from None
        finally:
            quiet.setLevel(level)
    proto = onnx.load(str(path), load_external_data=False)
    opset = next((o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")), None)
    notes = [f"ONNX opset {opset}; input 'x' (batch, {', '.join(map(str, input_shape))}), "
             "output 'scores'; the batch size is free."]
    files = [path]
    data_file = path.with_name(path.name + ".data")
    if external and data_file.exists():
        files.append(data_file)
        notes.append(f"The weights ({size / 1e9:.1f} GB) are in {data_file.name} beside the model, "
                     "because one .onnx file cannot exceed 2 GB: keep the two files together.")
    else:
        notes.append("The weights are inside the .onnx file.")
    return {"opset": opset, "notes": notes, "extra_files": files[1:]}


def write_torchscript(model: nn.Module, path: Path) -> dict[str, Any]:
    with warnings.catch_warnings():
        # TorchScript is deprecated in favour of torch.export; offered for LibTorch users.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            scripted = torch.jit.script(model)
        except Exception as exc:
            raise ExportError(f"TorchScript could not compile the network: {_first_line(exc)}"
                              ) from None
        torch.jit.save(scripted, str(path))
    return {"notes": ["Legacy format: load in C++ with torch::jit::load, in Python with "
                      "torch.jit.load (prefer .pt2 or .py in Python)."]}


def write_state_dict(weights: Mapping[str, np.ndarray], path: Path) -> dict[str, Any]:
    torch.save({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in weights.items()},
               str(path))
    return {"notes": ["Load with model.load_state_dict(torch.load(path, weights_only=True)) into "
                      "the class of the .py export."]}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__).rstrip(".") + "."
