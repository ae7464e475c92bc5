"""Evaluation: confusion matrix and P/R/F1 against a hand computation; the evaluate() job
against a plain torch loop; `netcanvas evaluate` and metrics.json's confusion matrix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from app.cli import main
from engine.inspect.evaluate import EvaluationError, evaluate, json_report
from engine.project import dumps, load_project
from engine.training.metrics import (
    cell_members,
    classification_report,
    confident_mistakes,
    confusion_matrix,
    precision_recall_f1,
    row_normalised,
)
from tests.engine.test_headless import tiny_npz, tiny_project

# Hand-made case: 3 classes, 8 images.
TRUE = np.array([0, 0, 0, 1, 1, 2, 2, 2])
PRED = np.array([0, 1, 0, 1, 1, 0, 2, 1])


def test_confusion_matrix_by_hand() -> None:
    cm = confusion_matrix(TRUE, PRED, 3)
    # rows true, columns predicted: class 0 -> (0,0,1 right), 2 -> (0, 2, 1)
    assert cm.tolist() == [[2, 1, 0], [0, 2, 0], [1, 1, 1]]
    assert row_normalised(cm)[2].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert row_normalised(np.zeros((2, 2), int)).tolist() == [[0, 0], [0, 0]]


def test_precision_recall_f1_by_hand() -> None:
    precision, recall, f1 = precision_recall_f1(confusion_matrix(TRUE, PRED, 3))
    # class 0: predicted 3 times, 2 right; 3 true, 2 found.
    # class 1: predicted 4 times, 2 right; 2 true, both found.
    # class 2: predicted once, right; 3 true, 1 found.
    assert precision.tolist() == pytest.approx([2 / 3, 2 / 4, 1 / 1])
    assert recall.tolist() == pytest.approx([2 / 3, 2 / 2, 1 / 3])
    assert f1.tolist() == pytest.approx([2 / 3, 2 * 0.5 * 1 / 1.5, 2 * (1 / 3) / (4 / 3)])
    report = classification_report(TRUE, PRED, 3, ["a", "b", "c"])
    assert report["accuracy"] == pytest.approx(5 / 8) and report["count"] == 8
    assert report["per_class"][1] == {"class": "b", "precision": 0.5, "recall": 1.0,
                                      "f1": pytest.approx(2 / 3), "support": 2}


def test_a_class_never_predicted_has_zero_precision_not_nan() -> None:
    precision, recall, f1 = precision_recall_f1(confusion_matrix([0, 1, 1], [0, 0, 0], 2))
    assert precision.tolist() == [pytest.approx(1 / 3), 0.0]
    assert recall.tolist() == [1.0, 0.0] and f1[1] == 0.0


def test_mistakes_and_cells_are_ordered_by_confidence() -> None:
    confidence = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.95, 0.4, 0.99])
    assert confident_mistakes(TRUE, PRED, confidence).tolist() == [7, 5, 1]
    assert confident_mistakes(TRUE, PRED, confidence, limit=1).tolist() == [7]
    assert cell_members(TRUE, PRED, confidence, 0, 0).tolist() == [0, 2]
    assert cell_members(TRUE, PRED, confidence, 2, 1).tolist() == [7]


def test_bad_inputs_are_one_sentence() -> None:
    with pytest.raises(ValueError, match="outside the 3 classes"):
        confusion_matrix([0, 3], [0, 1], 3)
    with pytest.raises(ValueError, match="2 labels but 1 predictions"):
        confusion_matrix([0, 1], [0], 3)


@pytest.fixture
def trained(tmp_path: Path) -> tuple[Path, Path, Path]:
    project, data = tiny_project(tmp_path / "tiny.json"), tiny_npz(tmp_path / "tiny.npz")
    out = tmp_path / "run"
    assert main(["train", str(project), "--data", str(data), "--out", str(out),
                 "--threads", "1"]) == 0
    return project, data, out


def test_evaluate_matches_a_plain_torch_loop_and_metrics_json(trained) -> None:  # noqa: ANN001
    project_path, data, out = trained
    from engine.data import detect_source, load_dataset, prepare
    from engine.model import load_weights_into
    from engine.training.session import preprocessing, seeded_model
    from engine.weights import read_weights

    project = load_project(project_path)
    weights = dict(read_weights(out / "checkpoint.pt"))
    progress: list[float] = []
    result = evaluate(dumps(project), weights, "test", str(data),
                      progress=lambda f, _t: progress.append(f), with_images=True)
    # The same numbers by hand: prepare every split, one forward pass.
    prepared = prepare(load_dataset(detect_source(str(data))), preprocessing(project))
    model = seeded_model(project)
    load_weights_into(model, weights)
    model.eval()
    with torch.no_grad():
        scores = model(prepared.x_test)
    predicted = scores.argmax(1).numpy()
    labels = prepared.y_test.numpy()
    assert result["predicted"].tolist() == predicted.tolist()
    assert result["accuracy"] == pytest.approx(float((predicted == labels).mean()))
    assert result["loss"] == pytest.approx(float(torch.nn.functional.cross_entropy(
        scores, prepared.y_test)), rel=1e-5)
    assert result["confusion_matrix"] == confusion_matrix(labels, predicted, 3).tolist()
    assert result["images"].shape == (30, 1, 8, 8) and result["images"].dtype == np.uint8
    assert progress[0] == 0.0 and progress[-1] == 1.0
    assert all(not isinstance(v, np.ndarray) for v in json_report(result).values())
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["confusion_matrix"] == result["confusion_matrix"]
    assert metrics["test"]["accuracy"] == pytest.approx(result["accuracy"])


def test_evaluate_cli(trained, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    project, data, out = trained
    assert main(["evaluate", str(project), "--weights", str(out), "--data", str(data),
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert 0 <= report["accuracy"] <= 1 and len(report["confusion_matrix"]) == 3
    assert sum(map(sum, report["confusion_matrix"])) == 30
    assert main(["evaluate", str(project), "--weights", str(out / "checkpoint.pt"),
                 "--data", str(data)]) == 0
    text = capsys.readouterr().out
    assert "accuracy" in text and "confusion matrix" in text and "precision" in text


def test_evaluate_bad_inputs_exit_2(trained, tmp_path: Path,  # noqa: ANN001
                                    capsys: pytest.CaptureFixture[str]) -> None:
    project, data, out = trained
    assert main(["evaluate", str(project), "--weights", str(tmp_path / "nope.pt")]) == 2
    assert capsys.readouterr().err.startswith("netcanvas: ")
    assert main(["evaluate", str(project), "--weights", str(out), "--data",
                 str(tmp_path / "missing.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netcanvas: ") and "Traceback" not in err
    with pytest.raises(EvaluationError, match="Unknown split"):
        evaluate(dumps(load_project(project)), None, "holdout", str(data))
