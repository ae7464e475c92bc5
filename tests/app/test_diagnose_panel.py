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


def test_a_completed_run_is_evaluated_and_kept(qtbot, window: MainWindow) -> None:
    d = diagnose(window)
    window.actions["train"].trigger()
    qtbot.waitUntil(lambda: d._result is not None, timeout=WAIT_MS)
    result = d._result
    assert sum(map(sum, result["confusion_matrix"])) == result["count"] == len(result["true"])
    assert f"{100 * result['accuracy']:.2f}%" in d.evaluation.summary.text()
    assert d.evaluation.table.rowCount() == len(result["class_names"])
    # The run is kept with the project, with its test accuracy and what changed.
    runs = window.doc.project.runs
    assert len(runs) == 1 and runs[0]["summary"] == "first run"
    assert runs[0]["test_acc"] == pytest.approx(result["accuracy"]) and len(runs[0]["epochs"]) == 25
    assert d.runs_view.table.rowCount() == 1
    d.open_run_folder(str(window.doc.project.data["source"]["path"]))  # a file, not a run folder
    assert window.doc.project.runs == runs


def test_a_run_is_diagnosed_live(qtbot, window: MainWindow) -> None:
    d = diagnose(window)
    d.recorder.base_ms.update(gradient_flow=20, histograms=50)
    opened: list[tuple[int, str]] = []
    d.openSample.connect(lambda i, s: opened.append((i, s)))
    window.doc.set_project_records(training=dict(window.doc.project.training, epochs=100_000))
    window.actions["train"].trigger()
    # The probes come back through the controller: a strip row per answered request.
    qtbot.waitUntil(lambda: len(d.gradients.strip.rows) >= 3 and d.recorder.snapshots
                    and any(s["filters"] or s["maps"] for s in d.recorder.timeline),
                    timeout=WAIT_MS)
    window.actions["stop"].trigger()
    controller = window.bindings["training"].controller  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not controller.is_running, timeout=WAIT_MS)
    assert d.gradients.strip.layers == d._gradient_layers == ["fc1", "fc2"]
    assert all(v > 0 for v in d.gradients.strip.rows[-1])
    assert d.gradients.layer_box.count() >= 2 and d.gradients.slider.maximum() >= 0
    assert d.timeline.slider.maximum() == len(d.recorder.kept_timeline()) - 1
    assert window.doc.project.runs[-1]["status"] == "stopped"
    # Evaluated on demand; a confusion cell opens its images; a click opens the sample.
    d.evaluation.evaluate_button.click()
    qtbot.waitUntil(lambda: d._result is not None and d._eval_job == 0, timeout=WAIT_MS)
    result = d._result
    i, j = np.unravel_index(np.argmax(result["confusion_matrix"]), (3, 3))
    d.evaluation.confusion.cellClicked.emit(int(i), int(j))
    cell = d.evaluation.cell
    assert cell.grid.count() == min(64, result["confusion_matrix"][i][j])
    assert all(result["true"][k] == i and result["predicted"][k] == j for k in cell.indices)
    cell.grid.imageClicked.emit(0)
    assert opened == [(cell.indices[0], "test")]


def test_gradients_that_come_before_the_views_are_built_are_shown(qtbot, window: MainWindow) -> None:
    d = diagnose(window)
    # The views are built a plot per event-loop turn (widgets/staged.py); no turn ran yet.
    assert d.gradients is None
    d._on_gradients(10, ["fc1", "fc2"], [1e-6, 1.0])
    d._on_gradients(20, ["fc1", "fc2"], [2e-6, 1.0])
    d.ensure_views()
    assert d.gradients.strip.layers == ["fc1", "fc2"]
    assert [list(r) for r in d.gradients.strip.rows] == [[1e-6, 1.0], [2e-6, 1.0]]
    assert d.gradients.warning.text()  # six orders of magnitude: the vanishing warning
