"""Regenerate docs/images/diagnose-*.png: a real LeNet-5 run on the bundled data in the
main window (1400x900) with its Evaluation and Gradients tabs, and the Sigmoid-vs-ReLU
comparison. Offscreen, with a private settings folder:

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_diagnose_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
SIZE = (1400, 900)
TEMPLATE, EPOCHS = "lenet5", 2
TIMEOUT_S = 600


def wait(app, done, timeout_s: float = TIMEOUT_S) -> None:  # noqa: ANN001
    start = time.monotonic()
    while not done():
        if time.monotonic() - start > timeout_s:
            raise SystemExit("timed out waiting for the run")
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["NETCANVAS_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="netcanvas-shots-")
    sys.path.insert(0, str(ROOT))
    from app.gui import create_main_window, make_app

    app = make_app(["netcanvas"])
    window = create_main_window(None, app)
    window.files.load_template(TEMPLATE)
    window.bindings["data"].controller.wait_idle()
    window.doc.set_project_records(training=dict(window.doc.project.training, epochs=EPOCHS))
    window.resize(*SIZE)
    window.show()
    d = window.bindings["diagnose"]
    d.show_panel("gradients")
    d.timeline.sample_box.setValue(3)
    for lr in (0.001, 0.003):  # two runs, so the Runs tab has something to compare
        d._result = None
        window.doc.set_project_records(training=dict(window.doc.project.training, lr=lr))
        window.actions["train"].trigger()
        wait(app, lambda: d._result is not None
             and not window.bindings["training"].controller.is_running)
    d.dock.setFloating(True)  # a large, readable picture of the panel itself
    d.dock.resize(1400, 620)
    for tab, name in ((d.gradients, "gradients"), (d.timeline, "timeline"), (d.runs_view, "runs"),
                      (d.evaluation, "evaluation")):
        d.tabs.setCurrentWidget(tab)
        if tab is d.evaluation:
            import numpy as np

            cm = np.asarray(d._result["confusion_matrix"])
            np.fill_diagonal(cm, -1)
            i, j = np.unravel_index(np.argmax(cm), cm.shape)
            d.evaluation.confusion.cellClicked.emit(int(i), int(j))
        for _ in range(30):
            app.processEvents()
            time.sleep(0.03)
        d.dock.grab().save(str(OUT / f"diagnose-{name}.png"))
    d.run_compare()
    wait(app, lambda: d._compare_job == 0)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.03)
    d.dock.grab().save(str(OUT / "diagnose-compare.png"))
    window.bindings["training"].shutdown()
    d.jobs.wait(30)
    print("accuracy", d._result["accuracy"])
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
