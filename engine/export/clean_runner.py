"""Loads exported files in a clean interpreter and runs them on saved inputs.

Not imported by NetCanvas: engine.export.verify passes this file's text to
`python -I -c <text> <plan.json>` in a temporary folder that holds only the export. It
needs numpy and torch (for ONNX onnxruntime instead of torch, which it then checks was
not loaded; safetensors for .safetensors) and refuses to import NetCanvas, so an export
that secretly depends on it fails here, not on the user's machine.

The plan is JSON: {"cases": [{"format", "file", "weights", "helper", "class_name",
"inputs": [npy...], "outputs": [npy...]}]}.
"""

import importlib.abc
import importlib.util
import json
import sys
import warnings

NETCANVAS_PACKAGES = {"engine", "app", "widgets", "resources", "netcanvas"}


class _RefuseNetCanvas(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):  # noqa: ANN001, ANN201 - finder API
        if name.partition(".")[0] in NETCANVAS_PACKAGES:
            raise ImportError(f"the export tried to import {name!r}, which is NetCanvas")
        return None


def _load_module(path, name):  # noqa: ANN001, ANN202
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _runner(case, index):  # noqa: ANN001, ANN202
    """A function from a numpy batch to numpy scores, for one exported file."""
    fmt, file = case["format"], case["file"]
    if fmt == "onnx":  # onnxruntime alone, as a deployment would run it: no torch here
        import onnxruntime

        session = onnxruntime.InferenceSession(file, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        return lambda x: session.run(None, {name: x})[0]
    import torch

    if fmt == "pt2":
        model = torch.export.load(file).module()
    elif fmt == "torchscript":
        model = torch.jit.load(file, map_location="cpu")
        model.eval()
    elif fmt == "py":
        model = _load_module(file, f"export_{index}").load_model()
    elif fmt == "train-script":
        script = _load_module(file, f"export_{index}")
        model = script.build_model()
        if case.get("weights"):
            script.load_weights(model, case["weights"])
        model.eval()
    elif fmt in ("safetensors", "state-dict"):
        # Weights alone: read them with the generated source of the same network.
        model = _load_module(case["helper"], f"helper_{index}").load_model(file)
    else:
        raise SystemExit(f"unknown format {fmt!r}")

    def run(x):  # noqa: ANN001, ANN202
        import torch

        with torch.no_grad():
            return model(torch.from_numpy(x)).numpy()

    return run


def main():  # noqa: ANN201
    # Everything happens here, never at import: the import-every-module test imports this.
    sys.meta_path.insert(0, _RefuseNetCanvas())
    warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit.load's notice
    import numpy as np

    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    for index, case in enumerate(plan["cases"]):
        run = _runner(case, index)
        for source, target in zip(case["inputs"], case["outputs"], strict=True):
            np.save(target, np.asarray(run(np.load(source)), dtype=np.float32))
    leaked = sorted(m for m in sys.modules if m.partition(".")[0] in NETCANVAS_PACKAGES)
    if leaked:
        raise SystemExit(f"NetCanvas modules were loaded: {', '.join(leaked)}")
    if all(case["format"] == "onnx" for case in plan["cases"]) and "torch" in sys.modules:
        raise SystemExit("running the ONNX file loaded torch; it must need onnxruntime only")


if __name__ == "__main__":
    main()
