"""Preprocessing: statistics, modes, augmentation, validation split, prepare()."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from engine.data import (
    ArrayDataset,
    ChannelStats,
    DataError,
    DataSource,
    Preprocessing,
    augment_batch,
    compute_stats,
    prepare,
    split_train_val,
    to_tensor,
)


def colour_dataset(n_train: int = 200, n_test: int = 40) -> ArrayDataset:
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (n_train, 3, 6, 5), dtype=np.uint8)
    # Give the channels different distributions so a mix-up would show.
    x_train[:, 1] //= 3
    x_train[:, 2] = 255 - x_train[:, 2] // 2
    x_test = rng.integers(0, 256, (n_test, 3, 6, 5), dtype=np.uint8)
    return ArrayDataset("toy", x_train, rng.integers(0, 4, n_train), x_test,
                        rng.integers(0, 4, n_test), ["a", "b", "c", "d"], DataSource("shapes"))


def test_stats_match_a_hand_computation_for_uint8() -> None:
    x = colour_dataset().x_train
    stats = compute_stats(x)
    scaled = x.astype(np.float64) / 255.0
    np.testing.assert_allclose(stats.mean, scaled.mean(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(stats.std, scaled.std(axis=(0, 2, 3)), rtol=1e-12)
    json.dumps(stats.to_dict())  # plain floats, storable in a project file
    assert ChannelStats.from_dict(stats.to_dict()) == stats


def test_stats_for_float_pixels_and_constant_channel() -> None:
    rng = np.random.default_rng(1)
    x = (rng.random((50, 2, 4, 4)) * 0.5 + 0.2).astype(np.float32)
    x[:, 1] = 0.25
    stats = compute_stats(x)
    assert stats.mean[0] == pytest.approx(float(x[:, 0].astype(np.float64).mean()), rel=1e-9)
    assert stats.std[0] == pytest.approx(float(x[:, 0].astype(np.float64).std()), rel=1e-6)
    # A constant channel keeps std 1 so standardising it cannot divide by zero.
    assert stats.mean[1] == pytest.approx(0.25) and stats.std[1] == 1.0


def test_modes() -> None:
    x = colour_dataset().x_train
    stats = compute_stats(x)
    raw = to_tensor(x, Preprocessing(mode="none"), stats)
    assert raw.dtype == torch.float32 and raw.max() == float(x.max())
    scaled = to_tensor(x, Preprocessing(mode="scale"), stats)
    torch.testing.assert_close(scaled, torch.from_numpy(x / 255.0).float())
    centred = to_tensor(x, Preprocessing(mode="mean_subtract"), stats)
    torch.testing.assert_close(centred.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-6, rtol=0)
    standard = to_tensor(x, Preprocessing(mode="standardise"), stats)
    torch.testing.assert_close(standard.std(dim=(0, 2, 3), unbiased=False), torch.ones(3))


def test_prepare_uses_training_part_only() -> None:
    ds = colour_dataset()
    prep = Preprocessing(mode="standardise", val_fraction=0.25, seed=5)
    data = prepare(ds, prep)
    train_idx, val_idx = split_train_val(len(ds.x_train), 0.25, 5)
    hand = ds.x_train[train_idx].astype(np.float64) / 255.0
    np.testing.assert_allclose(data.stats.mean, hand.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(data.stats.std, hand.std(axis=(0, 2, 3)))
    assert data.x_train.shape == (150, 3, 6, 5) and data.x_val.shape == (50, 3, 6, 5)
    assert data.x_test.shape == (40, 3, 6, 5) and data.y_train.dtype == torch.int64
    torch.testing.assert_close(data.x_train.mean(dim=(0, 2, 3)), torch.zeros(3), atol=1e-5,
                               rtol=0)
    torch.testing.assert_close(data.x_train.std(dim=(0, 2, 3), unbiased=False), torch.ones(3))
    np.testing.assert_array_equal(data.y_val.numpy(), ds.y_train[val_idx])
    assert data.class_names == ds.class_names


def test_prepare_without_validation() -> None:
    data = prepare(colour_dataset(), Preprocessing(val_fraction=0.0))
    assert len(data.x_train) == 200 and len(data.x_val) == 0


def test_split_is_deterministic_disjoint_and_complete() -> None:
    train, val = split_train_val(1000, 0.1, seed=7)
    again_train, again_val = split_train_val(1000, 0.1, seed=7)
    np.testing.assert_array_equal(train, again_train)
    np.testing.assert_array_equal(val, again_val)
    assert len(val) == 100 and not set(train) & set(val)
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(1000))
    assert not np.array_equal(val, split_train_val(1000, 0.1, seed=8)[1])
    assert len(split_train_val(5, 0.01, 0)[1]) == 1  # a requested split is never empty
    with pytest.raises(ValueError):
        split_train_val(10, 1.0, 0)


def test_flip_really_flips() -> None:
    x = torch.arange(2 * 1 * 3 * 4, dtype=torch.float32).reshape(2, 1, 3, 4)
    batch = x.repeat(32, 1, 1, 1)
    out = augment_batch(batch, Preprocessing(flip=True), torch.Generator().manual_seed(0))
    assert out.shape == batch.shape
    flipped = (out == batch.flip(3)).flatten(1).all(dim=1)
    kept = (out == batch).flatten(1).all(dim=1)
    assert bool((flipped | kept).all()) and 0 < int(flipped.sum()) < len(batch)
    assert torch.equal(augment_batch(batch, Preprocessing(), torch.Generator()), batch)


def test_crop_shifts_content_and_keeps_shape() -> None:
    x = torch.randn(64, 3, 8, 8)
    prep = Preprocessing(crop_padding=2)
    out = augment_batch(x, prep, torch.Generator().manual_seed(1))
    assert out.shape == x.shape
    for image, original in zip(out, x, strict=True):
        # Each output is the original shifted by some (dy, dx) in [-2, 2], zeros outside.
        padded = torch.nn.functional.pad(original, (2, 2, 2, 2))
        windows = [padded[:, dy:dy + 8, dx:dx + 8] for dy in range(5) for dx in range(5)]
        assert any(torch.equal(image, w) for w in windows)
    same = augment_batch(x, prep, torch.Generator().manual_seed(1))
    assert torch.equal(out, same)
    assert not torch.equal(out, x)


def test_settings_round_trip_and_validation() -> None:
    prep = Preprocessing(mode="mean_subtract", flip=True, crop_padding=4, val_fraction=0.2,
                         seed=3)
    assert Preprocessing.from_dict(json.loads(json.dumps(prep.to_dict()))) == prep
    assert Preprocessing.from_dict({}) == Preprocessing()
    for bad in ({"mode": "whiten"}, {"crop_padding": -1}, {"val_fraction": 1.0},
                {"flip": "yes"}, {"colour": True}, {"seed": 1.5}, []):
        with pytest.raises(DataError):
            Preprocessing.from_dict(bad)


def test_stats_channel_mismatch_is_reported() -> None:
    with pytest.raises(DataError, match="1 channel"):
        to_tensor(colour_dataset().x_train, Preprocessing(), ChannelStats([0.5], [0.2]))
