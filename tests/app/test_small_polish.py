"""Small rough edges (#12 item 16): "1 layer", one number form in the status bar, --help."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QApplication

from app.cli import main
from app.main_window import MainWindow
from engine.graph import Graph
from engine.project import Project


def test_status_bar_counts_read_alike(qtbot, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path))
    window = MainWindow()
    qtbot.addWidget(window)
    g = Graph()
    g.add_node("input")
    window.doc.replace_project(Project(g), None)
    assert re.search(r"\b1 layer\b", window.totals_label.text())
    window.doc.replace_project(Project(_lenet_like()), None)
    text = window.totals_label.text()
    counts = re.findall(r"([\d.,]+ ?[kMG]?) (parameters|MACs)", text)
    assert len(counts) == 2
    # Both compact: neither "8,266" beside "27.5 k".
    assert all(re.fullmatch(r"\d+(\.\d)? k|\d+(\.\d+)? [MG]|\d{1,3}", c) for c, _ in counts), counts
    window.close()
    QApplication.processEvents()


def _lenet_like() -> Graph:
    from engine.graph import chain

    return chain([("input", {"layout": "vector", "features": 32}), ("linear", {"units": 250}),
                  ("relu", {}), ("linear", {"units": 10}), ("output", {})])


def test_help_names_version_and_the_project_form(capsys):
    try:
        main(["--help"])
    except SystemExit:
        pass
    out = capsys.readouterr().out
    assert "--version" in out and "PROJECT" in out and "netcanvas PROJECT opens" in out
