"""Activation, dropout, preprocessing, linear and forward/backward views draw the
engine's numbers, and the canvas links carry the forward/backward norms."""

from __future__ import annotations

from engine.lab import jobs_more
from engine.lab.flow import flow_frame
from engine.lab.linear import linear_unit
from engine.lab.units import dropout_frame
from tests.engine.lab_helpers import STATS, image, project_text
from tests.widgets.test_lab_stepper_views import _painted
from widgets.lab.more_views import FlowView, LinearView, PreprocessView
from widgets.lab.units_view import ActivationView, DropoutView

MLP = [("flatten", {}), ("linear", {"units": 6}), ("sigmoid", {}), ("dropout", {"p": 0.5}),
       ("linear", {"units": 4})]


def test_activation_stepper_view_reports_vanishing_fraction(qtbot) -> None:  # noqa: ANN001
    trace = jobs_more.activation_trace(project_text(MLP), None, "sigmoid1", image(), STATS)
    view = ActivationView()
    qtbot.addWidget(view)
    view.resize(800, 420)
    view.set_trace(trace, "sigmoid")
    text = " ".join(view.lines())
    assert f"{trace.sigmoid_vanishing():.1%}" in text and "6 inputs" in text
    view.set_trace(trace, "relu")
    assert f"{trace.small_grad['relu']:.1%}" in view.lines()[1]
    assert _painted(view)


def test_dropout_stepper_view_counts_dropped_units(qtbot) -> None:  # noqa: ANN001
    trace = jobs_more.dropout_trace(project_text(MLP), None, "drop1", image(), STATS, seed=1)
    view = DropoutView()
    qtbot.addWidget(view)
    view.resize(800, 420)
    frame = dropout_frame(trace)
    view.set_frame(trace, frame)
    text = " ".join(view.lines())
    assert f"{frame.dropped:,} of 6 units dropped" in text and "1/(1 - p) = 2" in text
    assert _painted(view)


def test_preprocess_stepper_view_shows_statistics(qtbot) -> None:  # noqa: ANN001
    trace = jobs_more.preprocess_trace(project_text(MLP), image(), STATS)
    view = PreprocessView()
    qtbot.addWidget(view)
    view.resize(800, 420)
    view.set_trace(trace)
    assert "channel 1: mean 0.5000, std 0.3000" in view.lines()[0]
    assert _painted(view)


def test_linear_stepper_view_writes_w_x_plus_b(qtbot) -> None:  # noqa: ANN001
    trace = jobs_more.linear_trace(project_text([("flatten", {}), ("linear", {"units": 4})]),
                                   None, "fc1", image(), STATS)
    view = LinearView()
    qtbot.addWidget(view)
    view.resize(900, 420)
    unit = linear_unit(trace, 2)
    view.set_unit(trace, unit, ["a", "b", "c", "d"])
    text = " ".join(view.lines())
    assert f"= {unit.total:.4f}" in text and f"layer output {trace.output[2]:.4f}" in text
    assert "2x9x9 flattened to 162" in text
    assert _painted(view)


def test_flow_stepper_view_and_canvas_link_notes(qtbot) -> None:  # noqa: ANN001
    from engine.project import parse_project
    from widgets.canvas.scene import CanvasScene

    text = project_text([("flatten", {}), ("linear", {"units": 5}), ("relu", {}),
                         ("linear", {"units": 4})])
    trace = jobs_more.flow_trace(text, None, image(), 1, STATS)
    view = FlowView()
    qtbot.addWidget(view)
    view.resize(800, 420)
    frame = flow_frame(trace, trace.steps - 1)
    view.set_frame(trace, frame)
    assert "backward" in view.lines()[0] and f"{trace.loss:.4f}" in view.lines()[1]
    assert _painted(view)
    scene = CanvasScene()
    scene.set_graph(parse_project(text).graph)
    assert scene.edge_items
    for edge, item in scene.edge_items.items():
        item.set_note(frame.labels[edge.source])
        assert item.note == frame.labels[edge.source] and "‖∂L/∂a‖" in item.note
        assert item.boundingRect().width() > 0
    first = next(iter(scene.edge_items.values()))
    first.set_note("")
    assert first.note == ""
