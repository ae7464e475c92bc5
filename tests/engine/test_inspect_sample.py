"""Samples are preprocessed exactly as training does; files are read or refused in one
sentence; the inspection jobs return the documented plain data."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from engine.data import DEFAULT_SOURCE, ChannelStats, load_dataset
from engine.data.preprocess import Preprocessing, prepare, training_stats
from engine.inspect.jobs import InspectError, dataset_sample, inspect_sample, layer_filters
from engine.inspect.sample import SampleError, load_image, load_image_file, prepare_sample
from engine.project import dumps
from engine.templates import load_template


def test_dataset_sample_equals_the_training_tensor() -> None:
    ds = load_dataset(DEFAULT_SOURCE)
    prep = Preprocessing()
    data = prepare(ds, prep)
    stats = training_stats(ds, prep)
    assert stats == data.stats
    sample = prepare_sample(ds.x_test[5], ds.image_shape, prep.to_dict(), stats,
                            origin="test sample 5", channels_first=True)
    assert torch.equal(torch.from_numpy(sample.tensor_input), data.x_test[5])
    assert sample.raw.shape == (28, 28, 1) and sample.raw.dtype == np.uint8
    mean, std = f"{stats.mean[0]:.3f}", f"{stats.std[0]:.3f}"
    assert sample.description == (f"test sample 5 -> standardised with the training mean "
                                  f"{mean} / std {std}")


def test_colour_file_is_resized_and_converted_to_luminance(tmp_path) -> None:
    path = tmp_path / "red.png"
    Image.fromarray(np.full((48, 64, 3), (255, 0, 0), np.uint8)).save(path)
    pixels, origin = load_image(path)
    assert origin == "PNG 64x48 RGB" and pixels.shape == (48, 64, 3)
    stats = ChannelStats([0.5], [0.25])
    sample = prepare_sample(pixels, (1, 4, 4), {"mode": "standardise"}, stats, origin=origin)
    # Uniform red stays uniform under resizing; luma 0.299 * 255 = 76.2 -> 76.
    expected = (76 / 255 - 0.5) / 0.25
    np.testing.assert_allclose(sample.tensor_input, np.full((1, 4, 4), expected), rtol=1e-6)
    assert sample.description == ("PNG 64x48 RGB -> resized to 4x4, converted to 1 channel "
                                  "(luminance), standardised with the training mean 0.500 / "
                                  "std 0.250")
    grey = prepare_sample(np.full((4, 4), 51, np.uint8), (3, 4, 4), {"mode": "scale"})
    np.testing.assert_allclose(grey.tensor_input, np.full((3, 4, 4), 0.2), rtol=1e-6)
    assert "converted to 3 channels" in grey.description


def test_bad_images_give_one_sentence(tmp_path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    for bad in (text, tmp_path / "missing.png", tmp_path):
        with pytest.raises(SampleError) as err:
            load_image_file(bad)
        assert str(err.value).count(".") >= 1 and "\n" not in str(err.value)
    with pytest.raises(SampleError, match="training statistics"):
        prepare_sample(np.zeros((4, 4), np.uint8), (1, 4, 4), {"mode": "standardise"})
    with pytest.raises(SampleError, match="vectors"):
        prepare_sample(np.zeros((4, 4), np.uint8), (16,), {"mode": "scale"})


def test_inspect_jobs_return_plain_data() -> None:
    text = dumps(load_template("lenet5"))
    picked = dataset_sample(text, "test", 2)
    assert picked["image"].shape == (1, 28, 28)
    result = inspect_sample(text, None, picked["image"], label=picked["label"], k=3,
                            origin=picked["origin"], channels_first=True)
    maps = result["maps"]
    assert list(maps)[:3] == ["conv1", "relu1", "pool1"]
    assert maps["conv1"]["title"] == "conv1 · 6x28x28"
    assert maps["conv1"]["min"] == float(maps["conv1"]["array"].min())
    probs = [p["prob"] for p in result["prediction"]]
    assert len(probs) == 3 and probs == sorted(probs, reverse=True)
    assert result["true"] == {"index": picked["label"], "class": picked["class"]}
    sal = result["saliency"]
    assert sal["method"] == "grad-cam" and sal["layer"] == "conv2"
    assert sal["class"] == result["prediction"][0]["index"] and sal["map"].shape == (28, 28)
    assert result["sample"]["tensor_input"].shape == (1, 28, 28)
    filters = layer_filters(text, None, "conv2", "per_channel")
    assert filters["kind"] == "conv" and filters["images"].shape == (16, 6, 5, 5)
    with pytest.raises(InspectError, match="no conv or linear weights"):
        layer_filters(text, None, "pool1")
    with pytest.raises(InspectError, match="outside"):
        dataset_sample(text, "test", 10**6)
