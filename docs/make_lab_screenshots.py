"""Regenerate docs/images/lab-*.png: each Learn view opened from its lesson (Help ▸
Lessons), on the bundled data set, with the template's initial weights.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_lab_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
PANEL_SIZE = (980, 720)
# lesson key -> (picture name, step to show: a window inside the image, not at a corner)
SHOTS = {
    "conv_channels": ("lab-conv", 53),
    "pool": ("lab-pool", "max"),
    "softmax": ("lab-loss", None),
    "linear": ("lab-linear", None),
    "sigmoid": ("lab-activations", None),
    "dropout": ("lab-dropout", None),
    "preprocess": ("lab-preprocess", None),
    "flow": ("lab-flow", -3),
}


def settle(app, until, timeout_s: float = 120) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not until():
        app.processEvents()
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("NETCANVAS_SETTINGS_DIR", tempfile.mkdtemp())
    sys.path.insert(0, str(ROOT))
    from app.gui import create_main_window, make_app

    app = make_app()
    window = create_main_window(None, app)
    window.files.ask_save_changes = lambda: "discard"
    window.resize(1500, 980)
    window.show()
    data, lab = window.bindings["data"], window.bindings["lab"]

    def fits() -> bool:
        return data.dataset is not None and tuple(data.dataset.image_shape) == tuple(
            window.doc.analysis.input_shape or ())

    for key, (name, step) in SHOTS.items():
        lab.open_lesson(key)
        settle(app, fits)
        lab.controller.refresh()
        lab.controller.wait(120)
        app.processEvents()
        page = lab.adapters[lab.panel.current_view()].page
        if step == "max":  # a window where the winner stands out, not a tie of zeros
            trace = lab.adapters[lab.panel.current_view()].trace
            step = int(trace.output[0].argmax())
        if step is not None:
            page.slider.setValue(step if step >= 0 else page.slider.maximum() + step + 1)
        lab.dock.setFloating(True)
        lab.dock.resize(*PANEL_SIZE)
        settle(app, lambda: False, 0.3)
        OUT.mkdir(parents=True, exist_ok=True)
        lab.panel.grab().save(str(OUT / f"{name}.png"))
        print("wrote", OUT / f"{name}.png")
        if key == "flow":
            # The canvas alone, its links labelled with the norms of the step shown.
            for dock in window.docks.values():
                dock.hide()
            window.resize(900, 760)
            settle(app, lambda: False, 0.5)
            window.actions["fit"].trigger()
            settle(app, lambda: False, 0.3)
            window.view.grab().save(str(OUT / "lab-flow-canvas.png"))
            print("wrote", OUT / "lab-flow-canvas.png")
    lab.controller.jobs.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
