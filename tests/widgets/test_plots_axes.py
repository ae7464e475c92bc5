"""Tick labels never overlap (1400x900 window, narrow docks); compact numbers; a new run
resets the ranges; the empty state returns when the plots are cleared."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from widgets.plots.axes import compact_number
from widgets.plots.training import TrainPlots


def batch(step: int, loss: float = 1.0, lr: float = 1e-3) -> SimpleNamespace:
    return SimpleNamespace(step=step, loss=loss + 0.1, data_loss=loss, l2_penalty=0.1, lr=lr)


def epoch(n: int) -> SimpleNamespace:
    return SimpleNamespace(epoch=n, train_loss=1.0 / n, train_acc=0.7, val_loss=1.2 / n, val_acc=0.8)


def shown(curve) -> int:  # noqa: ANN001
    x = curve.getOriginalDataset()[0]
    return 0 if x is None else len(x)


def tick_rects(axis) -> list:  # noqa: ANN001
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [rect for rect, _flags, _text in specs[2]]


def overlapping(rects: list) -> list:
    pairs = []
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            if a.intersects(b):
                pairs.append((a, b))
    return pairs


@pytest.mark.parametrize(("value", "spacing", "text"), [
    (950, 50, "950"), (20000, 10000, "20k"), (125000, 25000, "125k"), (1500, 500, "1.5k"), (1000, 500, "1.0k"),
    (1_500_000, 500_000, "1.5M"), (0.0015, 0.0005, "0.0015"), (0, 10000, "0"),
])
def test_compact_numbers(value: float, spacing: float, text: str) -> None:
    assert compact_number(value, spacing) == text


@pytest.mark.parametrize("width", [1400, 900, 600])
def test_tick_labels_never_overlap(qtbot, width: int) -> None:
    plots = TrainPlots()
    qtbot.addWidget(plots)
    plots.resize(width, 290)  # the training dock's height in a 1400x900 window
    plots.show()
    qtbot.waitExposed(plots)
    steps, epochs = 123_457, 12
    plots.set_run(total_steps=steps, epochs=epochs)
    plots.add_batches([batch(s, loss=2.0 / s, lr=0.00123) for s in range(1, steps, 97)])
    for n in range(1, epochs + 1):
        plots.add_epoch(epoch(n))
    qtbot.waitUntil(lambda: plots.steps.size > 0 and not plots.is_dirty(), timeout=5000)
    qtbot.wait(50)
    checked = 0
    for plot in plots.plots():
        for side in ("left", "bottom"):
            rects = tick_rects(plot.getAxis(side))
            if width >= 900:  # still labelled (in a 600-pixel dock a plot is ~60 pixels wide)
                assert len(rects) >= 2, (side, plot.titleLabel.text)
            assert not overlapping(rects), (width, side, plot.titleLabel.text)
            checked += 1
    assert checked == 10


def test_new_run_resets_ranges_and_clear_brings_back_the_empty_state(qtbot) -> None:
    plots = TrainPlots()
    qtbot.addWidget(plots)
    plots.resize(1200, 260)
    plots.show()
    qtbot.waitExposed(plots)
    assert plots._stack.currentWidget() is plots.empty_label  # nothing yet: the sentence
    plots.set_run(total_steps=5000, epochs=10)
    plots.add_batches([batch(s, loss=50.0, lr=0.5) for s in range(1, 101)])
    qtbot.waitUntil(lambda: shown(plots.loss_raw) == 100, timeout=3000)
    assert plots._stack.currentWidget() is plots.graphics
    plots.clear()
    assert plots._stack.currentWidget() is plots.empty_label
    plots.set_run(total_steps=200, epochs=2)
    plots.add_batches([batch(s, loss=1.0, lr=0.01) for s in range(1, 11)])
    qtbot.waitUntil(lambda: shown(plots.loss_raw) == 10, timeout=3000)
    (x0, x1), (_y0, y1) = plots.loss_plot.viewRange()
    assert (x0, x1) == (0.0, 200.0) and y1 == pytest.approx(1.1 * 1.05)
    (_lx, _), (_ly0, ly1) = plots.lr_plot.viewRange()
    assert ly1 == pytest.approx(0.011)
    (ex0, ex1), _ = plots.accuracy_plot.viewRange()
    assert ex0 < 1 and 2 < ex1 < 3


@pytest.mark.parametrize("scale", [(1e-7, 1.0), (0.15, 0.9)])
def test_log_axis_labels_never_overlap(qtbot, scale: tuple[float, float]) -> None:
    from widgets.plots.gradient_strip import GradientStrip

    strip = GradientStrip()
    qtbot.addWidget(strip)
    strip.resize(700, 260)
    strip.show()
    qtbot.waitExposed(strip)
    low, high = scale
    strip.set_layers(["a", "b", "c", "d"])
    for step in range(1, 60):
        strip.add(step, list(np.geomspace(low, high, 4) * (1 + 0.1 * np.sin(step))))
    qtbot.waitUntil(lambda: strip.redraw_count > 0 and not strip.is_dirty(), timeout=3000)
    strip.curve_plot.enableAutoRange()
    qtbot.wait(100)
    rects = tick_rects(strip.curve_plot.getAxis("left"))
    assert len(rects) >= 2 and not overlapping(rects)
