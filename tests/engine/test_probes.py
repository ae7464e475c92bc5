"""Probes on an idle model: feature maps, gradient norms and weight copies by node id."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import fx, nn

from engine.inspect.probes import (
    ProbeError,
    feature_maps,
    grad_norms,
    owner_node_id,
    resolve_sample,
    run_probe,
    weights,
)
from tests.engine.training_helpers import conv_net, images


def test_feature_maps_shapes_per_node() -> None:
    model = conv_net()
    x, _ = images(4)
    maps = feature_maps(model, x[:1])
    assert maps["conv1"].shape == (4, 8, 8)
    assert maps["pool1"].shape == (4, 4, 4)
    assert maps["flatten"].shape == (64,)
    assert maps["fc1"].shape == (3,)
    assert all(a.dtype == np.float32 for a in maps.values())


def test_feature_maps_match_a_plain_forward_and_restore_everything() -> None:
    model = conv_net()
    model.train()
    x, _ = images(4)
    maps = feature_maps(model, x[1:2], node_ids=["fc1"])
    assert list(maps) == ["fc1"]
    assert model.training, "train mode must be restored"
    assert all(not m._forward_hooks for m in model.modules()), "hooks must be removed"
    model.eval()
    with torch.no_grad():
        expected = model(x[1:2])[0].numpy()
    np.testing.assert_allclose(maps["fc1"], expected, rtol=1e-6)


def test_feature_maps_remove_hooks_when_forward_fails() -> None:
    model = conv_net()
    with pytest.raises(RuntimeError):
        feature_maps(model, torch.zeros(1, 2, 8, 8))  # wrong channel count
    assert all(not m._forward_hooks for m in model.modules())
    assert model.training


def test_feature_maps_work_on_an_fx_graph_module() -> None:
    # The model builder produces torch.fx GraphModules with children named by node id.
    model = fx.symbolic_trace(conv_net())
    maps = feature_maps(model, images(1)[0])
    assert maps["conv1"].shape == (4, 8, 8)


def test_unknown_node_lists_the_known_ones() -> None:
    with pytest.raises(ProbeError, match="no node 'conv9'; its nodes are: conv1, bn1"):
        feature_maps(conv_net(), images(1)[0], node_ids=["conv9"])


def test_grad_norms_keys_and_values() -> None:
    model = conv_net()
    assert grad_norms(model) == {}, "no gradients before the first backward"
    x, y = images(8)
    nn.functional.cross_entropy(model(x), y).backward()
    norms = grad_norms(model)
    assert set(norms) == {"conv1", "bn1", "fc1"}
    expected = torch.cat([model.fc1.weight.grad.flatten(), model.fc1.bias.grad]).norm().item()
    assert norms["fc1"] == pytest.approx(expected, rel=1e-5)


def test_weights_are_copies() -> None:
    model = conv_net()
    result = weights(model, "conv1")
    assert set(result) == {"weight", "bias"}
    assert result["weight"].shape == (4, 1, 3, 3)
    before = model.conv1.weight.detach().clone()
    result["weight"][:] = 42.0
    assert torch.equal(model.conv1.weight.detach(), before)
    with torch.no_grad():
        model.conv1.weight.add_(1.0)
    assert (result["weight"] == 42.0).all()


def test_owner_node_id_takes_longest_known_prefix() -> None:
    assert owner_node_id("conv1.weight", {"conv1"}) == "conv1"
    assert owner_node_id("block.conv.weight", {"block", "block.conv"}) == "block.conv"
    assert owner_node_id("block.0.weight", {"other"}) == "block"


def test_resolve_sample_from_index_or_tensor() -> None:
    x_train, _ = images(4, seed=1)
    x_val, _ = images(3, seed=2)
    assert torch.equal(resolve_sample(1, x_val, x_train), x_val[1:2])
    assert torch.equal(resolve_sample(-1, None, x_train), x_train[3:4])
    assert resolve_sample(x_val[0], x_val).shape == (1, 1, 8, 8)  # (C,H,W) gets a batch axis
    assert resolve_sample(x_val[:1], x_val).shape == (1, 1, 8, 8)
    with pytest.raises(ProbeError, match="outside the validation set \\(0 to 2\\)"):
        resolve_sample(3, x_val, x_train)


def test_feature_maps_probe_takes_a_preprocessed_numpy_sample() -> None:
    """The GUI sends the sample it shows as plain numpy (it never holds a tensor)."""
    model = conv_net()
    x, _ = images(3)
    from_numpy = run_probe(model, "feature_maps", {"sample": x[2].numpy()}, x_val=x)
    from_index = run_probe(model, "feature_maps", {"sample": 2}, x_val=x)
    assert from_numpy.keys() == from_index.keys()
    for node_id, array in from_index.items():
        np.testing.assert_array_equal(from_numpy[node_id], array)


def test_run_probe_dispatch_and_argument_errors() -> None:
    model = conv_net()
    x, _ = images(2)
    assert set(run_probe(model, "feature_maps", {"sample": 0}, x_train=x)) >= {"conv1"}
    assert set(run_probe(model, "weights", {"node_id": "fc1"})) == {"weight", "bias"}
    with pytest.raises(ProbeError, match="needs node_id"):
        run_probe(model, "weights", {})
    with pytest.raises(ProbeError, match="does not take colour"):
        run_probe(model, "grad_norms", {"colour": "red"})
