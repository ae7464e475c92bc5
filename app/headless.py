"""`netcanvas train PROJECT`: the editor's training run without the GUI.

It goes through the same engine.training.session.prepare_run / make_trainer as the editor, so a
project trains identically in both. Exit codes: 0 trained to the end, 1 the network
cannot be trained or training failed, 2 bad input (project, data, option, checkpoint),
130 stopped with Ctrl+C. Whatever happened after training started, the out folder gets
the checkpoint, weights.safetensors, metrics.json, metrics.csv and the project as trained
(recording the weights file), for the last good state. Qt is never imported here; torch
only through the engine, on first use.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from engine.analysis import analyse
from engine.data import DataError, detect_source, load_dataset
from engine.project import Project, ProjectError, load_project, save_project
from engine.report import format_duration as report_duration

if TYPE_CHECKING:  # torch-heavy; imported for real only once training is sure to start
    from engine.data import ArrayDataset
    from engine.training import Trainer
    from engine.training.session import RunSetup

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
CHECKPOINT_NAME = "checkpoint.pt"
WEIGHTS_NAME = "weights.safetensors"  # the model's state_dict alone; File > Load Weights
METRICS_JSON = "metrics.json"
METRICS_CSV = "metrics.csv"
PROJECT_COPY = "project.json"
CSV_COLUMNS = ("epoch", "step", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "elapsed_s")
# A terminal redraw per batch would cost more than small batches take to train.
REDRAW_INTERVAL_S = 0.1


class _Abort(Exception):
    """Ends the run before training starts; carries the exit code and the sentence."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _say(message: str) -> None:
    print(f"netcanvas: {message}", file=sys.stderr)


def format_duration(seconds: float) -> str:
    return report_duration(seconds, unknown="--:--")  # ASCII: logs and old terminals


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


class ProgressPrinter:
    """One \\r-redrawn status line on a terminal; only per-epoch lines in a log file."""

    def __init__(self, stream: TextIO, epochs: int, interactive: bool | None = None) -> None:
        self._stream = stream
        self._epochs = epochs
        self._interactive = stream.isatty() if interactive is None else interactive
        self._last_draw = 0.0
        self._width = 0
        self._rate = 0.0

    def batch(self, event: Any) -> None:
        self._rate = event.samples_per_s
        now = time.monotonic()
        if not self._interactive or (now - self._last_draw < REDRAW_INTERVAL_S
                                     and event.step < event.total_steps):
            return
        self._last_draw = now
        line = (f"epoch {event.epoch}/{self._epochs}  step {event.step}/{event.total_steps}  "
                f"loss {event.loss:.4f}  {event.samples_per_s:,.0f} samples/s  "
                f"ETA {format_duration(event.eta_s)}")
        # Pad over the previous line's tail: \r alone leaves longer leftovers visible.
        self._stream.write("\r" + line.ljust(self._width))
        self._width = len(line)
        self._stream.flush()

    def line(self, text: str) -> None:
        if self._interactive and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        self._stream.write(text + "\n")
        self._stream.flush()

    def epoch(self, event: Any, elapsed_s: float) -> None:
        val = ""
        if event.val_loss is not None:
            val = f"  val loss {_number(event.val_loss)}  val acc {_number(event.val_acc)}"
        self.line(f"epoch {event.epoch}/{self._epochs}  step {event.step}  "
                  f"train loss {_number(event.train_loss)}  train acc {_number(event.train_acc)}"
                  f"{val}  {self._rate:,.0f} samples/s  {format_duration(elapsed_s)}")


@contextmanager
def stop_on_interrupt(control: Any):  # noqa: ANN201 - a generator context manager
    """First Ctrl+C asks the trainer to stop between two steps (so the weights are never
    half-updated and the outputs still get written); a second one aborts at once."""
    interrupted: list[bool] = []

    def handler(signum: int, frame: Any) -> None:  # noqa: ARG001 - signal API
        if interrupted:
            raise KeyboardInterrupt
        interrupted.append(True)
        control.stop()
        print("\nnetcanvas: stopping after this step (Ctrl+C again to abort)...",
              file=sys.stderr, flush=True)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield interrupted
        return
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class RunRecord:
    """What happened in this invocation, for metrics.json / metrics.csv."""

    status: str = "failed"  # "completed" | "stopped" | "failed"
    message: str = ""
    epoch_elapsed: dict[int, float] = field(default_factory=dict)
    final_metrics: dict[str, Any] = field(default_factory=dict)
    train_time_s: float = 0.0  # training time, pauses excluded, carried over a resume


# ---------------------------------------------------------------------------- setup


def _load_inputs(ns: argparse.Namespace) -> tuple[Project, ArrayDataset]:
    try:
        project = load_project(ns.project)
    except ProjectError as exc:
        raise _Abort(EXIT_USAGE, str(exc)) from None
    from engine.training.session import SessionError, data_source

    try:
        source = detect_source(ns.data) if ns.data else data_source(project)
        dataset = load_dataset(source)
    except (DataError, SessionError) as exc:
        raise _Abort(EXIT_USAGE, str(exc)) from None
    # The project copy in the out folder records what was really trained on.
    project.data = {**(project.data or {}), "source": source.to_dict()}
    return project, dataset


