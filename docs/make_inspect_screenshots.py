"""Regenerate docs/images/inspect-*.png: the Inspect dock's tabs and the canvas with
activation thumbnails, on networks trained for a moment in the editor itself.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_inspect_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
SIZE = (1500, 980)
TIMEOUT_S = 180


def settle(app, until, timeout_s: float = TIMEOUT_S) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not until():
        app.processEvents()
        time.sleep(0.02)
    for _ in range(10):
        app.processEvents()


def trained_window(app, template: str, epochs: int):  # noqa: ANN001, ANN201
    from app.gui import create_main_window

    window = create_main_window(None, app)
    window.files.ask_save_changes = lambda: "discard"
    window.files.load_template(template)
    window.doc.set_project_records(training=dict(window.doc.project.training, epochs=epochs))
    window.bindings["data"].controller.wait_idle()
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    training = window.bindings["training"]
    training.train()
    # The run's weights reach the document when it ends (then the dock recomputes).
    settle(app, lambda: window.doc.weights is not None and training.controller.state == "idle")
    inspect = window.bindings["inspect"]
    inspect.dock.show()
    inspect.dock.raise_()
    inspect.refresh()
    settle(app, lambda: inspect.result is not None and not inspect.jobs.busy)
    return window, inspect


def shoot(widget, name: str) -> None:  # noqa: ANN001
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["NETCANVAS_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="netcanvas-shots-")
    sys.path.insert(0, str(ROOT))
    from app.gui import make_app

    app = make_app(["netcanvas"])
    OUT.mkdir(parents=True, exist_ok=True)

    window, inspect = trained_window(app, "lenet5", epochs=2)
    panel = inspect.panel
    window.scene.select_ids(["conv2"])
    settle(app, lambda: True, 1)
    panel.resize(1300, 560)
    shoot(panel, "inspect-maps.png")
    panel.show_tab("filters")
    panel.filter_layer.setCurrentIndex(panel.filter_layer.findData("conv1"))
    inspect.request_filters()
    settle(app, lambda: not inspect.jobs.busy)
    shoot(panel, "inspect-filters.png")
    panel.show_tab("prediction")
    shoot(panel, "inspect-prediction.png")
    panel.show_tab("saliency")
    shoot(panel, "inspect-saliency.png")
    inspect.thumbnails_action.setChecked(True)
    window.view.set_zoom(0.8)
    window.view.centerOn(window.scene.node_items["conv2"])
    settle(app, lambda: True, 1)
    shoot(window.view, "inspect-thumbnails.png")
    window.close()

    window, inspect = trained_window(app, "linear_classifier", epochs=3)
    panel = inspect.panel
    panel.show_tab("filters")
    inspect.request_filters()
    settle(app, lambda: not inspect.jobs.busy)
    panel.resize(1300, 560)
    shoot(panel, "inspect-templates.png")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
