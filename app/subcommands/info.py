"""`netcanvas info PROJECT [--json]`: each layer's output shape, parameters and MACs."""

from __future__ import annotations

import argparse
import json
import os
import sys

from engine.analysis import Analysis, analyse
from engine.graph import Graph
from engine.project import ProjectError, load_project
from engine.report import info_text

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


def format_table(graph: Graph, analysis: Analysis) -> str:
    return info_text(graph, analysis)
