"""Dataset panel + data controller + document: loading off-thread, shape checks with Fixes,
errors that keep the previous data set, settings written to the project, the dock and menu."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.document import Document
from app.panels.data.binding import DataBinding, install_data_panel
from app.panels.data.controller import DataController, channel_summary
from engine.data import DataSource, Preprocessing, compute_stats
from engine.templates import load_template

BUNDLED = DataSource("bundled", "fashion-mnist-mini")
SHAPES = DataSource("shapes")
LOAD_TIMEOUT_MS = 20_000


@pytest.fixture
def bound(qtbot) -> tuple[Document, DataBinding]:  # noqa: ANN001 - pytest-qt fixture
    doc = Document()
    doc.replace_project(load_template("fashion_two_conv"), None)
    with qtbot.waitSignal(doc.analysisChanged, timeout=LOAD_TIMEOUT_MS):
        binding = install_data_panel(None, doc)  # loads the project's data set (bundled)
    qtbot.addWidget(binding.panel)
    return doc, binding


def test_project_data_set_loads_at_install_without_marking_dirty(bound) -> None:  # noqa: ANN001
    doc, binding = bound
    assert binding.dataset is not None and binding.dataset.source == BUNDLED
    assert doc.data_shape == (1, 28, 28) and doc.num_classes == 10
    assert doc.analysis.errors == [] and not doc.dirty
    panel = binding.panel
    assert panel.summary.text() == "Samples: 1x28x28 · 10 classes · 10,000 train / 2,000 test"
    assert panel.combo.currentText().startswith("Fashion-MNIST mini")
    assert "μ = 0.28" in panel.stats.text()


def test_choosing_shapes_loads_it_and_offers_the_input_fix(bound, qtbot) -> None:  # noqa: ANN001
    doc, binding = bound
    panel = binding.panel
    with qtbot.waitSignal(binding.controller.loaded, timeout=LOAD_TIMEOUT_MS) as loaded:
        panel.choose(SHAPES)
        assert not panel.busy.isHidden() and "Loading Coloured shapes" in panel.status.text()
    assert loaded.args[0].source == SHAPES and binding.controller.dataset is loaded.args[0]
    assert panel.busy.isHidden()
    assert panel.table.rowCount() == 10 and panel.table.item(0, 0).text() == "circle"
    assert panel.table.item(0, 1).text() == "600" and panel.table.item(0, 2).text() == "120"
    assert panel.grid.count() == 40 and panel.grid.row_labels()[:2] == ["circle", "square"]
    assert "3x32x32" in panel.summary.text()
    assert len(panel.stats.text().split("(")) == 3  # three channel means, three stds
    errors = doc.analysis.errors
    assert any("Input 'input1' is 1x28x28" in e and "3x32x32" in e for e in errors)
    fix = next(f for f in doc.analysis.fixes if "Input" in f.message)
    assert doc.project.data["source"] == {"kind": "shapes", "path": ""} and doc.dirty
    doc.apply_fix(fix)
    assert doc.analysis.errors == []


def test_the_dataset_panel_offers_the_fix_where_the_mismatch_is_made(bound, qtbot) -> None:  # noqa: ANN001
    """#12 item 13: picking a data set the network does not fit shows the mismatch and its
    one-click fix in the Dataset panel itself; clicking it repairs the network (undoable)."""
    doc, binding = bound
    box = binding.panel.fixes
    assert box.isHidden()
    with qtbot.waitSignal(binding.controller.loaded, timeout=LOAD_TIMEOUT_MS):
        binding.panel.choose(SHAPES)
    assert not box.isHidden()
    assert "Input 'input1' is 1x28x28" in box.box.label.text()
    button = next(b for b in box.buttons if "Input" in b.text())
    button.click()
    assert doc.analysis.errors == [] and box.isHidden()
    doc.undo_stack.undo()
    assert not box.isHidden()


def test_a_bad_file_shows_the_sentence_and_keeps_the_data_set(bound, tmp_path: Path) -> None:  # noqa: ANN001
    doc, binding = bound
    before = dict(doc.project.data)
    (tmp_path / "notes.txt").write_text("not data")
    binding.ask_path = lambda: str(tmp_path / "notes.txt")  # type: ignore[method-assign]
    binding.panel.combo.activated.emit(binding.panel.combo.count() - 1)  # "Open folder or file…"
    assert "notes.txt" in binding.panel.error.label.text() and not binding.panel.error.isHidden()
    assert "subfolder of images per class" in binding.panel.error.label.text()
    assert binding.dataset is not None and binding.dataset.source == BUNDLED
    assert doc.project.data == before and doc.data_shape == (1, 28, 28)
    assert binding.panel.combo.currentText().startswith("Fashion-MNIST mini")


def test_a_damaged_npz_fails_in_the_worker_and_keeps_the_data_set(bound, qtbot, tmp_path: Path  # noqa: ANN001
                                                                   ) -> None:
    doc, binding = bound
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"this is not a zip archive")
    with qtbot.waitSignal(binding.controller.failed, timeout=LOAD_TIMEOUT_MS) as failed:
        assert binding.open_path(broken)
    assert "broken.npz" in failed.args[0]
    assert "broken.npz" in binding.panel.error.label.text() and not binding.panel.error.isHidden()
    assert binding.dataset.source == BUNDLED
    assert doc.project.data.get("source", {}).get("kind") != "npz"
    assert binding.panel.table.rowCount() == 10 and binding.panel.busy.isHidden()


def test_a_good_npz_picked_in_the_dialog_is_stored(bound, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    doc, binding = bound
    path = tmp_path / "mine.npz"
    rng = np.random.default_rng(0)
    np.savez(path, x_train=rng.integers(0, 256, (8, 28, 28), dtype=np.uint8), y_train=np.arange(8) % 2,
             x_test=rng.integers(0, 256, (4, 28, 28), dtype=np.uint8), y_test=np.arange(4) % 2,
             class_names=np.array(["no", "yes"]))
    binding.ask_path = lambda: str(path)  # type: ignore[method-assign]
    with qtbot.waitSignal(binding.controller.loaded, timeout=LOAD_TIMEOUT_MS):
        binding.panel.openRequested.emit()
    assert doc.project.data["source"] == {"kind": "npz", "path": str(path.resolve())}
    assert binding.panel.combo.currentText() == "mine.npz"
    assert any("2 classes" in e for e in doc.analysis.errors)


def test_preprocessing_changes_are_written_to_the_project(bound) -> None:  # noqa: ANN001
    doc, binding = bound
    panel = binding.panel
    panel.mode.setCurrentIndex(panel.mode.findData("scale"))
    panel.flip.setChecked(True)
    panel.crop.setValue(2)
    panel.val.setValue(0.2)
    panel.seed.setValue(7)
    stored = doc.project.data["preprocessing"]
    assert stored == {"mode": "scale", "flip": True, "crop_padding": 2, "val_fraction": 0.2, "seed": 7}
    assert Preprocessing.from_dict(stored).to_dict() == stored  # same keys as the engine's record
    assert doc.project.data["source"] == BUNDLED.to_dict() and doc.dirty
    assert "x</i> / 255" in panel.formula.text()
    assert "2,000 of 10,000" in panel.val_note.text()


def test_replacing_the_project_loads_its_data_and_settings(bound, qtbot) -> None:  # noqa: ANN001
    doc, binding = bound
    project = load_template("linear_classifier")
    project.data = {"source": SHAPES.to_dict(),
                    "preprocessing": {"mode": "mean_subtract", "flip": True, "crop_padding": 0,
                                      "val_fraction": 0.1, "seed": 0}}
    with qtbot.waitSignal(binding.controller.loaded, timeout=LOAD_TIMEOUT_MS):
        doc.replace_project(project, None)
    assert binding.dataset.source == SHAPES and not doc.dirty
    assert binding.panel.mode.currentData() == "mean_subtract" and binding.panel.flip.isChecked()
    assert doc.analysis.errors == []  # the linear classifier is made for 3x32x32, 10 classes


def test_a_bad_source_in_a_project_is_reported(bound) -> None:  # noqa: ANN001
    doc, binding = bound
    project = load_template("fashion_two_conv")
    project.data = {"source": {"kind": "hdf5", "path": "x.h5"}}
    doc.replace_project(project, None)
    assert "hdf5" in binding.panel.error.label.text() and not binding.panel.error.isHidden()
    assert binding.dataset.source == BUNDLED


def test_only_the_newest_request_counts(qtbot) -> None:  # noqa: ANN001
    controller = DataController()
    seen: list[DataSource] = []
    controller.loaded.connect(lambda ds: seen.append(ds.source))
    controller.load(SHAPES)
    controller.load(BUNDLED)
    assert controller.busy
    qtbot.waitUntil(lambda: not controller.busy, timeout=LOAD_TIMEOUT_MS)
    controller.wait_idle()
    qtbot.wait(50)  # a late result of the superseded request would arrive now
    assert seen == [BUNDLED] and controller.dataset.source == BUNDLED and not controller.busy


def test_channel_summary_matches_the_engine() -> None:
    rng = np.random.default_rng(3)
    for x in (rng.integers(0, 256, (50, 3, 9, 7), dtype=np.uint8),
              rng.random((40, 1, 6, 6), dtype=np.float32)):
        ours, engine = channel_summary(x), compute_stats(x)
        np.testing.assert_allclose(ours.mean, engine.mean, rtol=1e-12)
        np.testing.assert_allclose(ours.std, engine.std, rtol=1e-12)


def test_dock_and_network_menu_entry(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    from app.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.doc.replace_project(load_template("fashion_two_conv"), None)
    binding = install_data_panel(window, window.doc)
    binding.controller.wait_idle()
    assert window.docks["dataset"].widget() is binding.panel
    action = window.actions["choose_dataset"]
    assert action in window.menus["network"].actions()
    assert action.text().replace("&", "") == "Choose dataset…"
    window.show()
    window.docks["dataset"].hide()
    action.trigger()
    assert window.docks["dataset"].isVisible()
    qtbot.waitUntil(lambda: binding.dataset is not None, timeout=LOAD_TIMEOUT_MS)


def test_the_garbage_collector_rests_while_a_load_runs(qtbot) -> None:  # noqa: ANN001
    import gc

    assert gc.isenabled()
    c = DataController()
    c.load(BUNDLED)
    assert not gc.isenabled()  # switched off on the main thread before the thread starts
    assert c.wait_idle()
    assert gc.isenabled() and c.dataset is not None
