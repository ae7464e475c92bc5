"""Element-wise nonlinearities and softmax. None of them change the shape."""

from __future__ import annotations

from engine.layers.spec import (
    FLOAT,
    NORMALISES_SCORES,
    SATURATING,
    LayerSpec,
    Param,
    Params,
    Shape,
)

# Where the ONNX converters live (imported only when a model is imported).
_CONVERT = "engine.importers.convert"


def same_shape(name: str, inputs: list[Shape], p: Params) -> Shape:
    return inputs[0]


def _activation(type_id: str, title: str, summary: str, formula: str, cls: str,
                params: tuple[Param, ...] = (), kwargs=lambda p: {}, key=lambda p: "",
                category: str = "Activation", traits: frozenset[str] = frozenset(),
                glyph: str = "", onnx_op: str = "",
                onnx_import: str = f"{_CONVERT}:activation", lab: str = "activation") -> LayerSpec:
    return LayerSpec(
        type_id=type_id,
        title=title,
        category=category,
        summary=summary,
        params=params,
        output_shape=same_shape,
        explain=lambda i, o, p: [formula, "shape unchanged; no parameters"],
        torch_module=lambda i, p: (cls, kwargs(p)),
        key_params=key,
        id_prefix=type_id,
        traits=traits,
        glyph=glyph or type_id,
        onnx_ops=(onnx_op,),
        onnx_import=onnx_import,
        lab=lab,
    )


RELU = _activation(
    "relu", "ReLU", "max(0, x): passes positives, zeroes negatives; its gradient does not fade.",
    "f(x) = max(0, x); gradient 1 for x > 0, 0 otherwise", "torch.nn.ReLU", onnx_op="Relu")
LEAKY_RELU = _activation(
    "leakyrelu", "LeakyReLU", "Like ReLU but lets a small slope through for negative inputs.",
    "f(x) = x if x > 0 else a*x", "torch.nn.LeakyReLU",
    params=(Param("negative_slope", FLOAT, 0.01, "Negative slope", "Slope a for x < 0.", 0.0, 1.0),),
    kwargs=lambda p: {"negative_slope": p["negative_slope"]},
    key=lambda p: f"a={p['negative_slope']:g}", onnx_op="LeakyRelu",
    onnx_import=f"{_CONVERT}:leaky_relu")
SIGMOID = _activation(
    "sigmoid", "Sigmoid", "Squashes to (0, 1); its gradient is at most 0.25, so deep stacks vanish.",
    "f(x) = 1 / (1 + e^-x); gradient f(x)(1 - f(x)) <= 0.25", "torch.nn.Sigmoid",
    traits=frozenset({SATURATING}), onnx_op="Sigmoid")
TANH = _activation(
    "tanh", "Tanh", "Squashes to (-1, 1), zero-centred; saturates for large inputs.",
    "f(x) = tanh(x); gradient 1 - f(x)^2", "torch.nn.Tanh",
    traits=frozenset({SATURATING}), onnx_op="Tanh")
GELU = _activation(
    "gelu", "GELU", "A smooth ReLU used in transformers: x times the Gaussian CDF of x.",
    "f(x) = x * Phi(x)", "torch.nn.GELU", onnx_op="Gelu")
SOFTMAX = _activation(
    "softmax", "Softmax", "Turns scores into probabilities that sum to 1 (over the channels).",
    "p_i = e^(s_i) / sum_j e^(s_j)", "torch.nn.Softmax", kwargs=lambda p: {"dim": 1},
    traits=frozenset({NORMALISES_SCORES}), onnx_op="Softmax", onnx_import=f"{_CONVERT}:softmax",
    lab="")
# Log-probabilities are not probabilities (no NORMALISES_SCORES), but softmax of them gives
# back the probabilities, so a prediction may still apply softmax.
LOG_SOFTMAX = _activation(
    "logsoftmax", "LogSoftmax",
    "The logarithm of softmax: log-probabilities, as models trained with NLL loss end.",
    "log p_i = s_i - log sum_j e^(s_j)", "torch.nn.LogSoftmax", kwargs=lambda p: {"dim": 1},
    glyph="softmax", onnx_op="LogSoftmax", onnx_import=f"{_CONVERT}:softmax", lab="")