def _overrides(ns: argparse.Namespace) -> dict[str, Any]:
    return {"epochs": ns.epochs, "batch_size": ns.batch_size, "lr": ns.lr,
            "device": ns.device, "threads": ns.threads}


def _prepare(project: Project, dataset: ArrayDataset, ns: argparse.Namespace) -> RunSetup:
    from engine.training.session import SessionError, prepare_run, preprocessing, train_settings

    overrides = _overrides(ns)
    try:
        train_settings(project, overrides)
        preprocessing(project)
    except SessionError as exc:
        raise _Abort(EXIT_USAGE, str(exc)) from None
    analysis = analyse(project.graph, dataset.image_shape, dataset.num_classes)
    if not analysis.valid:
        raise _Abort(EXIT_FAILED, "The network cannot be trained on "
                     f"'{dataset.name}':\n  " + "\n  ".join(analysis.errors))
    import torch

    # prepare_run builds the model from the global RNG; seeding it first makes the initial
    # weights, hence the whole run, repeatable (and a resumed run loads them anyway).
    torch.manual_seed(train_settings(project, overrides).seed)
    try:
        setup = prepare_run(project, dataset, overrides)
    except SessionError as exc:
        raise _Abort(EXIT_FAILED, str(exc)) from None
    # The project copy carries the settings the run really used.
    project.training = setup.settings.to_dict()
    if len(setup.data.x_val) == 0:
        # val_fraction 0 is a valid choice; the Trainer wants "no validation" as None.
        setup.data.x_val = setup.data.y_val = None  # type: ignore[assignment]
    return setup


def _make_trainer(setup: RunSetup, ns: argparse.Namespace) -> Trainer:
    from engine.training.checkpoint import CheckpointError, load_checkpoint
    from engine.training.control import TrainControl
    from engine.training.session import SessionError, make_trainer

    checkpoint = None
    if ns.resume:
        try:
            checkpoint = load_checkpoint(ns.resume)
        except CheckpointError as exc:
            raise _Abort(EXIT_USAGE, str(exc)) from None
        except Exception as exc:  # torch.load lets some damaged files through (struct.error)
            raise _Abort(EXIT_USAGE, f"Cannot read the checkpoint '{ns.resume}': the file is "
                         f"damaged or not a checkpoint ({type(exc).__name__}: {exc}).") from None
    try:
        return make_trainer(setup, TrainControl(), checkpoint)
    except SessionError as exc:
        raise _Abort(EXIT_USAGE, str(exc)) from None


def _previous_elapsed(resume: str | None) -> dict[int, float]:
    """Per-epoch times of the run being resumed, from the metrics.json beside its checkpoint
    (the checkpoint keeps only the total)."""
    if not resume:
        return {}
    try:
        previous = json.loads((Path(resume).parent / METRICS_JSON).read_text(encoding="utf-8"))
        return {int(e["epoch"]): float(e["elapsed_s"]) for e in previous["history"]
                if e.get("elapsed_s") is not None}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


# ------------------------------------------------------------------------ training


def _run(trainer: Trainer, printer: ProgressPrinter, record: RunRecord) -> None:
    from engine.training import BatchEnd, EpochEnd, Failed, Finished, Started

    for event in trainer.run():
        if isinstance(event, BatchEnd):
            record.train_time_s = event.elapsed_s
            printer.batch(event)
        elif isinstance(event, EpochEnd):
            record.epoch_elapsed[event.epoch] = record.train_time_s
            printer.epoch(event, record.train_time_s)
        elif isinstance(event, Started):
            if event.start_step:
                printer.line(f"resuming at step {event.start_step} of {event.total_steps}")
        elif isinstance(event, Finished):
            record.status, record.final_metrics = event.reason, dict(event.metrics)
            record.train_time_s = float(event.metrics.get("elapsed_s", record.train_time_s))
        elif isinstance(event, Failed):
            record.status, record.message = "failed", event.message


# ------------------------------------------------------------------------- outputs


def _epoch_rows(history: dict[str, Any], elapsed: dict[int, float]) -> list[dict[str, Any]]:
    step_lr = dict(zip(history.get("step", []), history.get("lr", []), strict=False))
    rows = []
    for e in history.get("epochs", []):
        row = {key: e.get(key) for key in CSV_COLUMNS[:6]}
        row["lr"] = step_lr.get(e["step"])
        seconds = elapsed.get(e["epoch"])
        row["elapsed_s"] = None if seconds is None else round(seconds, 3)
        rows.append(row)
    return rows


