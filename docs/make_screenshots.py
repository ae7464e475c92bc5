"""Regenerate the screenshots in docs/images/: the editor and a training run, light and dark.

Offscreen, with a private settings folder, so it runs headless and never touches (or is
shaped by) the user's own NetCanvas settings:

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
SIZE = (1400, 900)
TEMPLATE = "fashion_two_conv"
SELECTED = "conv2"  # a conv layer, so the inspector shows the output-size arithmetic
ZOOM = 0.9
TRAIN_TEMPLATE = "lenet5"
TRAIN_EPOCHS = 8
TRAIN_SHOT_TIMEOUT_S = 120


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    settings_dir = tempfile.mkdtemp(prefix="netcanvas-shots-")
    os.environ["NETCANVAS_SETTINGS_DIR"] = settings_dir
    sys.path.insert(0, str(ROOT))

    from PySide6.QtWidgets import QApplication

    from app.gui import create_main_window, make_app
    from app.settings import AppSettings

    app = make_app(["netcanvas"])
    OUT.mkdir(parents=True, exist_ok=True)
    for mode in ("light", "dark"):
        settings = AppSettings()
        settings.theme = mode
        settings.sync()
        window = create_main_window(None, app)
        window.files.load_template(TEMPLATE)
        # The dataset panel loads its data on a worker; let it finish so the panel is
        # settled in the picture and no job is still running when the script exits.
        window.bindings["data"].controller.wait_idle()  # type: ignore[attr-defined]
        window.resize(*SIZE)
        window.show()
        for _ in range(3):
            app.processEvents()
        # Close enough to read every shape, centred on the selected layer, rather than a
        # whole-network fit, where a tall network's cards become too small to read.
        window.view.set_zoom(ZOOM)
        window.scene.select_ids([SELECTED])
        window.view.centerOn(window.scene.node_items[SELECTED])
        app.processEvents()
        path = OUT / f"editor-{mode}.png"
        window.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT)}")
        window.close()
        window.deleteLater()
        app.processEvents()
    for mode in ("light", "dark"):
        training_shot(app, mode)
    QApplication.processEvents()
    # The training panel imports torch on a background thread a moment after start; let it
    # finish before the interpreter shuts down, or its late imports fail noisily.
    from app.panels.training import controller as training_controller

    warm = getattr(training_controller, "_warm_thread", None)
    if warm is not None:
        warm.join()
    return 0


def training_shot(app, mode: str) -> None:  # noqa: ANN001 - QApplication
    """LeNet-5 on the bundled Fashion-MNIST subset, photographed mid-run."""
    import time

    from app.settings import AppSettings

    settings = AppSettings()
    settings.theme = mode
    settings.sync()
    from app.gui import create_main_window

    window = create_main_window(None, app)
    window.files.load_template(TRAIN_TEMPLATE)
    window.doc.set_project_records(training=dict(window.doc.project.training, epochs=TRAIN_EPOCHS))
    window.bindings["data"].controller.wait_idle()  # type: ignore[attr-defined]
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    training = window.bindings["training"]  # type: ignore[attr-defined]
    training.train()
    deadline = time.monotonic() + TRAIN_SHOT_TIMEOUT_S
    # Enough epochs for the per-epoch plots to show a trend, but still running.
    def epochs_drawn() -> int:  # the plots are built lazily, once pyqtgraph is imported
        return training.plots.epochs.size if training.plots is not None else 0

    while time.monotonic() < deadline and epochs_drawn() < TRAIN_EPOCHS - 2:
        app.processEvents()
        time.sleep(0.02)
    for _ in range(20):  # let the bounded-rate plot timer draw the latest points
        app.processEvents()
        time.sleep(0.02)
    path = OUT / f"training-{mode}.png"
    window.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT)}")
    training.shutdown()
    window.files.ask_save_changes = lambda: "discard"
    window.close()
    window.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
