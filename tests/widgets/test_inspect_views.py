"""The inspection views draw the engine's numbers: ranges, colours at the extreme values,
the value under the cursor, bar lengths, outlines, and every view saves as a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage, QMouseEvent

from tests.widgets.inspect_helpers import conv1_weight, engine_maps, probabilities, trained
from widgets.inspect.colormap import DIVERGING_LUT, SEQUENTIAL_LUT, format_value
from widgets.inspect.feature_maps import MARGIN_PX, FeatureMapGrid, LayerMaps
from widgets.inspect.filter_grid import FilterGrid
from widgets.inspect.map_view import MapView
from widgets.inspect.png import save_png
from widgets.inspect.prediction_bars import ClassProbability, PredictionBars
from widgets.inspect.sample_picker import SamplePicker
from widgets.inspect.sample_view import MAX_ALPHA, SampleView, overlay_image


def lut(table: np.ndarray, index: int) -> QColor:
    r, g, b = (int(v) for v in table[index])
    return QColor(r, g, b)


def layers_from_engine() -> list[LayerMaps]:
    maps = engine_maps(0)
    return [LayerMaps(nid, f"{nid} · {'x'.join(map(str, a.shape))}", a, float(a.min()),
                      float(a.max())) for nid, a in maps.items()]


def move(widget, pos: QPoint) -> None:  # noqa: ANN001
    event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(pos), QPointF(widget.mapToGlobal(pos)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier)
    widget.mouseMoveEvent(event)


def test_feature_map_grid_labels_ranges_and_extreme_colours(qtbot) -> None:  # noqa: ANN001
    grid = FeatureMapGrid()
    qtbot.addWidget(grid)
    grid.resize(600, 400)
    layers = layers_from_engine()
    grid.set_maps(layers)
    conv = next(la for la in layers if la.node_id == "conv1")
    assert "conv1 · 4x8x8" in grid.titles()
    assert grid.range_texts()["conv1"] == (f"range {format_value(conv.array.min())} … "
                                           f"{format_value(conv.array.max())}")
    # The hottest pixel of the layer is painted in the colour map's top colour, the coldest
    # in its bottom one, wherever the grid puts them.
    grid.resize(grid.width(), grid.sizeHint().height())
    painted = grid.grab().toImage()
    for target, colour in ((conv.array.argmax(), lut(SEQUENTIAL_LUT, 255)),
                           (conv.array.argmin(), lut(SEQUENTIAL_LUT, 0))):
        channel, row, col = (int(v) for v in np.unravel_index(target, conv.array.shape))
        pos = pixel_pos(grid, "conv1", channel, row, col)
        assert grid.cell_at(pos) == ("conv1", channel, row, col)
        assert painted.pixelColor(pos) == colour


def pixel_pos(grid: FeatureMapGrid, node_id: str, channel: int, row: int, col: int) -> QPoint:
    """The widget position of one map pixel, found through the grid's own hit test."""
    rect = grid.picture_rect(node_id)
    assert rect is not None
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            if grid.cell_at(QPoint(x, y)) == (node_id, channel, row, col):
                return QPoint(x, y)
    raise AssertionError(f"pixel {(channel, row, col)} of {node_id} is not drawn")


def image_top(grid: FeatureMapGrid, node_id: str) -> int:
    rect = grid.picture_rect(node_id)
    assert rect is not None
    return rect.top()


def test_feature_map_hover_reports_the_pixel_and_click_its_channel(qtbot) -> None:  # noqa: ANN001
    grid = FeatureMapGrid()
    qtbot.addWidget(grid)
    grid.resize(600, 400)
    grid.set_maps(layers_from_engine())
    top = image_top(grid, "conv1")
    with qtbot.waitSignal(grid.pixelHovered) as hovered:
        move(grid, QPoint(MARGIN_PX + 1, top + 1))
    assert hovered.args == ["conv1", 0, 0, 0]
    with qtbot.waitSignal(grid.mapClicked) as clicked:
        qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=QPoint(MARGIN_PX + 1, top + 1))
    assert clicked.args == ["conv1", 0]


def test_vectors_are_bar_strips_one_bar_per_unit(qtbot) -> None:  # noqa: ANN001
    grid = FeatureMapGrid()
    qtbot.addWidget(grid)
    grid.resize(600, 400)
    layers = layers_from_engine()
    grid.set_maps(layers)
    fc = next(la for la in layers if la.node_id == "fc1")
    assert fc.is_vector
    rect = grid.picture_rect("fc1")
    assert rect is not None and rect.width() % len(fc.array) == 0
    top = image_top(grid, "fc1")
    bar = rect.width() // len(fc.array)
    units = {grid.cell_at(QPoint(MARGIN_PX + k * bar, top + 1))[1] for k in range(len(fc.array))}
    assert units == set(range(len(fc.array)))


def test_enlarged_map_colour_bar_and_value_under_cursor(qtbot) -> None:  # noqa: ANN001
    view = MapView()
    qtbot.addWidget(view)
    maps = engine_maps(1)["conv1"]
    view.set_map("conv1 · channel 2", maps[2], float(maps.min()), float(maps.max()))
    view.resize(view.sizeHint())
    assert view.range_labels() == (format_value(maps.min()), format_value(maps.max()))
    centre = view.widget_rect_of(3, 5).center()
    with qtbot.waitSignal(view.pixelHovered) as hovered:
        move(view, centre)
    assert hovered.args == [3, 5]
    assert view.value_text() == f"(3, 5) = {format_value(float(maps[2, 3, 5]))}"


