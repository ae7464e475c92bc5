"""Training in the real main window: actions, progress, plots, stale banner, settings, close.

The project trains on a tiny .npz (8x8 grey images, 3 classes) written to tmp_path, so the
dataset panel and the training worker both load it in milliseconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from app.gui import create_main_window
from app.main_window import MainWindow
from app.panels.training.binding import TrainingBinding, editor_threads
from app.panels.training.controller import _LIVE
from engine.project import Project
from tests.app.test_training_controller import tiny_dataset, tiny_graph, write_tiny_npz
from widgets.train_settings_panel import TrainSettingsPanel

WAIT_MS = 120_000  # a cold engine worker imports torch first; only reached when broken


def tiny_project(npz: Path, epochs: int = 2, **training: object) -> Project:
    record = {"optimizer": "adam", "lr": 0.01, "batch_size": 16, "epochs": epochs, "threads": 1}
    record.update(training)
    return Project(tiny_graph(), name="Tiny", training=record,
                   data={"source": {"kind": "npz", "path": str(npz)}})


@pytest.fixture
def window(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:  # noqa: ANN001
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    win = create_main_window()
    win.files.ask_save_changes = lambda: "discard"
    win.files.show_error = lambda title, text: None
    win.doc.replace_project(tiny_project(write_tiny_npz(tmp_path)), None)
    win.resize(1200, 800)
    win.show()
    yield win
    binding(win).shutdown()
    win.files.ask_save_changes = lambda: "discard"
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not _LIVE


def binding(win: MainWindow) -> TrainingBinding:
    return win.bindings["training"]  # type: ignore[attr-defined]


def steps_seen(b: TrainingBinding) -> int:
    return b.plots.steps.size if b.plots is not None else 0


def curve_length(curve) -> int:  # noqa: ANN001
    x = curve.getOriginalDataset()[0]
    return 0 if x is None else len(x)


def start_long_run(qtbot, win: MainWindow) -> TrainingBinding:  # noqa: ANN001
    b = binding(win)
    win.doc.set_project_records(training=dict(win.doc.project.training, epochs=10_000))
    win.actions["train"].trigger()
    qtbot.waitUntil(lambda: steps_seen(b) >= 3, timeout=WAIT_MS)
    return b


def test_train_shows_progress_and_fills_the_plots(qtbot, window: MainWindow) -> None:
    b = binding(window)
    train, pause, stop = (window.actions[k] for k in ("train", "pause", "stop"))
    assert train.isEnabled() and not pause.isEnabled() and not stop.isEnabled()
    texts: list[str] = []
    b.controller.progress.connect(lambda _e: texts.append(b.progress.bar.toolTip()))  # the full line
    train.trigger()
    assert b.progress.status_text() == "Preparing data…"
    assert not train.isEnabled() and stop.isEnabled()
    assert "already running" in train.toolTip()
    qtbot.waitUntil(lambda: not b.controller.is_running, timeout=WAIT_MS)
    assert b.progress.status_text().startswith("Finished: val acc ")
    assert texts and texts[0].startswith("Epoch 1/2 · step ")
    assert "samples/s · ETA " in texts[0]
    total = b.controller.step
    qtbot.waitUntil(lambda: curve_length(b.plots.loss_raw) == total, timeout=5000)
    assert curve_length(b.plots.val_acc) == 2 and curve_length(b.plots.lr_curve) == total
    assert b.progress.bar.value() == b.progress.bar.maximum()
    assert "Finished" in window.statusBar().currentMessage()
    assert train.isEnabled() and not pause.isEnabled() and not stop.isEnabled()


def test_pause_resume_and_stop_from_the_actions(qtbot, window: MainWindow) -> None:
    b = start_long_run(qtbot, window)
    pause = window.actions["pause"]
    pause.trigger()
    qtbot.waitUntil(lambda: b.progress.status_text() == "Paused", timeout=WAIT_MS)
    assert pause.text() == "&Resume" and "Resume training" in pause.toolTip()
    held = steps_seen(b)
    qtbot.wait(300)
    assert steps_seen(b) == held
    pause.trigger()  # F6 again: resume
    qtbot.waitUntil(lambda: steps_seen(b) > held + 2, timeout=WAIT_MS)
    assert b.progress.status_text() == "Training" and pause.text() == "&Pause"
    with qtbot.waitSignal(b.controller.finished, timeout=WAIT_MS) as blocker:
        window.actions["stop"].trigger()
    assert blocker.args[0].reason == "stopped"
    qtbot.waitUntil(lambda: not b.controller.is_running, timeout=WAIT_MS)
    assert b.progress.status_text() == "Stopped"
    assert window.actions["train"].isEnabled()


def test_a_failing_run_shows_its_sentence(qtbot, window: MainWindow) -> None:
    b = binding(window)
    window.doc.set_project_records(training=dict(window.doc.project.training, lr=-1.0))
    assert b.settings_panel.error.isVisibleTo(b.settings_panel)  # the form says so first
    with qtbot.waitSignal(b.controller.failed, timeout=WAIT_MS):
        window.actions["train"].trigger()
    assert b.progress.status_text() == "Failed"
    assert b.progress.message.isVisibleTo(b.progress)
    assert b.progress.message.text().startswith("Failed: Training settings: Setting 'lr'")
    assert "Training failed: Training settings" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not b.controller.is_running, timeout=WAIT_MS)
    assert window.actions["train"].isEnabled()


def test_train_is_disabled_with_the_reason_while_the_network_has_errors(
        qtbot, window: MainWindow) -> None:
    b = binding(window)
    window.doc.set_params("fc2", {"units": 5})  # the output expects 3 scores
    train = window.actions["train"]
    assert not train.isEnabled()
    assert train.toolTip().startswith("Cannot train yet: Output 'output1' expects 3 class scores")
    b.train()  # e.g. from a stale shortcut: refused with the same reason, nothing runs
    assert not b.controller.is_running
    assert "Cannot train yet" in window.statusBar().currentMessage()
    window.doc.undo_stack.undo()
    assert train.isEnabled()


def test_the_training_bar_says_why_train_is_disabled(qtbot, window: MainWindow) -> None:
    """#12 item 13: the bar gives the reason instead of "Press Train (F5)"."""
    b = binding(window)
    bar = b.progress.bar
    assert "Press Train (F5)" in bar.toolTip()
    window.doc.set_params("fc2", {"units": 5})
    assert bar.toolTip().startswith("Cannot train yet: Output 'output1' expects 3 class scores")
    assert "Press Train" not in bar.format()
    window.doc.undo_stack.undo()
    assert "Press Train (F5)" in bar.toolTip()


