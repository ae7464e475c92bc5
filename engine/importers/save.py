"""Writing an imported network: the weights beside the project, then the project.

The project records its weights the way projects with trained weights do (see
docs/project-format.md): `"weights": {"file": "<stem>.weights.safetensors", "sha256": ...}`.
Both writes are atomic; when the project cannot be written the weights file just made is
removed again, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from engine.importers.errors import ModelImportError
from engine.weights import save_weights

WEIGHTS_SUFFIX = ".weights.safetensors"


def weights_path_for(project_path: str | os.PathLike[str]) -> Path:
    """net.json -> net.weights.safetensors, in the same folder."""
    p = Path(project_path)
    return p.with_name(p.stem + WEIGHTS_SUFFIX)


def save_import(result: Any, project_path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write `result` (an ImportResult) as PROJECT.json + PROJECT.weights.safetensors."""
    target = Path(project_path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ModelImportError(f"Cannot write '{target}': the folder '{folder}' does not exist.")
    weights_file = weights_path_for(target)
    existed = weights_file.exists()
    try:
        digest = save_weights(weights_file, result.weights)
        record = {**result.project.to_dict(), "weights": {"file": weights_file.name,
                                                          "sha256": digest}}
        _atomic_write(target, json.dumps(record, indent=2) + "\n")
    except OSError as exc:
        if not existed:
            weights_file.unlink(missing_ok=True)
        raise ModelImportError(f"Cannot write '{target}' ({exc.strerror or exc}); nothing was "
                               f"imported. Choose another folder.") from None
    return target, weights_file


def _atomic_write(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
