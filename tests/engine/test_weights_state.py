"""Which trained weights still fit after an edit (torch-free shapes vs torch), the weights
file beside a project (hash-checked), and Load Weights' reader on bad files."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

from engine.analysis import analyse
from engine.model import build_model, model_weights
from engine.project import Project, dumps
from engine.templates import ORDER, load_template
from engine.weights import WeightsError, save_weights
from engine.weights.state import (
    NO_WEIGHTS,
    STALE,
    TRAINED,
    UNTRAINED,
    expected_state_shapes,
    fitting_weights,
    load_project_weights,
    params_snapshot,
    read_weights_for,
    save_project_weights,
    weight_states,
    weights_path_for,
)


@pytest.mark.parametrize("key", ORDER)
def test_declared_state_shapes_equal_the_models_state_dict(key: str) -> None:
    graph = load_template(key).graph
    model = build_model(graph)
    assert expected_state_shapes(graph, analyse(graph)) == {
        name: tuple(t.shape) for name, t in model.state_dict().items()}


def _lenet_trained():
    graph = load_template("lenet5").graph
    return graph, model_weights(build_model(graph)), params_snapshot(graph)


def test_editing_a_layer_marks_it_and_the_layers_that_no_longer_fit() -> None:
    graph, weights, trained = _lenet_trained()
    states = weight_states(graph, analyse(graph), weights, trained)
    assert states["conv1"] == states["fc3"] == TRAINED and states["relu1"] == NO_WEIGHTS
    # More kernels in conv1: conv1 itself and conv2 (its input channels) are stale.
    graph.set_params("conv1", {"out_channels": 8})
    states = weight_states(graph, analyse(graph), weights, trained)
    assert {n for n, s in states.items() if s == STALE} == {"conv1", "conv2"}
    assert states["fc1"] == TRAINED
    # Undo: everything fits again.
    graph.set_params("conv1", {"out_channels": 6})
    assert STALE not in weight_states(graph, analyse(graph), weights, trained).values()
    # A pool that keeps conv2's weights but changes what fc1 receives.
    graph.set_params("pool2", {"kernel": 1, "stride": 1})
    states = weight_states(graph, analyse(graph), weights, trained)
    assert {n for n, s in states.items() if s == STALE} == {"fc1"}
    fit = fitting_weights(weights, states)
    assert fit is not None and "conv2.weight" in fit and "fc1.weight" not in fit
    assert weight_states(graph, analyse(graph), None, {})["conv1"] == UNTRAINED


def test_project_weights_round_trip_and_a_swapped_file_is_refused(tmp_path) -> None:
    graph, weights, _ = _lenet_trained()
    project_path = tmp_path / "net.json"
    record = save_project_weights(project_path, weights)
    assert record["file"] == "net.weights.safetensors"
    assert weights_path_for(project_path) == tmp_path / "net.weights.safetensors"
    loaded = load_project_weights(project_path, record, graph, analyse(graph))
    assert all(np.array_equal(loaded[k], weights[k]) for k in weights)
    # Another network's weights saved over the file: the hash no longer matches.
    save_weights(tmp_path / "net.weights.safetensors", {k: v + 1 for k, v in weights.items()})
    with pytest.raises(WeightsError, match="does not match this project"):
        load_project_weights(project_path, record, graph, analyse(graph))
    (tmp_path / "net.weights.safetensors").unlink()
    with pytest.raises(WeightsError, match="missing"):
        load_project_weights(project_path, record, graph, analyse(graph))
    with pytest.raises(WeightsError, match="damaged"):
        load_project_weights(project_path, {"file": 3}, graph, analyse(graph))
    with pytest.raises(WeightsError, match="beside the project"):
        load_project_weights(project_path, {"file": "../x.safetensors", "sha256": "0"}, graph,
                             analyse(graph))


def test_project_file_records_weights_and_old_files_open() -> None:
    from engine.project import parse_project

    project = load_template("lenet5")
    assert "weights" not in project.to_dict()  # files without weights stay as they were
    project.weights = {"file": "a.weights.safetensors", "sha256": "ab"}
    assert parse_project(dumps(project)).weights == project.weights


class _Exploit:
    def __reduce__(self):  # noqa: ANN204 - pickle protocol
        import os

        return (os.system, ("touch /tmp/netcanvas-pwned-by-weights",))


def test_read_weights_for_refuses_mismatched_truncated_and_malicious_files(tmp_path) -> None:
    import os

    graph, weights, _ = _lenet_trained()
    text = dumps(Project(graph))
    good = tmp_path / "good.safetensors"
    save_weights(good, weights)
    assert read_weights_for(str(good), text).keys() == weights.keys()
    # A state_dict of a different network (torch .pt): the layer and both shapes are named.
    other = {k: torch.from_numpy(v) for k, v in weights.items()}
    other["conv2.weight"] = torch.zeros(16, 6, 3, 3)
    pt = tmp_path / "other.pt"
    torch.save(other, pt)
    with pytest.raises(WeightsError) as err:
        read_weights_for(str(pt), text)
    assert "conv2" in str(err.value) and "16x6x3x3" in str(err.value) \
        and "16x6x5x5" in str(err.value)
    truncated = tmp_path / "cut.safetensors"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(WeightsError, match="damaged or truncated"):
        read_weights_for(str(truncated), text)
    marker = "/tmp/netcanvas-pwned-by-weights"
    if os.path.exists(marker):
        os.unlink(marker)
    raw, zipped = tmp_path / "evil.pth", tmp_path / "evil.pt"
    with open(raw, "wb") as f:
        pickle.dump({"conv1.weight": _Exploit()}, f, protocol=2)
    torch.save({"conv1.weight": _Exploit()}, zipped)  # torch's own zip format, same payload
    for evil in (raw, zipped):
        with pytest.raises(WeightsError) as err:
            read_weights_for(str(evil), text)
        assert not os.path.exists(marker)
        assert "\n" not in str(err.value) and "evil" in str(err.value)