def _write_outputs(out: Path, trainer: Trainer, setup: RunSetup, record: RunRecord,
                   ns: argparse.Namespace, wall_s: float, elapsed: dict[int, float]
                   ) -> tuple[float | None, str]:
    """Write the four outputs; returns (test accuracy, a problem sentence or "")."""
    from engine.model import model_weights
    from engine.weights import save_weights

    out.mkdir(parents=True, exist_ok=True)
    trainer.save_checkpoint(out / CHECKPOINT_NAME)
    digest = save_weights(out / WEIGHTS_NAME, model_weights(trainer.model))
    test_loss = test_acc = None
    problem = ""
    report: dict[str, Any] = {}
    try:
        test_loss, test_acc = trainer.evaluate(setup.data.x_test, setup.data.y_test)
        report = _test_report(trainer, setup)
    except Exception as exc:  # a broken model must not cost the user the other files
        problem = f"Could not evaluate on the test split: {exc}"
    history = trainer.history
    rows = _epoch_rows(history, elapsed)
    metrics = {
        "project": setup.project.name,
        "status": record.status,
        "message": record.message,
        "data": {"name": setup.dataset.name, "source": setup.dataset.source.to_dict(),
                 "image_shape": list(setup.dataset.image_shape),
                 "num_classes": setup.dataset.num_classes,
                 "train": len(setup.data.x_train),
                 "val": 0 if setup.data.x_val is None else len(setup.data.x_val),
                 "test": len(setup.data.x_test)},
        "preprocessing": setup.preprocessing.to_dict(),
        "channel_stats": setup.data.stats.to_dict(),
        "settings": setup.settings.to_dict(),
        "resumed_from": str(Path(ns.resume).resolve()) if ns.resume else None,
        "history": rows,
        "final": record.final_metrics or {"steps": trainer.step},
        "test": {"loss": test_loss, "accuracy": test_acc,
                 **{k: report[k] for k in ("per_class", "macro_f1") if k in report}},
        "confusion_matrix": report.get("confusion_matrix"),
        "wall_time_s": wall_s,
        "train_time_s": record.train_time_s,
    }
    # NaN is not JSON; a diverged run's losses are written as null.
    text = json.dumps(_finite_or_none(metrics), indent=2, allow_nan=False, default=str)
    (out / METRICS_JSON).write_text(text + "\n", encoding="utf-8")
    with (out / METRICS_CSV).open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)
    # The copy records the weights beside it, so opening it in the editor shows them trained.
    save_project(replace(setup.project, weights={"file": WEIGHTS_NAME, "sha256": digest}),
                 out / PROJECT_COPY)
    return test_acc, problem


def _test_report(trainer: Trainer, setup: RunSetup) -> dict[str, Any]:
    """Confusion matrix (rows: true class) and per-class P/R/F1 on the test split, the
    numbers `netcanvas evaluate` and the editor's Evaluation view show."""
    from engine.inspect.evaluate import predict
    from engine.training.metrics import classification_report

    _probs, predicted, _loss = predict(trainer.model, setup.data.x_test)
    return classification_report(setup.data.y_test.numpy(), predicted,
                                 setup.dataset.num_classes, setup.dataset.class_names)


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_or_none(v) for v in value]
    return value


# ---------------------------------------------------------------------------- main


def train_headless(ns: argparse.Namespace) -> int:
    """Run `netcanvas train`; returns the process exit code."""
    started = time.perf_counter()
    try:
        project, dataset = _load_inputs(ns)
        setup = _prepare(project, dataset, ns)
        trainer = _make_trainer(setup, ns)
    except _Abort as abort:
        _say(str(abort))
        return abort.code
    except KeyboardInterrupt:  # Ctrl+C while loading: nothing trained, nothing to save
        _say("interrupted before training started.")
        return EXIT_INTERRUPTED
    out = Path(ns.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _say(f"Cannot create the output folder '{out}' ({exc.strerror or exc}); choose another "
             "with --out.")
        return EXIT_USAGE
    elapsed = _previous_elapsed(ns.resume)
    record = RunRecord()
    s = setup.settings
    print(f"training '{project.name}' on {dataset.name}: {len(setup.data.x_train):,} train / "
          f"{0 if setup.data.x_val is None else len(setup.data.x_val):,} val / "
          f"{len(setup.data.x_test):,} test, {s.epochs} epochs, batch {s.batch_size}, "
          f"{s.optimizer} lr {s.lr:g}, {s.device}", flush=True)
    printer = ProgressPrinter(sys.stdout, s.epochs)
    try:
        with stop_on_interrupt(trainer.control):
            _run(trainer, printer, record)
    except KeyboardInterrupt:
        # Second Ctrl+C: the step in progress may be half-applied, so nothing is saved.
        _say("aborted; no outputs written for this run.")
        return EXIT_INTERRUPTED
    record.epoch_elapsed = {**elapsed, **record.epoch_elapsed}
    test_acc, problem = _write_outputs(out, trainer, setup, record, ns,
                                       time.perf_counter() - started, record.epoch_elapsed)
    if problem:
        _say(problem)
    if record.status == "failed":
        _say(f"Training failed: {record.message}")
        print(f"outputs for the last good state written to {out}")
        return EXIT_FAILED
    accuracy = "-" if test_acc is None else f"{test_acc:.4f}"
    print(f"{record.status}: test accuracy {accuracy}; outputs written to {out}")
    return EXIT_INTERRUPTED if record.status == "stopped" else EXIT_OK
