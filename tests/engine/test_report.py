"""engine.report: the shared table text and number formatting, with golden files.

`netcanvas info` on every template is compared with tests/engine/golden/info/<key>.txt.
A change in the output is a reviewed diff: regenerate with
    NETCANVAS_UPDATE_GOLDEN=1 python -m pytest tests/engine/test_report.py
and commit the changed files.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from app.cli import main
from engine.analysis import analyse
from engine.report import (
    fmt_bytes,
    fmt_compact,
    fmt_count,
    format_duration,
    format_percent,
    info_text,
    plural,
    summary_text,
)
from engine.templates import list_templates, load_template, template_path

GOLDEN = Path(__file__).parent / "golden" / "info"
UPDATE = os.environ.get("NETCANVAS_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("key", [t.key for t in list_templates()])
def test_info_matches_its_golden_file(key, capsys):
    rc = main(["info", str(template_path(key))])
    out = capsys.readouterr().out
    golden = GOLDEN / f"{key}.txt"
    if UPDATE:
        golden.write_text(out, encoding="utf-8")
    assert golden.exists(), f"no golden file for {key}; run with NETCANVAS_UPDATE_GOLDEN=1"
    assert out == golden.read_text(encoding="utf-8")
    assert rc == 0


def test_every_template_has_a_golden_file_and_no_stale_ones():
    assert {p.stem for p in GOLDEN.glob("*.txt")} == {t.key for t in list_templates()}


def test_info_and_summary_share_rows():
    project = load_template("lenet5")
    a = analyse(project.graph)
    info, summary = info_text(project.graph, a), summary_text(project.graph, a)
    for nid in a.order:
        r = a.nodes[nid]
        for text in (info, summary):
            row = next(line for line in text.splitlines() if line.startswith(nid + " "))
            assert row.split()[-2:] == [fmt_count(r.params), fmt_count(r.macs)]
    assert f"parameters: {a.total_params:,}" in info
    total = next(line for line in summary.splitlines() if line.startswith("Total parameters:"))
    assert total.split()[-1] == f"{a.total_params:,}"


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (42.4, "0:42"), (725, "12:05"),
                                               (3723, "1:02:03"), (-1, "—"), (math.inf, "—"),
                                               (math.nan, "—")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text
    assert format_duration(seconds, unknown="--:--") == (text if text != "—" else "--:--")


def test_number_formats():
    assert fmt_count(3_274_634) == "3,274,634"
    assert fmt_compact(3_274_634) == "3.27 M" and fmt_compact(27_500) == "27.5 k"
    assert fmt_compact(8266) == "8.3 k" and fmt_compact(999) == "999"
    assert fmt_bytes(1000) == "1000 bytes" and fmt_bytes(366_736) == "358 KiB" and fmt_bytes(36_674) == "35.8 KiB"
    assert fmt_bytes(200 * 1024**2) == "200 MiB"
    assert format_percent(0.9016) == "90.2%" and format_percent(None) == "—"
    assert plural(1, "layer") == "1 layer" and plural(2, "layer") == "2 layers"
    assert plural(1200, "class", "classes") == "1,200 classes"
