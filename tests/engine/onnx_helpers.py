"""Making small ONNX files inside tests: torch.onnx.export of hand-written modules (the way
users' files are made) and onnx.helper graphs for ops torch no longer writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def export(module, shape: tuple[int, ...], path: Path, **kwargs) -> Path:  # noqa: ANN001
    """Export with a dynamic batch (example batch 2), weights inside the file."""
    import torch

    module.eval()
    x = torch.randn(2, *shape)
    torch.onnx.export(module, (x,), str(path), dynamic_shapes=({0: torch.export.Dim("batch")},),
                      external_data=False, verbose=False, **kwargs)
    return path


def hand_model(path: Path, nodes: list, input_shape: tuple[int, ...], output: str,
               inits: dict[str, np.ndarray] | None = None, opset: int = 17,
               input_type: int = 1) -> Path:
    """A one-input ONNX model from onnx.helper nodes; the batch is symbolic."""
    import onnx
    from onnx import helper, numpy_helper

    x = helper.make_tensor_value_info("x", input_type, ["batch", *input_shape])
    tensors = [numpy_helper.from_array(np.asarray(v), k) for k, v in (inits or {}).items()]
    # The output's type is what shape inference finds (the checker wants one).
    graph = helper.make_graph(nodes, "hand", [x], [], tensors)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    inferred = onnx.shape_inference.infer_shapes(model)
    found = [v for v in inferred.graph.value_info if v.name == output]
    model.graph.output.append(found[0] if found else helper.make_tensor_value_info(
        output, 1, ["batch", "n"]))
    onnx.save(model, str(path))
    return path


def rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape).astype(np.float32)
