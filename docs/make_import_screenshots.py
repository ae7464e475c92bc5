"""Regenerate docs/images/import-*.png: the import report for a template exported to ONNX,
the refusal of a model with an unsupported op, and the editor with the imported network.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_import_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
TEMPLATE = "residual_small"


def _export_template(folder: Path) -> Path:
    import torch

    from engine.analysis import analyse
    from engine.model import build_model
    from engine.templates import load_template

    project = load_template(TEMPLATE)
    torch.manual_seed(0)
    model = build_model(project.graph).eval()
    path = folder / f"{TEMPLATE}.onnx"
    x = torch.randn(2, *analyse(project.graph).input_shape)
    torch.onnx.export(model, (x,), str(path), dynamic_shapes=({0: torch.export.Dim("batch")},),
                      external_data=False, verbose=False)
    return path


def _unsupported(folder: Path) -> Path:
    """A small CNN whose activation is Abs, which has no NetCanvas layer."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    rng = np.random.default_rng(0)
    inits = {"w": rng.standard_normal((8, 1, 3, 3)), "b": np.zeros(8), "fw": rng.standard_normal(
        (10, 8 * 13 * 13)), "fb": np.zeros(10)}
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[3, 3], name="conv"),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2],
                              name="pool"),
             helper.make_node("Abs", ["p"], ["a"], name="magnitude"),
             helper.make_node("Flatten", ["a"], ["f"], name="flatten"),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], transB=1, name="classifier")]
    graph = helper.make_graph(
        nodes, "abs_net", [helper.make_tensor_value_info("x", 1, ["batch", 1, 28, 28])],
        [helper.make_tensor_value_info("y", 1, ["batch", 10])],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = folder / "abs_net.onnx"
    onnx.save(model, str(path))
    return path


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["NETCANVAS_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="netcanvas-shots-")
    sys.path.insert(0, str(ROOT))
    from app.gui import create_main_window, make_app
    from app.panels.importer.binding import install_importer
    from app.panels.importer.dialog import ImportReportDialog
    from engine.importers.errors import UnsupportedModelError
    from engine.importers.onnx import import_onnx

    app = make_app(["netcanvas"])
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="netcanvas-import-"))
    result = import_onnx(_export_template(folder))
    dialog = ImportReportDialog(result.report.to_dict())
    dialog.resize(900, 560)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "import-report.png"))
    try:
        import_onnx(_unsupported(folder))
    except UnsupportedModelError as exc:
        refused = ImportReportDialog(exc.report.to_dict(), str(exc))
        refused.resize(760, 360)
        refused.show()
        app.processEvents()
        refused.grab().save(str(OUT / "import-refused.png"))
    window = create_main_window(None, app, panels=False)
    binding = install_importer(window, window.files)
    binding.path = str(folder / f"{TEMPLATE}.onnx")
    binding.open_imported(result.project, result.weights)
    window.resize(1300, 860)
    window.show()
    app.processEvents()
    window.view.fit_all()
    app.processEvents()
    window.grab().save(str(OUT / "import-editor.png"))
    window.files.ask_save_changes = lambda: "discard"
    window.close()
    print("wrote", ", ".join(p.name for p in sorted(OUT.glob("import-*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
