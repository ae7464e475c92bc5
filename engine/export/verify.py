"""An export is not done until it has been loaded back: run the exported files in a fresh,
isolated interpreter and compare their outputs with the in-app model's.

`python -I` ignores PYTHONPATH and the user's site-packages and does not put the current
folder on sys.path; it runs in the folder that holds only the export, and its loader
(engine/export/clean_runner.py) refuses to import NetCanvas. Inputs, expected outputs and
helper files live in a separate scratch folder. Several cases share one process, because
starting Python and importing torch is most of the cost.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.export.formats import ExportError, VerificationError, get_format

RUNNER = Path(__file__).with_name("clean_runner.py")
TIMEOUT_S = 300
# The batch sizes every export is run at: one sample, an odd size, a full batch.
BATCH_SIZES = (1, 7, 64)


@dataclass
class Case:
    """One exported file, the batches to feed it and what the in-app model gave for them."""

    format: str
    file: Path
    batches: list[np.ndarray]
    expected: list[np.ndarray]
    weights: Path | None = None  # train-script: weights to load into the script's model
    helper_source: str | None = None  # weights-only formats: code that reads them
    class_name: str = ""
    outputs: list[np.ndarray] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    max_abs_diff: float
    top1_agreement: float  # fraction of samples whose arg-max class agrees
    samples: int


def compare(expected: list[np.ndarray], got: list[np.ndarray]) -> Comparison:
    diff, agree, total = 0.0, 0, 0
    for e, g in zip(expected, got, strict=True):
        if e.shape != g.shape:
            return Comparison(float("inf"), 0.0, sum(len(x) for x in expected))
        diff = max(diff, float(np.max(np.abs(e.astype(np.float64) - g))) if e.size else 0.0)
        agree += int(np.sum(e.argmax(axis=1) == g.argmax(axis=1)))
        total += len(e)
    if not np.isfinite(diff):
        diff = float("inf")
    return Comparison(diff, agree / total if total else 1.0, total)


def run_clean(export_dir: Path, cases: list[Case], timeout_s: float = TIMEOUT_S) -> None:
    """Fill each case's `outputs` by running it in one isolated Python process."""
    with tempfile.TemporaryDirectory(prefix="netcanvas-verify-") as scratch_name:
        scratch = Path(scratch_name)
        plan = []
        for i, case in enumerate(cases):
            inputs, outputs = [], []
            for j, batch in enumerate(case.batches):
                inputs.append(str(scratch / f"in_{i}_{j}.npy"))
                outputs.append(str(scratch / f"out_{i}_{j}.npy"))
                np.save(inputs[-1], np.ascontiguousarray(batch, dtype=np.float32))
            helper = ""
            if case.helper_source is not None:
                helper = str(scratch / f"helper_{i}.py")
                Path(helper).write_text(case.helper_source, encoding="utf-8")
            plan.append({"format": case.format, "file": str(Path(case.file).resolve()),
                         "weights": str(case.weights) if case.weights else "",
                         "helper": helper, "class_name": case.class_name,
                         "inputs": inputs, "outputs": outputs})
        plan_path = scratch / "plan.json"
        plan_path.write_text(json.dumps({"cases": plan}), encoding="utf-8")
        command = [sys.executable, "-I", "-c", RUNNER.read_text(encoding="utf-8"), str(plan_path)]
        try:
            done = subprocess.run(command, cwd=export_dir, capture_output=True, text=True,
                                  timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            raise VerificationError(f"Loading the export back took more than {timeout_s:.0f} s; "
                                    "nothing was written.") from None
        if done.returncode != 0:
            raise VerificationError(
                "The export could not be loaded back in a clean Python process "
                f"({_last_line(done.stderr)}); nothing was written.")
        for i, case in enumerate(cases):
            case.outputs = [np.load(p) for p in plan[i]["outputs"]]


def allowed_difference(fmt_tolerance: float, expected: list[np.ndarray]) -> float:
    """The format's tolerance on scores up to 1 in size, relative above: float32 carries
    about 7 digits, so scores in the hundreds (a large linear layer) differ by more in
    absolute terms between two correct runs."""
    scale = max((float(np.max(np.abs(e))) for e in expected if e.size), default=1.0)
    return fmt_tolerance * max(1.0, scale)


def check(case: Case) -> tuple[Comparison, float]:
    """Compare one run case: (comparison, allowed difference); VerificationError when the
    difference is beyond its format's tolerance."""
    fmt = get_format(case.format)
    result = compare(case.expected, case.outputs)
    allowed = allowed_difference(fmt.tolerance, case.expected)
    if not result.max_abs_diff <= allowed:
        raise VerificationError(
            f"The {fmt.name} export does not reproduce the model: the largest difference in "
            f"the scores is {result.max_abs_diff:.3g}, above the tolerance {allowed:.3g} "
            f"(top-1 agreement {result.top1_agreement:.1%}); nothing was written.")
    return result, allowed


def batches_of(samples: np.ndarray, sizes: tuple[int, ...] = BATCH_SIZES) -> list[np.ndarray]:
    """Batches of each size cut from `samples` (repeated when there are fewer)."""
    if len(samples) == 0:
        raise ExportError("There are no samples to verify the export with.")
    out = []
    for size in sizes:
        reps = -(-size // len(samples))
        out.append(np.concatenate([samples] * reps)[:size] if reps > 1 else samples[:size])
    return out


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1].rstrip(".") if lines else "no error message"
