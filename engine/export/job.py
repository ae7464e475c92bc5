"""`export_project`: the one-shot job behind File > Export... and `netcanvas export`.

Everything is written into a hidden staging folder beside the target, loaded back and
compared there (engine.export.verify), and moved into place only when the comparison
passes: a failed export leaves no file behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from engine.export.formats import ExportError, ExportFormat, default_file_name, get_format
from engine.export.verify import Case, batches_of, check, run_clean

Progress = Callable[[float, str], None]


def target_path(path: str, project_name: str, fmt: ExportFormat) -> Path:
    """The main file to write: `path` itself, or a default name inside it when it is a
    folder; the format's suffix is added when missing. Checks the folder."""
    target = Path(path).expanduser()
    if target.is_dir():
        target = target / default_file_name(project_name, fmt)
    elif target.suffix != fmt.suffix:
        target = target.with_name(target.name + fmt.suffix)
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"The folder '{folder}' does not exist; create it or choose another.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"Cannot write into the folder '{folder}' (permission denied); "
                          "choose another folder.")
    return target


def _readable(path: Path) -> None:
    """Temporary files are created private (0600); an export gets the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _load(project: str, weights: Mapping[str, np.ndarray] | None,
          weights_file: str | None) -> tuple[Any, Any, str, bool]:
    """(Project, eval model, which weights in words, trained?) or ExportError."""
    from engine.analysis import analyse
    from engine.model import model_from_project
    from engine.project import ProjectError, parse_project
    from engine.training.session import SessionError
    from engine.weights import WeightsError, read_weights

    try:
        analysis = analyse(parse_project(project).graph)
    except ProjectError as exc:
        raise ExportError(str(exc)) from None
    if not analysis.valid:
        raise ExportError("The network cannot be exported yet: " + " ".join(analysis.errors))
    described = "trained weights"
    if weights_file:
        try:
            weights = read_weights(weights_file)
        except WeightsError as exc:
            raise ExportError(str(exc)) from None
        described = f"weights from {Path(weights_file).name}"
    try:
        proj, model = model_from_project(project, weights)
    except (ProjectError, SessionError, WeightsError) as exc:
        raise ExportError(str(exc)) from None
    if weights is None:
        seed = (proj.training or {}).get("seed", 0)
        described = f"untrained initial weights (seed {seed})"
    return proj, model, described, weights is not None


def export_project(project: str, weights: dict[str, np.ndarray] | None, format: str,
                   path: str, progress: Progress | None = None, *,
                   weights_file: str | None = None) -> dict[str, Any]:
    """Export `project` (engine.project.dumps text) with `weights` (None: the seeded initial
    weights; `weights_file` overrides both) as `format` to `path`, verify it in a clean
    process, and return a plain report: files, max abs difference, top-1 agreement..."""
    import torch

    from engine.analysis import analyse
    from engine.export.samples import verification_samples

    report = progress or (lambda fraction, text: None)
    fmt = get_format(format)
    report(0.02, "Building the model")
    proj, model, weights_text, trained = _load(project, weights, weights_file)
    target = target_path(path, proj.name, fmt)
    analysis = analyse(proj.graph)
    shape = tuple(analysis.input_shape or ())
    report(0.1, "Preparing samples to verify with")
    samples, samples_text = verification_samples(proj, shape)
    batches = batches_of(samples)
    with torch.no_grad():
        expected = [model(torch.from_numpy(b)).numpy() for b in batches]
    from engine.model import model_weights

    numpy_weights = model_weights(model)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".netcanvas-export-", dir=target.parent))
    except OSError as exc:
        raise ExportError(f"Cannot write into the folder '{target.parent}' "
                          f"({exc.strerror or exc}); choose another folder.") from None
    try:
        started = time.perf_counter()
        report(0.2, f"Writing {target.name}")
        from engine.export.writers import write_format

        written = write_format(fmt, proj, analysis, numpy_weights, staging / target.name,
                               trained)
        export_s = time.perf_counter() - started
        report(0.5, "Loading it back in a clean Python process")
        case = Case(fmt.name, staging / target.name, batches, expected,
                    weights=written.get("init_weights"), helper_source=written.get("helper"))
        started = time.perf_counter()
        run_clean(staging, [case])
        comparison, allowed = check(case)
        verify_s = time.perf_counter() - started
        report(0.95, "Moving the files into place")
        files = []
        for staged in written["files"]:
            final = target.parent / staged.name
            os.replace(staged, final)
            _readable(final)
            files.append(str(final))
    except OSError as exc:
        raise ExportError(f"Could not write the export into '{target.parent}' "
                          f"({exc.strerror or exc}); nothing was written.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report(1.0, "Exported and verified")
    return {
        "format": fmt.name,
        "title": fmt.title,
        "files": files,
        "weights": weights_text,
        "samples": samples_text,
        "batch_sizes": [len(b) for b in batches],
        "max_abs_diff": comparison.max_abs_diff,
        "top1_agreement": comparison.top1_agreement,
        "tolerance": allowed,
        "notes": list(written.get("notes", [])),
        "opset": written.get("opset"),
        "export_s": export_s,
        "verify_s": verify_s,
    }
