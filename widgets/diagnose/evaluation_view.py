"""The Evaluation view: Evaluate button and split, progress, a summary line, the
confusion matrix, per-class precision / recall / F1, the most confident mistakes and the
images behind a clicked cell. A view: the app runs the evaluation and feeds show_*()."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from widgets.diagnose.gallery import SampleGallery
from widgets.plots.confusion import ConfusionPlot

IDLE_TEXT = "Train the network, then Evaluate to see accuracy, what it confuses and its mistakes."
SPLITS = (("Test split", "test"), ("Validation split", "val"), ("Training split", "train"))


class EvaluationView(QWidget):
    evaluateRequested = Signal(str)  # noqa: N815 - the split
    cellChosen = Signal(int, int)  # noqa: N815 - true class, predicted class
    openSample = Signal(int, str)  # noqa: N815 - image index in its split, the split

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("evaluationView")
        self.split = "test"
        self.evaluate_button = QPushButton("Evaluate")
        self.evaluate_button.setToolTip("Evaluate the trained weights on the chosen split (Ctrl+E)")
        self.evaluate_button.clicked.connect(self._request)
        self.split_box = QComboBox()
        for text, key in SPLITS:
            self.split_box.addItem(text, key)
        self.mode_box = QComboBox()
        self.mode_box.addItem("Counts", "counts")
        self.mode_box.addItem("Row %", "normalised")
        self.mode_box.setToolTip("Cells as counts or as a share of each true class")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.summary = QLabel(IDLE_TEXT)
        self.summary.setObjectName("evaluationSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        bar.addWidget(self.evaluate_button)
        bar.addWidget(self.split_box)
        bar.addWidget(self.mode_box)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.summary, 3)

        self.confusion = ConfusionPlot(dark=dark)
        self.confusion.cellClicked.connect(self.cellChosen)
        self.mode_box.currentIndexChanged.connect(
            lambda _i: self.confusion.set_mode(self.mode_box.currentData()))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["class", "precision", "recall", "F1", "support"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.mistakes = SampleGallery("The most confident mistakes appear here after evaluating.")
        self.cell = SampleGallery("Click a cell of the confusion matrix to see its images.")
        for gallery in (self.mistakes, self.cell):
            gallery.openSample.connect(lambda index: self.openSample.emit(index, self.split))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Per class")
        self.tabs.addTab(self.mistakes, "Mistakes")
        self.tabs.addTab(self.cell, "Cell images")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.confusion)
        splitter.addWidget(self.tabs)
        splitter.setSizes([420, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def _request(self) -> None:
        self.evaluateRequested.emit(self.split_box.currentData())

    # ---- states ----------------------------------------------------------------------------
    def set_available(self, available: bool, reason: str = "") -> None:
        self.evaluate_button.setEnabled(available)
        self.evaluate_button.setToolTip(reason or "Evaluate the trained weights on the chosen split (Ctrl+E)")

    def show_busy(self, fraction: float, text: str) -> None:
        self.progress.setVisible(True)
        self.progress.setValue(int(1000 * max(0.0, min(1.0, fraction))))
        self.progress.setFormat(text or "Evaluating…")
        self.evaluate_button.setEnabled(False)

    def show_error(self, message: str) -> None:
        self.progress.setVisible(False)
        self.evaluate_button.setEnabled(True)
        self.summary.setText(f"Evaluation failed: {message}")

    def show_result(self, result: dict[str, Any], mistake_images: list[np.ndarray]) -> None:
        """result: engine.inspect.evaluate.evaluate's dict; mistake_images: one image per
        result["mistakes"] entry."""
        self.progress.setVisible(False)
        self.evaluate_button.setEnabled(True)
        self.split = result["split"]
        names = result["class_names"]
        loss = "—" if result.get("loss") is None else f"{result['loss']:.4f}"
        trained = "" if result.get("trained", True) else " (untrained weights)"
        self.summary.setText(
            f"<b>{100 * result['accuracy']:.2f}%</b> accuracy on {result['count']:,} "
            f"{result['split']} images of {result['data']}{trained} · loss {loss} · "
            f"macro F1 {result['macro_f1']:.3f}")
        self.confusion.set_matrix(result["confusion_matrix"], result["confusion_matrix_normalised"],
                                  names)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(result["per_class"]))
        for row, entry in enumerate(result["per_class"]):
            self.table.setItem(row, 0, QTableWidgetItem(entry["class"]))
            for col, key in ((1, "precision"), (2, "recall"), (3, "f1"), (4, "support")):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole,
                             entry[key] if key == "support" else round(entry[key], 4))
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        mistakes = result["mistakes"]
        captions = [f"{names[m['true']]} → {names[m['predicted']]} {100 * m['probability']:.0f}%"
                    for m in mistakes]
        self.mistakes.show_samples(
            f"{len(mistakes)} most confident mistakes (true → predicted, probability)",
            mistake_images, captions, [m["index"] for m in mistakes])
        self.cell.clear()

    def show_cell(self, title: str, images: list[np.ndarray], captions: list[str],
                  indices: list[int]) -> None:
        self.cell.show_samples(title, images, captions, indices)
        self.tabs.setCurrentWidget(self.cell)

    def set_dark(self, dark: bool) -> None:
        self.confusion.set_dark(dark)
