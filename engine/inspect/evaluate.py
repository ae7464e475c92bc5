"""Evaluate trained weights on a split: accuracy, loss, confusion matrix, per-class
precision / recall / F1 and the most confident mistakes, torch-batched.

`evaluate(...)` is a one-shot job (app/jobs.py): it takes the project's text and numpy
weights and returns plain data, so the GUI, `netcanvas evaluate` and `netcanvas train`
share one computation. The arithmetic on labels lives in engine/training/metrics.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.training.metrics import classification_report, confident_mistakes

SPLITS = ("test", "val", "train")
# Batches that stay in the CPU's caches: the two-conv net on 10,000 images took 5.1 s at
# 1,000 per batch and 3.6 s at 128 (channels-last, 2 cores; bench/diagnose.py).
BATCH = 128
MISTAKES = 48

Progress = Callable[[float, str], None]


class EvaluationError(ValueError):
    """Evaluation cannot run; the message says what to fix."""


def split_tensors(dataset: Any, prep: Any, split: str) -> tuple[Any, np.ndarray, np.ndarray]:
    """(preprocessed float tensor, raw images, labels) of one split, normalised with the
    statistics of the training part exactly as training saw them (engine.data.prepare),
    without converting the other splits."""
    from engine.data import compute_stats
    from engine.data.preprocess import split_train_val, to_tensor

    train_idx, val_idx = split_train_val(len(dataset.x_train), prep.val_fraction, prep.seed)
    stats = compute_stats(dataset.x_train[train_idx])
    if split == "test":
        raw, labels = dataset.x_test, dataset.y_test
    else:
        idx = val_idx if split == "val" else train_idx
        raw, labels = dataset.x_train[idx], dataset.y_train[idx]
    if len(raw) == 0:
        raise EvaluationError(f"The {split} split of '{dataset.name}' is empty; choose another split.")
    return to_tensor(raw, prep, stats), raw, np.asarray(labels, dtype=np.int64)


def predict(model: Any, x: Any, loss_name: str = "cross_entropy",
            labels: np.ndarray | None = None, progress: Progress | None = None
            ) -> tuple[np.ndarray, np.ndarray, float | None]:
    """(softmax probabilities (N, K) float32, predicted classes (N,), mean loss or None)
    in batches, without gradients, in eval mode (restored afterwards)."""
    import torch

    from engine.training.losses import get_loss

    loss_fn = get_loss(loss_name)
    y = torch.from_numpy(labels) if labels is not None else None
    probs, loss_sum = [], 0.0
    first = next(model.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for start in range(0, len(x), BATCH):
                scores = model(x[start:start + BATCH].to(device))
                if y is not None:
                    yb = y[start:start + BATCH].to(device)
                    loss_sum += float(loss_fn(scores, yb)) * len(yb)
                probs.append(torch.softmax(scores.float(), dim=1).cpu())
                if progress is not None:
                    done = min(len(x), start + BATCH)
                    progress(done / len(x), f"Evaluating {done:,}/{len(x):,} images")
    finally:
        model.train(was_training)
    p = torch.cat(probs).numpy()
    return p, p.argmax(axis=1), (loss_sum / len(x) if y is not None else None)


def evaluate(project: str, weights: dict[str, np.ndarray] | None = None, split: str = "test",
             data: str | None = None, progress: Progress | None = None,
             with_images: bool = False, mistakes: int = MISTAKES) -> dict[str, Any]:
    """Evaluate `project` (engine.project.dumps text) with `weights` (None: the untrained
    seeded model) on `split` of the project's data set, or of the data at path `data`.

    Returns plain data: accuracy, loss, count, class_names, confusion_matrix (rows = true
    class), confusion_matrix_normalised, per_class P/R/F1 and support, macro_f1, the most
    confident mistakes, and numpy arrays true / predicted / confidence (per image) for
    galleries; `images` (the split's raw images) only when with_images."""
    if split not in SPLITS:
        raise EvaluationError(f"Unknown split {split!r}; choose one of {', '.join(SPLITS)}.")
    from engine.analysis import analyse
    from engine.data import DataError, detect_source, load_dataset
    from engine.model import load_weights_into, use_fast_conv_layout
    from engine.project import ProjectError, parse_project
    from engine.training.session import (
        SessionError,
        data_source,
        preprocessing,
        seeded_model,
        train_settings,
    )
    from engine.weights import WeightsError

    if progress is not None:
        progress(0.0, "Loading the data")
    try:
        parsed = parse_project(project, "project")
        source = detect_source(data) if data else data_source(parsed)
        dataset = load_dataset(source)
        prep = preprocessing(parsed)
        settings = train_settings(parsed)
    except (ProjectError, DataError, SessionError) as exc:
        raise EvaluationError(str(exc)) from None
    analysis = analyse(parsed.graph, dataset.image_shape, dataset.num_classes)
    if not analysis.valid:
        raise EvaluationError(f"The network does not fit '{dataset.name}': " + " ".join(analysis.errors))
    try:
        model = seeded_model(parsed, analysis)
        if weights is not None:
            load_weights_into(model, weights)
        use_fast_conv_layout(model)
    except (SessionError, WeightsError) as exc:
        raise EvaluationError(str(exc)) from None
    x, raw, labels = split_tensors(dataset, prep, split)
    probs, predicted, loss = predict(model, x, settings.loss, labels, progress)
    confidence = probs[np.arange(len(predicted)), predicted].astype(np.float32)
    report = classification_report(labels, predicted, dataset.num_classes, dataset.class_names)
    wrong = confident_mistakes(labels, predicted, confidence, mistakes)
    report.update({
        "split": split,
        "data": dataset.name,
        "loss": loss,
        "trained": weights is not None,
        "mistakes": [{"index": int(i), "true": int(labels[i]), "predicted": int(predicted[i]),
                      "probability": float(confidence[i])} for i in wrong],
        "true": labels,
        "predicted": predicted.astype(np.int64),
        "confidence": confidence,
    })
    if with_images:
        report["images"] = np.ascontiguousarray(raw)
    return report


def json_report(result: dict[str, Any]) -> dict[str, Any]:
    """The JSON-able part of an evaluate() result (no per-image arrays)."""
    return {k: v for k, v in result.items() if not isinstance(v, np.ndarray)}
