"""Reading back what an exported training script wrote: OUT/metrics.jsonl (one JSON object
per line, kinds "start", "step", "epoch", "end") and OUT/model.safetensors. No torch."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from engine.export.formats import ExportError

METRICS_FILE = "metrics.jsonl"


def read_metrics_lines(path: str | os.PathLike[str]) -> dict[str, Any]:
    """{"start": {...}, "steps": [...], "epochs": [...], "end": {...} or None} from a
    metrics.jsonl file or the folder holding it; a torn last line (a killed run) is skipped."""
    p = Path(path)
    if p.is_dir():
        p = p / METRICS_FILE
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"Cannot read the training metrics '{p}' ({exc.strerror or exc}).") from None
    run: dict[str, Any] = {"start": None, "steps": [], "epochs": [], "end": None}
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                break  # the run was stopped while writing its last line
            raise ExportError(f"Line {number} of '{p}' is not JSON; the file is damaged.") from None
        kind = record.pop("kind", None) if isinstance(record, dict) else None
        if kind in ("start", "end"):
            run[kind] = record
        elif kind in ("step", "epoch"):
            run[kind + "s"].append(record)
        else:
            raise ExportError(f"Line {number} of '{p}' is not a metrics record of a NetCanvas "
                              "training script.")
    if run["start"] is None:
        raise ExportError(f"'{p}' does not start with a run record; it was not written by a "
                          "NetCanvas training script.")
    return run


def weights_file(folder: str | os.PathLike[str]) -> Path:
    """The weights a training script left in `folder` (safetensors, or .pt without it)."""
    for name in ("model.safetensors", "model.pt"):
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    raise ExportError(f"'{folder}' holds no model.safetensors; the run did not finish.")
