"""`netcanvas import MODEL.onnx -o PROJECT.json [--cut]`: an ONNX model as a NetCanvas
project, its weights beside it, verified against onnxruntime."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "import"
HELP = "import an ONNX model as a project (weights kept beside it), verified"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help="the ONNX model (.onnx)")
    p.add_argument("-o", "--output", required=True, metavar="PROJECT.json",
                   help="the project to write; its weights go to PROJECT.weights.safetensors")
    p.add_argument("--cut", action="store_true",
                   help="if some nodes are unsupported, keep the network up to the last "
                        "supported node instead of refusing")


def run(ns: argparse.Namespace) -> int:
    # torch and onnx only here: `netcanvas info` stays fast.
    from engine.importers.errors import ModelImportError, UnsupportedModelError
    from engine.importers.onnx import import_onnx
    from engine.importers.save import save_import

    folder = Path(ns.output).parent
    if str(folder) and not folder.is_dir():
        print(f"netcanvas: cannot write '{ns.output}': the folder '{folder}' does not exist.",
              file=sys.stderr)
        return 2
    try:
        result = import_onnx(ns.model, cut=ns.cut)
    except UnsupportedModelError as exc:
        print("\n".join(exc.report.lines()[:-1]))
        print(f"netcanvas: {exc}", file=sys.stderr)
        return 2
    except (ModelImportError, OSError) as exc:
        print(f"netcanvas: {exc}", file=sys.stderr)
        return 2
    report = result.report
    print("\n".join(report.lines()))
    if not report.verified:
        print(f"netcanvas: the imported network does not reproduce '{report.source}' "
              f"(max abs diff {report.max_abs_diff:.3g} > {report.tolerance:g}); nothing was "
              f"written.", file=sys.stderr)
        return 1
    try:
        project, weights = save_import(result, ns.output)
    except ModelImportError as exc:
        print(f"netcanvas: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {project} and {weights.name} ({len(result.weights)} tensors).")
    return 0
