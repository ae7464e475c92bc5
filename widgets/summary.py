"""The model summary: one row per layer (output shape, parameters, MACs) and the totals.

Also home of the number formatting every panel shares (thousands separators, KiB/MiB), so
the summary, the inspector and the plain-text copy always agree on how a number reads.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

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
from engine.layers import fmt_shape
from widgets.colors import ERROR, MUTED_TEXT
from widgets.icons import icon
from widgets.theme import is_dark, theme_notifier

PARAM_BYTES = 4  # float32 weights
HEADERS = ("Node", "Type", "Output shape", "Params", "MACs")
NUMERIC = (3, 4)
TOTAL_ROWS = 3  # totals, activation memory, parameter memory
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def fmt_count(n: int) -> str:
    """3274634 -> '3,274,634'."""
    return f"{n:,}"


def fmt_compact(n: float) -> str:
    """3274634 -> '3.27 M'; numbers under ten thousand are written out."""
    for size, unit in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e4, "k")):
        if abs(n) >= size:
            value = n / (size if unit != "k" else 1e3)
            return f"{value:.3g} {unit}" if unit != "k" else f"{value:.1f} k"
    return f"{int(n):,}"


def fmt_bytes(n: int) -> str:
    """Binary units, as memory is counted: 366736 -> '358.1 KiB'."""
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{n} bytes"  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class SummaryRow:
    node_id: str
    type_title: str
    output: str
    params: int
    macs: int
    error: str | None = None


@dataclass(frozen=True)
class SummaryTotals:
    params: int
    macs: int
    activation_bytes: int
    param_bytes: int

    def labelled(self) -> list[tuple[str, str]]:
        return [
            ("Total parameters", fmt_count(self.params)),
            ("Total MACs (multiply-accumulates)", fmt_count(self.macs)),
            ("Activation memory per sample (float32)", fmt_bytes(self.activation_bytes)),
            ("Parameter memory (float32)", fmt_bytes(self.param_bytes)),
        ]


def summary_rows(graph: Graph, analysis: Analysis) -> list[SummaryRow]:
    rows = []
    for nid in analysis.order:
        res = analysis.nodes.get(nid)
        node = graph.nodes.get(nid)
        if res is None or node is None:
            continue  # the analysis is older than the graph: skip what is gone
        if res.error:
            output = "error"
        elif res.blocked_by:
            output = f"? (after {res.blocked_by})"
        else:
            output = fmt_shape(res.output_shape)
        rows.append(SummaryRow(nid, node.spec.title, output, res.params, res.macs, res.error))
    return rows


def _counts(row: SummaryRow) -> tuple[str, str]:
    # A layer without a shape has no counts yet: "-" rather than a misleading 0.
    if row.error or row.output.startswith("?"):
        return "-", "-"
    return fmt_count(row.params), fmt_count(row.macs)


def summary_totals(analysis: Analysis) -> SummaryTotals:
    return SummaryTotals(analysis.total_params, analysis.total_macs, analysis.activation_bytes,
                         analysis.total_params * PARAM_BYTES)


def summary_text(graph: Graph, analysis: Analysis) -> str:
    """A plain-text table for the clipboard: fixed-width columns, numbers right-aligned."""
    rows = summary_rows(graph, analysis)
    cells = [list(HEADERS)] + [
        [r.node_id, r.type_title, r.output, *_counts(r)] for r in rows]
    widths = [max(len(row[c]) for row in cells) for c in range(len(HEADERS))]

    def line(row: list[str]) -> str:
        parts = [cell.rjust(widths[c]) if c in NUMERIC else cell.ljust(widths[c])
                 for c, cell in enumerate(row)]
        return "  ".join(parts).rstrip()

    width = sum(widths) + 2 * (len(widths) - 1)
    out = [line(cells[0]), "-" * width]
    out += [line(row) for row in cells[1:]]
    out.append("=" * width)
    totals = summary_totals(analysis).labelled()
    label_width = max(len(label) for label, _ in totals)
    out += [f"{label + ':':<{label_width + 1}} {value}" for label, value in totals]
    problems = analysis.errors
    if problems:
        out += ["", "Errors:"] + [f"- {e}" for e in problems]
    if analysis.warnings:
        out += ["", "Warnings:"] + [f"- {w}" for w in analysis.warnings]
    return "\n".join(out) + "\n"


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
            values = (row.node_id, row.type_title, row.output, *_counts(row))
            for c, text in enumerate(values):
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
            f"<b>{layers} layers</b> &middot; {fmt_compact(analysis.total_params)} parameters "
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
