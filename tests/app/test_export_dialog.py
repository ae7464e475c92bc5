"""File > Export...: the dialog exports through the job runner, shows the clean-process
comparison, remembers folder and format, and reports bad input in one sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app.gui import create_main_window
from app.panels.export.binding import SHORTCUT, install_export, trained_weights
from app.panels.export.dialog import WEIGHTS_TRAINED, WEIGHTS_UNTRAINED
from app.settings import AppSettings
from engine.templates import template_path


@pytest.fixture
def window(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    win = create_main_window(str(template_path("linear_classifier")), panels=False)
    win.files.ask_save_changes = lambda: "discard"
    yield win
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _wait(dialog, qtbot) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: dialog._job is None, timeout=240_000)


@pytest.mark.slow
def test_export_verifies_and_remembers(window, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    binding = install_export(window)
    action = window.actions["export"]
    assert action in window.menus["file"].actions()
    assert action.shortcut().toString() == SHORTCUT
    dialog = binding.open_dialog()
    assert dialog.format.name == "py"  # the recommended default on a first export
    assert not dialog.weights_buttons[WEIGHTS_TRAINED].isEnabled()  # nothing trained yet
    assert dialog.weights_choice() == WEIGHTS_UNTRAINED

    # Trained weights kept with the document are offered and exported.
    from engine.model import model_from_project, model_weights
    from engine.project import dumps

    weights = model_weights(model_from_project(dumps(window.doc.project))[1])
    weights = {k: v * np.float32(1.5) + np.float32(0.01) for k, v in weights.items()}
    window.doc.set_weights(weights, "a test")
    assert trained_weights(window.doc) is not None
    dialog.close()
    dialog = binding.open_dialog()
    assert dialog.weights_choice() == WEIGHTS_TRAINED
    dialog.select_format("onnx")
    dialog.path_edit.setText(str(tmp_path / "net.onnx"))
    dialog.start_export()
    assert dialog.progress.isVisible() and not dialog.export_button.isEnabled()
    _wait(dialog, qtbot)
    report = dialog.result
    assert report is not None, dialog.status.text()
    assert report["files"] == [str(tmp_path / "net.onnx")]
    assert report["weights"] == "trained weights"
    assert report["max_abs_diff"] <= 1e-4 and report["top1_agreement"] == 1.0
    assert "Max abs diff" in dialog.status.text() and "top-1 agreement 100.0%" in dialog.status.text()
    assert "opset" in dialog.status.text()

    settings = AppSettings()
    assert settings.export_format == "onnx" and settings.export_folder == str(tmp_path)
    dialog.close()
    again = binding.open_dialog()
    assert again.format.name == "onnx"
    assert Path(again.path_edit.text()).parent == tmp_path


def test_bad_folder_is_one_sentence_and_no_file(window, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    dialog = install_export(window).open_dialog()
    missing = tmp_path / "missing" / "net.py"
    dialog.path_edit.setText(str(missing))
    dialog.start_export()
    _wait(dialog, qtbot)
    assert dialog.result is None
    assert dialog.status.text() == (f"The folder '{missing.parent}' does not exist; create it or "
                                    "choose another.")
    assert dialog.export_button.isEnabled()
    assert not missing.parent.exists()


def test_checkpoint_choice_needs_a_file(window) -> None:  # noqa: ANN001
    dialog = install_export(window).open_dialog()
    dialog.weights_buttons["file"].setChecked(True)
    dialog.start_export()
    assert dialog._job is None
    assert "Choose the checkpoint file" in dialog.status.text()
