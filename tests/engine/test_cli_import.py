"""`netcanvas import`: the report and verification printed, the project and its weights
written beside each other, exit 2 with one sentence and nothing written for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from engine.project import load_project
from engine.weights import file_sha256, read_weights
from tests.engine.onnx_helpers import hand_model, rand

pytest.importorskip("onnx")
from onnx import helper  # noqa: E402


def _model(tmp_path: Path, unsupported: bool = False) -> Path:
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c0"], kernel_shape=[3, 3], name="c1"),
             helper.make_node("BatchNormalization", ["c0", "g", "be", "m", "v"], ["c"],
                              name="norm"),
             helper.make_node("Abs" if unsupported else "Relu", ["c"], ["r"], name="act"),
             helper.make_node("Flatten", ["r"], ["f"], name="fl"),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1, name="fc")]
    inits = {"w": rand(2, 1, 3, 3), "b": rand(2), "fw": rand(4, 32), "fb": rand(4),
             "g": rand(2) + 2, "be": rand(2), "m": rand(2), "v": rand(2) ** 2 + 0.5}
    return hand_model(tmp_path / ("bad.onnx" if unsupported else "net.onnx"), nodes, (1, 6, 6),
                      "y", inits)


def test_import_writes_project_and_weights(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "net.json"
    assert main(["import", str(_model(tmp_path)), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Conv 'c1' -> conv1 (Conv2d)" in text and "Gemm 'fc' -> fc1 (Linear)" in text
    assert "max abs diff" in text and "match onnxruntime" in text
    project = load_project(out)
    types = [project.graph.nodes[n].type_id for n in project.graph.topological_order()]
    assert types == ["input", "conv2d", "batchnorm2d", "relu", "flatten", "linear", "output"]
    record = json.loads(out.read_text())["weights"]
    weights_file = tmp_path / "net.weights.safetensors"
    assert record == {"file": weights_file.name, "sha256": file_sha256(weights_file)}
    weights = read_weights(weights_file)
    assert sorted(weights) == sorted(["bn1.num_batches_tracked", "bn1.running_mean",
                                      "bn1.running_var", "bn1.weight", "bn1.bias", "conv1.bias",
                                      "conv1.weight", "fc1.bias", "fc1.weight"])
    assert np.array_equal(weights["fc1.weight"], rand(4, 32))
    # The project opens with these weights as the editor opens any trained project.
    from engine.analysis import analyse
    from engine.weights_state import load_project_weights

    loaded = load_project_weights(out, project.weights, project.graph, analyse(project.graph))
    assert set(loaded) == set(weights)


def test_unsupported_is_refused_and_nothing_written(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "bad.json"
    assert main(["import", str(_model(tmp_path, unsupported=True)), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert "Abs 'act' -> UNSUPPORTED" in captured.out
    err = captured.err.strip()
    assert err.startswith("netcanvas: ") and "Abs 'act'" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.onnx"]


def test_cut_imports_up_to_the_last_supported_node(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "cut.json"
    assert main(["import", str(_model(tmp_path, unsupported=True)), "-o", str(out),
                 "--cut"]) == 0
    text = capsys.readouterr().out
    assert "cut after 'norm'" in text and "max abs diff" in text
    project = load_project(out)
    assert [project.graph.nodes[n].type_id for n in project.graph.topological_order()] == [
        "input", "conv2d", "batchnorm2d", "flatten", "output"]


def test_garbage_file_exit_2_one_sentence(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not an onnx model at all" * 10)
    assert main(["import", str(junk), "-o", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("netcanvas: 'junk.onnx'") and len(err.splitlines()) == 1
    assert not (tmp_path / "x.json").exists()
    assert main(["import", str(junk), "-o", str(tmp_path / "nowhere" / "x.json")]) == 2
    assert "does not exist" in capsys.readouterr().err
