"""Adapters for the activation, dropout, preprocessing, linear and forward/backward views
(see views.py for the pattern)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QPushButton

from app.panels.lab.views import Adapter, StepperAdapter, layers_of
from engine.lab.flow import flow_frame
from engine.lab.linear import linear_unit
from engine.lab.units import CURVE_TITLES, CURVES, dropout_frame
from widgets.lab.more_views import FlowView, LinearView, PreprocessView
from widgets.lab.stepper_page import StepperPage
from widgets.lab.units_view import ActivationView, DropoutView


class ActivationAdapter(StepperAdapter):
    view, kinds, job = "activation", ("activation",), "engine.lab.jobs_more:activation_trace"
    missing = ("This network has no activation layer (ReLU, Sigmoid, Tanh, LeakyReLU, GELU). "
               "Add one, or open Help ▸ Lessons ▸ ReLU.")

    def __init__(self, page: StepperPage) -> None:
        super().__init__(page)
        self.curve = QComboBox()
        self.curve.setToolTip("The nonlinearity drawn over this layer's real inputs")
        for key in ("layer", *CURVES):
            self.curve.addItem(CURVE_TITLES[key], key)
        self.curve.currentIndexChanged.connect(lambda _i: self.draw())
        page.add_control("Curve", self.curve)

    def choose(self, layer: str, options: dict[str, Any]) -> None:
        super().choose(layer, options)
        self.curve.setCurrentIndex(max(self.curve.findData(options.get("curve", "layer")), 0))

    def set_ranges(self, trace: Any) -> None:
        pass

    def draw(self) -> None:
        if self.trace is not None:
            self.page.view.set_trace(self.trace, self.curve.currentData())


class DropoutAdapter(StepperAdapter):
    view, kinds, job = "dropout", ("dropout",), "engine.lab.jobs_more:dropout_trace"
    missing = ("This network has no dropout layer. Add one after a hidden layer, or open "
               "Help ▸ Lessons ▸ Dropout.")

    def __init__(self, page: StepperPage) -> None:
        super().__init__(page)
        self.seed = 0
        redraw = QPushButton("New random draw")
        redraw.setToolTip("Another training-mode pass: dropout picks new units every time")
        redraw.clicked.connect(self.new_draw)
        page.add_control("", redraw)

    def new_draw(self) -> None:
        self.seed += 1
        self.ctrl.refresh()

    def refresh(self, ctrl: Any) -> None:
        layer = self.page.current_layer()
        if not layer:
            self.trace = None
            self.show_empty(self.missing)
            return
        trace = ctrl.request(self.view, ctrl.base_key() + (layer, self.seed), self.job,
                             node_id=layer, seed=self.seed, **ctrl.job_inputs())
        if trace is not None:
            self.trace = trace
            self.page.set_status("")
            self.draw()

    def set_ranges(self, trace: Any) -> None:
        pass

    def frame(self) -> Any:
        return dropout_frame(self.trace)


class LinearAdapter(StepperAdapter):
    view, kinds, job = "linear", ("linear",), "engine.lab.jobs_more:linear_trace"
    missing = "This network has no Linear layer. Open Help ▸ Lessons ▸ Linear classifier."

    def set_ranges(self, trace: Any) -> None:
        self.page.set_ranges(trace.weight.shape[0], 1, 1, 1)
        self.page.channel.setValue(int(trace.output.argmax()))

    def draw(self) -> None:
        if self.trace is not None:
            self.page.view.set_unit(self.trace, linear_unit(self.trace, self.page.channel.value()),
                                    self.ctrl.class_names())


class PreprocessAdapter(Adapter):
    view = "preprocess"

    def __init__(self, page: StepperPage) -> None:
        self.page = page

    def refresh(self, ctrl: Any) -> None:
        inputs = ctrl.job_inputs()
        trace = ctrl.request(self.view, ctrl.base_key(), "engine.lab.jobs_more:preprocess_trace",
                             project=inputs["project"], image=inputs["image"],
                             stats=inputs["stats"])
        if trace is not None:
            self.page.set_status("")
            self.page.view.set_trace(trace)


class FlowAdapter(Adapter):
    view = "flow"

    def __init__(self, page: StepperPage, scene: Any) -> None:
        self.page = page
        self.scene = scene
        self.trace: Any = None
        page.stepChanged.connect(lambda _v: self.draw())

    def refresh(self, ctrl: Any) -> None:
        sample = ctrl.sample()
        if sample is None:
            return
        trace = ctrl.request(self.view, ctrl.base_key(), "engine.lab.jobs_more:flow_trace",
                             label=sample[1], **ctrl.job_inputs())
        if trace is None:
            return
        if trace is not self.trace:
            self.trace = trace
            self.page.set_ranges(1, 1, trace.steps, len(trace.layers))
            self.page.set_status("Step with ←/→ or Play: first the values go down the network, "
                                 "then the gradients come back up. The norms are also written "
                                 "on the canvas's links.")
        self.draw()

    def network_changed(self, doc: Any) -> None:
        self.trace = None
        self.clear_notes()

    def show_empty(self, text: str) -> None:
        self.trace = None
        self.clear_notes()
        super().show_empty(text)

    def clear_notes(self) -> None:
        if self.scene is None:
            return
        for item in self.scene.edge_items.values():
            item.set_note("")

    def draw(self) -> None:
        if self.trace is None:
            return
        frame = flow_frame(self.trace, self.page.slider.value())
        self.page.view.set_frame(self.trace, frame)
        if self.scene is not None:
            for edge, item in self.scene.edge_items.items():
                item.set_note(frame.labels.get(edge.source, ""))


def more_adapters(scene: Any) -> dict[str, Adapter]:
    return {
        "linear": LinearAdapter(StepperPage(LinearView(), "Output unit", None, steps=False)),
        "activation": ActivationAdapter(StepperPage(ActivationView(), None, None, steps=False)),
        "dropout": DropoutAdapter(StepperPage(DropoutView(), None, None, steps=False)),
        "preprocess": PreprocessAdapter(StepperPage(PreprocessView(), None, None, steps=False,
                                                    layers=False)),
        "flow": FlowAdapter(StepperPage(FlowView(), None, None, layers=False), scene),
    }


__all__ = ["layers_of", "more_adapters"]
