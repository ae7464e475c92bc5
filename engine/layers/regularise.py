"""Dropout and batch normalisation."""

from __future__ import annotations

from engine.layers.activation import same_shape
from engine.layers.spec import (
    BOOL,
    FLOAT,
    SCORE_TRANSPARENT,
    LayerSpec,
    Param,
    Params,
    Shape,
    ShapeError,
    fmt_shape,
    numel,
)


def _dropout_explain(inputs: list[Shape], out: Shape, p: Params) -> list[str]:
    keep = 1 - p["p"]
    return [
        f"training: each value is zeroed with probability {p['p']:g} and the survivors are "
        f"scaled by 1/{keep:g} so the expected sum is unchanged",
        "evaluation: passes values through untouched; no parameters",
    ]


DROPOUT = LayerSpec(
    type_id="dropout",
    title="Dropout",
    category="Regularisation",
    summary="While training, zeroes random values so the network cannot rely on any one unit.",
    params=(Param("p", FLOAT, 0.5, "Drop probability", "Chance each value is zeroed.", 0.0, 0.99),),
    output_shape=same_shape,
    explain=_dropout_explain,
    torch_module=lambda i, p: ("torch.nn.Dropout", {"p": p["p"]}),
    key_params=lambda p: f"p={p['p']:g}",
    id_prefix="drop",
    traits=frozenset({SCORE_TRANSPARENT}),
    glyph="dropout",
    lab="dropout",
    onnx_ops=("Dropout",),
    onnx_import="engine.importers.convert:dropout",
)


def _need_rank(title: str, rank: int, hint: str):
    def shape(name: str, inputs: list[Shape], p: Params) -> Shape:
        if len(inputs[0]) != rank:
            raise ShapeError(
                f"{title} '{name}' needs a {'C x H x W' if rank == 3 else 'flat'} input but "
                f"receives {fmt_shape(inputs[0])}. {hint}"
            )
        return inputs[0]

    return shape


DROPOUT2D = LayerSpec(
    type_id="dropout2d",
    title="Dropout2d",
    category="Regularisation",
    summary="While training, zeroes whole feature maps (channels) at random.",
    params=(Param("p", FLOAT, 0.2, "Drop probability", "Chance each channel is zeroed.", 0.0, 0.99),),
    output_shape=_need_rank("Dropout2d", 3, "Use Dropout on flat vectors."),
    explain=lambda i, o, p: [
        f"training: each of the {i[0][0]} channels is zeroed with probability {p['p']:g}",
        "evaluation: passes values through untouched; no parameters",
    ],
    torch_module=lambda i, p: ("torch.nn.Dropout2d", {"p": p["p"]}),
    key_params=lambda p: f"p={p['p']:g}",
    id_prefix="drop2d",
    glyph="dropout2d",
    lab="dropout",
)


def _bn_params(inputs: list[Shape], p: Params) -> int:
    return 2 * inputs[0][0] if p["affine"] else 0


def _bn_explain(inputs: list[Shape], out: Shape, p: Params) -> list[str]:
    c = inputs[0][0]
    what = "channel" if len(inputs[0]) == 3 else "feature"
    lines = [f"y = (x - mean) / sqrt(var + eps) per {what}, statistics over the batch"]
    if p["affine"]:
        lines.append(f"then y * gamma + beta: gamma {c}, beta {c} -> {2 * c} parameters "
                     f"(+ {2 * c} running statistics, not trained)")
    return lines


def _bn_state(inputs: list[Shape], p: Params) -> dict[str, Shape]:
    c = (inputs[0][0],)
    learned = {"weight": c, "bias": c} if p["affine"] else {}
    return {**learned, "running_mean": c, "running_var": c, "num_batches_tracked": ()}


def _bn(type_id: str, title: str, rank: int, cls: str, hint: str, summary: str) -> LayerSpec:
    # Both BatchNorm layers read BatchNormalization; the converter takes the one whose
    # rank matches the node's input.
    return LayerSpec(
        type_id=type_id,
        title=title,
        category="Normalisation",
        summary=summary,
        params=(Param("affine", BOOL, True, "Learn scale and shift",
                      "Learn gamma and beta after normalising."),),
        output_shape=_need_rank(title, rank, hint),
        explain=_bn_explain,
        count_params=_bn_params,
        count_macs=lambda i, o, p: numel(o),
        state_shapes=_bn_state,
        torch_module=lambda i, p: (cls, {"num_features": i[0][0], "affine": p["affine"]}),
        id_prefix="bn",
        glyph="norm",
        onnx_ops=("BatchNormalization",),
        onnx_import=f"engine.importers.convert:{type_id}",
    )



BATCHNORM2D = _bn("batchnorm2d", "BatchNorm2d", 3, "torch.nn.BatchNorm2d",
                  "Use BatchNorm1d after a Flatten or Linear.",
                  "Normalises each channel over the batch, then rescales; speeds up training.")
BATCHNORM1D = _bn("batchnorm1d", "BatchNorm1d", 1, "torch.nn.BatchNorm1d",
                  "Use BatchNorm2d on images (before the Flatten).",
                  "Normalises each feature over the batch, then rescales.")
