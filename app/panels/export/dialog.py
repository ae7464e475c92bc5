"""File > Export...: pick a format, the weights and a file; export, verify, show the result.

The export itself is the engine job `engine.export.job:export_project`, run by a JobRunner
off the GUI thread; the dialog shows its progress and then the comparison the job made in
a clean process (max abs difference, top-1 agreement), or the one sentence of a failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.jobs import JobRunner
from engine.export.formats import DEFAULT_FORMAT, FORMATS, ExportFormat, get_format
from engine.export.report import verification_line

JOB = "engine.export.job:export_project"
WEIGHTS_TRAINED, WEIGHTS_UNTRAINED, WEIGHTS_FILE = "trained", "untrained", "file"
WEIGHTS_FILTER = "Weights (*.safetensors *.pt *.pth);;All files (*)"
# The "when to pick it" line sits under its radio button's text.
INDENT_PX = 24
# Elapsed time is redrawn this often while a job runs.
TICK_MS = 250


def default_name(project_name: str, fmt: ExportFormat) -> str:
    from engine.export.formats import default_file_name  # torch-free

    return default_file_name(project_name, fmt)


class ExportDialog(QDialog):
    """One export at a time. `project_text` and `trained` are read when Export is pressed,
    so the dialog always exports the project as it is then."""

    exported = Signal(object)  # the report of a verified export

    def __init__(self, project_text: Callable[[], str], project_name: str,
                 trained: Callable[[], dict[str, Any] | None], folder: str, format_name: str,
                 runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(680)
        self._project_text, self._project_name, self._trained = project_text, project_name, trained
        self.runner = runner or JobRunner(self)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.progress.connect(self._on_progress)
        self._job: int | None = None
        self._started = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.result: dict[str, Any] | None = None  # the last successful report

        layout = QVBoxLayout(self)
        layout.addWidget(self._format_box())
        layout.addWidget(self._weights_box())
        layout.addWidget(self._destination_box(folder))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.status = QLabel("Every export is loaded back in a clean Python process and its "
                             "outputs are compared with the model's before it is kept.")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.export_button.setToolTip("Write the file, verify it, then move it into place")
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.select_format(format_name or DEFAULT_FORMAT)
        self.refresh_weights_choice()

    # ---- building ----------------------------------------------------------------------
    def _format_box(self) -> QGroupBox:
        box = QGroupBox("Format")
        column = QVBoxLayout(box)
        column.setSpacing(2)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for row, fmt in enumerate(FORMATS):
            button = QRadioButton(fmt.title + ("  (recommended)" if fmt.name == DEFAULT_FORMAT
                                               else ""))
            button.setToolTip(f"netcanvas export PROJECT --format {fmt.name}")
            when = QLabel(fmt.when)
            when.setWordWrap(True)
            when.setEnabled(False)  # drawn in the palette's muted text colour, both themes
            when.setContentsMargins(INDENT_PX, 0, 0, 6)
            when.setBuddy(button)
            self.format_group.addButton(button, row)
            self.format_buttons[fmt.name] = button
            column.addWidget(button)
            column.addWidget(when)
        self.format_group.idToggled.connect(self._on_format_toggled)
        return box

    def _weights_box(self) -> QGroupBox:
        box = QGroupBox("Weights")
        grid = QGridLayout(box)
        self.weights_group = QButtonGroup(self)
        self.weights_buttons = {
            WEIGHTS_TRAINED: QRadioButton("Current trained weights"),
            WEIGHTS_UNTRAINED: QRadioButton("Untrained (the seeded initial weights)"),
            WEIGHTS_FILE: QRadioButton("From a checkpoint file:"),
        }
        for row, button in enumerate(self.weights_buttons.values()):
            self.weights_group.addButton(button, row)
            grid.addWidget(button, row, 0)
        self.weights_path = QLineEdit()
        self.weights_path.setPlaceholderText(".safetensors, a netcanvas train checkpoint.pt "
                                             "or a state_dict")
        self.weights_path.textEdited.connect(
            lambda _text: self.weights_buttons[WEIGHTS_FILE].setChecked(True))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_weights)
        row = QHBoxLayout()
        row.addWidget(self.weights_path, 1)
        row.addWidget(browse)
        grid.addLayout(row, 2, 1)
        return box

    def _destination_box(self, folder: str) -> QGroupBox:
        box = QGroupBox("Save as")
        row = QHBoxLayout(box)
        self.path_edit = QLineEdit()
        self._folder = folder
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_target)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        return box

    # ---- state -------------------------------------------------------------------------
    @property
    def format(self) -> ExportFormat:
        for name, button in self.format_buttons.items():
            if button.isChecked():
                return get_format(name)
        return get_format(DEFAULT_FORMAT)

    def select_format(self, name: str) -> None:
        button = self.format_buttons.get(name) or self.format_buttons[DEFAULT_FORMAT]
        button.setChecked(True)
        self._on_format_toggled(0, True)

    def weights_choice(self) -> str:
        for key, button in self.weights_buttons.items():
            if button.isChecked():
                return key
        return WEIGHTS_UNTRAINED

    def refresh_weights_choice(self) -> None:
        has_trained = self._trained() is not None
        trained = self.weights_buttons[WEIGHTS_TRAINED]
        trained.setEnabled(has_trained)
        trained.setToolTip("" if has_trained else "Train the network first: it has no trained "
                                                  "weights yet")
        if not self.weights_group.checkedButton() or (trained.isChecked() and not has_trained):
            self.weights_buttons[WEIGHTS_TRAINED if has_trained else WEIGHTS_UNTRAINED
                                 ].setChecked(True)

    def _on_format_toggled(self, _id: int, checked: bool) -> None:
        if not checked:
            return
        fmt = self.format
        current = Path(self.path_edit.text()) if self.path_edit.text() else None
        folder = current.parent if current is not None else Path(self._folder)
        self.path_edit.setText(str(folder / default_name(self._project_name, fmt)))

    def _browse_target(self) -> None:
        fmt = self.format
        path, _ = QFileDialog.getSaveFileName(self, "Export as", self.path_edit.text(),
                                              f"{fmt.title} (*{fmt.suffix});;All files (*)")
        if path:
            self.path_edit.setText(path)

    def _browse_weights(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Weights to export", self._folder,
                                              WEIGHTS_FILTER)
        if path:
            self.weights_path.setText(path)
            self.weights_buttons[WEIGHTS_FILE].setChecked(True)

    # ---- the job -----------------------------------------------------------------------
    def start_export(self) -> None:
        if self._job is not None:
            return
        choice = self.weights_choice()
        weights = self._trained() if choice == WEIGHTS_TRAINED else None
        weights_file = self.weights_path.text().strip() if choice == WEIGHTS_FILE else None
        if choice == WEIGHTS_FILE and not weights_file:
            self._show_error("Choose the checkpoint file to export, or pick other weights.")
            return
        target = self.path_edit.text().strip()
        if not target:
            self._show_error("Choose where to save the export.")
            return
        self.result = None
        self._job = self.runner.submit(JOB, project=self._project_text(), weights=weights,
                                       format=self.format.name, path=target,
                                       weights_file=weights_file)
        self._started = time.perf_counter()
        self._timer.start()
        self.export_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setStyleSheet("")
        self.status.setText("Starting…")

    def _tick(self) -> None:
        self.progress.setFormat(f"%p%  ({time.perf_counter() - self._started:.0f} s)")

    def _on_progress(self, job_id: int, fraction: float, text: str) -> None:
        if job_id == self._job:
            self.progress.setValue(int(round(fraction * 100)))
            self.status.setText(text + "…")

    def _done(self) -> None:
        self._job = None
        self._timer.stop()
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)

    def _on_finished(self, job_id: int, report: dict[str, Any]) -> None:
        if job_id != self._job:
            return
        self._done()
        self.result = report
        files = "<br>".join(f"<code>{_html(p)}</code>" for p in report["files"])
        notes = "<br>".join(_html(n) for n in report.get("notes", []))
        self.status.setStyleSheet("")
        self.status.setText(
            f"<b>Exported and verified</b> ({_html(report['weights'])}):<br>{files}<br>"
            f"<b>Max abs diff {report['max_abs_diff']:.3g}</b> (tolerance "
            f"{report['tolerance']:.3g}) · <b>top-1 agreement {report['top1_agreement']:.1%}</b>"
            f"<br><small>{_html(verification_line(report))}.</small><br>{notes}")
        self.exported.emit(report)

    def _on_failed(self, job_id: int, sentence: str) -> None:
        if job_id != self._job:
            return
        self._done()
        self._show_error(sentence)

    def _show_error(self, sentence: str) -> None:
        self.status.setStyleSheet("color: #c0392b;")
        self.status.setText(sentence)

    def reject(self) -> None:
        if self._job is not None:  # the job cannot be interrupted; its result is dropped
            self.runner.cancel(self._job)
            self._done()
        super().reject()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
