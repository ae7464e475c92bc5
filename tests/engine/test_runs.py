"""Runs kept with a project: change summaries, records, persistence, --out folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.graph import chain
from engine.project import Project, dumps, parse_project
from engine.runs import RunError, add_run, describe_changes, make_run, next_number, run_from_folder


def project(units: int = 8, lr: float = 0.01, extra: bool = False) -> Project:
    layers = [("input", {"layout": "image", "channels": 1, "height": 8, "width": 8}),
              ("flatten", {}), ("linear", {"units": units}), ("relu", {})]
    if extra:
        layers.append(("dropout", {"p": 0.5}))
    layers += [("linear", {"units": 3}), ("output", {"classes": 3})]
    return Project(chain(layers), training={"lr": lr, "epochs": 2})


def test_change_summaries() -> None:
    a = project().to_dict()
    assert describe_changes(None, a) == "first run"
    assert describe_changes(a, project().to_dict()) == "no changes"
    assert describe_changes(a, project(units=16).to_dict()) == "fc1.units 8→16"
    assert describe_changes(a, project(lr=0.001).to_dict()) == "learning rate 0.01→0.001"
    both = describe_changes(a, project(units=4, extra=True).to_dict())
    assert "added drop1" in both and "fc1.units 8→4" in both


def test_records_persist_with_the_project() -> None:
    p = project()
    epochs = [{"epoch": 1, "train_loss": 1.0, "train_acc": 0.5, "val_loss": 1.1, "val_acc": 0.4},
              {"epoch": 2, "train_loss": 0.5, "train_acc": 0.7, "val_loss": float("nan"),
               "val_acc": 0.6}]
    first = make_run(p.to_dict(), None, epochs, next_number(p.runs))
    assert first["label"] == "Run 1" and first["val_acc"] == 0.6 and first["summary"] == "first run"
    assert first["epochs"][1]["val_loss"] is None  # NaN is not JSON
    p.runs = add_run(p.runs, first)
    changed = project(units=16)
    second = make_run(changed.to_dict(), first, epochs[:1], next_number(p.runs))
    assert second["number"] == 2 and second["summary"] == "fc1.units 8→16"
    p.runs = add_run(p.runs, second)
    again = parse_project(dumps(p))
    assert [r["label"] for r in again.runs] == ["Run 1", "Run 2"]
    assert again.runs[1]["epochs"][0]["val_acc"] == 0.4
    assert "runs" not in project().to_dict()  # optional: files without runs are unchanged
    damaged = json.loads(dumps(p))
    damaged["runs"] = [1, {"label": "ok"}]
    assert parse_project(json.dumps(damaged)).runs == [{"label": "ok"}]


def test_out_folder_opens_as_a_run(tmp_path: Path) -> None:
    from app.cli import main
    from tests.engine.test_headless import tiny_npz, tiny_project

    path, data = tiny_project(tmp_path / "tiny.json"), tiny_npz(tmp_path / "tiny.npz")
    out = tmp_path / "out"
    assert main(["train", str(path), "--data", str(data), "--out", str(out), "--threads", "1"]) == 0
    run = run_from_folder(out, 3)
    metrics = json.loads((out / "metrics.json").read_text())
    assert run["label"] == "Run 3 (out)" and len(run["epochs"]) == 1
    assert run["val_acc"] == metrics["history"][0]["val_acc"]
    assert run["test_acc"] == metrics["test"]["accuracy"] and run["settings"]["epochs"] == 1
    with pytest.raises(RunError, match="has no metrics.json"):
        run_from_folder(tmp_path, 1)
