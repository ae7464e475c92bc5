"""Keeps every training run with the project: at a run's start the project as trained is
noted, its epochs are collected, and at its end a run record (engine.runs) is appended to
the Document's "runs" (saved with the project, metrics only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from engine.runs import add_run, make_run, next_number, run_from_folder

if TYPE_CHECKING:
    from app.document import Document


class RunsKeeper(QObject):
    runsChanged = Signal()  # noqa: N815

    def __init__(self, doc: Document, controller: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self._trained: dict[str, Any] | None = None
        self._epochs: list[dict[str, Any]] = []
        controller.started.connect(self._on_started)
        controller.epochEnded.connect(self._on_epoch)
        controller.finished.connect(self._on_finished)
        doc.projectReplaced.connect(self.runsChanged)

    @property
    def runs(self) -> list[dict[str, Any]]:
        return list(self.doc.project.runs)

    def _on_started(self, _started: Any) -> None:
        record = self.doc.project.to_dict()
        record.pop("runs", None)
        self._trained, self._epochs = record, []

    def _on_epoch(self, event: Any) -> None:
        self._epochs.append({"epoch": event.epoch, "train_loss": event.train_loss,
                             "train_acc": event.train_acc, "val_loss": event.val_loss,
                             "val_acc": event.val_acc})

    def _on_finished(self, finished: Any) -> None:
        if self._trained is None or not self._epochs:
            return  # stopped before a single epoch ended: nothing to compare
        runs = self.runs
        run = make_run(self._trained, runs[-1] if runs else None, self._epochs,
                       next_number(runs), finished.reason)
        self._trained = None
        self._store(add_run(runs, run))

    def set_test_accuracy(self, accuracy: float) -> None:
        """The latest run's test accuracy, once its evaluation has come back."""
        runs = self.runs
        if runs and runs[-1].get("test_acc") is None:
            runs[-1] = {**runs[-1], "test_acc": float(accuracy)}
            self._store(runs)

    def add_folder(self, folder: str) -> dict[str, Any]:
        """A `netcanvas train --out` folder as a run; RunError (a sentence) when unreadable."""
        runs = self.runs
        run = run_from_folder(folder, next_number(runs), runs[-1] if runs else None)
        self._store(add_run(runs, run))
        return run

    def _store(self, runs: list[dict[str, Any]]) -> None:
        self.doc.set_project_records(runs=runs)
        self.runsChanged.emit()
