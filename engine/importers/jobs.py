"""The import as a one-shot job for the editor (app.jobs.JobRunner): a path in, plain data
out (project text, numpy weights, the report as a dict)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def import_model_job(path: str, cut: bool = False,
                     progress: Callable[[float, str], None] | None = None) -> dict[str, Any]:
    """{"refused": False, "project": text, "weights": {...}, "report": {...}} on success;
    {"refused": True, "message": sentence, "report": {...}} when nodes are unsupported, so
    the editor can show the report and offer the cut. Other problems raise a
    ModelImportError (a ValueError: its sentence reaches the user as it is)."""
    from engine.importers.errors import UnsupportedModelError
    from engine.importers.onnx import import_onnx
    from engine.project import dumps

    try:
        result = import_onnx(path, cut=cut, progress=progress)
    except UnsupportedModelError as exc:
        return {"refused": True, "message": str(exc), "report": exc.report.to_dict()}
    return {"refused": False, "project": dumps(result.project), "weights": result.weights,
            "report": result.report.to_dict()}
