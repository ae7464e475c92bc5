"""ONNX node -> NetCanvas layer converters, one per layer family.

Each LayerSpec names its ONNX ops and its converter here (`onnx_ops`, `onnx_import`); the
importer looks layers up by op through the registry and calls the converter with a
`Context`. A converter returns a `Conversion` (params, weights by state_dict suffix), None
when the node is not its layer (so the next spec with the op may take it), or raises
`Unsupported` with the reason as a sentence fragment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.importers.reader import BATCH, OnnxNode
from engine.layers.dense import FLATTEN
from engine.layers.spec import Shape, fmt_shape, numel

# PyTorch's BatchNorm epsilon: the registry's layer uses it, other values are folded into
# the running variance (exact at inference).
TORCH_BN_EPS = 1e-5


class Unsupported(Exception):
    """This node cannot become a NetCanvas layer; str() says why, as a sentence."""


@dataclass
class Context:
    node: OnnxNode
    # Per input position: its value when known (initialiser or computed shape), else None.
    values: list[np.ndarray | None]
    # Per-sample shapes (no batch) of the inputs that carry data, in input order.
    shapes: list[Shape]
    opset: int
    fixed_batch: int | None = None
    # (top, left, bottom, right) zeros from a Pad node folded into this one.
    extra_pads: tuple[int, int, int, int] | None = None

    def attr(self, name: str, default: Any = None) -> Any:
        return self.node.attrs.get(name, default)

    def value(self, index: int) -> np.ndarray | None:
        if index >= len(self.values) or not self.node.inputs[index]:
            return None
        return self.values[index]

    def weight(self, index: int, what: str) -> np.ndarray:
        v = self.value(index)
        if v is None:
            raise Unsupported(f"its {what} is computed at run time, not stored in the file.")
        return np.asarray(v, dtype=np.float32)

    @property
    def data_count(self) -> int:
        return len(self.shapes)


@dataclass
class Conversion:
    params: dict[str, Any]
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Layers (type id, params) that follow this one, e.g. a Flatten after a ReduceMean
    # that drops the spatial axes.
    then: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # The node forwards its input unchanged (a Flatten of a vector): no layer is added.
    passthrough: bool = False


# ---- helpers -------------------------------------------------------------------------

def _pair(ctx: Context, name: str, default: tuple[int, int]) -> tuple[int, int]:
    v = ctx.attr(name)
    if v is None:
        return default
    if len(v) != 2:
        raise Unsupported(f"its {name} {list(v)} is not two-dimensional; NetCanvas works on "
                          f"images (height x width).")
    return int(v[0]), int(v[1])


def _need_image(ctx: Context, what: str) -> Shape:
    shape = ctx.shapes[0]
    if len(shape) != 3:
        raise Unsupported(f"it {what} a {fmt_shape(shape)} input; NetCanvas's layer needs an "
                          f"image (channels x height x width).")
    return shape


def _pads(ctx: Context, kernel: tuple[int, int], stride: tuple[int, int],
          dilation: tuple[int, int]) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), auto_pad resolved the way ONNX defines it."""
    auto = ctx.attr("auto_pad", "NOTSET")
    if auto in ("NOTSET", ""):
        p = [int(v) for v in ctx.attr("pads", [0, 0, 0, 0])]
        if len(p) != 4:
            raise Unsupported(f"its pads {p} are not for a two-dimensional image.")
        pads = (p[0], p[1], p[2], p[3])
    elif auto == "VALID":
        pads = (0, 0, 0, 0)
    else:
        _c, h, w = ctx.shapes[0]
        begin, end = [], []
        for n, k, s, d in zip((h, w), kernel, stride, dilation, strict=True):
            total = max((-(-n // s) - 1) * s + d * (k - 1) + 1 - n, 0)
            small, big = total // 2, total - total // 2
            begin.append(small if auto == "SAME_UPPER" else big)
            end.append(big if auto == "SAME_UPPER" else small)
        pads = (begin[0], begin[1], end[0], end[1])
    if ctx.extra_pads:
        pads = tuple(a + b for a, b in zip(pads, ctx.extra_pads, strict=True))  # type: ignore[assignment]
    return pads


def _asymmetric(pads: tuple[int, int, int, int]) -> str:
    t, left, b, r = pads
    return f"top {t}, bottom {b}, left {left}, right {r}"


# ---- converters ----------------------------------------------------------------------

def conv2d(ctx: Context) -> Conversion:
    w = ctx.weight(1, "kernel")
    if w.ndim != 4:
        raise Unsupported(f"it is a {w.ndim - 2}-D convolution; NetCanvas's Conv2d is 2-D.")
    c, _h, _w = _need_image(ctx, "convolves")
    groups = int(ctx.attr("group", 1))
    if w.shape[1] * groups != c:
        raise Unsupported(f"its kernels expect {w.shape[1] * groups} input channels but it "
                          f"receives {c}.")
    kernel = (int(w.shape[2]), int(w.shape[3]))
    stride, dilation = _pair(ctx, "strides", (1, 1)), _pair(ctx, "dilations", (1, 1))
    pads = _pads(ctx, kernel, stride, dilation)
    t, left, b, r = pads
    padding: Any
    if (t, left) == (b, r):
        padding = (t, left)
    elif stride == (1, 1) and all(
            (lo, hi) == (d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
            for lo, hi, k, d in ((t, b, kernel[0], dilation[0]), (left, r, kernel[1], dilation[1]))):
        # PyTorch's 'same' for an even kernel pads one more at the bottom and right.
        padding = "same"
    else:
        raise Unsupported(
            f"its padding is asymmetric ({_asymmetric(pads)}); NetCanvas's Conv2d pads both "
            f"sides equally, or as PyTorch's 'same' does with stride 1, so re-export the model "
            f"with symmetric padding.")
    bias = ctx.value(2)
    weights = {"weight": w}
    if bias is not None:
        weights["bias"] = np.asarray(bias, dtype=np.float32).reshape(-1)
    params = {"out_channels": int(w.shape[0]), "kernel": kernel, "stride": stride,
              "padding": padding, "dilation": dilation, "groups": groups,
              "bias": bias is not None}
    notes = [f"padding 'same' read from pads {_asymmetric(pads)}"] if padding == "same" else []
    return Conversion(params, weights, notes)


def _window(ctx: Context, average: bool) -> Conversion:
    _need_image(ctx, "pools")
    kernel = _pair(ctx, "kernel_shape", (1, 1))
    stride = _pair(ctx, "strides", (1, 1))
    if _pair(ctx, "dilations", (1, 1)) != (1, 1):
        raise Unsupported("it uses dilated pooling windows, which NetCanvas's pooling lacks.")
    t, left, b, r = pads = _pads(ctx, kernel, stride, (1, 1))
    if (t, left) != (b, r):
        raise Unsupported(f"its padding is asymmetric ({_asymmetric(pads)}); NetCanvas's "
                          f"pooling pads both sides equally.")
    if average and (t or left) and not ctx.attr("count_include_pad", 0):
        raise Unsupported("it leaves the padding out of each average (count_include_pad=0), "
                          "while NetCanvas's AvgPool2d counts it as PyTorch does by default.")
    return Conversion({"kernel": kernel, "stride": stride, "padding": (t, left),
                       "ceil_mode": bool(ctx.attr("ceil_mode", 0))})


def maxpool2d(ctx: Context) -> Conversion:
    return _window(ctx, average=False)


def avgpool2d(ctx: Context) -> Conversion:
    return _window(ctx, average=True)


def global_avgpool(ctx: Context) -> Conversion | None:
    _need_image(ctx, "averages")
    if ctx.node.op == "GlobalAveragePool":
        return Conversion({"output_size": (1, 1)})
    axes = ctx.attr("axes")
    if axes is None and ctx.value(1) is not None:
        axes = np.asarray(ctx.value(1)).reshape(-1).tolist()
    if axes is None or sorted(int(a) % 4 for a in axes) != [2, 3]:
        raise Unsupported(f"it averages over axes {axes}; NetCanvas reads a mean only over "
                          f"height and width (global average pooling).")
    then = [] if ctx.attr("keepdims", 1) else [(FLATTEN.type_id, {})]
    return Conversion({"output_size": (1, 1)}, then=then)


def flatten(ctx: Context) -> Conversion:
    shape = ctx.shapes[0]
    if ctx.node.op == "Flatten":
        axis = int(ctx.attr("axis", 1))
        if axis % (len(shape) + 1) != 1:
            raise Unsupported(f"it flattens from axis {axis}; NetCanvas flattens everything "
                              f"after the batch (axis 1).")
        return Conversion({}, passthrough=len(shape) == 1)
    target = ctx.value(1)
    if target is None:
        raise Unsupported("its target shape depends on values known only at run time.")
    full = (BATCH, *shape)
    dims = [int(v) for v in np.asarray(target).reshape(-1)]
    if not ctx.attr("allowzero", 0):
        dims = [full[i] if v == 0 and i < len(full) else v for i, v in enumerate(dims)]
    batch_ok = (BATCH, -1) + ((ctx.fixed_batch,) if ctx.fixed_batch else ())
    n = numel(shape)
    if len(dims) == 2 and dims[0] in batch_ok and (dims[1] == n or (dims[1] == -1 != dims[0])):
        return Conversion({}, passthrough=len(shape) == 1)
    if len(dims) == len(full) and list(dims[1:]) == list(shape) and dims[0] in batch_ok:
        return Conversion({}, passthrough=True)
    shown = "x".join("batch" if d == BATCH else str(d) for d in dims)
    raise Unsupported(f"it reshapes each {fmt_shape(shape)} sample to {shown}; NetCanvas reads "
                      f"a Reshape only when it flattens each sample into one vector.")


def linear(ctx: Context) -> Conversion:
    shape = ctx.shapes[0]
    if len(shape) != 1 or ctx.data_count != 1 or ctx.value(0) is not None:
        raise Unsupported(f"it multiplies a {fmt_shape(shape)} input; NetCanvas's Linear "
                          f"takes one flat vector (a Flatten before it).")
    b = ctx.weight(1, "weight matrix")
    if b.ndim != 2:
        raise Unsupported(f"its weight has {b.ndim} dimensions, not a matrix.")
    bias = None
    if ctx.node.op == "Gemm":
        if ctx.attr("transA", 0):
            raise Unsupported("it transposes its input (transA=1).")
        w = b if ctx.attr("transB", 0) else b.T
        w = w * np.float32(ctx.attr("alpha", 1.0))
        c = ctx.value(2)
        if c is not None:
            bias = np.broadcast_to(np.asarray(c, np.float32) * np.float32(ctx.attr("beta", 1.0)),
                                   (w.shape[0],)).copy()
    else:
        w = b.T
    if w.shape[1] != shape[0]:
        raise Unsupported(f"its weight expects {w.shape[1]} features but it receives {shape[0]}.")
    weights = {"weight": np.ascontiguousarray(w, dtype=np.float32)}
    if bias is not None:
        weights["bias"] = bias
    return Conversion({"units": int(w.shape[0]), "bias": bias is not None}, weights)


def _joins(ctx: Context, what: str) -> int:
    if ctx.data_count != len(ctx.node.inputs):
        raise Unsupported(f"it {what} a constant tensor; NetCanvas can fold a constant only "
                          f"into the bias of the Conv2d or Linear right before it.")
    if not 2 <= ctx.data_count <= 8:
        raise Unsupported(f"it joins {ctx.data_count} inputs; NetCanvas joins 2 to 8.")
    return ctx.data_count


def add(ctx: Context) -> Conversion:
    count = _joins(ctx, "adds")
    if len(set(ctx.shapes)) != 1:
        shown = ", ".join(fmt_shape(s) for s in ctx.shapes)
        raise Unsupported(f"it broadcasts inputs of different shapes ({shown}); NetCanvas's "
                          f"Add needs equal shapes.")
    return Conversion({"inputs": count})


def concat(ctx: Context) -> Conversion:
    count = _joins(ctx, "concatenates")
    axis = int(ctx.attr("axis", 1))
    if axis % (len(ctx.shapes[0]) + 1) != 1:
        raise Unsupported(f"it concatenates along axis {axis}; NetCanvas joins along the "
                          f"channels (axis 1).")
    return Conversion({"inputs": count})


def dropout(ctx: Context) -> Conversion:
    ratio = ctx.attr("ratio")
    if ratio is None:
        given = ctx.value(1)
        ratio = float(np.asarray(given).reshape(-1)[0]) if given is not None else 0.5
    training = ctx.value(2)
    if training is not None and bool(np.asarray(training).reshape(-1)[0]):
        raise Unsupported("it drops values at inference (training_mode=true).")
    return Conversion({"p": min(float(ratio), 0.99)})


def _batchnorm(ctx: Context, rank: int) -> Conversion | None:
    if len(ctx.shapes[0]) != rank:
        return None
    if ctx.attr("training_mode", 0):
        raise Unsupported("it normalises with batch statistics at inference (training_mode=1).")
    gamma, beta = ctx.weight(1, "scale"), ctx.weight(2, "shift")
    mean, var = ctx.weight(3, "running mean"), ctx.weight(4, "running variance")
    eps = float(ctx.attr("epsilon", TORCH_BN_EPS))
    notes = []
    if abs(eps - TORCH_BN_EPS) > 1e-12:
        # (x - m) / sqrt(v + eps) == (x - m) / sqrt((v + eps - 1e-5) + 1e-5): exact.
        var = np.maximum(var + np.float32(eps - TORCH_BN_EPS), 0).astype(np.float32)
        notes.append(f"epsilon {eps:g} folded into the running variance (PyTorch uses 1e-5)")
    return Conversion({"affine": True}, {
        "weight": gamma, "bias": beta, "running_mean": mean, "running_var": var,
        "num_batches_tracked": np.array(0, dtype=np.int64)}, notes)


def batchnorm2d(ctx: Context) -> Conversion | None:
    return _batchnorm(ctx, 3)


def batchnorm1d(ctx: Context) -> Conversion | None:
    return _batchnorm(ctx, 1)


def activation(ctx: Context) -> Conversion:
    if ctx.attr("approximate", "none") != "none":
        raise Unsupported(f"it uses the {ctx.attr('approximate')!r} approximation; NetCanvas's "
                          f"GELU is the exact one.")
    return Conversion({})


def leaky_relu(ctx: Context) -> Conversion:
    return Conversion({"negative_slope": float(ctx.attr("alpha", 0.01))})


def softmax(ctx: Context) -> Conversion:
    shape = ctx.shapes[0]
    rank = len(shape) + 1
    axis = int(ctx.attr("axis", -1 if ctx.opset >= 13 else 1)) % rank
    # Before opset 13 softmax ran over everything from `axis` on, flattened.
    spatial = numel(shape[1:]) if len(shape) > 1 else 1
    if axis != 1 or (ctx.opset < 13 and spatial != 1):
        raise Unsupported(f"it normalises over axis {axis} of a {fmt_shape(shape)} input; "
                          f"NetCanvas's softmax runs over the channels (axis 1).")
    return Conversion({})
