"""`netcanvas info PROJECT [--json]`: each layer's output shape, parameters and MACs."""

from __future__ import annotations

import argparse
import json
import os
import sys

from engine.analysis import Analysis, analyse
from engine.layers import fmt_shape
from engine.project import ProjectError, load_project

NAME = "info"
HELP = "print each layer's output shape, parameters and MACs"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", help="a NetCanvas project (.json)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")


def run(ns: argparse.Namespace) -> int:
    try:
        project = load_project(ns.project)
    except ProjectError as exc:
        print(f"netcanvas: {exc}", file=sys.stderr)
        return 2
    analysis = analyse(project.graph)
    text = json.dumps(analysis.to_json(), indent=2) if ns.json else format_table(project.graph, analysis)
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # `netcanvas info x.json | head` closed the pipe early: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0 if analysis.valid else 1


def format_table(graph, analysis: Analysis) -> str:  # noqa: ANN001 - Graph, kept light
    rows = [("node", "type", "output shape", "params", "MACs")]
    for nid in analysis.order:
        r = analysis.nodes[nid]
        shape = fmt_shape(r.output_shape) if r.output_shape else ("error" if r.error else "?")
        rows.append((nid, graph.nodes[nid].spec.title, shape, f"{r.params:,}", f"{r.macs:,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for i, row in enumerate(rows):
        cells = [row[c].ljust(widths[c]) if c < 3 else row[c].rjust(widths[c]) for c in range(5)]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"input: {fmt_shape(analysis.input_shape)}   parameters: {analysis.total_params:,}"
                 f"   MACs: {analysis.total_macs:,}"
                 f"   activations: {analysis.activation_bytes / 1024:,.1f} KiB per sample")
    for err in analysis.errors:
        lines.append(f"error: {err}")
    for warn in analysis.warnings:
        lines.append(f"warning: {warn}")
    return "\n".join(lines)
