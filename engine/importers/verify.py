"""The imported network's outputs against onnxruntime's on the original file."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from engine.importers.errors import ModelImportError

VERIFY_BATCH = 4
SEED = 0


def verify_import(model: Any, result: Any, batch: int = VERIFY_BATCH, seed: int = SEED) -> float:
    """Run a seeded random batch through onnxruntime (on `model`, the onnx.ModelProto) and
    through the imported network; store and return the max abs difference. When the import
    was cut, the ONNX tensor at the cut is compared."""
    import onnx
    import onnxruntime as ort
    import torch

    from engine.analysis import analyse
    from engine.model import build_model, load_weights_into

    graph = result.project.graph
    proto = model
    if result.output_tensor not in {o.name for o in model.graph.output}:
        proto = onnx.ModelProto()
        proto.CopyFrom(model)
        del proto.graph.output[:]
        proto.graph.output.append(onnx.helper.make_empty_tensor_value_info(result.output_tensor))
    fixed = _fixed_batch(model, result.input_name)
    n = fixed or batch
    shape = analyse(graph).input_shape
    assert shape is not None
    x = np.random.default_rng(seed).standard_normal((n, *shape)).astype(np.float32)
    try:
        session = ort.InferenceSession(proto.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        expected = session.run([result.output_tensor], {result.input_name: x})[0]
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own error kinds
        text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise ModelImportError(
            f"onnxruntime cannot run '{result.report.source}' to verify the import ({text}).")\
            from None
    net = build_model(graph)
    load_weights_into(net, result.weights, "the imported weights")
    net.eval()
    with torch.no_grad(), warnings.catch_warnings():
        # PyTorch notes that 'same' padding on an even kernel copies the input: not news.
        warnings.simplefilter("ignore", UserWarning)
        got = net(torch.from_numpy(x)).numpy()
    diff = float(np.max(np.abs(got.reshape(n, -1) - np.asarray(expected).reshape(n, -1))))
    result.report.max_abs_diff = diff
    result.report.verify_batch = n
    return diff


def _fixed_batch(model: Any, input_name: str) -> int | None:
    for i in model.graph.input:
        if i.name == input_name:
            d = i.type.tensor_type.shape.dim[0]
            return int(d.dim_value) if d.HasField("dim_value") and d.dim_value > 0 else None
    return None
