"""The exported training script: runs with plain python and under torchrun (2 processes,
gloo), writes metrics that NetCanvas reads back and weights that load into the project's
model; in one process it trains exactly as NetCanvas's own trainer does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.analysis import analyse
from engine.export.run_metrics import read_metrics_lines, weights_file
from engine.export.train_script import script_source
from engine.templates import load_template

BATCH = 32


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """train.py for LeNet-5 and a small NPZ cut from the bundled set, alone in a folder."""
    folder = tmp_path_factory.mktemp("train_script")
    data = np.load(Path(__file__).parents[2] / "resources/data/fashion-mnist-mini.npz")
    np.savez(folder / "small.npz", x_train=data["x_train"][:300], y_train=data["y_train"][:300],
             x_test=data["x_test"][:100], y_test=data["y_test"][:100])
    project = load_template("lenet5")
    (folder / "train.py").write_text(script_source(project, analyse(project.graph)))
    return folder


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["OMP_NUM_THREADS"] = "1"
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def _load_back(out: Path) -> tuple[dict, dict]:
    from engine.model import model_from_project
    from engine.project import dumps
    from engine.weights import read_weights

    run = read_metrics_lines(out)
    weights = read_weights(weights_file(out))
    model_from_project(dumps(load_template("lenet5")), weights)  # they fit the project's model
    return run, weights


def test_script_is_ruff_clean(workspace: Path) -> None:
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run([str(ruff), "check", "--isolated", "--line-length", "100", "--select",
                           "E,F,W,I,B,UP", str(workspace / "train.py")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_plain_python_trains_like_netcanvas(workspace: Path) -> None:
    """`python -I train.py` (which cannot see NetCanvas) gives the weights NetCanvas's
    Trainer gives on the same data, settings and seed."""
    _run([sys.executable, "-I", "train.py", "--data", "small.npz", "--epochs", "1",
          "--batch-size", str(BATCH), "--out", "plain"], workspace)
    run, weights = _load_back(workspace / "plain")
    assert run["start"]["world_size"] == 1
    assert len(run["steps"]) == run["end"]["step"] == -(-270 // BATCH)  # 300 - 10% validation
    assert run["epochs"][0]["val_acc"] is not None

    from engine.data import DataSource, load_dataset
    from engine.model import model_weights
    from engine.training.session import make_trainer, prepare_run

    project = load_template("lenet5")
    dataset = load_dataset(DataSource("npz", str(workspace / "small.npz")))
    setup = prepare_run(project, dataset, {"epochs": 1, "batch_size": BATCH})
    for _ in make_trainer(setup).run():
        pass
    expected = model_weights(setup.model)
    assert expected.keys() == weights.keys()
    for name in expected:
        np.testing.assert_allclose(weights[name], expected[name], atol=1e-5, err_msg=name)


@pytest.mark.slow
def test_torchrun_two_processes(workspace: Path) -> None:
    torchrun = Path(sys.executable).with_name("torchrun")
    _run([str(torchrun), "--standalone", "--nproc_per_node=2", "train.py", "--data", "small.npz",
          "--epochs", "2", "--max-steps", "6", "--batch-size", str(BATCH), "--out", "ddp"],
         workspace)
    run, weights = _load_back(workspace / "ddp")
    assert run["start"]["world_size"] == 2
    assert [s["step"] for s in run["steps"]] == list(range(1, 7))  # one writer: rank 0
    assert run["end"]["step"] == 6 and 0.0 <= run["end"]["test_accuracy"] <= 1.0
    assert all(np.isfinite(w).all() for w in weights.values())
