"""Live training plots: buffers, throttled redraws, 100k points, theme."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import numpy as np
import pytest

from widgets.plots.training import (
    EMA_ALPHA,
    MAX_INTERVAL_MS,
    REDRAW_HZ,
    GrowingColumns,
    TrainPlots,
)


def batch(step: int, loss: float = 1.0, l2: float = 0.1, lr: float = 1e-3) -> SimpleNamespace:
    return SimpleNamespace(step=step, loss=loss + l2, data_loss=loss, l2_penalty=l2, lr=lr)


def epoch(n: int, val: float | None = 0.8) -> SimpleNamespace:
    return SimpleNamespace(epoch=n, train_loss=1.0 / n, train_acc=0.7,
                           val_loss=None if val is None else 1.2 / n, val_acc=val)


@pytest.fixture
def plots(qtbot) -> TrainPlots:  # noqa: ANN001 - pytest-qt fixture
    widget = TrainPlots()
    qtbot.addWidget(widget)
    widget.resize(1200, 260)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def lengths(*curves) -> list[int]:  # noqa: ANN002
    return [len(c.getOriginalDataset()[0] if c.getOriginalDataset()[0] is not None else [])
            for c in curves]


def test_growing_columns_double_and_keep_earlier_views() -> None:
    cols = GrowingColumns(("a", "b"), capacity=4)
    cols.append({"a": np.arange(3.0), "b": np.arange(3.0) * 2})
    early = cols.view("a")
    cols.append({"a": np.arange(3.0, 10.0), "b": np.arange(3.0, 10.0) * 2})
    assert cols.size == 10 and cols._capacity == 16
    assert cols.view("a").tolist() == list(range(10))
    assert cols.view("b")[-1] == 18.0 and cols.last("a") == 9.0
    assert early.tolist() == [0.0, 1.0, 2.0]  # a curve holding the old slice is not disturbed


def test_points_reach_the_curves_on_the_timer_only(qtbot, plots: TrainPlots) -> None:
    plots.add_batches([batch(i, loss=2.0 / i) for i in range(1, 51)])
    assert lengths(plots.loss_raw) == [0]  # nothing drawn synchronously
    qtbot.waitUntil(lambda: lengths(plots.loss_raw) == [50], timeout=2000)
    assert lengths(plots.loss_smooth, plots.data_loss, plots.l2_penalty, plots.lr_curve) == [50] * 4
    x, smooth = plots.loss_smooth.getOriginalDataset()
    assert x[0] == 1 and smooth[0] == pytest.approx(2.1)  # EMA starts at the first value
    assert smooth[1] == pytest.approx((1 - EMA_ALPHA) * 2.1 + EMA_ALPHA * 1.1)
    plots.add_epoch(epoch(1))
    plots.add_epoch(epoch(2, val=None))  # no validation split: no marker, not a crash
    qtbot.waitUntil(lambda: lengths(plots.train_acc) == [2], timeout=2000)
    assert plots.train_acc.getOriginalDataset()[1].tolist() == [70.0, 70.0]
    x, acc = plots.val_acc.getOriginalDataset()
    assert x.tolist() == [1.0] and acc.tolist() == [pytest.approx(80.0)]
    assert math.isnan(plots.epochs.view("val_acc")[1])  # kept as a gap in the buffer


def test_redraws_are_bounded_and_stop_when_idle(qtbot, plots: TrainPlots) -> None:
    before = plots.redraw_count
    start = time.monotonic()
    step = 0
    while time.monotonic() - start < 0.6:  # a feed far faster than the redraw rate
        plots.add_batches([batch(step + i + 1) for i in range(5)])
        step += 5
        qtbot.wait(5)
    elapsed = time.monotonic() - start
    redraws = plots.redraw_count - before
    assert 1 <= redraws <= elapsed * REDRAW_HZ + 2
    # The last points are drawn, then the timer stops: no ticks while nothing new arrives
    # (frames paced by their cost may be up to MAX_INTERVAL_MS apart on a busy machine).
    qtbot.waitUntil(lambda: not plots._timer.isActive(), timeout=3 * MAX_INTERVAL_MS)
    assert lengths(plots.loss_raw) == [step]


def test_one_hundred_thousand_points(qtbot, plots: TrainPlots) -> None:
    n = 100_000
    rng = np.random.default_rng(0)
    noise = rng.random(n).tolist()
    events = [batch(i + 1, loss=2.0 * math.exp(-i / 20_000) + 0.1 * noise[i]) for i in range(n)]
    plots.add_batches(events[: n // 2])
    plots.add_batches(events[n // 2:])
    qtbot.waitUntil(lambda: lengths(plots.loss_raw) == [n], timeout=5000)
    assert lengths(plots.loss_smooth, plots.data_loss, plots.l2_penalty, plots.lr_curve) == [n] * 4
    x, _ = plots.loss_raw.getOriginalDataset()
    assert x[0] == 1 and x[-1] == n
    # Drawn downsampled and clipped: far fewer points than stored (once the view has
    # ranged itself over the new data).
    qtbot.wait(200)
    shown_x = plots.loss_raw.curve.xData
    assert 0 < len(shown_x) < n // 10
    # A further redraw with all of them stays quick (generous bound for a busy machine).
    plots.add_batches([batch(n + 1)])
    start = time.perf_counter()
    plots._redraw()
    plots.graphics.repaint()
    assert time.perf_counter() - start < 0.5


def test_clear_and_theme(qtbot, plots: TrainPlots) -> None:
    plots.add_batches([batch(i) for i in range(1, 11)])
    plots.add_epoch(epoch(1))
    qtbot.waitUntil(lambda: lengths(plots.loss_raw) == [10], timeout=2000)
    plots.clear()
    assert lengths(plots.loss_raw, plots.val_loss) == [0, 0]
    plots.add_batches([batch(1, loss=5.0)])
    qtbot.waitUntil(lambda: lengths(plots.loss_raw) == [1], timeout=2000)
    assert plots.loss_smooth.getOriginalDataset()[1][0] == pytest.approx(5.1)  # EMA restarted
    light = plots.graphics.backgroundBrush().color().lightness()
    plots.set_dark(True)
    assert plots.graphics.backgroundBrush().color().lightness() < light
    plots.set_dark(False)
    assert plots.graphics.backgroundBrush().color().lightness() == light


def test_known_run_length_fixes_the_ranges(qtbot, plots: TrainPlots) -> None:
    plots.set_run(total_steps=1000, epochs=5)
    plots.add_batches([batch(i, loss=3.0 / i, lr=0.01) for i in range(1, 101)])
    qtbot.waitUntil(lambda: lengths(plots.loss_raw) == [100], timeout=2000)
    (x0, x1), (y0, y1) = plots.loss_plot.viewRange()
    assert (x0, x1) == (0.0, 1000.0) and y0 == 0.0 and y1 == pytest.approx(3.1 * 1.05)
    (lx0, lx1), (ly0, ly1) = plots.lr_plot.viewRange()
    assert (lx0, lx1) == (0.0, 1000.0) and ly0 == 0.0 and ly1 == pytest.approx(0.011)
    (ex0, ex1), _ = plots.accuracy_plot.viewRange()
    assert ex0 < 1 and 5 < ex1 < 6


def test_dear_frames_stretch_the_redraw_interval(qtbot, plots: TrainPlots, monkeypatch) -> None:
    import widgets.plots.base as module

    # Only the painted frame's cost should count here, not how busy the test machine is.
    monkeypatch.setattr(module, "perf_counter", lambda: 100.0)
    plots.add_batches([batch(1)])
    plots.graphics.last_paint_s = 0.0
    plots._redraw()
    assert plots._timer.interval() == 1000 // REDRAW_HZ
    plots.add_batches([batch(2)])
    plots.graphics.last_paint_s = 0.2  # a 200 ms paint: far over the GUI-thread budget
    plots._redraw()
    assert plots._timer.interval() == MAX_INTERVAL_MS
