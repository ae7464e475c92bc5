"""Each lab view draws the engine's numbers: a frame in, the same numbers on screen."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.lab import jobs
from engine.lab.conv import conv_frame
from engine.lab.loss import loss_breakdown
from engine.lab.pool import pool_frame
from tests.engine.lab_helpers import STATS, image, project_text
from widgets.lab.conv_view import ConvStepperView
from widgets.lab.loss_view import LossPage
from widgets.lab.pool_view import PoolStepperView
from widgets.lab.stepper_page import StepperPage

TAIL = [("flatten", {}), ("linear", {"units": 4})]


def _painted(widget) -> bool:  # noqa: ANN001
    img = widget.grab().toImage()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    return len(colours) > 3


def test_conv_stepper_view_writes_out_the_dot_product(qtbot) -> None:  # noqa: ANN001
    trace = jobs.conv_trace(project_text([("conv2d", {"out_channels": 2, "kernel": 3,
                                                      "padding": 1}), *TAIL]),
                            None, "conv1", image(), STATS)
    view = ConvStepperView()
    page = StepperPage(view)
    qtbot.addWidget(page)
    page.resize(900, 520)
    page.show()
    assert not _painted(view) or view.lines() == []
    frame = conv_frame(trace, 1, 13, 1)
    view.set_frame(trace, frame)
    lines = view.lines()
    win = frame.window
    assert lines[0].startswith(f"channel {int(win.channels[1])}: ")
    assert f"= {win.channel_sums[1]:.3f}" in lines[0]
    assert f"{win.total:.4f}" in lines[2] and "✓" in lines[2]
    assert f"layer output at ({win.row}, {win.col}): {trace.output[1, win.row, win.col]:.4f}" in lines[2]
    assert _painted(view)


def test_stepper_page_arrow_keys_and_play_move_the_window(qtbot) -> None:  # noqa: ANN001
    page = StepperPage(ConvStepperView())
    qtbot.addWidget(page)
    page.set_ranges(4, 2, 81, 9)
    steps: list[int] = []
    page.stepChanged.connect(steps.append)
    page.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Right)
    qtbot.keyClick(page, Qt.Key.Key_Down)
    qtbot.keyClick(page, Qt.Key.Key_Left)
    qtbot.keyClick(page, Qt.Key.Key_End)
    assert steps == [1, 10, 9, 80]
    qtbot.keyClick(page, Qt.Key.Key_Home)
    page.play.setChecked(True)
    qtbot.waitUntil(lambda: page.slider.value() >= 2, timeout=3000)
    qtbot.keyClick(page, Qt.Key.Key_Space)
    assert not page.play.isChecked()


@pytest.mark.parametrize("type_id", ["maxpool2d", "avgpool2d"])
def test_pool_stepper_view_shows_winner_and_gradient(qtbot, type_id: str) -> None:  # noqa: ANN001
    trace = jobs.pool_trace(project_text([(type_id, {"kernel": 2, "stride": 2}), *TAIL]), None,
                            "pool1" if type_id == "maxpool2d" else "avgpool1", image(), STATS)
    view = PoolStepperView()
    qtbot.addWidget(view)
    view.resize(900, 460)
    frame = pool_frame(trace, 1, 5)
    view.set_frame(trace, frame)
    text = " ".join(view.lines())
    assert f"{frame.window.layer_value:.3f}" in text
    assert "drops the last 1 row(s)" in text
    if trace.op == "max":
        assert f"won by input ({frame.window.winner[0]}, {frame.window.winner[1]})" in text
        assert frame.gradient.sum() == 1.0
    else:
        assert "0.250 to each input" in text
    assert _painted(view)


def test_loss_stepper_view_and_temperature(qtbot) -> None:  # noqa: ANN001
    page = LossPage()
    qtbot.addWidget(page)
    page.resize(900, 520)
    seen: list[float] = []
    page.temperatureChanged.connect(seen.append)
    assert page.temperature() == 1.0
    page.set_temperature(2.0)
    assert seen and abs(seen[-1] - 2.0) < 0.05
    scores = np.array([1.0, 3.0, -0.5, 0.2])
    b = loss_breakdown(scores, 2, page.temperature(), l2_term=0.3, l2_lambda=0.01)
    page.view.set_breakdown(b, ["a", "b", "c", "d"], "initial weights (untrained)")
    text = "\n".join(page.view.lines())
    assert f"-log {b.probs[2]:.4f} = {b.cross_entropy:.4f}" in text
    assert f"= {b.hinge:.4f}" in text
    assert f"= {b.total:.4f}" in text
    assert _painted(page.view)


def test_stepper_panel_saves_the_view_as_png(qtbot, tmp_path) -> None:  # noqa: ANN001
    from widgets.lab.lab_panel import LabPanel

    page = StepperPage(ConvStepperView())
    panel = LabPanel({"conv": page, "loss": LossPage()}, {"conv": "Convolution"})
    qtbot.addWidget(panel)
    panel.resize(800, 500)
    panel.show_view("loss")
    assert panel.current_view() == "loss"
    panel.show_view("conv")
    assert panel.save_view(str(tmp_path / "view.png"))
    assert (tmp_path / "view.png").stat().st_size > 0
    assert not panel.save_view(str(tmp_path / "missing" / "view.png"))
    assert "Could not write" in panel.note.text()
