"""The `netcanvas` command.

`netcanvas` opens the editor; `netcanvas FILE` opens a project; `netcanvas info FILE` prints
the shape table; `netcanvas train FILE` trains headless. Qt and torch are imported only by
the subcommands that need them, so `info` answers in a fraction of a second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from engine.analysis import Analysis, analyse
from engine.layers import fmt_shape
from engine.project import ProjectError, load_project

SUBCOMMANDS = ("info", "train")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        parser = _parser()
        ns = parser.parse_args(args)
        return int(ns.func(ns))
    if args and args[0] in ("-h", "--help"):
        _parser().print_help()
        return 0
    if args and args[0] == "--version":
        print(f"netcanvas {version()}")
        return 0
    from app.gui import run_gui  # Qt only for the editor

    return run_gui(args[0] if args else None)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("netcanvas")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netcanvas",
        description="Build, train and inspect small neural networks. With no command, or with "
        "a project file, opens the editor.",
    )
    sub = parser.add_subparsers(dest="command")
    info = sub.add_parser("info", help="print each layer's output shape, parameters and MACs")
    info.add_argument("project", help="a NetCanvas project (.json)")
    info.add_argument("--json", action="store_true", help="print JSON for scripts")
    info.set_defaults(func=cmd_info)
    train = sub.add_parser("train", help="train a project without the GUI")
    train.add_argument("project", help="a NetCanvas project (.json)")
    train.add_argument("--data", help="dataset: a folder (IDX, CIFAR, image folder) or .npz file")
    train.add_argument("--epochs", type=int)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--lr", type=float)
    train.add_argument("--device", choices=("cpu", "cuda"))
    train.add_argument("--threads", type=int)
    train.add_argument("--out", default="runs/latest", help="folder for checkpoint and metrics")
    train.add_argument("--resume", help="checkpoint to continue from")
    train.set_defaults(func=cmd_train)
    return parser


def cmd_info(ns: argparse.Namespace) -> int:
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


def cmd_train(ns: argparse.Namespace) -> int:
    from app.headless import train_headless  # torch only here

    return train_headless(ns)


if __name__ == "__main__":
    sys.exit(main())
