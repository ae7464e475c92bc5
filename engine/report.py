"""Text every view shares: the per-layer table and how counts, bytes and durations read.

`netcanvas info`, the summary dialog (and its "Copy as text"), the inspector, the training
progress bar and the headless trainer all format numbers here, so a parameter count or an
ETA reads the same everywhere. Plain Python: no Qt, no torch (see pyproject's contracts).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engine.analysis import Analysis
from engine.graph import Graph
from engine.layers import fmt_shape

PARAM_BYTES = 4  # float32 weights
HEADERS = ("Node", "Type", "Output shape", "Params", "MACs")
NUMERIC = (3, 4)  # right-aligned columns of HEADERS
UNKNOWN = "—"  # a value that is not known yet (no rate, no shape)


# ---- numbers --------------------------------------------------------------------------
def fmt_count(n: int) -> str:
    """3274634 -> '3,274,634'."""
    return f"{n:,}"


def fmt_compact(n: float) -> str:
    """3274634 -> '3.27 M', 8266 -> '8.3 k'; numbers under a thousand are written out.
    (Thousands start at 1,000 so two numbers side by side, 8,266 parameters beside
    27,520 MACs, read in the same form: '8.3 k' and '27.5 k'.)"""
    for size, unit in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= size:
            value = n / (size if unit != "k" else 1e3)
            return f"{value:.3g} {unit}" if unit != "k" else f"{value:.1f} k"
    return f"{int(n):,}"


def fmt_bytes(n: int) -> str:
    """Binary units, as memory is counted: 36674 -> '35.8 KiB', 366736 -> '358 KiB'."""
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"
    return f"{n} bytes"  # pragma: no cover - the loop always returns


def format_duration(seconds: float, unknown: str = UNKNOWN) -> str:
    """0:42, 12:05, 1:02:03; `unknown` while the rate is still unknown."""
    if not math.isfinite(seconds) or seconds < 0:
        return unknown
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_percent(value: float | None) -> str:
    return UNKNOWN if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 layer', '2 layers', '1,200 images'."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


# ---- the per-layer table ----------------------------------------------------------------
@dataclass(frozen=True)
class SummaryRow:
    node_id: str
    type_title: str
    output: str
    params: int
    macs: int
    error: str | None = None
    # False for a node that does not lead to the Output (left out of the model).
    used: bool = True


@dataclass(frozen=True)
class SummaryTotals:
    params: int
    macs: int
    activation_bytes: int
    param_bytes: int
    unused_params: int = 0

    def labelled(self) -> list[tuple[str, str]]:
        rows = [
            ("Total parameters", fmt_count(self.params)),
            ("Total MACs (multiply-accumulates)", fmt_count(self.macs)),
            ("Activation memory per sample (float32)", fmt_bytes(self.activation_bytes)),
            ("Parameter memory (float32)", fmt_bytes(self.param_bytes)),
        ]
        if self.unused_params:
            rows.append(("Left out (not leading to the Output)",
                         f"{fmt_count(self.unused_params)} parameters"))
        return rows


def summary_rows(graph: Graph, analysis: Analysis) -> list[SummaryRow]:
    unused = set(analysis.unused)
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
        rows.append(SummaryRow(nid, node.spec.title, output, res.params, res.macs, res.error,
                               nid not in unused))
    return rows


def row_counts(row: SummaryRow) -> tuple[str, str]:
    """The params and MACs cells; a layer without a shape has no counts yet: "-", not 0."""
    if row.error or row.output.startswith("?"):
        return "-", "-"
    return fmt_count(row.params), fmt_count(row.macs)


def row_cells(row: SummaryRow) -> list[str]:
    return [row.node_id, row.type_title, row.output, *row_counts(row)]


def summary_totals(analysis: Analysis) -> SummaryTotals:
    return SummaryTotals(analysis.total_params, analysis.total_macs, analysis.activation_bytes,
                         analysis.total_params * PARAM_BYTES, analysis.unused_params)


def aligned(cells: Sequence[Sequence[str]], numeric: Sequence[int] = NUMERIC) -> list[str]:
    """Fixed-width lines: text columns left-aligned, `numeric` ones right-aligned."""
    widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
    return ["  ".join(cell.rjust(widths[c]) if c in numeric else cell.ljust(widths[c])
                      for c, cell in enumerate(row)).rstrip() for row in cells]


def summary_text(graph: Graph, analysis: Analysis) -> str:
    """The summary dialog's plain-text copy: the table, its totals, errors and warnings."""
    cells = [list(HEADERS)] + [row_cells(r) for r in summary_rows(graph, analysis)]
    lines = aligned(cells)
    width = max(len(line) for line in lines)
    out = [lines[0], "-" * width, *lines[1:], "=" * width]
    totals = summary_totals(analysis).labelled()
    label_width = max(len(label) for label, _ in totals)
    out += [f"{label + ':':<{label_width + 1}} {value}" for label, value in totals]
    out += _problems(analysis, "Errors:", "Warnings:", "- ")
    return "\n".join(out) + "\n"


def info_text(graph: Graph, analysis: Analysis) -> str:
    """`netcanvas info`'s table: one row per node, a totals line, then every problem."""
    cells = [["node", "type", "output shape", "params", "MACs"]]
    for r in summary_rows(graph, analysis):
        shape = r.output if not r.output.startswith("?") else "?"
        cells.append([r.node_id, r.type_title, shape, fmt_count(r.params), fmt_count(r.macs)])
    lines = aligned(cells)
    widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
    out = [lines[0], "  ".join("-" * w for w in widths), *lines[1:], ""]
    out.append(f"input: {fmt_shape(analysis.input_shape)}   parameters: "
               f"{fmt_count(analysis.total_params)}   MACs: {fmt_count(analysis.total_macs)}"
               f"   activations: {analysis.activation_bytes / 1024:,.1f} KiB per sample")
    if analysis.unused:
        out.append(f"left out of the model (not leading to the Output): "
                   f"{plural(len(analysis.unused), 'node')}, "
                   f"{fmt_count(analysis.unused_params)} parameters")
    out += [line for line in _problems(analysis, "", "", "") if line]
    return "\n".join(out)


def _problems(analysis: Analysis, errors_title: str, warnings_title: str,
              bullet: str) -> list[str]:
    """Errors then warnings: a titled list each (the summary) or 'error: ...' lines."""
    out: list[str] = []
    for title, items, word in ((errors_title, analysis.errors, "error"),
                               (warnings_title, analysis.warnings, "warning")):
        if not items:
            continue
        if title:
            out += ["", title] + [f"{bullet}{item}" for item in items]
        else:
            out += [f"{word}: {item}" for item in items]
    return out
