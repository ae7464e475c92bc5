"""Trained weights stay with the project: train in the window, save, close, reopen, same
logits; File > Load Weights refuses mismatched, truncated and malicious files in one
sentence and changes nothing; edits mark weights stale (and undo restores them)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app.document import Document
from app.gui import create_main_window
from app.main_window import MainWindow
from app.panels.weights.binding import WeightsBinding
from engine.model import model_from_project
from engine.project import dumps
from engine.weights import save_weights
from tests.app.test_training_ui import tiny_project, write_tiny_npz

WAIT_MS = 30_000


@pytest.fixture
def window(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:  # noqa: ANN001
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    win = create_main_window()
    win.files.ask_save_changes = lambda: "discard"
    win.errors = []  # type: ignore[attr-defined]
    win.files.show_error = lambda title, text: win.errors.append(text)  # type: ignore[attr-defined]
    win.doc.replace_project(tiny_project(write_tiny_npz(tmp_path), epochs=1), None)
    yield win
    win.bindings["training"].shutdown()  # type: ignore[attr-defined]
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _logits(doc: Document) -> torch.Tensor:
    _, model = model_from_project(dumps(doc.project), doc.trained.fitting())
    with torch.no_grad():
        return model(torch.linspace(-1, 1, 64).reshape(1, 1, 8, 8))


def test_train_save_close_reopen_gives_the_same_logits(qtbot, window: MainWindow,
                                                       tmp_path: Path) -> None:
    doc = window.doc
    assert doc.trained.summary == "untrained" and doc.weights is None
    untrained = _logits(doc)
    with qtbot.waitSignal(doc.weightsChanged, timeout=WAIT_MS):
        window.actions["train"].trigger()
    qtbot.waitUntil(lambda: not window.bindings["training"].controller.is_running,
                    timeout=WAIT_MS)
    assert doc.trained.summary == "trained" and doc.dirty
    trained = _logits(doc)
    assert not torch.equal(trained, untrained)
    path = tmp_path / "tiny.json"
    assert window.files.save_to(path)
    assert (tmp_path / "tiny.weights.safetensors").is_file()
    assert '"weights"' in path.read_text()
    reopened = Document()
    reopened.open(path)
    assert reopened.weights_note == "" and reopened.trained.summary == "trained"
    assert torch.equal(_logits(reopened), trained)
    # A swapped weights file: the project opens untrained, with one sentence saying why.
    save_weights(tmp_path / "tiny.weights.safetensors",
                 {k: v * 0 for k, v in doc.weights.items()})
    assert window.files.open_path(path)
    assert doc.weights is None and doc.trained.summary == "untrained"
    assert len(window.errors) == 1 and "does not match this project" in window.errors[0]


def test_edit_marks_stale_and_undo_restores(qtbot, window: MainWindow) -> None:
    doc = window.doc
    _, model = model_from_project(dumps(doc.project))
    weights = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    doc.set_weights(weights, "test")
    assert doc.stale_weights == set() and doc.trained.state("fc1") == "trained"
    # Without bias fc1's weights still fit, but the layer was edited: stale; fc2 is kept.
    with qtbot.waitSignal(doc.weightsChanged):
        doc.set_params("fc1", {"bias": False})
    assert doc.stale_weights == {"fc1"} and doc.trained.state("fc2") == "trained"
    # More units: fc2's inputs no longer fit either.
    doc.set_params("fc1", {"units": 20})
    assert doc.stale_weights == {"fc1", "fc2"} and doc.trained.summary == "stale"
    assert "edited since training" in doc.trained.describe()
    assert doc.trained.fitting() is None
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.stale_weights == set() and doc.trained.summary == "trained"


class _Exploit:
    def __reduce__(self):  # noqa: ANN204 - pickle protocol
        import os

        return (os.system, ("touch /tmp/netcanvas-pwned-by-load",))


def test_load_weights_action_refuses_bad_files_and_takes_a_good_one(
        qtbot, window: MainWindow, tmp_path: Path) -> None:
    import os

    doc = window.doc
    b: WeightsBinding = window.bindings["weights"]  # type: ignore[assignment]
    assert window.actions["load_weights"] in window.menus["file"].actions()
    shown: list[str] = []
    b.show_error = shown.append  # type: ignore[method-assign]
    _, model = model_from_project(dumps(doc.project))
    good = {k: v.detach().numpy() + 0.5 for k, v in model.state_dict().items()}
    name, first = next(iter(good.items()))
    wrong = dict(good, **{name: np.zeros((first.shape[0] + 1, *first.shape[1:]), np.float32)})
    save_weights(tmp_path / "wrong.safetensors", wrong)
    (tmp_path / "cut.safetensors").write_bytes(
        (tmp_path / "wrong.safetensors").read_bytes()[:100])
    with open(tmp_path / "evil.pt", "wb") as f:
        pickle.dump({name: _Exploit()}, f, protocol=2)
    for bad in ("wrong.safetensors", "cut.safetensors", "evil.pt"):
        with qtbot.waitSignal(b.jobs.failed, timeout=WAIT_MS):
            b.load_path(tmp_path / bad)
        assert doc.weights is None and not doc.dirty
    assert not os.path.exists("/tmp/netcanvas-pwned-by-load")
    assert len(shown) == 3 and all("\n" not in s for s in shown)
    layer = name.rsplit(".", 1)[0]
    assert layer in shown[0] and "x".join(map(str, first.shape)) in shown[0]
    assert "damaged or truncated" in shown[1]
    save_weights(tmp_path / "good.safetensors", good)
    with qtbot.waitSignal(doc.weightsChanged, timeout=WAIT_MS):
        b.load_path(tmp_path / "good.safetensors")
    assert doc.trained.summary == "trained" and doc.trained.source == "good.safetensors"
    assert np.array_equal(doc.weights[name], good[name])


def test_a_failed_run_keeps_its_last_good_weights(qtbot, window: MainWindow) -> None:
    doc = window.doc
    # SGD at an absurd rate: the loss overflows within a few steps and the run fails.
    doc.set_project_records(training=dict(doc.project.training, optimizer="sgd", lr=1e30,
                                          epochs=5))
    failed: list[str] = []
    b = window.bindings["training"]  # type: ignore[attr-defined]
    b.controller.failed.connect(failed.append)
    window.actions["train"].trigger()
    qtbot.waitUntil(lambda: bool(failed), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not b.controller.is_running, timeout=WAIT_MS)
    assert doc.weights is not None and doc.trained.source == "training (until it failed)"
    assert all(np.isfinite(a).all() for a in doc.weights.values())
