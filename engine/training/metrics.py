"""Classification metrics from labels and predictions, in numpy (no torch): confusion
matrix, per-class precision / recall / F1, the most confident mistakes, cell members.

Conventions: rows of the confusion matrix are the true class, columns the predicted one,
so cm[i, j] counts images of class i predicted as j. A class never predicted has
precision 0 (0/0 is reported as 0, as scikit-learn's zero_division=0 does); likewise recall
for a class absent from the labels, and F1 when precision + recall is 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """(K, K) int64 counts; cm[i, j] = images of true class i predicted as class j."""
    t = np.asarray(y_true, dtype=np.int64).ravel()
    p = np.asarray(y_pred, dtype=np.int64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"{len(t)} labels but {len(p)} predictions; give one prediction per label.")
    for name, a in (("label", t), ("prediction", p)):
        if a.size and (a.min() < 0 or a.max() >= num_classes):
            raise ValueError(f"A {name} is outside the {num_classes} classes (0 to {num_classes - 1}).")
    return np.bincount(t * num_classes + p, minlength=num_classes * num_classes).reshape(
        num_classes, num_classes)


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    out = np.zeros(top.shape, dtype=np.float64)
    np.divide(top, bottom, out=out, where=bottom > 0)
    return out


def row_normalised(cm: np.ndarray) -> np.ndarray:
    """Each row divided by its total (the share of class i predicted as j); empty rows 0."""
    cm = np.asarray(cm, dtype=np.float64)
    return _ratio(cm, cm.sum(axis=1, keepdims=True) + np.zeros_like(cm))


def precision_recall_f1(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class precision (of the predicted j, how many were j), recall (of the true i,
    how many were found) and their harmonic mean F1."""
    cm = np.asarray(cm, dtype=np.float64)
    hits = np.diag(cm)
    precision = _ratio(hits, cm.sum(axis=0))
    recall = _ratio(hits, cm.sum(axis=1))
    f1 = _ratio(2 * precision * recall, precision + recall)
    return precision, recall, f1


def confident_mistakes(y_true: np.ndarray, y_pred: np.ndarray, confidence: np.ndarray,
                       limit: int = 48) -> np.ndarray:
    """Indices of the wrong predictions, most confident first (at most `limit`)."""
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
    order = np.argsort(-np.asarray(confidence)[wrong], kind="stable")
    return wrong[order[:limit]]


def cell_members(y_true: np.ndarray, y_pred: np.ndarray, confidence: np.ndarray,
                 true_class: int, predicted_class: int) -> np.ndarray:
    """Indices of the images behind confusion cell (true, predicted), most confident first."""
    members = np.flatnonzero((np.asarray(y_true) == true_class)
                             & (np.asarray(y_pred) == predicted_class))
    order = np.argsort(-np.asarray(confidence)[members], kind="stable")
    return members[order]


def classification_report(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int,
                          class_names: list[str] | None = None) -> dict[str, Any]:
    """Accuracy, confusion matrix (counts and row-normalised) and per-class P/R/F1 as plain
    data (lists), ready for JSON."""
    cm = confusion_matrix(y_true, y_pred, num_classes)
    precision, recall, f1 = precision_recall_f1(cm)
    names = list(class_names) if class_names else [str(i) for i in range(num_classes)]
    total = int(cm.sum())
    return {
        "accuracy": float(np.trace(cm) / total) if total else 0.0,
        "count": total,
        "class_names": names,
        "confusion_matrix": cm.tolist(),
        "confusion_matrix_normalised": row_normalised(cm).round(6).tolist(),
        "per_class": [
            {"class": names[k], "precision": float(precision[k]), "recall": float(recall[k]),
             "f1": float(f1[k]), "support": int(cm[k].sum())}
            for k in range(num_classes)
        ],
        "macro_f1": float(f1.mean()) if num_classes else 0.0,
    }
