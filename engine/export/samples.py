"""Real samples to verify an export with: the project's own test images, preprocessed the
way training sees them; the bundled Fashion-MNIST subset when the project's data is not
available or does not fit; seeded random inputs only when neither fits the network."""

from __future__ import annotations

import numpy as np

from engine.data import DEFAULT_SOURCE, ArrayDataset, DataError, compute_stats, load_dataset
from engine.project import Project

SAMPLE_COUNT = 64


def _fit(dataset: ArrayDataset, shape: tuple[int, ...]) -> bool:
    sample = tuple(dataset.x_test.shape[1:])
    return sample == tuple(shape) or (len(shape) == 1 and int(np.prod(sample)) == shape[0])


def _prepared(project: Project, dataset: ArrayDataset, shape: tuple[int, ...],
              n: int) -> np.ndarray:
    """The first n test images through the project's preprocessing, with statistics from the
    training part of the training split, exactly as engine.data.prepare computes them."""
    from engine.data.preprocess import split_train_val, to_tensor
    from engine.training.session import preprocessing

    prep = preprocessing(project)
    train_idx, _ = split_train_val(len(dataset.x_train), prep.val_fraction, prep.seed)
    stats = compute_stats(dataset.x_train[train_idx])
    x = to_tensor(dataset.x_test[:n], prep, stats).numpy()
    return np.ascontiguousarray(x.reshape((len(x), *shape)), dtype=np.float32)


def verification_samples(project: Project, shape: tuple[int, ...],
                         n: int = SAMPLE_COUNT) -> tuple[np.ndarray, str]:
    """(float32 samples of `shape`, where they come from, in words)."""
    from engine.training.session import SessionError, data_source

    tried = []
    try:
        tried.append(data_source(project))
    except SessionError:
        pass
    if DEFAULT_SOURCE not in tried:
        tried.append(DEFAULT_SOURCE)
    for source in tried:
        try:
            dataset = load_dataset(source)
        except DataError:
            continue
        if _fit(dataset, shape):
            try:
                x = _prepared(project, dataset, shape, n)
            except (DataError, SessionError, ValueError):
                continue
            return x, f"{len(x)} test images of {dataset.name}"
    generator = np.random.default_rng(0)
    x = generator.standard_normal((n, *shape)).astype(np.float32)
    return x, f"{n} random inputs (no data set at hand fits the input {shape})"
