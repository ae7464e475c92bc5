"""`netcanvas evaluate PROJECT --weights W [--data D] [--split S] [--json]`: accuracy, loss,
per-class precision / recall / F1 and the confusion matrix of trained weights."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NAME = "evaluate"
HELP = "evaluate trained weights: accuracy, per-class P/R/F1, confusion matrix"
# A folder written by `netcanvas train --out` holds its weights under this name.
RUN_CHECKPOINT = "checkpoint.pt"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", help="a NetCanvas project (.json)")
    p.add_argument("--weights", required=True,
                   help="weights: .safetensors, a NetCanvas checkpoint, a state_dict, or a "
                        "folder written by `netcanvas train --out`")
    p.add_argument("--data", help="dataset: a folder (IDX, CIFAR, image folder) or .npz file")
    p.add_argument("--split", default="test", choices=("test", "val", "train"))
    p.add_argument("--json", action="store_true", help="print JSON for scripts")


def _fail(text: str) -> int:
    print(f"netcanvas: {text}", file=sys.stderr)
    return 2


def run(ns: argparse.Namespace) -> int:
    from engine.inspect.evaluate import evaluate, json_report  # torch only here
    from engine.project import ProjectError, dumps, load_project
    from engine.weights import WeightsError, read_weights

    try:
        project = load_project(ns.project)
    except ProjectError as exc:
        return _fail(str(exc))
    weights_path = Path(ns.weights)
    if weights_path.is_dir():
        weights_path = weights_path / RUN_CHECKPOINT
    try:
        weights = read_weights(weights_path)
    except (WeightsError, OSError) as exc:
        return _fail(str(exc))
    try:
        result = evaluate(dumps(project), dict(weights), ns.split, ns.data)
    except ValueError as exc:
        return _fail(str(exc))
    report = json_report(result)
    print(json.dumps(report, indent=2) if ns.json else format_report(report))
    return 0


def format_report(r: dict[str, Any]) -> str:
    names = r["class_names"]
    loss = "-" if r["loss"] is None else f"{r['loss']:.4f}"
    lines = [f"{r['split']} split of {r['data']}: {r['count']:,} images, accuracy "
             f"{r['accuracy']:.4f}, loss {loss}, macro F1 {r['macro_f1']:.4f}", ""]
    width = max(len(n) for n in names)
    lines.append(f"{'class'.ljust(width)}  precision  recall      f1  support")
    for row in r["per_class"]:
        lines.append(f"{row['class'].ljust(width)}  {row['precision']:9.4f}  {row['recall']:6.4f}  "
                     f"{row['f1']:6.4f}  {row['support']:7,}")
    lines += ["", "confusion matrix (rows: true class, columns: predicted)"]
    cm = r["confusion_matrix"]
    cell = max(5, max(len(f"{v:,}") for row in cm for v in row))
    lines.append(" " * (width + 2) + " ".join(str(j).rjust(cell) for j in range(len(names))))
    for i, row in enumerate(cm):
        lines.append(f"{names[i].ljust(width)}  " + " ".join(f"{v:,}".rjust(cell) for v in row))
    return "\n".join(lines)
