"""engine.weights: safetensors round trip, checkpoints and state_dicts, fit checks in sentences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.model import build_model, load_weights_into, model_weights
from engine.templates import load_template
from engine.weights import WeightsError, check_fit, file_sha256, read_weights, save_weights


def _model():
    return build_model(load_template("linear_classifier").graph)


def test_safetensors_round_trip_is_exact(tmp_path) -> None:
    model = _model()
    weights = model_weights(model)
    path = tmp_path / "w.safetensors"
    digest = save_weights(path, weights)
    assert digest == file_sha256(path)
    back = read_weights(path)
    assert set(back) == set(weights)
    for name in weights:
        assert np.array_equal(back[name], weights[name])
    other = _model()
    load_weights_into(other, back)
    for a, b in zip(model.state_dict().values(), other.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_state_dict_and_checkpoint_files(tmp_path) -> None:
    model = _model()
    torch.save(model.state_dict(), tmp_path / "sd.pt")
    torch.save({"format": "netcanvas-checkpoint", "model_state": model.state_dict()}, tmp_path / "ck.pt")
    for name in ("sd.pt", "ck.pt"):
        back = read_weights(tmp_path / name)
        assert set(back) == set(model.state_dict())


def test_garbage_and_truncated_files_are_sentences(tmp_path) -> None:
    (tmp_path / "junk.safetensors").write_bytes(b"not weights at all")
    with pytest.raises(WeightsError, match="Cannot read the weights file"):
        read_weights(tmp_path / "junk.safetensors")
    good = tmp_path / "w.safetensors"
    save_weights(good, model_weights(_model()))
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(WeightsError, match="damaged or truncated|Cannot read"):
        read_weights(cut)
    with pytest.raises(WeightsError, match="No weights file"):
        read_weights(tmp_path / "missing.safetensors")


def test_pickle_with_code_is_refused(tmp_path) -> None:
    class Evil:
        def __reduce__(self):  # noqa: ANN204
            return (print, ("executed",))

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(WeightsError):
        read_weights(tmp_path / "evil.pt")


def test_mismatch_names_layer_and_both_shapes() -> None:
    expected = {"fc.weight": (10, 3072), "fc.bias": (10,)}
    with pytest.raises(WeightsError, match=r"layer 'fc'.*5x3072.*10x3072"):
        check_fit({"fc.weight": np.zeros((5, 3072)), "fc.bias": np.zeros(10)}, expected)
    with pytest.raises(WeightsError, match="no entry 'fc.bias'"):
        check_fit({"fc.weight": np.zeros((10, 3072))}, expected)


def test_model_from_project_matches_the_training_start_and_takes_weights() -> None:
    from engine.model import model_from_project
    from engine.project import dumps
    from engine.training.session import seeded_model

    project = load_template("lenet5")
    text = dumps(project)
    _, a = model_from_project(text)
    start = seeded_model(project)
    for x, y in zip(a.state_dict().values(), start.state_dict().values(), strict=True):
        assert torch.equal(x, y)
    trained = {k: v + 1.0 for k, v in model_weights(a).items() if v.dtype.kind == "f"}
    trained.update({k: v for k, v in model_weights(a).items() if v.dtype.kind != "f"})
    _, b = model_from_project(text, trained)
    assert not b.training
    w = next(iter(b.state_dict()))
    assert np.array_equal(b.state_dict()[w].numpy(), trained[w])
