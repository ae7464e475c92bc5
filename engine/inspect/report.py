"""`netcanvas inspect`'s output folder: feature maps, filters, saliency and the sample as
PNG, and prediction.json (class probabilities and layer shapes). Plain files from plain
results (engine.inspect.jobs), so the CLI and a script write the same thing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from engine.inspect import render

PREDICTION_JSON = "prediction.json"
REPORT_VERSION = 1


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def write_report(out: Path, result: dict[str, Any], filters: dict[str, dict[str, Any]],
                 extra: dict[str, Any] | None = None) -> list[Path]:
    """Write every picture and prediction.json into `out` (created); returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "maps").mkdir(exist_ok=True)
    written: list[Path] = []

    def save(path: Path, rgb: Any) -> None:
        render.save_png(path, rgb)
        written.append(path)

    sample = result["sample"]
    save(out / "sample.png", render.sample_image(sample["raw"]))
    for i, (node_id, info) in enumerate(result["maps"].items()):
        save(out / "maps" / f"{i:02d}_{_safe(node_id)}.png",
             render.feature_maps_image(info["array"]))
    if filters:
        (out / "filters").mkdir(exist_ok=True)
    for node_id, f in filters.items():
        save(out / "filters" / f"{_safe(node_id)}.png",
             render.filters_image(f["images"], f["vmax"], f["kind"]))
    sal = result["saliency"]
    save(out / "saliency.png", render.overlay(sample["raw"], sal["map"]))
    names = result["class_names"]
    # The caller asks for every class (k >= classes): probabilities by class name, in
    # class order, and the five most likely.
    by_index = sorted(result["prediction"], key=lambda p: p["index"])
    probs = {p["class"]: p["prob"] for p in by_index}
    record = {
        "version": REPORT_VERSION,
        "sample": sample["description"],
        "probabilities": probs,
        "top": result["prediction"][:5],
        "true": result["true"],
        "classes": names,
        "layers": {nid: {"shape": list(info["shape"]), "min": info["min"], "max": info["max"],
                         "title": info["title"]} for nid, info in result["maps"].items()},
        "filters": {nid: {"kind": f["kind"], "vmax": f["vmax"], "count": len(f["labels"])}
                    for nid, f in filters.items()},
        "saliency": {k: sal[k] for k in ("method", "layer", "class")},
        **(extra or {}),
    }
    path = out / PREDICTION_JSON
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written
