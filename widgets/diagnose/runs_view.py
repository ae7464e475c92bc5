"""Runs compared: a table of the project's runs (sorted by validation accuracy, best
first) with a tick box each, and the ticked runs' curves overlaid in distinct colours."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from widgets.plots.runs_overlay import RunsOverlay

COLUMNS = ("Run", "Val acc %", "Test acc %", "Epochs", "What changed", "When")
DEFAULT_TICKED = 3  # the newest runs ticked when the table fills


class _Number(QTableWidgetItem):
    """Sorts by value, with empty cells last."""

    def __init__(self, value: float | None, text: str) -> None:
        super().__init__(text)
        self.value = -1.0 if value is None else float(value)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.value < getattr(other, "value", -1.0)


class RunsView(QWidget):
    openFolderRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("runsView")
        self.open_button = QPushButton("Open Run Folder…")
        self.open_button.setToolTip("Add a folder written by `netcanvas train --out` as a run")
        self.open_button.clicked.connect(self.openFolderRequested)
        self.note = QLabel("Every training run is kept here with its settings and metrics.")
        bar = QHBoxLayout()
        bar.addWidget(self.open_button)
        bar.addWidget(self.note, 1)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.itemChanged.connect(self._ticked)
        self.overlay = RunsOverlay(dark=dark)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.overlay)
        split.setSizes([560, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.runs: list[dict[str, Any]] = []
        self._filling = False

    def set_runs(self, runs: list[dict[str, Any]]) -> None:
        ticked = self.ticked_numbers()
        fresh = not self.runs
        self.runs = list(runs)
        if fresh or not ticked:
            ticked = {r.get("number") for r in self.runs[-DEFAULT_TICKED:]}
        elif self.runs:
            ticked.add(self.runs[-1].get("number"))  # a new run is shown at once
        self._filling = True
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.runs))
        for row, run in enumerate(self.runs):
            label = QTableWidgetItem(run.get("label", "Run"))
            label.setFlags(label.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            label.setCheckState(Qt.CheckState.Checked if run.get("number") in ticked
                                else Qt.CheckState.Unchecked)
            label.setData(Qt.ItemDataRole.UserRole, run.get("number"))
            label.setToolTip(f"{run.get('status', '')}; settings: {run.get('settings', {})}")
            val, test = run.get("val_acc"), run.get("test_acc")
            cells = [label,
                     _Number(val, "—" if val is None else f"{100 * val:.2f}"),
                     _Number(test, "—" if test is None else f"{100 * test:.2f}"),
                     _Number(len(run.get("epochs", [])), str(len(run.get("epochs", [])))),
                     QTableWidgetItem(run.get("summary", "")),
                     QTableWidgetItem(run.get("when", ""))]
            cells[4].setToolTip(run.get("summary", ""))
            for col, item in enumerate(cells):
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.table.sortItems(1, Qt.SortOrder.DescendingOrder)  # best validation accuracy first
        self.table.resizeColumnsToContents()
        self._filling = False
        self._refresh_overlay()

    def ticked_numbers(self) -> set[Any]:
        out = set()
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.add(item.data(Qt.ItemDataRole.UserRole))
        return out

    def _ticked(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() == 0:
            self._refresh_overlay()

    def _refresh_overlay(self) -> None:
        ticked = self.ticked_numbers()
        # Colours follow the run number, so a run keeps its colour as others are ticked.
        shown = [(r.get("label", "Run"), int(r.get("number", 0)), r.get("epochs", []))
                 for r in self.runs if r.get("number") in ticked]
        self.overlay.set_runs(shown)

    def set_dark(self, dark: bool) -> None:
        self.overlay.set_dark(dark)
