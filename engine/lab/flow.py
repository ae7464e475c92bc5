"""Forward and backward stepper: one sample's values flowing down the network and the
loss's gradients flowing back up, layer by layer, with their norms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlowLayer:
    node_id: str
    title: str
    shape: tuple[int, ...]
    value_norm: float      # ||output|| for the sample
    grad_norm: float       # ||dL/d output||
    param_grad_norm: float | None  # ||dL/d weights|| (None: no parameters)


@dataclass(frozen=True)
class FlowTrace:
    layers: list[FlowLayer]  # in forward order, the Input first
    loss: float
    loss_name: str
    label: int
    weights_note: str

    @property
    def steps(self) -> int:
        """Forward through every layer, then backward through every layer."""
        return 2 * len(self.layers)


@dataclass(frozen=True)
class FlowFrame:
    step: int
    forward_done: int       # layers whose value is known at this step
    backward_done: int      # layers (from the end) whose gradient is known
    current: str            # the layer this step computes
    phase: str              # "forward" or "backward"
    labels: dict[str, str]  # node id -> text for the links leaving it


def flow_frame(trace: FlowTrace, step: int) -> FlowFrame:
    n = len(trace.layers)
    step = min(max(step, 0), max(trace.steps - 1, 0))
    forward_done = min(step + 1, n)
    backward_done = max(0, step + 1 - n)
    labels = {}
    for i, layer in enumerate(trace.layers):
        parts = []
        if i < forward_done:
            parts.append(f"‖a‖ {layer.value_norm:.3g}")
        if i >= n - backward_done:
            parts.append(f"‖∂L/∂a‖ {layer.grad_norm:.3g}")
        labels[layer.node_id] = " · ".join(parts)
    if step < n:
        current, phase = trace.layers[step].node_id, "forward"
    else:
        current, phase = trace.layers[n - 1 - (step - n)].node_id, "backward"
    return FlowFrame(step, forward_done, backward_done, current, phase, labels)
