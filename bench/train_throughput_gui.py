"""Training throughput in the editor: Trainer through the GUI vs the same Trainer headless.

The GUI side runs the Trainer through the app's TrainingController (worker QThread,
throttled signals) while the real main window, offscreen, shows progress and redraws its
live plots; the headless side iterates Trainer.run() in the calling thread, as the
`netcanvas train` command does. Same LeNet-5 (the template), same bundled Fashion-MNIST
subset, batch, optimizer and thread count; both go through bench/train_throughput.py's
measure_trainer(), the GUI one with its `drive` hook. Rounds alternate (GUI first, then
headless first, ...) so machine noise hits both alike. Target: GUI >= 0.95 x headless.
(bench/train_throughput.py compares the headless Trainer with a hand-written loop.)

    .venv/bin/python bench/train_throughput_gui.py [--rounds 5] [--epochs 2] [--threads N]
                                                    [--clock wall|cpu]

--threads defaults to what the editor's "Auto" uses (every core but one; see
app/panels/training/binding.editor_threads).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 0.95


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["NETCANVAS_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="netcanvas-bench-")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from PySide6.QtCore import QEventLoop, QTimer

    from app.gui import create_main_window, make_app
    from app.panels.training.binding import editor_threads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=editor_threads())
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall",
        help="cpu: samples per CPU-second of this whole process (GUI thread included), which "
        "other programs on a busy machine disturb far less than wall time")
    args = parser.parse_args()
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    import torch
    from train_throughput import iterate_events, measure_trainer

    from engine.model import build_model
    from engine.templates import load_template
    from engine.training.session import prepare_run
    from engine.training.settings import TrainSettings

    app = make_app(["netcanvas"])
    window = create_main_window(None, app)
    window.files.ask_save_changes = lambda: "discard"
    window.files.load_template("lenet5")
    window.resize(1400, 900)
    window.show()
    binding = window.bindings["training"]
    controller = binding.controller

    project = load_template("lenet5")
    setup = prepare_run(project)
    x, y = setup.data.x_train, setup.data.y_train

    def lenet() -> torch.nn.Module:
        return build_model(setup.project.graph, setup.analysis)

    settings = TrainSettings.from_dict(
        dict(project.training, epochs=args.epochs, threads=args.threads))
    torch.set_num_threads(args.threads)

    def gui_drive(trainer: object) -> None:
        """Run through the controller and wait, spinning the Qt event loop, for the end."""
        binding.ensure_plots().clear()
        binding.progress.show_preparing()
        loop = QEventLoop()
        failures: list[str] = []

        def on_state(state: str) -> None:
            if state == "idle":
                loop.quit()

        controller.failed.connect(failures.append)
        controller.stateChanged.connect(on_state)
        controller.run_trainer(trainer)
        QTimer.singleShot(600_000, loop.quit)  # a hung run ends the bench, not the machine
        loop.exec()
        controller.failed.disconnect(failures.append)
        controller.stateChanged.disconnect(on_state)
        if failures:
            raise RuntimeError(failures[0])

    # Warm-up: imports, oneDNN kernel choice and the plots' first build belong to neither side.
    warm_x, warm_y = x[:1024], y[:1024]
    measure_trainer(lenet, warm_x, warm_y, settings, drive=gui_drive, clock=clock)
    measure_trainer(lenet, warm_x, warm_y, settings, drive=iterate_events, clock=clock)

    gui_rates: list[float] = []
    headless_rates: list[float] = []
    for round_no in range(1, args.rounds + 1):
        order = (("gui", gui_drive), ("headless", iterate_events))
        for name, drive in order if round_no % 2 else order[::-1]:
            rate = measure_trainer(lenet, x, y, settings, drive=drive, clock=clock)
            (gui_rates if name == "gui" else headless_rates).append(rate)
        print(f"round {round_no}: GUI {gui_rates[-1]:8.0f} samples/s, "
              f"headless {headless_rates[-1]:8.0f} samples/s")
    redraws = binding.plots.redraw_count if binding.plots is not None else 0
    window.close()

    gui, headless = statistics.median(gui_rates), statistics.median(headless_rates)
    ratio = gui / headless
    verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
    print(f"LeNet-5 template, bundled Fashion-MNIST ({len(x)} samples) x {args.epochs} epoch(s), "
          f"batch {settings.batch_size}, {settings.optimizer}, {args.threads} thread(s), "
          f"{args.clock} clock, median of {args.rounds}; {redraws} plot redraws in the GUI runs:")
    print(f"  GUI       {gui:8.0f} samples/s")
    print(f"  headless  {headless:8.0f} samples/s")
    print(f"  ratio     {ratio:.3f} (target >= {TARGET_RATIO}) {verdict}; "
          f"best-of ratio {max(gui_rates) / max(headless_rates):.3f}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
