"""DatasetPanel and ImageGrid on their own: what they show and what they emit."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from engine.data import ArrayDataset, DataSource
from widgets.dataset_panel import DEFAULT_PREPROCESSING, OPEN_ITEM, DatasetPanel, sample_rows
from widgets.image_grid import ImageGrid, pick_scale, to_display

SOURCES = [("Bundled", DataSource("bundled", "fashion-mnist-mini")), ("Shapes", DataSource("shapes"))]


def tiny_dataset(classes: int = 3, channels: int = 1) -> ArrayDataset:
    rng = np.random.default_rng(0)
    y_train = np.arange(30) % classes
    y_test = np.arange(6) % classes
    return ArrayDataset("Tiny", rng.integers(0, 256, (30, channels, 8, 8), dtype=np.uint8), y_train,
                        rng.integers(0, 256, (6, channels, 8, 8), dtype=np.uint8), y_test,
                        [f"class {k}" for k in range(classes)], DataSource("npz", "/data/tiny.npz"))


@pytest.fixture
def panel(qtbot) -> DatasetPanel:  # noqa: ANN001 - pytest-qt fixture
    p = DatasetPanel()
    qtbot.addWidget(p)
    p.set_sources(SOURCES)
    return p


def test_empty_state_before_any_data_set(panel: DatasetPanel) -> None:
    assert not panel.empty.isHidden() and panel.info_card.isHidden() and panel.samples_card.isHidden()
    assert panel.combo.itemText(panel.combo.count() - 1) == OPEN_ITEM
    assert panel.preprocessing_values() == DEFAULT_PREPROCESSING
    assert "once a dataset is loaded" in panel.stats.text()


def test_shows_a_data_set(panel: DatasetPanel) -> None:
    panel.set_dataset(tiny_dataset(), [0.5], [0.25])
    assert panel.empty.isHidden() and not panel.info_card.isHidden()
    assert panel.name.text() == "Tiny"
    assert panel.summary.text() == "Samples: 1x8x8 · 3 classes · 30 train / 6 test"
    assert panel.table.rowCount() == 3 and panel.table.item(2, 0).text() == "class 2"
    assert [panel.table.item(r, 1).text() for r in range(3)] == ["10", "10", "10"]
    assert panel.grid.count() == 12 and panel.grid.row_labels() == ["class 0", "class 1", "class 2"]
    assert panel.stats.text() == "Training images per channel: μ = 0.500, σ = 0.250"
    assert "3 of 30 training images" in panel.val_note.text()


def test_many_classes_are_capped_in_the_grid(panel: DatasetPanel) -> None:
    panel.set_dataset(tiny_dataset(classes=15, channels=3))
    assert len(sample_rows(tiny_dataset(classes=15))) == 10
    assert panel.grid.count() == 10 * 2  # 30 images over 15 classes: two each
    assert "5 more classes not shown" in panel.grid_note.text()


def test_choosing_sources_and_the_open_entry(panel: DatasetPanel, qtbot) -> None:  # noqa: ANN001
    with qtbot.waitSignal(panel.sourceChosen) as chosen:
        panel.combo.activated.emit(1)
    assert chosen.args == [DataSource("shapes")]
    panel.set_current_source(DataSource("shapes"))
    with qtbot.waitSignal(panel.openRequested):
        panel.combo.setCurrentIndex(panel.combo.count() - 1)
        panel.combo.activated.emit(panel.combo.count() - 1)
    assert panel.combo.currentText() == "Shapes"  # the dialog has not chosen anything yet


def test_a_users_own_source_gets_its_own_entry(panel: DatasetPanel, qtbot) -> None:  # noqa: ANN001
    own = DataSource("npz", "/data/tiny.npz")
    with qtbot.assertNotEmitted(panel.sourceChosen):
        panel.set_current_source(own, "tiny.npz")
    assert panel.combo.currentText() == "tiny.npz" and panel.combo.count() == len(SOURCES) + 3
    panel.set_current_source(own, "tiny.npz")
    assert panel.combo.count() == len(SOURCES) + 3


def test_preprocessing_edits_emit_and_loading_settings_does_not(panel: DatasetPanel, qtbot) -> None:  # noqa: ANN001
    with qtbot.assertNotEmitted(panel.preprocessingChanged):
        panel.set_preprocessing({"mode": "mean_subtract", "seed": 3})
    assert panel.preprocessing_values()["mode"] == "mean_subtract"
    assert panel.preprocessing_values()["seed"] == 3 and "μ" in panel.formula.text()
    with qtbot.waitSignal(panel.preprocessingChanged) as changed:
        panel.mode.setCurrentIndex(panel.mode.findData("none"))
    assert changed.args[0]["mode"] == "none"
    with qtbot.waitSignal(panel.preprocessingChanged) as changed:
        panel.crop.setValue(4)
    assert changed.args[0]["crop_padding"] == 4


def test_busy_and_error_states(panel: DatasetPanel) -> None:
    panel.show_error("'x' is broken; fix it.")
    assert panel.error.label.text() == "'x' is broken; fix it."
    assert not panel.error.isHidden()
    panel.set_busy(True, "Loading Shapes…")
    assert not panel.busy.isHidden() and panel.error.isHidden()
    panel.set_busy(False)
    assert panel.busy.isHidden() and panel.status.isHidden()


def test_image_grid_cells_captions_and_clicks(qtbot) -> None:  # noqa: ANN001
    grid = ImageGrid()
    qtbot.addWidget(grid)
    maps = [np.linspace(-1, 3, 36, dtype=np.float32).reshape(6, 6) * (i + 1) for i in range(5)]
    grid.set_images(maps, [f"ch {i}" for i in range(5)], columns=3)
    assert grid.count() == 5
    hint = grid.sizeHint()
    cell = 6 * pick_scale(6, 6)
    assert hint.width() == 3 * cell + 2 * 4 and hint.height() > 2 * cell
    with qtbot.waitSignal(grid.imageClicked) as clicked:
        qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=QPoint(cell + 4 + 2, 2))
    assert clicked.args == [1]
    grid.clear()
    assert grid.count() == 0 and grid.sizeHint().isEmpty()


def test_to_display_layouts() -> None:
    grey = np.arange(12, dtype=np.uint8).reshape(1, 3, 4)
    assert to_display(grey).shape == (3, 4)
    rgb = np.zeros((3, 5, 4), dtype=np.uint8)
    assert to_display(rgb).shape == (5, 4, 3)
    flat = to_display(np.full((4, 4), 7.0, dtype=np.float32))
    assert flat.dtype == np.uint8 and flat.max() == 0  # a constant map is not divided by zero
    scaled = to_display(np.array([[0.0, 0.5], [1.0, np.nan]], dtype=np.float32))
    assert scaled[0, 0] == 0 and scaled[1, 0] == 255 and scaled[1, 1] == 0
    with pytest.raises(ValueError):
        to_display(np.zeros((2, 2, 2, 2)))
