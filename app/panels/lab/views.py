"""One adapter per lab view: which layers it offers, which job makes its trace, and how a
trace plus the user's choices becomes the frame its widget draws (a numpy call in
engine.lab, cheap enough for every arrow key)."""

from __future__ import annotations

from typing import Any

from engine.lab.conv import conv_frame
from engine.lab.loss import loss_breakdown
from engine.lab.pool import pool_frame
from engine.layers import fmt_shape
from widgets.lab.conv_view import ConvStepperView
from widgets.lab.loss_view import LossPage
from widgets.lab.pool_view import PoolStepperView
from widgets.lab.stepper_page import StepperPage


def layers_of(doc: Any, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """(node id, label) of the built layers whose LayerSpec.lab is one of `kinds`."""
    analysis = doc.analysis
    out = []
    for nid in analysis.order:
        node = doc.graph.nodes.get(nid)
        res = analysis.nodes.get(nid)
        if node is None or res is None or not res.ok or node.spec.lab not in kinds:
            continue
        key = node.spec.key_params(node.params)
        title = f"{node.spec.title} {key}".strip()
        out.append((nid, f"{nid} · {title} → {fmt_shape(res.output_shape)}"))
    return out


class Adapter:
    view = ""
    page: Any

    def attach(self, ctrl: Any) -> None:
        self.ctrl = ctrl

    def network_changed(self, doc: Any) -> None:
        pass

    def refresh(self, ctrl: Any) -> None:
        raise NotImplementedError

    def show_empty(self, text: str) -> None:
        self.page.view.set_empty(text)
        self.page.set_status(text)

    def busy(self) -> None:
        self.page.set_status("Running the sample through your network…")

    def choose(self, layer: str, options: dict[str, Any]) -> None:
        """A lesson's pick: this layer (and view options)."""


class StepperAdapter(Adapter):
    """Convolution and pooling: a layer, a channel, a step through the output positions."""

    kinds: tuple[str, ...] = ()
    job = ""
    missing = ""

    def __init__(self, page: StepperPage) -> None:
        self.page = page
        self.trace: Any = None
        page.layerChosen.connect(lambda _nid: self.ctrl.refresh())
        page.channelChanged.connect(lambda _v: self.draw())
        page.inChannelChanged.connect(lambda _v: self.draw())
        page.stepChanged.connect(lambda _v: self.draw())

    def network_changed(self, doc: Any) -> None:
        self.page.set_layers(layers_of(doc, self.kinds), self.page.current_layer() or None)

    def choose(self, layer: str, options: dict[str, Any]) -> None:
        self.page.set_layers(layers_of(self.ctrl.doc, self.kinds), layer)

    def refresh(self, ctrl: Any) -> None:
        layer = self.page.current_layer()
        if not layer:
            self.trace = None
            self.show_empty(self.missing)
            return
        trace = ctrl.request(self.view, ctrl.base_key() + (layer,), self.job, node_id=layer,
                             **ctrl.job_inputs())
        if trace is None:
            return
        if trace is not self.trace:
            self.trace = trace
            self.set_ranges(trace)
            self.page.set_status(self.status_text(trace))
        self.draw()

    def set_ranges(self, trace: Any) -> None:
        raise NotImplementedError

    def status_text(self, trace: Any) -> str:
        return ""

    def frame(self) -> Any:
        raise NotImplementedError

    def draw(self) -> None:
        if self.trace is None:
            return
        self.page.view.set_frame(self.trace, self.frame())


class ConvAdapter(StepperAdapter):
    view, kinds, job = "conv", ("conv",), "engine.lab.jobs:conv_trace"
    missing = ("This network has no Conv2d layer. Add one from the Layers palette, or open "
               "Help ▸ Lessons ▸ Convolution.")

    def set_ranges(self, trace: Any) -> None:
        o, _, ow = trace.out_shape
        self.page.set_ranges(o, trace.weight.shape[1], trace.positions, ow)

    def status_text(self, trace: Any) -> str:
        from engine.lab.conv import formula_text

        return "Output size: " + "; ".join(formula_text(trace))

    def frame(self) -> Any:
        p = self.page
        return conv_frame(self.trace, p.channel.value(), p.slider.value(), p.in_channel.value())


class PoolAdapter(StepperAdapter):
    view, kinds, job = "pool", ("max_pool", "avg_pool"), "engine.lab.jobs:pool_trace"
    missing = ("This network has no MaxPool2d or AvgPool2d layer. Add one, or open "
               "Help ▸ Lessons ▸ Pooling.")

    def set_ranges(self, trace: Any) -> None:
        c, _, ow = trace.out_shape
        self.page.set_ranges(c, 1, trace.positions, ow)

    def frame(self) -> Any:
        p = self.page
        return pool_frame(self.trace, p.channel.value(), p.slider.value())


class LossAdapter(Adapter):
    view = "loss"

    def __init__(self, page: LossPage) -> None:
        self.page = page
        self.scores: dict[str, Any] | None = None
        page.temperatureChanged.connect(lambda _t: self.draw())

    def refresh(self, ctrl: Any) -> None:
        result = ctrl.request(self.view, ctrl.base_key(), "engine.lab.jobs:output_scores",
                              **ctrl.job_inputs())
        if result is None:
            return
        self.scores = result
        self.page.set_status("")
        self.draw()

    def draw(self) -> None:
        sample = self.ctrl.sample()
        if self.scores is None or sample is None:
            return
        b = loss_breakdown(self.scores["scores"], sample[1], self.page.temperature(),
                           l2_term=self.scores["l2_term"], l2_lambda=self.scores["l2_lambda"])
        self.page.view.set_breakdown(b, self.ctrl.class_names(), self.scores["weights_note"])


def make_adapters(scene: Any = None) -> dict[str, Adapter]:
    """Every view's adapter, in the order of engine.lab.lessons.VIEWS (the tabs)."""
    from app.panels.lab.views_more import more_adapters
    from engine.lab.lessons import VIEWS

    made: dict[str, Adapter] = {
        "conv": ConvAdapter(StepperPage(ConvStepperView(), "Kernel", "Input channel")),
        "pool": PoolAdapter(StepperPage(PoolStepperView(), "Channel", None)),
        "loss": LossAdapter(LossPage()),
        **more_adapters(scene),
    }
    return {key: made[key] for key in VIEWS}
