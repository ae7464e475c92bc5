"""Training runs kept with a project: settings, per-epoch metrics and a one-line summary
of what changed since the previous run. Plain JSON records (no torch), stored in the
project file's optional "runs" list (docs/project-format.md) and small: metrics only.

A folder written by `netcanvas train --out` reads as a run too (`run_from_folder`).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

MAX_RUNS = 50  # kept per project; the oldest go first
EPOCH_KEYS = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc")
SETTING_NAMES = {"lr": "learning rate", "batch_size": "batch size", "l2": "L2"}


class RunError(ValueError):
    """A run folder or record that cannot be read; the message says why."""


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    """One line: what changed in the graph or the training settings between two project
    records (Project.to_dict()); "first run" without a previous one."""
    if before is None:
        return "first run"
    changes: list[str] = []
    old_nodes = {n["id"]: n for n in before.get("graph", {}).get("nodes", [])}
    new_nodes = {n["id"]: n for n in after.get("graph", {}).get("nodes", [])}
    added = [i for i in new_nodes if i not in old_nodes]
    removed = [i for i in old_nodes if i not in new_nodes]
    if added:
        changes.append("added " + ", ".join(added))
    if removed:
        changes.append("removed " + ", ".join(removed))
    for node_id in (i for i in new_nodes if i in old_nodes):
        old, new = old_nodes[node_id].get("params", {}), new_nodes[node_id].get("params", {})
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                changes.append(f"{node_id}.{key} {_short(old.get(key))}→{_short(new.get(key))}")
    old_edges = {json.dumps(e, sort_keys=True) for e in before.get("graph", {}).get("edges", [])}
    new_edges = {json.dumps(e, sort_keys=True) for e in after.get("graph", {}).get("edges", [])}
    if old_edges != new_edges and not (added or removed):
        changes.append("rewired")
    old_t, new_t = before.get("training", {}), after.get("training", {})
    for key in sorted(set(old_t) | set(new_t)):
        if old_t.get(key) != new_t.get(key):
            changes.append(f"{SETTING_NAMES.get(key, key)} {_short(old_t.get(key))}→{_short(new_t.get(key))}")
    if before.get("data", {}) != after.get("data", {}):
        changes.append("data settings changed")
    return "; ".join(changes) if changes else "no changes"


def _short(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def make_run(project_record: dict[str, Any], previous: dict[str, Any] | None,
             epochs: list[dict[str, Any]], number: int, status: str = "completed",
             test_acc: float | None = None, source: str = "editor") -> dict[str, Any]:
    """A run record: number, label, when, status, summary, settings, epochs, best val acc."""
    rows = [{k: _plain(e.get(k)) for k in EPOCH_KEYS} for e in epochs]
    vals = [r["val_acc"] for r in rows if r["val_acc"] is not None]
    return {
        "number": int(number),
        "label": f"Run {number}",
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "status": status,
        "source": source,
        "summary": describe_changes(previous.get("project") if previous else None, project_record),
        "settings": dict(project_record.get("training", {})),
        "epochs": rows,
        "val_acc": max(vals) if vals else None,
        "test_acc": _plain(test_acc),
        # The graph and settings as trained, so the next run's summary can say what changed.
        "project": {k: project_record.get(k) for k in ("graph", "training", "data")},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def add_run(runs: list[dict[str, Any]], run: dict[str, Any]) -> list[dict[str, Any]]:
    """The runs with `run` appended, the oldest dropped beyond MAX_RUNS."""
    return (list(runs) + [run])[-MAX_RUNS:]


def next_number(runs: list[dict[str, Any]]) -> int:
    return max((int(r.get("number", 0)) for r in runs), default=0) + 1


def run_from_folder(folder: str | Path, number: int,
                    previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """A run record from a `netcanvas train --out` folder (its metrics.json and project.json)."""
    folder = Path(folder)
    metrics_path = folder / "metrics.json"
    try:
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"'{folder}' has no metrics.json; choose a folder written by "
                       "`netcanvas train --out`.") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise RunError(f"Could not read '{metrics_path}': {exc}.") from None
    if not isinstance(metrics, dict) or not isinstance(metrics.get("history"), list):
        raise RunError(f"'{metrics_path}' is not a NetCanvas metrics file (it has no history).")
    try:
        project = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        project = {"training": metrics.get("settings", {})}
    run = make_run(project, previous, metrics["history"], number, metrics.get("status", "completed"),
                   (metrics.get("test") or {}).get("accuracy"), source=str(folder))
    run["label"] = f"Run {number} ({folder.name})"
    return run
