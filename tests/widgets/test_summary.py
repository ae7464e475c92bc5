from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication

from engine.analysis import analyse
from engine.graph import chain
from engine.templates import load_template
from widgets.colors import ERROR
from widgets.summary import (
    HEADERS,
    PARAM_BYTES,
    SummaryDialog,
    SummaryTable,
    fmt_bytes,
    fmt_compact,
    fmt_count,
    summary_text,
)


def _fashion():
    graph = load_template("fashion_two_conv").graph
    return graph, analyse(graph)


def test_number_formatting():
    assert fmt_count(3274634) == "3,274,634"
    assert fmt_compact(3274634) == "3.27 M"
    assert fmt_compact(627200) == "627.2 k"
    assert fmt_compact(832) == "832"
    assert fmt_bytes(512) == "512 bytes"
    assert fmt_bytes(366736) == "358 KiB"
    assert fmt_bytes(3 * 1024 * 1024 // 2) == "1.5 MiB"


def test_table_rows_and_totals_match_the_analysis(qtbot):
    graph, analysis = _fashion()
    table = SummaryTable()
    qtbot.addWidget(table)
    table.set_analysis(graph, analysis)
    rows = len(analysis.order)
    assert [table.item(r, 0).text() for r in range(rows)] == analysis.order
    conv1 = analysis.order.index("conv1")
    assert table.item(conv1, 1).text() == "Conv2d"
    assert table.item(conv1, 2).text() == "32x28x28"
    assert table.item(conv1, 3).text() == "832"
    assert table.item(conv1, 4).text() == "627,200"
    totals = table.totals()
    assert totals.params == analysis.total_params
    assert totals.macs == analysis.total_macs
    assert totals.activation_bytes == analysis.activation_bytes
    assert totals.param_bytes == analysis.total_params * PARAM_BYTES
    assert table.item(rows, 3).text() == fmt_count(analysis.total_params)
    assert table.item(rows, 4).text() == fmt_count(analysis.total_macs)
    assert table.item(rows + 1, 3).text() == fmt_bytes(analysis.activation_bytes)
    assert table.item(rows + 2, 3).text() == fmt_bytes(analysis.total_params * PARAM_BYTES)
    # Parameter sums add up row by row, too.
    assert sum(int(table.item(r, 3).text().replace(",", "")) for r in range(rows)) == totals.params


def test_error_rows_are_red_and_blocked_rows_have_no_counts(qtbot):
    graph = chain([("input", {}), ("conv2d", {"kernel": 40, "padding": 0}), ("relu", {})])
    analysis = analyse(graph)
    table = SummaryTable()
    qtbot.addWidget(table)
    table.set_analysis(graph, analysis)
    assert table.item(1, 2).text() == "error"
    assert table.item(1, 0).foreground().color() == QColor(ERROR.text.pick(False))
    assert "larger than its padded input" in table.item(1, 0).toolTip()
    assert table.item(2, 2).text() == "? (after conv1)"
    assert table.item(2, 3).text() == "-"


def test_plain_text_and_copy(qtbot):
    graph, analysis = _fashion()
    text = summary_text(graph, analysis)
    lines = text.splitlines()
    assert lines[0].split() == ["Node", "Type", "Output", "shape", "Params", "MACs"]
    assert any(line.startswith("fc1") and line.endswith("3,211,264") for line in lines)
    assert "Total parameters:" in text and fmt_count(analysis.total_params) in text
    assert "Activation memory per sample (float32): 358 KiB" in text
    dialog = SummaryDialog()
    qtbot.addWidget(dialog)
    dialog.set_analysis(graph, analysis)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == text
    assert len(HEADERS) == dialog.table.columnCount()
