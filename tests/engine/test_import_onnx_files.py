"""ONNX import on small hand-built files (onnx.helper, no export: fast): the ops older
exporters write, refusals with their sentences, and damaged files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.importers.errors import (
    ModelImportError,
    ModelTooLargeError,
    NoUsableInputError,
    UnreadableModelError,
    UnsupportedModelError,
)
from engine.importers.onnx import import_onnx
from engine.importers.report import TOLERANCE
from tests.engine.onnx_helpers import hand_model, rand

pytest.importorskip("onnx")
from onnx import helper  # noqa: E402


def _types(result) -> list[str]:  # noqa: ANN001
    g = result.project.graph
    return [g.nodes[n].type_id for n in g.topological_order()]


def _verified(result) -> None:  # noqa: ANN001
    assert result.report.max_abs_diff is not None
    assert result.report.max_abs_diff <= TOLERANCE, result.report.lines()


def test_old_style_ops_matmul_add_flatten_gap_dropout_bn(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Pad", ["x", "pads"], ["p"], mode="constant"),
        helper.make_node("Conv", ["p", "w"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Add", ["c", "cb"], ["cbias"]),
        helper.make_node("BatchNormalization", ["cbias", "g", "b", "m", "v"], ["bn"],
                         epsilon=1e-3),
        helper.make_node("LeakyRelu", ["bn"], ["lr"], alpha=0.1),
        helper.make_node("MaxPool", ["lr"], ["mp"], kernel_shape=[3, 3], strides=[2, 2],
                         pads=[1, 1, 1, 1]),
        helper.make_node("GlobalAveragePool", ["mp"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1),
        helper.make_node("Dropout", ["flat", "ratio"], ["drop"]),
        helper.make_node("MatMul", ["drop", "fw"], ["mm"]),
        helper.make_node("Add", ["mm", "fb"], ["fc"]),
        helper.make_node("Tanh", ["fc"], ["t"]),
        helper.make_node("Softmax", ["t"], ["y"], axis=1),
    ]
    inits = {"pads": np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), "w": rand(4, 2, 3, 3),
             "cb": rand(1, 4, 1, 1), "g": rand(4) + 2, "b": rand(4), "m": rand(4),
             "v": np.abs(rand(4)) + 0.5, "ratio": np.array(0.25, np.float32),
             "fw": rand(4, 3), "fb": rand(3)}
    path = hand_model(tmp_path / "old.onnx", nodes, (2, 6, 6), "y", inits)
    result = import_onnx(path)
    _verified(result)
    assert _types(result) == ["input", "conv2d", "batchnorm2d", "leakyrelu", "maxpool2d",
                              "adaptiveavgpool2d", "flatten", "dropout", "linear", "tanh",
                              "softmax", "output"]
    g = result.project.graph
    conv = next(n for n in g.nodes.values() if n.type_id == "conv2d")
    assert conv.params["padding"] == (2, 2) and conv.params["bias"] is True  # Pad + Add folded
    drop = next(n for n in g.nodes.values() if n.type_id == "dropout")
    assert drop.params["p"] == pytest.approx(0.25)
    lin = next(n for n in g.nodes.values() if n.type_id == "linear")
    assert lin.params == {"units": 3, "bias": True}
    assert np.allclose(result.weights[f"{lin.id}.weight"], inits["fw"].T)
    assert any("epsilon" in r.note for r in result.report.rows)


def test_auto_pad_same_upper_and_gemm_trans(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w", "wb"], ["c"], kernel_shape=[4, 4],
                         auto_pad="SAME_UPPER"),
        helper.make_node("Sigmoid", ["c"], ["s"]),
        helper.make_node("AveragePool", ["s"], ["ap"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Shape", ["ap"], ["shape"]),
        helper.make_node("Gather", ["shape", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0),
        helper.make_node("Reshape", ["ap", "target"], ["flat"]),
        helper.make_node("Gemm", ["flat", "fw", "fb"], ["y"], transB=0, alpha=0.5),
    ]
    inits = {"w": rand(3, 1, 4, 4), "wb": rand(3), "zero": np.array(0, np.int64),
             "axes0": np.array([0], np.int64), "minus1": np.array([-1], np.int64),
             "fw": rand(27, 5), "fb": rand(5)}
    path = hand_model(tmp_path / "same.onnx", nodes, (1, 6, 6), "y", inits, opset=13)
    result = import_onnx(path)
    _verified(result)
    g = result.project.graph
    conv = next(n for n in g.nodes.values() if n.type_id == "conv2d")
    assert conv.params["padding"] == "same"
    assert _types(result)[-3:] == ["flatten", "linear", "output"]


def test_asymmetric_conv_padding_is_refused_with_a_sentence(tmp_path: Path) -> None:
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3, 3],
                              pads=[0, 0, 1, 1], name="odd_pad"),
             helper.make_node("Flatten", ["c"], ["y"])]
    path = hand_model(tmp_path / "asym.onnx", nodes, (1, 5, 5), "y", {"w": rand(2, 1, 3, 3)})
    with pytest.raises(UnsupportedModelError, match="odd_pad.*asymmetric") as info:
        import_onnx(path)
    assert "Nothing was written" in str(info.value)


def test_unsupported_op_is_named_and_cut_keeps_the_rest(tmp_path: Path) -> None:
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], name="c1"),
             helper.make_node("Relu", ["c"], ["r"], name="r1"),
             helper.make_node("Abs", ["r"], ["a"], name="the_abs"),
             helper.make_node("Flatten", ["a"], ["f"], name="fl"),
             helper.make_node("Erf", ["f"], ["y"], name="the_erf")]
    path = hand_model(tmp_path / "abs.onnx", nodes, (1, 6, 6), "y",
                      {"w": rand(2, 1, 3, 3), "b": rand(2)})
    with pytest.raises(UnsupportedModelError) as info:
        import_onnx(path)
    message = str(info.value)
    assert "Abs 'the_abs'" in message and "Erf 'the_erf'" in message
    assert "NetCanvas has no layer for Abs" in message
    rows = {r.onnx_name: r.kind for r in info.value.report.rows}
    assert rows == {"c1": "layer", "r1": "layer", "the_abs": "unsupported", "fl": "skipped",
                    "the_erf": "unsupported"}
    result = import_onnx(path, cut=True)
    assert _types(result) == ["input", "conv2d", "relu", "flatten", "output"]
    assert result.report.cut_after == "r1"
    _verified(result)  # against the ONNX tensor at the cut


def test_softmax_over_width_is_refused(tmp_path: Path) -> None:
    nodes = [helper.make_node("Softmax", ["x"], ["s"], axis=-1, name="sm"),
             helper.make_node("Flatten", ["s"], ["y"])]
    path = hand_model(tmp_path / "sm.onnx", nodes, (1, 4, 4), "y", opset=13)
    with pytest.raises(UnsupportedModelError, match="axis 3"):
        import_onnx(path)


def test_garbage_and_truncated_files_get_one_sentence(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    with pytest.raises(UnreadableModelError, match="garbage.onnx") as info:
        import_onnx(garbage)
    assert "\n" not in str(info.value)
    nodes = [helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3])]
    good = hand_model(tmp_path / "good.onnx", nodes, (1, 6, 6), "y", {"w": rand(8, 1, 3, 3)})
    data = good.read_bytes()
    for cut in (len(data) // 2, len(data) - 7, 12):
        short = tmp_path / f"short{cut}.onnx"
        short.write_bytes(data[:cut])
        with pytest.raises(UnreadableModelError, match=f"short{cut}.onnx"):
            import_onnx(short)
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableModelError, match="empty"):
        import_onnx(empty)
    with pytest.raises(UnreadableModelError, match="no file"):
        import_onnx(tmp_path / "missing.onnx")


def test_no_image_or_vector_input(tmp_path: Path) -> None:
    seq = hand_model(tmp_path / "seq.onnx", [helper.make_node("Relu", ["x"], ["y"])],
                     (5, 7), "y")
    with pytest.raises(NoUsableInputError, match="images.*vectors"):
        import_onnx(seq)
    ints = hand_model(tmp_path / "ints.onnx", [helper.make_node("Relu", ["x"], ["y"])],
                      (12,), "y", input_type=7)
    with pytest.raises(NoUsableInputError, match="float"):
        import_onnx(ints)


def test_model_too_large_for_memory(tmp_path: Path) -> None:
    nodes = [helper.make_node("MatMul", ["x", "w"], ["y"])]
    path = hand_model(tmp_path / "big.onnx", nodes, (256,), "y", {"w": rand(256, 256)})
    with pytest.raises(ModelTooLargeError, match="big.onnx.*free"):
        import_onnx(path, memory=path.stat().st_size)
    assert import_onnx(path).report.verified


def test_errors_are_value_errors() -> None:
    for cls in (UnreadableModelError, NoUsableInputError, ModelTooLargeError,
                UnsupportedModelError):
        assert issubclass(cls, ModelImportError) and issubclass(cls, ValueError)


def test_constant_add_along_the_width_is_not_taken_for_a_bias(tmp_path: Path) -> None:
    # (6,) broadcasts along the last axis (width 6), not the 6 channels: no bias fold.
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[1, 1]),
             helper.make_node("Add", ["c", "k"], ["a"], name="plus_k"),
             helper.make_node("Flatten", ["a"], ["y"])]
    path = hand_model(tmp_path / "k.onnx", nodes, (1, 6, 6), "y",
                      {"w": rand(6, 1, 1, 1), "k": rand(6)})
    with pytest.raises(UnsupportedModelError, match="plus_k.*constant"):
        import_onnx(path)
