"""`netcanvas train`: outputs, resume, exit codes, Ctrl+C. Tiny project and data, no Qt."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from app import headless
from app.cli import main
from engine.graph import chain
from engine.project import Project, save_project

CLASSES = 3


def tiny_project(path: Path, classes: int = CLASSES, epochs: int = 1, data: dict | None = None
                 ) -> Path:
    graph = chain([
        ("input", {"layout": "image", "channels": 1, "height": 8, "width": 8}),
        ("conv2d", {"out_channels": 4, "kernel": [3, 3], "padding": "same"}),
        ("relu", {}),
        ("maxpool2d", {}),
        ("flatten", {}),
        ("dropout", {"p": 0.3}),  # so the resumed run must restore the RNG stream too
        ("linear", {"units": classes}),
        ("output", {"classes": classes}),
    ])
    project = Project(graph, name="Tiny", data=data or {},
                      training={"epochs": epochs, "batch_size": 16, "lr": 0.01})
    save_project(project, path)
    return path


def tiny_npz(path: Path, n_train: int = 90, n_test: int = 30) -> Path:
    rng = np.random.default_rng(0)
    y_train, y_test = np.arange(n_train) % CLASSES, np.arange(n_test) % CLASSES
    # Class k is brighter in row block k: learnable in one epoch.
    def images(labels: np.ndarray) -> np.ndarray:
        x = rng.integers(0, 60, (len(labels), 8, 8)).astype(np.uint8)
        for i, k in enumerate(labels):
            x[i, k * 2:k * 2 + 3] += 150
        return x
    np.savez(path, x_train=images(y_train), y_train=y_train, x_test=images(y_test), y_test=y_test,
             class_names=np.array(["a", "b", "c"]))
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tiny_project(tmp_path / "tiny.json"), tiny_npz(tmp_path / "tiny.npz")


def train(*args: str | Path) -> int:
    return main(["train", *(str(a) for a in args)])


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as stream:
        return list(csv.DictReader(stream))


def test_train_writes_all_outputs(files: tuple[Path, Path], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    project, data = files
    out = tmp_path / "run"
    assert train(project, "--data", data, "--out", out, "--threads", "1") == 0
    assert {p.name for p in out.iterdir()} >= {"checkpoint.pt", "metrics.json", "metrics.csv",
                                               "project.json"}
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["status"] == "completed"
    assert metrics["settings"]["epochs"] == 1 and metrics["settings"]["threads"] == 1
    assert len(metrics["history"]) == 1 and metrics["history"][0]["val_acc"] is not None
    assert 0.0 <= metrics["test"]["accuracy"] <= 1.0 and metrics["wall_time_s"] > 0
    assert metrics["data"]["test"] == 30 and metrics["data"]["source"]["kind"] == "npz"
    rows = read_csv(out / "metrics.csv")
    assert list(rows[0]) == ["epoch", "step", "train_loss", "train_acc", "val_loss", "val_acc",
                             "lr", "elapsed_s"]
    assert rows[0]["epoch"] == "1" and rows[0]["step"] == "6" and float(rows[0]["lr"]) == 0.01
    assert float(rows[0]["elapsed_s"]) > 0
    copy = json.loads((out / "project.json").read_text())
    assert copy["data"]["source"]["kind"] == "npz" and copy["training"]["threads"] == 1
    printed = capsys.readouterr().out
    assert "epoch 1/1" in printed and "val acc" in printed and "test accuracy" in printed


def test_resume_matches_an_uninterrupted_run(files: tuple[Path, Path], tmp_path: Path) -> None:
    project, data = files
    assert train(project, "--data", data, "--out", tmp_path / "full", "--epochs", "2") == 0
    assert train(project, "--data", data, "--out", tmp_path / "first", "--epochs", "1") == 0
    assert train(project, "--data", data, "--out", tmp_path / "resumed", "--epochs", "2",
                 "--resume", tmp_path / "first" / "checkpoint.pt") == 0
    full = torch.load(tmp_path / "full" / "checkpoint.pt", weights_only=True)["model_state"]
    resumed = torch.load(tmp_path / "resumed" / "checkpoint.pt", weights_only=True)["model_state"]
    assert full.keys() == resumed.keys()
    for key in full:
        assert torch.equal(full[key], resumed[key]), key
    rows = read_csv(tmp_path / "resumed" / "metrics.csv")
    full_rows = read_csv(tmp_path / "full" / "metrics.csv")
    assert [r["epoch"] for r in rows] == ["1", "2"]
    for row, full_row in zip(rows, full_rows, strict=True):
        for key in ("step", "train_loss", "train_acc", "val_loss", "val_acc", "lr"):
            assert row[key] == full_row[key], key
    # The first epoch's time comes from the earlier run's metrics.json.
    assert rows[0]["elapsed_s"] != ""


def test_unreadable_project_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert train(bad, "--out", tmp_path / "o") == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert train(tmp_path / "missing.json") == 2


def test_bad_data_exits_2(files: tuple[Path, Path], tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    project, _ = files
    (tmp_path / "junk").mkdir()
    assert train(project, "--data", tmp_path / "junk", "--out", tmp_path / "o") == 2
    assert "subfolder of images per class" in capsys.readouterr().err
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip")
    assert train(project, "--data", broken, "--out", tmp_path / "o") == 2
    assert "broken.npz" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_bad_option_and_bad_checkpoint_exit_2(files: tuple[Path, Path], tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    project, data = files
    assert train(project, "--data", data, "--epochs", "0") == 2
    assert "epochs" in capsys.readouterr().err
    (tmp_path / "fake.pt").write_bytes(b"junk")
    assert train(project, "--data", data, "--resume", tmp_path / "fake.pt") == 2
    assert "checkpoint" in capsys.readouterr().err


def test_graph_errors_exit_1_naming_the_node(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    project = tiny_project(tmp_path / "wrong.json", classes=5)  # the data has 3 classes
    data = tiny_npz(tmp_path / "tiny.npz")
    assert train(project, "--data", data, "--out", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "Output 'output1'" in err and "3 classes" in err


def test_project_source_is_used_without_data_option(tmp_path: Path) -> None:
    data = tiny_npz(tmp_path / "tiny.npz")
    project = tiny_project(tmp_path / "p.json", data={
        "source": {"kind": "npz", "path": str(data)},
        "preprocessing": {"mode": "scale", "val_fraction": 0.0}})
    assert train(project, "--out", tmp_path / "o") == 0
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert metrics["data"]["val"] == 0 and metrics["history"][0]["val_loss"] is None


def test_failed_run_still_writes_outputs(files: tuple[Path, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    project, data = files
    assert train(project, "--data", data, "--out", tmp_path / "o", "--lr", "1e30") == 1
    assert "Training failed" in capsys.readouterr().err
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert metrics["status"] == "failed" and metrics["message"]
    assert (tmp_path / "o" / "checkpoint.pt").is_file()


def test_ctrl_c_stops_cleanly_and_writes_outputs(files: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    project, data = files
    original = headless.ProgressPrinter.batch

    def interrupt_at_step_2(self: headless.ProgressPrinter, event: object) -> None:
        original(self, event)
        if event.step == 2:  # type: ignore[attr-defined]
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(headless.ProgressPrinter, "batch", interrupt_at_step_2)
    handler_before = signal.getsignal(signal.SIGINT)
    assert train(project, "--data", data, "--out", tmp_path / "o", "--epochs", "3") == 130
    assert signal.getsignal(signal.SIGINT) is handler_before
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert metrics["status"] == "stopped" and metrics["final"]["steps"] == 2
    assert (tmp_path / "o" / "checkpoint.pt").is_file()


def test_progress_line_on_a_terminal() -> None:
    from engine.training.events import BatchEnd, EpochEnd

    stream = io.StringIO()
    printer = headless.ProgressPrinter(stream, epochs=2, interactive=True)
    printer.batch(BatchEnd(1, 3, 10, 0.5, 0.5, 0.0, 0.8, 0.01, 1234.0, 1.0, 65.0))
    printer.epoch(EpochEnd(1, 5, 0.4, 0.85, 0.45, 0.83), 2.0)
    text = stream.getvalue()
    assert text.startswith("\repoch 1/2  step 3/10  loss 0.5000  1,234 samples/s  ETA 1:05")
    assert text.endswith("val acc 0.8300  1,234 samples/s  0:02\n")


def test_headless_does_not_import_qt() -> None:
    # In a subprocess: other tests in this session may have imported Qt already.
    import subprocess

    code = ("import sys, app.headless; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2]).returncode == 0