def test_editing_the_network_mid_run_shows_the_stale_banner(qtbot, window: MainWindow) -> None:
    b = start_long_run(qtbot, window)
    banner = b.progress.stale
    window.doc.move_nodes({"fc1": ((0.0, 180.0), (50.0, 180.0))})
    assert banner.isHidden()  # moving a layer changes nothing that trains
    window.doc.set_params("fc1", {"units": 8})
    assert not banner.isHidden()
    assert banner.text().startswith("The network changed after this run started")
    window.doc.undo_stack.undo()  # back to what is training
    assert banner.isHidden()
    window.doc.set_params("fc1", {"units": 8})
    b.stop()
    qtbot.waitUntil(lambda: not b.controller.is_running, timeout=WAIT_MS)
    assert not banner.isHidden() and "Train again" in banner.text()
    window.actions["train"].trigger()  # a new run trains the new network
    assert banner.isHidden()


def test_settings_panel_edits_the_project_record(qtbot, window: MainWindow, tmp_path: Path) -> None:
    b = binding(window)
    panel = b.settings_panel
    assert panel.editors["epochs"].value() == 2
    panel.editors["epochs"].setValue(7)
    assert window.doc.project.training["epochs"] == 7 and window.doc.dirty
    panel.editors["optimizer"].setCurrentIndex(panel.editors["optimizer"].findData("sgd"))
    assert window.doc.project.training["optimizer"] == "sgd"
    assert panel.editors["momentum"].isEnabled()
    window.doc.replace_project(tiny_project(write_tiny_npz(tmp_path), epochs=3, l2=1e-4), None)
    assert panel.editors["epochs"].value() == 3 and panel.editors["l2"].text() == "0.0001"
    assert not panel.editors["momentum"].isEnabled()  # Adam ignores momentum
    action = window.actions["train_settings"]
    assert action in window.menus["train"].actions()
    b.settings_dock.hide()
    action.trigger()
    assert b.settings_dock.isVisible()


def test_closing_the_window_mid_run_stops_cleanly(qtbot, window: MainWindow) -> None:
    b = start_long_run(qtbot, window)
    window.doc.set_project_records(training=dict(window.doc.project.training))  # now dirty
    window.files.ask_save_changes = lambda: "cancel"
    assert not window.close()  # the user kept the window: training goes on
    assert b.controller.is_running and b.controller.state == "training"
    window.files.ask_save_changes = lambda: "discard"
    assert window.close()
    assert not b.controller.is_running and not _LIVE  # joined before close() returned


def test_auto_threads_are_the_command_lines_default(window: MainWindow) -> None:
    b = binding(window)
    assert b._overrides() == {}  # the tiny project asks for 1 thread itself
    window.doc.set_project_records(training=dict(window.doc.project.training, threads=0))
    assert b._overrides() == {"threads": editor_threads()}
    assert editor_threads() >= 1


def test_data_in_memory_is_used_only_when_it_is_the_projects(window: MainWindow) -> None:
    b = binding(window)
    other = tiny_dataset()  # its source is a different .npz path
    b.dataset_provider = lambda: other
    assert b._provided_dataset() is None
    path = window.doc.project.data["source"]["path"]
    same = tiny_dataset()
    same.source = type(same.source)("npz", path)
    b.dataset_provider = lambda: same
    assert b._provided_dataset() is same


def test_learning_rate_box_types_and_steps_in_decades(qtbot) -> None:  # noqa: ANN001
    panel = TrainSettingsPanel()
    qtbot.addWidget(panel)
    panel.show()
    records: list[dict] = []
    panel.settingsChanged.connect(records.append)
    lr = panel.editors["lr"]
    lr.setFocus()
    lr.selectAll()
    qtbot.keyClicks(lr, "3e-4")
    qtbot.keyClick(lr, Qt.Key.Key_Return)
    assert lr.value() == 3e-4 and records[-1]["lr"] == 3e-4
    lr.selectAll()
    qtbot.keyClicks(lr, "abc")  # refused as typed
    qtbot.keyClick(lr, Qt.Key.Key_Return)
    assert lr.value() == 3e-4
    qtbot.keyClick(lr, Qt.Key.Key_Up)
    assert lr.value() == 5e-4 and lr.text() == "0.0005"
    l2 = panel.editors["l2"]
    l2.setValue(1e-6)
    l2.stepBy(-1)
    assert l2.value() == 0.0  # the L2 box steps down to "off"
