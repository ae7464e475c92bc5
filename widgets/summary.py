"""The model summary: one row per layer (output shape, parameters, MACs) and the totals.

The rows, totals, plain-text copy and number formatting come from engine.report, which
`netcanvas info` uses too, so the dialog, the inspector and the CLI always agree.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.analysis import Analysis
from engine.graph import Graph
from engine.report import (
    HEADERS,
    NUMERIC,
    PARAM_BYTES,
    SummaryRow,
    SummaryTotals,
    fmt_bytes,
    fmt_compact,
    fmt_count,
    plural,
    row_cells,
    summary_rows,
    summary_text,
    summary_totals,
)
from widgets.colors import ERROR, MUTED_TEXT
from widgets.icons import icon
from widgets.theme import is_dark, theme_notifier

TOTAL_ROWS = 3  # totals, activation memory, parameter memory
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class SummaryTable(QTableWidget):
    """Read-only table of `summary_rows` followed by the totals rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for c in range(len(HEADERS)):
            self.horizontalHeaderItem(c).setTextAlignment(RIGHT if c in NUMERIC else LEFT)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self._totals: SummaryTotals | None = None
        self._dark = is_dark()
        theme_notifier().themeChanged.connect(self.set_dark)
        self._last: tuple[Graph, Analysis] | None = None

    def set_analysis(self, graph: Graph, analysis: Analysis) -> None:
        self._last = (graph, analysis)
        rows = summary_rows(graph, analysis)
        totals = summary_totals(analysis)
        self._totals = totals
        self.clearSpans()
        self.setRowCount(len(rows) + TOTAL_ROWS)
        error_brush = QBrush(QColor(ERROR.text.pick(self._dark)))
        muted_brush = QBrush(QColor(MUTED_TEXT.pick(self._dark)))
        for r, row in enumerate(rows):
            for c, text in enumerate(row_cells(row)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(RIGHT if c in NUMERIC else LEFT)
                if row.error:
                    item.setForeground(error_brush)
                    item.setToolTip(row.error)
                elif row.output.startswith("?"):
                    item.setForeground(muted_brush)
                self.setItem(r, c, item)
        bold = QFont(self.font())
        bold.setBold(True)
        base = len(rows)
        self._set_total_row(base, "Total", (fmt_count(totals.params), fmt_count(totals.macs)), bold)
        memory = [
            ("Estimated activation memory per sample (float32)", fmt_bytes(totals.activation_bytes)),
            ("Parameter memory (float32, params x 4 bytes)", fmt_bytes(totals.param_bytes)),
        ]
        for i, (label, value) in enumerate(memory, start=1):
            self._set_span_row(base + i, label, value, bold)
        for r in range(base, base + TOTAL_ROWS):
            for c in range(len(HEADERS)):
                item = self.item(r, c)
                if item is not None:
                    item.setBackground(self.palette().midlight())
        self.setCurrentItem(None)  # no focus frame on the first cell of a read-only table

    def _set_total_row(self, row: int, label: str, numbers: tuple[str, str], font: QFont) -> None:
        self.setSpan(row, 0, 1, 3)
        item = QTableWidgetItem(label)
        item.setFont(font)
        self.setItem(row, 0, item)
        for c, text in zip(NUMERIC, numbers, strict=True):
            cell = QTableWidgetItem(text)
            cell.setFont(font)
            cell.setTextAlignment(RIGHT)
            self.setItem(row, c, cell)

    def _set_span_row(self, row: int, label: str, value: str, font: QFont) -> None:
        self.setSpan(row, 0, 1, 3)
        self.setSpan(row, 3, 1, 2)
        self.setItem(row, 0, QTableWidgetItem(label))
        cell = QTableWidgetItem(value)
        cell.setFont(font)
        cell.setTextAlignment(RIGHT)
        self.setItem(row, 3, cell)

    def totals(self) -> SummaryTotals | None:
        return self._totals

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        if self._last is not None:
            self.set_analysis(*self._last)


__all__ = ["PARAM_BYTES", "SummaryDialog", "SummaryRow", "SummaryTable", "SummaryTotals",
           "fmt_bytes", "fmt_compact", "fmt_count", "summary_rows", "summary_text",
           "summary_totals"]


class SummaryDialog(QDialog):
    """The summary table with a status line and a "Copy as text" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model summary")
        self.resize(620, 580)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.table = SummaryTable(self)
        self.copy_button = QPushButton("Copy as text", self)
        self.copy_button.setIcon(icon("copy", is_dark()))
        self.copy_button.setToolTip("Copy the summary as a plain-text table")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.copied = QLabel(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.copy_button)
        bottom.addWidget(self.copied, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 12)
        layout.setSpacing(10)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.problems)
        layout.addLayout(bottom)
        self._text = ""
        theme_notifier().themeChanged.connect(self._on_theme)

    def set_analysis(self, graph: Graph, analysis: Analysis) -> None:
        self.table.set_analysis(graph, analysis)
        self._text = summary_text(graph, analysis)
        layers = len(analysis.order)
        state = ("ready to build" if analysis.valid else
                 f"{len(analysis.errors)} error{'s' if len(analysis.errors) != 1 else ''}")
        color = MUTED_TEXT.pick(is_dark()) if analysis.valid else ERROR.text.pick(is_dark())
        self.status.setText(
            f"<b>{plural(layers, 'layer')}</b> &middot; {fmt_compact(analysis.total_params)} parameters "
            f"&middot; {fmt_compact(analysis.total_macs)} MACs &middot; "
            f"<span style='color:{color}'>{state}</span>")
        if analysis.errors:
            items = "".join(f"<li>{html.escape(e)}</li>" for e in analysis.errors)
            self.problems.setText(f"<ul style='margin:0; color:{ERROR.text.pick(is_dark())}'>{items}</ul>")
        self.problems.setVisible(bool(analysis.errors))
        self.copied.clear()

    def text(self) -> str:
        return self._text

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self._text)
        self.copied.setText("Copied to the clipboard")

    def _on_theme(self, dark: bool) -> None:
        self.copy_button.setIcon(icon("copy", dark))
