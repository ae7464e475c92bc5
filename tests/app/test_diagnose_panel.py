"""The Diagnose panel in the real main window: a run records gradient flow and
histograms through the controller's probes, and is evaluated when it completes;
confusion cells open their images; evaluating without weights says why."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app.gui import create_main_window
from app.main_window import MainWindow
from app.panels.diagnose.binding import NO_WEIGHTS, DiagnoseBinding
from tests.app.test_training_controller import write_tiny_npz
from tests.app.test_training_ui import tiny_project

WAIT_MS = 120_000  # a loaded 2-core machine needs time for the first torch import


@pytest.fixture
def window(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:  # noqa: ANN001
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    win = create_main_window()
    win.files.ask_save_changes = lambda: "discard"
    win.files.show_error = lambda title, text: None
    win.doc.replace_project(tiny_project(write_tiny_npz(tmp_path), epochs=25), None)
    win.resize(1400, 900)
    win.show()
    yield win
    win.bindings["training"].shutdown()  # type: ignore[attr-defined]
    diagnose(win).jobs.wait(10)
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def diagnose(win: MainWindow) -> DiagnoseBinding:
    return win.bindings["diagnose"]  # type: ignore[return-value]


def test_evaluate_without_weights_says_why(qtbot, window: MainWindow) -> None:
    d = diagnose(window)
    window.actions["evaluate"].trigger()
    assert d.dock.isVisible() and d.tabs.currentWidget() is d.evaluation
    assert NO_WEIGHTS in d.evaluation.summary.text()


def test_a_run_is_diagnosed_and_evaluated(qtbot, window: MainWindow) -> None:
    d = diagnose(window)
    d.recorder._gradient_timer.setInterval(20)  # a tiny run lasts about a second
    d.recorder._histogram_timer.setInterval(50)
    opened: list[tuple[int, str]] = []
    d.openSample.connect(lambda i, s: opened.append((i, s)))
    window.actions["train"].trigger()
    qtbot.waitUntil(lambda: d._result is not None, timeout=WAIT_MS)
    result = d._result
    assert sum(map(sum, result["confusion_matrix"])) == result["count"] == len(result["true"])
    assert f"{100 * result['accuracy']:.2f}%" in d.evaluation.summary.text()
    assert d.evaluation.table.rowCount() == len(result["class_names"])
    # The probes came back through the controller: a strip row per answered request.
    assert d.gradients.strip.rows and d.gradients.strip.layers == d._gradient_layers
    assert all(v >= 0 for v in d.gradients.strip.rows[-1])
    assert d.recorder.snapshots and d.recorder.latest_weights is not None
    # A confusion cell opens its images, most confident first; a click opens the sample.
    i, j = np.unravel_index(np.argmax(result["confusion_matrix"]), (3, 3))
    d.evaluation.confusion.cellClicked.emit(int(i), int(j))
    cell = d.evaluation.cell
    assert cell.grid.count() == min(64, result["confusion_matrix"][i][j])
    assert all(result["true"][k] == i and result["predicted"][k] == j for k in cell.indices)
    cell.grid.imageClicked.emit(0)
    assert opened == [(cell.indices[0], "test")]
    # The run is kept with the project, with its test accuracy and what changed.
    runs = window.doc.project.runs
    assert len(runs) == 1 and runs[0]["summary"] == "first run"
    assert runs[0]["test_acc"] == pytest.approx(result["accuracy"]) and len(runs[0]["epochs"]) == 25
    assert d.runs_view.table.rowCount() == 1
    d.open_run_folder(str(window.doc.project.data["source"]["path"]))  # a file, not a run folder
    assert window.doc.project.runs == runs
    # On demand too, on another split.
    d.evaluation.split_box.setCurrentIndex(1)
    d.evaluation.evaluate_button.click()
    qtbot.waitUntil(lambda: d._eval_job == 0 and d._result["split"] == "val", timeout=WAIT_MS)