def test_filter_grid_shared_diverging_scale_centred_on_zero(qtbot) -> None:  # noqa: ANN001
    grid = FilterGrid()
    qtbot.addWidget(grid)
    w = conv1_weight()  # (4, 1, 3, 3)
    vmax = float(np.abs(w).max())
    grid.set_filters("conv1 · weights", w, vmax, "conv")
    assert grid.range_text() == f"shared scale −{format_value(vmax)} … 0 … +{format_value(vmax)}"
    assert grid.cell_count() == 4 and not grid.is_colour
    grid.resize(grid.sizeHint())
    picture = grid.grab().toImage()
    f, _, r, c = np.unravel_index(np.abs(w).argmax(), w.shape)
    strongest = lut(DIVERGING_LUT, 255 if w[f, 0, r, c] > 0 else 0)
    cell = grid._cell_rect(int(f))
    scale = cell.width() // 3
    at = cell.topLeft() + QPoint(c * scale + scale // 2, r * scale + scale // 2)
    assert picture.pixelColor(at) == strongest


def test_filter_grid_rgb_first_layer_and_templates(qtbot) -> None:  # noqa: ANN001
    grid = FilterGrid()
    qtbot.addWidget(grid)
    rng = np.random.default_rng(0)
    rgb = rng.normal(size=(6, 3, 5, 5)).astype(np.float32)
    grid.set_filters("conv1", rgb, float(np.abs(rgb).max()), "conv-rgb")
    assert grid.is_colour and grid.cell_count() == 6
    templates = rng.normal(size=(10, 3, 32, 32)).astype(np.float32)
    names = [f"class {i}" for i in range(10)]
    grid.set_filters("fc1", templates, float(np.abs(templates).max()), "linear-template", names)
    assert grid.is_colour and grid.cell_count() == 10
    with pytest.raises(ValueError, match="unknown filter picture kind"):
        grid.set_filters("x", rgb, 1.0, "sideways")


def test_prediction_bars_top_bar_is_the_argmax_probability(qtbot) -> None:  # noqa: ANN001
    bars = PredictionBars()
    qtbot.addWidget(bars)
    probs = probabilities(5)
    order = np.argsort(-probs)
    rows = [ClassProbability(int(i), f"class {i}", float(probs[i])) for i in order]
    true = int(trained()[2][5])
    bars.set_prediction(rows, true, f"class {true}")
    bars.resize(500, bars.sizeHint().height())
    assert bars.rows()[0].index == int(probs.argmax())
    assert bars.percent(bars.rows()[0].prob) == f"{probs.max() * 100:.1f}%"
    assert abs(bars.bar_rect(0).width() - bars.bar_full_width() * probs.max()) <= 1
    verdict = bars.verdict_text()
    assert verdict.startswith("Correct" if probs.argmax() == true else "Wrong")


def test_sample_view_outlines_the_region_and_overlays_saliency(qtbot) -> None:  # noqa: ANN001
    view = SampleView(target_px=160)
    qtbot.addWidget(view)
    view.set_sample(np.zeros((8, 8, 1), np.uint8), (8, 8))
    view.set_region((1, 2, 4, 6))  # rows 1..3, columns 2..5
    rect = view.region_rect()
    scale = view.picture_rect().width() / 8
    assert (rect.top() - view.picture_rect().top(), rect.left() - view.picture_rect().left(),
            rect.height(), rect.width()) == (1 * scale, 2 * scale, 3 * scale, 4 * scale)
    heat = np.zeros((8, 8), np.float32)
    heat[3, 3] = 1.0
    overlay = overlay_image(heat)
    assert overlay.pixelColor(3, 3).alpha() == MAX_ALPHA
    assert overlay.pixelColor(0, 0).alpha() == 0


def test_sample_picker_test_split_by_default_click_and_drop(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    picker = SamplePicker()
    qtbot.addWidget(picker)
    x = np.zeros((40, 1, 8, 8), np.uint8)
    picker.set_splits({"train": (x, np.zeros(40, int)), "test": (x[:12], np.arange(12) % 3)},
                      ["a", "b", "c"])
    assert picker.split == "test" and picker.grid.count() == 12
    with qtbot.waitSignal(picker.sampleChosen) as chosen:
        picker.grid.imageClicked.emit(7)
    assert chosen.args == ["test", 7]
    assert picker.label_of("test", 7) == (1, "b")
    gif = tmp_path / "cat.gif"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(gif))])
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    picker.dropEvent(drop)
    assert picker.description.text() == ("Only PNG and JPEG images can be inspected; cat.gif is "
                                         "not one.")
    png = tmp_path / "cat.png"
    mime.setUrls([QUrl.fromLocalFile(str(png))])
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(picker.fileChosen) as opened:
        picker.dropEvent(drop)
    assert opened.args == [str(png)]


def test_every_view_saves_a_png_of_what_it_draws(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    grid = FeatureMapGrid()
    qtbot.addWidget(grid)
    grid.resize(500, 300)
    grid.set_maps(layers_from_engine())
    grid.resize(grid.width(), grid.sizeHint().height())
    save_png(grid, tmp_path / "maps")
    saved = QImage(str(tmp_path / "maps.png"))
    assert (saved.width(), saved.height()) == (grid.width(), grid.height())
    with pytest.raises(OSError, match="does not exist"):
        save_png(grid, tmp_path / "missing" / "x.png")
