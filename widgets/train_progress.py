"""Training progress: a status line, a progress bar that reads like a sentence, the latest
loss and validation accuracy, and a banner for results that no longer match the canvas.

A view only: the app calls show_*() as the controller's signals arrive; the widget keeps
nothing but what it needs to format the next line (the epoch count of this run).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from engine.report import format_duration, format_percent
from widgets.colors import ERROR, INFO, MUTED_TEXT, OK, WARNING, StatusColors
from widgets.theme import is_dark

# Integer range of the bar; steps map onto it so runs of any length fill it smoothly.
BAR_RANGE = 10_000
STATUS_WIDTH = 150
BAR_TEXT_PADDING = 16
METRIC_WIDTH = 130
NEUTRAL = StatusColors(MUTED_TEXT, MUTED_TEXT, MUTED_TEXT)
STALE_TEXT = ("The network changed after this run started; results are for the old network. "
              "Stop and Train again to use the new one.")


def progress_texts(event: Any, epochs: int, paused: bool = False) -> tuple[str, ...]:
    """The bar's line for a BatchEnd, longest first; the bar shows the first that fits.
    While paused neither speed nor ETA mean anything, so neither is shown."""
    if paused:
        where = f"Epoch {event.epoch}/{epochs} · step {event.step:,}/{event.total_steps:,}"
        return (f"{where} · paused", f"Epoch {event.epoch}/{epochs} · paused", "Paused")
    rate = f"{event.samples_per_s:,.0f} samples/s" if math.isfinite(event.samples_per_s) else "—"
    epoch, eta = f"{event.epoch}/{epochs}", f"ETA {format_duration(event.eta_s)}"
    step = f"step {event.step:,}/{event.total_steps:,}"
    # Narrow docks drop the step count before the speed: samples/s is shown nowhere else.
    return (f"Epoch {epoch} · {step} · {rate} · {eta}", f"Epoch {epoch} · {rate} · {eta}",
            f"Epoch {epoch} · {eta}", eta)


def progress_text(event: Any, epochs: int) -> str:
    """'Epoch 2/5 · step 340/700 · 12,345 samples/s · ETA 0:42' for a BatchEnd."""
    return progress_texts(event, epochs)[0]


class TrainProgress(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainProgress")
        # Opaque: without it every progress update (8 a second) also repainted the dock
        # and the main window behind it, clipped to the bar (measured: ~4% of a core).
        self.setAutoFillBackground(True)
        self._epochs = 0
        self._last_batch: Any = None
        self._paused = False
        self._bar_texts: tuple[str, ...] = ("",)
        self._dark = False
        self._status_colors = NEUTRAL
        self._loss: float | None = None
        self._acc: tuple[float | None, str] = (None, "val")

        self.status = QLabel()
        self.status.setObjectName("trainStatus")
        self.status.setMinimumWidth(STATUS_WIDTH)
        self.bar = QProgressBar()
        self.bar.setObjectName("trainBar")
        self.bar.setRange(0, BAR_RANGE)
        self.bar.setTextVisible(True)
        self.bar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loss_label = QLabel()
        self.loss_label.setObjectName("trainLoss")
        self.loss_label.setToolTip("Training loss of the latest batch (data loss + L2 penalty)")
        self.acc_label = QLabel()
        self.acc_label.setObjectName("trainValAcc")
        self.acc_label.setToolTip("Accuracy on the validation set after the latest epoch")
        for label in (self.loss_label, self.acc_label):
            label.setTextFormat(Qt.TextFormat.RichText)

        self.message = QLabel()  # a failure's sentence, in full, selectable for bug reports
        self.message.setObjectName("trainMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.stale = QLabel(STALE_TEXT)
        self.stale.setObjectName("trainStaleBanner")
        self.stale.setWordWrap(True)
        self.stale.setFrameShape(QFrame.Shape.StyledPanel)
        self.stale.hide()

        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(self.status)
        row.addWidget(self.bar, 1)
        row.addWidget(self.loss_label)
        row.addWidget(self.acc_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.stale)
        self.set_dark(is_dark())
        self.show_idle()
        # Fixed sizes: a QLabel's setText asks every layout up to the main window to
        # re-run, which repainted the whole dock area at every update; Qt stops that
        # propagation at a widget whose minimum and maximum sizes are equal.
        for label in (self.loss_label, self.acc_label):
            label.setFixedSize(METRIC_WIDTH, label.sizeHint().height())

    # ---- states --------------------------------------------------------------------
    def show_idle(self, blocker: str = "") -> None:
        """Before any run: how to start, or (`blocker`) why Train is disabled right now."""
        self._idle = True
        self._set_status("Idle", NEUTRAL)
        self.bar.setValue(0)
        self._show_blocker(blocker)
        self._set_metrics(None, None)
        self._set_message("")

    def set_blocker(self, blocker: str) -> None:
        """Why Train is disabled ("" when it is enabled); shown while no run has started, so
        a finished run's result is never replaced by it."""
        if self._idle:
            self._show_blocker(blocker)

    def _show_blocker(self, blocker: str) -> None:
        if blocker:
            self._set_bar_text(blocker, blocker.split(":")[0], "Cannot train yet")
        else:
            self._set_bar_text("Press Train (F5) to train the network on the canvas",
                               "Press Train (F5)")

    def show_preparing(self) -> None:
        self._idle = False
        self._epochs = 0
        self._last_batch, self._paused = None, False
        self._set_status("Preparing data…", INFO)
        self.bar.setValue(0)
        self._set_bar_text("Loading the data and building the model…", "Loading…")
        self._set_metrics(None, None)
        self._set_message("")

    def show_started(self, started: Any) -> None:
        self._epochs = started.epochs
        self._set_status("Training", INFO)
        self.bar.setValue(self._bar_value(started.start_step, started.total_steps))
        self._set_bar_text(f"Epoch 1/{started.epochs} · step {started.start_step:,}/"
                           f"{started.total_steps:,} · on {started.device.upper()}")

    def show_batches(self, events: Sequence[Any]) -> None:
        """Only the newest of a delivery matters for the bar and the labels."""
        if not events:
            return
        last = self._last_batch = events[-1]
        # setValue repaints at once and setFormat schedules another paint: with updates
        # off around both, the bar paints once per delivery.
        self.bar.setUpdatesEnabled(False)
        self.bar.setValue(self._bar_value(last.step, last.total_steps))
        self._set_bar_text(*progress_texts(last, self._epochs or last.epoch, self._paused))
        self.bar.setUpdatesEnabled(True)
        self._set_loss(last.loss)

    def show_epoch(self, event: Any) -> None:
        if event.val_acc is not None:
            self._set_accuracy(event.val_acc, "val")
        else:  # no validation split: the epoch's training accuracy, labelled as such
            self._set_accuracy(event.train_acc, "train")

    def show_paused(self) -> None:
        self._paused = True
        self._set_status("Paused", WARNING)
        self._show_position()

    def show_resumed(self) -> None:
        self._paused = False
        self._set_status("Training", INFO)
        self._show_position()

    def _show_position(self) -> None:
        last = self._last_batch
        if last is not None:
            self._set_bar_text(*progress_texts(last, self._epochs or last.epoch, self._paused))

    def show_stopping(self) -> None:
        self._set_status("Stopping…", WARNING)

    def show_finished(self, finished: Any) -> None:
        self._paused = False
        metrics = finished.metrics or {}
        if finished.reason == "stopped":
            self._set_status("Stopped", NEUTRAL)
            self._set_bar_text(f"Stopped at step {finished.step:,}")
            return
        val_acc = metrics.get("val_acc")
        summary = (f"Finished: val acc {format_percent(val_acc)}" if val_acc is not None
                   else "Finished")
        self._set_status(summary, OK)
        self.bar.setValue(BAR_RANGE)
        elapsed = metrics.get("elapsed_s")
        tail = f" in {format_duration(elapsed)}" if elapsed is not None else ""
        self._set_bar_text(f"Done: {finished.step:,} steps{tail}", f"{finished.step:,} steps")

    def show_failed(self, message: str) -> None:
        self._set_status("Failed", ERROR)
        self._set_bar_text("Training did not finish", "Failed")
        self._set_message(message)

    def set_stale(self, stale: bool, text: str = STALE_TEXT) -> None:
        self.stale.setText(text)
        self.stale.setVisible(stale)

    # ---- look ----------------------------------------------------------------------
    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        w = WARNING
        self.stale.setStyleSheet(
            f"QLabel {{ color: {w.text.pick(dark)}; background: {w.background.pick(dark)}; "
            f"border: 1px solid {w.border.pick(dark)}; border-radius: 6px; padding: 6px 10px; }}")
        self.message.setStyleSheet(f"color: {ERROR.text.pick(dark)};")
        self._paint_status()
        self._set_loss(self._loss)
        self._set_accuracy(*self._acc)

    # ---- helpers -------------------------------------------------------------------
    def _set_bar_text(self, *variants: str) -> None:
        """Show the longest variant that fits the bar (a narrow dock must not wrap or cut
        the line); the full one is always in the tooltip."""
        self._bar_texts = variants
        metrics = self.bar.fontMetrics()
        room = self.bar.width() - BAR_TEXT_PADDING
        text = next((v for v in variants if metrics.horizontalAdvance(v) <= room), variants[-1])
        if text != self.bar.format():
            self.bar.setFormat(text)
        if self.bar.toolTip() != variants[0]:
            self.bar.setToolTip(variants[0])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._set_bar_text(*self._bar_texts)

    def status_text(self) -> str:
        """The status line as plain text (tests, accessibility)."""
        return self.status.property("plain") or ""

    def _set_status(self, text: str, colors: StatusColors) -> None:
        self.status.setProperty("plain", text)
        self._status_colors = colors
        self._paint_status()

    def _paint_status(self) -> None:
        colour = self._status_colors.text.pick(self._dark)
        text = html.escape(self.status.property("plain") or "")
        self.status.setText(f"<span style='color:{colour}'>●</span>&nbsp;<b>{text}</b>")
        self.status.setAccessibleName(self.status.property("plain") or "")

    def _set_message(self, message: str) -> None:
        self.message.setText(f"Failed: {message}" if message else "")
        self.message.setVisible(bool(message))

    def _set_metrics(self, loss: float | None, acc: float | None) -> None:
        self._set_loss(loss)
        self._set_accuracy(acc, "val")

    def _set_loss(self, loss: float | None) -> None:
        self._loss = loss
        value = f"{loss:.4f}" if loss is not None and math.isfinite(loss) else "—"
        self.loss_label.setText(self._metric("loss", value))

    def _set_accuracy(self, acc: float | None, which: str) -> None:
        self._acc = (acc, which)
        self.acc_label.setText(self._metric(f"{which} acc".strip(), format_percent(acc)))

    def _metric(self, name: str, value: str) -> str:
        muted = MUTED_TEXT.pick(self._dark)
        return f"<span style='color:{muted}'>{name}</span>&nbsp;<b>{value}</b>"

    @staticmethod
    def _bar_value(step: int, total: int) -> int:
        return int(BAR_RANGE * min(1.0, step / total)) if total > 0 else 0
