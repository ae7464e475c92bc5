"""Feature maps, filter images, prediction and saliency on a hand-built network with known
weights and a known input, against values computed by hand (see each test)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engine.graph import chain
from engine.inspect.filters import FilterError, filter_images
from engine.inspect.maps import capture_maps
from engine.inspect.predict import ends_in_probabilities, predict
from engine.inspect.saliency import default_saliency_layer, grad_cam, gradient_saliency
from engine.model import build_model

# x = 1..9 on a 3x3 grid.
X = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3)
CONV_W = np.array([[[[1, 0], [0, -1]]], [[[0.5, 0.5], [0.5, 0.5]]]], np.float32)
CONV_B = np.array([0.0, 1.0], np.float32)
FC_W = np.zeros((2, 8), np.float32)
FC_W[0, 4] = 0.1  # class 0 reads channel 1, pixel (0, 0)
FC_W[1, 7] = 0.1  # class 1 reads channel 1, pixel (1, 1)


def tiny(softmax: bool = False):
    layers = [("input", {"channels": 1, "height": 3, "width": 3}),
              ("conv2d", {"out_channels": 2, "kernel": 2, "padding": 0}),
              ("relu", {}), ("flatten", {}), ("linear", {"units": 2})]
    if softmax:
        layers.append(("softmax", {}))
    graph = chain([*layers, ("output", {"classes": 2})])
    model = build_model(graph)
    with torch.no_grad():
        model.conv1.weight.copy_(torch.from_numpy(CONV_W))
        model.conv1.bias.copy_(torch.from_numpy(CONV_B))
        model.fc1.weight.copy_(torch.from_numpy(FC_W))
        model.fc1.bias.zero_()
    return graph, model.eval()


# By hand: channel 0 is x[i,j] - x[i+1,j+1] = -4 everywhere; channel 1 is the mean of each
# 2x2 window times 2 (weights 0.5) plus 1: (1+2+4+5)/2+1 = 7, 9, 13, 15.
CONV_OUT = np.array([[[-4, -4], [-4, -4]], [[7, 9], [13, 15]]], np.float32)
LOGITS = np.array([0.7, 1.5], np.float32)


def test_feature_maps_equal_hand_values() -> None:
    _, model = tiny()
    maps = capture_maps(model, X)
    assert list(maps) == ["conv1", "relu1", "flatten1", "fc1", "output1"]
    np.testing.assert_allclose(maps["conv1"], CONV_OUT)
    np.testing.assert_allclose(maps["relu1"], np.maximum(CONV_OUT, 0))
    np.testing.assert_allclose(maps["flatten1"], [0, 0, 0, 0, 7, 9, 13, 15])
    np.testing.assert_allclose(maps["fc1"], LOGITS, rtol=1e-6)
    assert maps["conv1"].shape == (2, 2, 2) and maps["fc1"].shape == (2,)


def test_hooks_removed_and_mode_restored_after_an_exception() -> None:
    _, model = tiny()
    model.train()
    with pytest.raises(RuntimeError):
        capture_maps(model, np.zeros((1, 5, 5), np.float32))  # wrong size: Linear fails
    assert model.training and all(m.training for m in model.modules())
    assert all(not m._forward_hooks for m in model.modules())
    model.eval()
    capture_maps(model, X)
    assert not model.training


def test_prediction_is_softmax_of_the_logits_once() -> None:
    graph, model = tiny()
    p1 = 1 / (1 + math.exp(-(1.5 - 0.7)))
    top = predict(model, X, ["a", "b"], k=5, graph=graph)
    assert [(i, name) for i, name, _ in top] == [(1, "b"), (0, "a")]
    assert top[0][2] == pytest.approx(p1, rel=1e-6)
    assert top[1][2] == pytest.approx(1 - p1, rel=1e-6)
    assert predict(model, X, ["a", "b"], k=1)[0][0] == 1


def test_a_net_ending_in_softmax_is_not_softmaxed_twice() -> None:
    graph, model = tiny(softmax=True)
    assert ends_in_probabilities(graph) and not ends_in_probabilities(tiny()[0])
    top = predict(model, X, ["a", "b"], graph=graph)
    assert top[0][2] == pytest.approx(1 / (1 + math.exp(-0.8)), rel=1e-6)


def test_grad_cam_equals_hand_computation() -> None:
    graph, model = tiny()
    assert default_saliency_layer(graph) == "conv1"
    # Class 1 = 0.1 * relu(A1[1,1]): alpha_0 = 0, alpha_1 = 0.1 / 4; cam = relu(alpha_1 A1)
    # = alpha_1 [[7, 9], [13, 15]], upsampled 2x2 -> 3x3 bilinear (half-pixel centres: the
    # corners keep their values, the middles average), then divided by its maximum.
    cam = grad_cam(model, X, 1, "conv1")
    np.testing.assert_allclose(cam, np.array([[7, 8, 9], [10, 11, 12], [13, 14, 15]]) / 15,
                               rtol=1e-6)
    assert not model.training


def test_gradient_saliency_equals_hand_computation() -> None:
    _, model = tiny()
    # d(class 1)/dx = 0.5 * 0.1 on the four pixels of the bottom-right window, 0 elsewhere.
    sal = gradient_saliency(model, X, 1)
    np.testing.assert_allclose(sal, [[0, 0, 0], [0, 1, 1], [0, 1, 1]], atol=1e-7)
    assert all(p.grad is None for p in model.parameters())


def test_filter_images_of_conv_and_linear_layers() -> None:
    _, model = tiny()
    conv = filter_images(model, "conv1")
    assert conv.kind == "conv" and conv.vmax == 1.0
    np.testing.assert_array_equal(conv.images, CONV_W)
    fc = filter_images(model, "fc1", input_shape=(1, 3, 3))
    assert fc.kind == "linear-heatmap" and fc.images.shape == (1, 1, 2, 8)
    assert fc.vmax == pytest.approx(0.1)
    np.testing.assert_array_equal(fc.images[0, 0], FC_W)
    with pytest.raises(FilterError, match="relu1"):
        filter_images(model, "relu1")


def test_rgb_first_layer_per_channel_and_mean_modes() -> None:
    graph = chain([("input", {"channels": 3, "height": 4, "width": 4}),
                   ("conv2d", {"out_channels": 2, "kernel": 3}),
                   ("conv2d", {"out_channels": 4, "kernel": 3}),
                   ("flatten", {}), ("linear", {"units": 2}), ("output", {"classes": 2})])
    model = build_model(graph)
    w1 = model.conv1.weight.detach().numpy()
    rgb = filter_images(model, "conv1", mode="mean")
    assert rgb.kind == "conv-rgb"
    np.testing.assert_array_equal(rgb.images, w1)
    assert rgb.vmax == pytest.approx(float(np.abs(w1).max()))
    w2 = model.conv2.weight.detach().numpy()
    mean = filter_images(model, "conv2", mode="mean")
    np.testing.assert_allclose(mean.images, w2.mean(axis=1, keepdims=True), rtol=1e-6)
    per = filter_images(model, "conv2", mode="per_channel")
    assert per.images.shape == (4, 2, 3, 3) and per.vmax == pytest.approx(float(np.abs(w2).max()))


def test_linear_classifier_rows_become_template_images() -> None:
    graph = chain([("input", {"channels": 3, "height": 2, "width": 2}), ("flatten", {}),
                   ("linear", {"units": 2}), ("output", {"classes": 2})])
    model = build_model(graph)
    w = model.fc1.weight.detach().numpy()
    t = filter_images(model, "fc1", input_shape=(3, 2, 2), class_names=["cat", "dog"])
    assert t.kind == "linear-template" and t.labels == ["cat", "dog"]
    assert t.images.shape == (2, 3, 2, 2)
    # Row 1's weight for channel 2, pixel (1, 0) is feature 2*4 + 1*2 + 0 = 10.
    assert t.images[1, 2, 1, 0] == w[1, 10]


def test_saliency_refuses_bad_requests_and_restores_the_model() -> None:
    from engine.inspect.saliency import SaliencyError

    _, model = tiny()
    model.train()
    with pytest.raises(SaliencyError, match="Class 5 does not exist"):
        grad_cam(model, X, 5, "conv1")
    with pytest.raises(SaliencyError, match="no layer 'nope'"):
        grad_cam(model, X, 0, "nope")
    with pytest.raises(SaliencyError, match="image-shaped layer"):
        grad_cam(model, X, 0, "fc1")
    assert model.training and all(not m._forward_hooks and not m._backward_hooks
                                  for m in model.modules())
