"""`netcanvas inspect PROJECT`: feature maps, filters, saliency and the prediction for one
sample, as PNG files and prediction.json (see docs/inspect.md and docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "inspect"
HELP = "write feature maps, filters, saliency and the prediction for one sample"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", help="a NetCanvas project (.json)")
    p.add_argument("--weights", help="trained weights: weights.safetensors or checkpoint.pt "
                   "from `netcanvas train --out`, or a state_dict (default: the weights the "
                   "project records, else the untrained initial weights)")
    p.add_argument("--sample", type=int, default=0, help="index of the data set sample "
                   "(default 0)")
    p.add_argument("--split", choices=("test", "train"), default="test",
                   help="which split --sample indexes (default test)")
    p.add_argument("--image", help="an image file (PNG, JPEG, ...) instead of a data set sample")
    p.add_argument("--data", help="dataset instead of the project's: a folder (IDX, CIFAR, "
                   "image folder) or .npz file")
    p.add_argument("--class", dest="target", type=int,
                   help="class index whose saliency to show (default: the predicted class)")
    p.add_argument("--layer", help="conv layer for Grad-CAM (default: the last conv layer)")
    p.add_argument("--filters", choices=("mean", "per_channel"), default="mean",
                   help="deeper conv filters averaged over input channels or one per channel")
    p.add_argument("--out", default="inspect", help="folder for the PNGs and prediction.json")


def _fail(code: int, message: str) -> int:
    print(f"netcanvas: {message}", file=sys.stderr)
    return code


def run(ns: argparse.Namespace) -> int:
    from engine.analysis import analyse
    from engine.data import DataError, detect_source
    from engine.project import ProjectError, dumps, load_project
    from engine.weights import WeightsError
    from engine.weights.state import load_project_weights, read_weights_for

    try:
        project = load_project(ns.project)
    except ProjectError as exc:
        return _fail(EXIT_USAGE, str(exc))
    if ns.data:
        try:
            source = detect_source(ns.data)
        except DataError as exc:
            return _fail(EXIT_USAGE, str(exc))
        project.data = {**(project.data or {}), "source": source.to_dict()}
    analysis = analyse(project.graph)
    if not analysis.valid:
        return _fail(EXIT_FAILED, "The network cannot be built yet: " + " ".join(analysis.errors))
    text = dumps(project)
    weights, source_text = None, "untrained (the seeded initial weights)"
    try:
        if ns.weights:
            weights, source_text = read_weights_for(ns.weights, text), Path(ns.weights).name
        elif project.weights:
            weights = load_project_weights(ns.project, project.weights, project.graph, analysis)
            source_text = str(project.weights.get("file"))
    except WeightsError as exc:
        return _fail(EXIT_USAGE, str(exc))
    if weights is None:
        print("netcanvas: note: no trained weights given (--weights); showing the untrained "
              "network.", file=sys.stderr)
    weighted = [nid for nid in analysis.order if project.graph.nodes[nid].spec.weight_layout]
    return _inspect(ns, text, weights, source_text, weighted)


def _inspect(ns: argparse.Namespace, text: str, weights: dict | None, source_text: str,
             weighted: list[str]) -> int:
    from engine.inspect.filters import FilterError
    from engine.inspect.jobs import InspectError, dataset_sample, inspect_sample, layer_filters
    from engine.inspect.report import write_report
    from engine.inspect.sample import SampleError, load_image

    try:
        if ns.image:
            image, origin = load_image(ns.image)
            label, channels_first = None, False
        else:
            picked = dataset_sample(text, ns.split, ns.sample)
            image, origin, label = picked["image"], picked["origin"], picked["label"]
            channels_first = True
        result = inspect_sample(text, weights, image, label=label, saliency_class=ns.target,
                                saliency_layer=ns.layer, k=1_000_000, origin=origin,
                                channels_first=channels_first)
        filters = {nid: layer_filters(text, weights, nid, ns.filters)
                   for nid in weighted if nid in result["maps"]}
    except (InspectError, SampleError, FilterError) as exc:
        return _fail(EXIT_USAGE, str(exc))
    out = Path(ns.out)
    try:
        files = write_report(out, result, filters, {"weights": source_text})
    except OSError as exc:
        return _fail(EXIT_USAGE, f"Cannot write into '{out}' ({exc.strerror or exc}); choose "
                     f"another folder with --out.")
    top = result["prediction"][0]
    print(f"{result['sample']['description']}")
    print(f"predicted {top['class']} ({top['prob']:.1%}); {len(files)} files written to {out}")
    return EXIT_OK
