"""File > Import Model…: the import runs in the engine worker, the report is shown, the
network opens as a new document; unsupported nodes offer the cut; bad files one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QDialog

from app.gui import create_main_window
from app.panels.importer.binding import ACTION_KEY, install_importer
from app.panels.importer.dialog import CUT, ImportReportDialog
from tests.engine.onnx_helpers import hand_model, rand

pytest.importorskip("onnx")
from onnx import helper  # noqa: E402


def _model(tmp_path: Path, unsupported: bool = False) -> Path:
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], name="c1"),
             helper.make_node("Abs" if unsupported else "Relu", ["c"], ["r"], name="act"),
             helper.make_node("Flatten", ["r"], ["f"], name="fl"),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1, name="fc")]
    inits = {"w": rand(2, 1, 3, 3), "b": rand(2), "fw": rand(4, 32), "fb": rand(4)}
    return hand_model(tmp_path / ("abs.onnx" if unsupported else "net.onnx"), nodes, (1, 6, 6),
                      "y", inits)


@pytest.fixture
def window(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    win = create_main_window(panels=False)
    win.errors = []  # type: ignore[attr-defined]
    win.files.show_error = lambda title, text: win.errors.append(text)  # type: ignore[attr-defined]
    win.files.ask_save_changes = lambda: "discard"
    binding = install_importer(win, win.files)
    binding.reports = []  # type: ignore[attr-defined]
    win.importer = binding  # type: ignore[attr-defined]
    win.show()
    yield win
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _answer(binding, answers: list[int]) -> None:  # noqa: ANN001
    def show(report: dict, refused_message: str = "") -> int:
        binding.reports.append((report, refused_message))
        return answers.pop(0) if answers else QDialog.DialogCode.Accepted

    binding.show_report = show


def _types(win) -> list[str]:  # noqa: ANN001
    g = win.doc.graph
    return [g.nodes[n].type_id for n in g.topological_order()]


def test_action_sits_after_open_with_shortcut(window) -> None:  # noqa: ANN001
    items = window.menus["file"].actions()
    action = window.actions[ACTION_KEY]
    assert items.index(action) == items.index(window.actions["open"]) + 1
    assert action.shortcut().toString() == "Ctrl+Shift+I"
    assert "ONNX" in action.toolTip()


def test_import_opens_a_new_document_with_weights_and_report(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    binding = window.importer
    path = _model(tmp_path)
    binding.get_model_path = lambda: str(path)
    _answer(binding, [])
    window.actions[ACTION_KEY].trigger()
    qtbot.waitUntil(lambda: bool(binding.reports), timeout=60_000)
    report, refused = binding.reports[0]
    assert refused == "" and report["max_abs_diff"] <= 1e-4
    assert _types(window) == ["input", "conv2d", "relu", "flatten", "linear", "output"]
    assert window.doc.path is None and window.doc.project.name == "net"
    assert sorted(window.doc.weights) == ["conv1.bias", "conv1.weight", "fc1.bias",
                                          "fc1.weight"]
    assert window.doc.dirty  # imported, not yet saved: closing asks
    assert not window.doc.stale_weights
    saved = tmp_path / "saved.json"
    assert window.files.save_to(saved)
    assert (tmp_path / "saved.weights.safetensors").is_file()
    from engine.project import load_project

    assert load_project(saved).weights["file"] == "saved.weights.safetensors"
    assert not binding.busy and window.actions[ACTION_KEY].isEnabled()


def test_unsupported_offers_the_cut(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    binding = window.importer
    before = _types(window)
    path = _model(tmp_path, unsupported=True)
    binding.get_model_path = lambda: str(path)
    _answer(binding, [QDialog.DialogCode.Rejected])
    window.actions[ACTION_KEY].trigger()
    qtbot.waitUntil(lambda: bool(binding.reports) and not binding.busy, timeout=60_000)
    report, refused = binding.reports[0]
    assert "Abs 'act'" in refused
    assert _types(window) == before  # cancelled: the open document is untouched
    _answer(binding, [CUT])
    binding.reports.clear()
    window.actions[ACTION_KEY].trigger()
    qtbot.waitUntil(lambda: len(binding.reports) == 2, timeout=60_000)
    assert binding.reports[1][0]["cut_after"] == "c1"
    assert _types(window) == ["input", "conv2d", "flatten", "output"]


def test_garbage_file_shows_one_sentence(window, qtbot, tmp_path) -> None:  # noqa: ANN001
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"definitely not protobuf" * 20)
    binding = window.importer
    binding.get_model_path = lambda: str(junk)
    before = _types(window)
    window.actions[ACTION_KEY].trigger()
    qtbot.waitUntil(lambda: bool(window.errors), timeout=60_000)
    assert window.errors[0].startswith("'junk.onnx' is not a readable ONNX model")
    assert _types(window) == before


def test_report_dialog_lists_nodes_and_marks_unsupported(qtbot, tmp_path) -> None:  # noqa: ANN001
    from engine.importers.errors import UnsupportedModelError
    from engine.importers.onnx import import_onnx

    with pytest.raises(UnsupportedModelError) as info:
        import_onnx(_model(tmp_path, unsupported=True))
    dialog = ImportReportDialog(info.value.report.to_dict(), str(info.value))
    qtbot.addWidget(dialog)
    assert dialog.table.topLevelItemCount() == 4
    bad = dialog.table.topLevelItem(1)
    assert (bad.text(0), bad.text(1), bad.text(2)) == ("act", "Abs", "unsupported")
    assert dialog.cut_button is not None
    ok = ImportReportDialog(import_onnx(_model(tmp_path)).report.to_dict())
    qtbot.addWidget(ok)
    assert ok.cut_button is None and "max abs diff" in ok.verification.text()
    assert ok.table.topLevelItem(0).text(2) == "conv1 (Conv2d)"
