"""`netcanvas export PROJECT --format F -o PATH [--weights W]`: write the network (and its
weights) in another format, load it back in a clean process and print the comparison."""

from __future__ import annotations

import argparse
import sys

from engine.export.formats import DEFAULT_FORMAT, FORMATS, VerificationError, format_names

NAME = "export"
HELP = "export a project as PyTorch code, .pt2, ONNX, TorchScript, weights or a training script"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", help="a NetCanvas project (.json)")
    p.add_argument("--format", "-f", choices=format_names(), default=DEFAULT_FORMAT,
                   help="; ".join(f"{f.name}: {f.when}" for f in FORMATS))
    p.add_argument("-o", "--out", required=True,
                   help="the file to write, or a folder (the file is named after the project)")
    p.add_argument("--weights", help="weights to export (.safetensors, a netcanvas train "
                   "checkpoint.pt or a state_dict); default: the untrained initial weights")


def run(ns: argparse.Namespace) -> int:
    from engine.export.formats import ExportError
    from engine.export.report import report_lines
    from engine.project import ProjectError, dumps, load_project

    try:
        project = load_project(ns.project)
    except ProjectError as exc:
        print(f"netcanvas: {exc}", file=sys.stderr)
        return 2
    from engine.export.job import export_project  # torch only from here on

    try:
        report = export_project(dumps(project), None, ns.format, ns.out,
                                weights_file=ns.weights)
    except VerificationError as exc:
        print(f"netcanvas: {exc}", file=sys.stderr)
        return 1
    except ExportError as exc:
        print(f"netcanvas: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report_lines(report)))
    return 0
