"""`netcanvas train --out` writes weights.safetensors; `netcanvas inspect` writes maps,
filters, saliency and prediction.json whose numbers equal the model's."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from app.cli import main
from engine.analysis import analyse
from engine.inspect import render
from engine.model import model_from_project
from engine.project import load_project
from engine.weights import read_weights
from engine.weights.state import load_project_weights
from tests.engine.test_headless import tiny_npz, tiny_project


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("inspect")
    project, data = tiny_project(tmp / "tiny.json"), tiny_npz(tmp / "tiny.npz")
    out = tmp / "run"
    assert main(["train", str(project), "--data", str(data), "--out", str(out),
                 "--threads", "1"]) == 0
    return project, data, out


def test_train_out_writes_the_weights_and_the_copy_records_them(trained) -> None:
    _, _, out = trained
    state = torch.load(out / "checkpoint.pt", weights_only=True)["model_state"]
    weights = read_weights(out / "weights.safetensors")
    assert weights.keys() == state.keys()
    assert all(torch.equal(torch.from_numpy(weights[k]), state[k]) for k in state)
    copy = load_project(out / "project.json")
    assert copy.weights["file"] == "weights.safetensors"
    again = load_project_weights(out / "project.json", copy.weights, copy.graph,
                                 analyse(copy.graph))
    assert all(np.array_equal(again[k], weights[k]) for k in weights)


def test_inspect_writes_pictures_and_the_models_probabilities(trained, tmp_path: Path,
                                                              capsys) -> None:  # noqa: ANN001
    project, data, out = trained
    dest = tmp_path / "insp"
    assert main(["inspect", str(project), "--weights", str(out / "weights.safetensors"),
                 "--sample", "4", "--data", str(data), "--out", str(dest)]) == 0
    record = json.loads((dest / "prediction.json").read_text())
    # The same numbers straight from torch: the checkpoint's weights, test sample 4.
    text = (out / "project.json").read_text()
    _, model = model_from_project(text, read_weights(out / "weights.safetensors"))
    from engine.data import load_dataset
    from engine.data.preprocess import Preprocessing, prepare
    from engine.training.session import data_source

    ds = load_dataset(data_source(load_project(out / "project.json")))
    x = prepare(ds, Preprocessing()).x_test[4:5]
    with torch.no_grad():
        expected = torch.softmax(model(x), dim=1)[0].double().numpy()
    got = np.array([record["probabilities"][name] for name in ["a", "b", "c"]])
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert record["true"] == {"index": int(ds.y_test[4]), "class": "abc"[int(ds.y_test[4])]}
    assert record["layers"]["conv1"]["shape"] == [4, 8, 8]
    assert record["layers"]["pool1"]["title"] == "pool1 · 4x4x4"
    assert record["saliency"] == {"method": "grad-cam", "layer": "conv1",
                                  "class": record["top"][0]["index"]}
    assert record["filters"]["conv1"]["kind"] == "conv"
    names = {p.relative_to(dest).as_posix() for p in dest.rglob("*.png")}
    assert {"sample.png", "saliency.png", "maps/00_conv1.png", "filters/conv1.png",
            "filters/fc1.png"} <= names
    for name in names:
        with Image.open(dest / name) as img:
            assert img.mode == "RGB" and min(img.size) > 1
    assert "predicted" in capsys.readouterr().out


def test_inspect_an_image_file_and_bad_inputs(trained, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    project, data, out = trained
    picture = tmp_path / "cat.png"
    Image.fromarray(np.full((30, 20, 3), (200, 30, 60), np.uint8)).save(picture)
    assert main(["inspect", str(out / "project.json"), "--image", str(picture),
                 "--out", str(tmp_path / "img")]) == 0
    record = json.loads((tmp_path / "img" / "prediction.json").read_text())
    assert record["sample"].startswith("PNG 20x30 RGB -> resized to 8x8, converted to 1 "
                                       "channel (luminance), standardised")
    assert record["true"] is None and record["weights"] == "weights.safetensors"
    capsys.readouterr()
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{broken")
    for args in (["--weights", str(bad)], ["--image", str(project)],
                 ["--sample", "999", "--data", str(data)]):
        assert main(["inspect", str(out / "project.json"), *args, "--out",
                     str(tmp_path / "x")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("netcanvas: "), err


def test_colour_maps_and_grids() -> None:
    assert tuple(render.SEQUENTIAL[0]) == (68, 1, 84)
    assert tuple(render.DIVERGING[128]) == pytest.approx((247, 247, 247), abs=3)
    rgb = render.diverging(np.array([[-2.0, 0.0, 2.0]]), 2.0)
    assert tuple(rgb[0, 0]) == (5, 48, 97) and tuple(rgb[0, 2]) == (103, 0, 31)
    grid = render.feature_maps_image(np.zeros((5, 3, 3)))
    assert grid.shape[2] == 3 and grid.dtype == np.uint8
    strip = render.bar_strip(np.array([1.0, -1.0]), -1.0, 1.0, height=11, bar=3)
    assert strip.shape == (11, 6, 3)
