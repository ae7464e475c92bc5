"""Every number the convolution and pooling steppers show equals torch's."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.lab import jobs
from engine.lab.conv import conv_window, crop_around, formula_text, partial_output
from engine.lab.errors import LabError
from engine.lab.pool import coverage, pool_window
from tests.engine.lab_helpers import STATS, image, project_text

CONV_CASES = [
    {"out_channels": 3, "kernel": 3, "padding": 1},
    {"out_channels": 4, "kernel": 3, "stride": 2, "padding": 1},
    {"out_channels": 2, "kernel": 3, "dilation": 2, "padding": 2},
    {"out_channels": 4, "kernel": 2, "padding": "same"},
    {"out_channels": 4, "kernel": [3, 1], "stride": [1, 2], "padding": 0, "groups": 2},
    {"out_channels": 2, "kernel": 5, "padding": 0, "bias": False},
]


def _tail(units: int = 4) -> list:
    return [("flatten", {}), ("linear", {"units": units})]


@pytest.mark.parametrize("params", CONV_CASES)
def test_conv_stepper_equals_layer_output_everywhere(params: dict) -> None:
    text = project_text([("conv2d", params), *_tail()])
    trace = jobs.conv_trace(text, None, "conv1", image(), STATS)
    assert trace.weights_note == "initial weights (untrained)"
    o, oh, ow = trace.out_shape
    for oc in range(o):
        for r in range(oh):
            for c in range(ow):
                win = conv_window(trace, oc, r, c)
                assert win.total == pytest.approx(trace.output[oc, r, c], abs=1e-4)
                assert win.channel_sums.sum() + win.bias == pytest.approx(win.total)
                np.testing.assert_allclose(win.products, win.patch * win.kernel)
    # Independently of the trace's own output: torch's conv of the unpadded input.
    t, left, b, rt = trace.pad
    raw = torch.from_numpy(trace.padded[:, t:trace.padded.shape[1] - b, left:trace.padded.shape[2] - rt])
    ref = F.conv2d(F.pad(raw[None], (left, rt, t, b)), torch.from_numpy(trace.weight),
                   torch.from_numpy(trace.bias), trace.stride, 0, trace.dilation, trace.groups)[0]
    np.testing.assert_allclose(ref.numpy(), trace.output, atol=1e-5)


def test_conv_window_taps_show_stride_and_dilation() -> None:
    text = project_text([("conv2d", {"out_channels": 2, "kernel": 3, "stride": 2,
                                     "dilation": 2, "padding": 2}), *_tail()])
    trace = jobs.conv_trace(text, None, "conv1", image(), STATS)
    win = conv_window(trace, 1, 1, 2)
    assert list(win.tap_rows) == [2, 4, 6]  # jumps of the stride, taps spread by dilation
    assert list(win.tap_cols) == [4, 6, 8]
    assert trace.pad == (2, 2, 2, 2)
    assert np.all(trace.padded[:, :2, :] == 0)  # zero padding drawn around the input
    assert "(9 - 5 + 2*2)/2 + 1 = 5 -> 5" in formula_text(trace)[0]


def test_conv_trace_with_given_weights_and_preprocessing() -> None:
    text = project_text([("conv2d", {"out_channels": 1, "kernel": 1, "padding": 0}), *_tail()],
                        data={"preprocessing": {"mode": "standardise"}})
    from engine.model import model_from_project, model_weights

    _, model = model_from_project(text)
    w = model_weights(model)
    w["conv1.weight"] = np.full_like(w["conv1.weight"], 1.0)
    w["conv1.bias"] = np.array([0.5], dtype=np.float32)
    img = image()
    trace = jobs.conv_trace(text, w, "conv1", img, STATS)
    assert trace.weights_note == "trained weights"
    x = (img / 255.0 - np.array(STATS["mean"])[:, None, None]) / np.array(STATS["std"])[:, None, None]
    assert conv_window(trace, 0, 3, 4).total == pytest.approx(x[:, 3, 4].sum() + 0.5, abs=1e-4)


def test_partial_output_and_crop() -> None:
    text = project_text([("conv2d", {"out_channels": 1, "kernel": 3, "padding": 1}), *_tail()])
    trace = jobs.conv_trace(text, None, "conv1", image(), STATS)
    part = partial_output(trace, 0, 10)
    assert np.isfinite(part.reshape(-1)[:11]).all() and np.isnan(part.reshape(-1)[11:]).all()
    assert trace.position(10) == (1, 1)
    assert crop_around((30, 32), (30, 32), (66, 66), 12) == (25, 37, 25, 37)
    assert crop_around((0, 2), (63, 65), (66, 66), 12) == (0, 12, 54, 66)
    assert crop_around((0, 2), (0, 2), (8, 8), 12) == (0, 8, 0, 8)


def test_conv_trace_refuses_wrong_layer_and_sample() -> None:
    text = project_text([("conv2d", {"out_channels": 1}), *_tail()])
    with pytest.raises(LabError, match="not a convolution"):
        jobs.conv_trace(text, None, "flatten1", image(), STATS)
    with pytest.raises(LabError, match="sample is 1x9x9 but the network's Input is 2x9x9"):
        jobs.conv_trace(text, None, "conv1", image((1, 9, 9)), STATS)
    with pytest.raises(LabError, match="no layer 'nope'"):
        jobs.conv_trace(text, None, "nope", image(), STATS)


POOL_CASES = [
    ("maxpool2d", {"kernel": 2, "stride": 2}),
    ("maxpool2d", {"kernel": 3, "stride": 2, "padding": 1}),
    ("maxpool2d", {"kernel": 2, "stride": 2, "ceil_mode": True}),
    ("avgpool2d", {"kernel": 2, "stride": 2}),
    ("avgpool2d", {"kernel": 3, "stride": 2, "padding": 1}),
    ("avgpool2d", {"kernel": 2, "stride": 2, "ceil_mode": True}),
]


@pytest.mark.parametrize(("type_id", "params"), POOL_CASES)
def test_pool_stepper_value_winner_and_gradient_match_autograd(type_id: str, params: dict) -> None:
    text = project_text([(type_id, params), *_tail()])
    node = "pool1" if type_id == "maxpool2d" else "avgpool1"
    trace = jobs.pool_trace(text, None, node, image(), STATS)
    x = torch.from_numpy(trace.input.copy())[None].requires_grad_(True)
    pool = getattr(F, "max_pool2d" if trace.op == "max" else "avg_pool2d")
    out = pool(x, trace.kernel, trace.stride, trace.padding, ceil_mode=trace.ceil_mode)
    np.testing.assert_allclose(out[0].detach().numpy(), trace.output, atol=1e-6)
    c, oh, ow = trace.out_shape
    for ch in range(c):
        for r in range(oh):
            for col in range(ow):
                win = pool_window(trace, ch, r, col)
                assert win.value == pytest.approx(win.layer_value, abs=1e-5)
                (grad,) = torch.autograd.grad(out[0, ch, r, col], x, retain_graph=True)
                g = grad[0, ch].numpy()
                mine = np.zeros_like(g)
                for i, rr in enumerate(win.rows):
                    for j, cc in enumerate(win.cols):
                        if 0 <= rr < g.shape[0] and 0 <= cc < g.shape[1]:
                            mine[rr, cc] += win.gradient[i, j]
                np.testing.assert_allclose(mine, g, atol=1e-6)
                assert grad[0, :ch].abs().sum() == 0  # other channels get nothing
                if trace.op == "max":
                    flat = int(trace.argmax[ch, r, col])
                    assert win.winner == divmod(flat, trace.input.shape[2])
                    assert g.sum() == 1.0 and g.reshape(-1)[flat] == 1.0


def test_pool_coverage_floor_drops_and_ceil_adds() -> None:
    text = project_text([("maxpool2d", {"kernel": 2, "stride": 2}), *_tail()])
    trace = jobs.pool_trace(text, None, "pool1", image(), STATS)
    cov = coverage(trace)
    assert cov.floor_out == (4, 4) and cov.ceil_out == (5, 5)
    assert cov.dropped == (1, 1) and cov.added == (1, 1)
    even = jobs.pool_trace(project_text([("maxpool2d", {"kernel": 2, "stride": 2}), *_tail()],
                                        shape=(2, 8, 8)), None, "pool1", image((2, 8, 8)), STATS)
    assert coverage(even).dropped == (0, 0) and coverage(even).added == (0, 0)


def test_pool_trace_refuses_a_conv() -> None:
    text = project_text([("conv2d", {"out_channels": 1}), *_tail()])
    with pytest.raises(LabError, match="not a max or average pooling"):
        jobs.pool_trace(text, None, "conv1", image(), STATS)
