"""Writing an imported network: the weights beside the project, then the project.

The project records its weights as any project with trained weights does
(engine.weights_state, docs/project-format.md): `"weights": {"file":
"<stem>.weights.safetensors", "sha256": ...}`. Both writes are atomic; when the project
cannot be written, a weights file made just now is removed again, so a failed import
leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from engine.importers.errors import ModelImportError
from engine.project import ProjectError, save_project
from engine.weights import WeightsError
from engine.weights_state import save_project_weights, weights_path_for


def save_import(result: Any, project_path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write `result` (an ImportResult) as PROJECT.json + PROJECT.weights.safetensors."""
    target = Path(project_path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ModelImportError(f"Cannot write '{target}': the folder '{folder}' does not exist.")
    weights_file = weights_path_for(target)
    existed = weights_file.exists()
    try:
        result.project.weights = save_project_weights(target, result.weights)
        save_project(result.project, target)
    except (OSError, WeightsError, ProjectError) as exc:
        if not existed:
            weights_file.unlink(missing_ok=True)
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ModelImportError(f"Cannot write '{target}' ({why}); nothing was imported. "
                               f"Choose another folder.") from None
    return target, weights_file
