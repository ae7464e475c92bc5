"""Training throughput in the editor against `netcanvas train`, each at its default.

The editor side is the real main window, offscreen, with the LeNet-5 template: Train is
pressed as a user presses it (the editor's "Auto" threads, the engine worker process,
live progress and plots). The command-line side runs `netcanvas train` on the same project
in a fresh process at its default threads. Both rates come from the Trainer's own clock
(steps x batch / training seconds, data loading and model building excluded), so they
measure the same thing. Rounds alternate (editor first, then CLI first, ...) so machine
noise hits both alike; the verdict is the median of the paired ratios. Target: editor
>= 0.95 x CLI. For information, the CLI also runs at the editor's thread count when that
differs from its default.

    .venv/bin/python bench/train_throughput_gui.py [--rounds 5] [--epochs 2]
                                                    [--editor-threads N]

--editor-threads sets the project's threads for the editor runs (0 = "Auto", the
default), e.g. 1 to see what the old one-thread "Auto" cost.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Python puts this script's folder first on sys.path, where bench/inspect.py would shadow
# the standard library's inspect (numpy imports it); the repository root is what we need.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import json
import os
import statistics
import subprocess
import tempfile

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 0.95


def cli_rate(project_path: Path, epochs: int, threads: int | None, out: Path) -> float:
    """samples/s of one `netcanvas train` run, from its metrics.json."""
    cmd = [sys.executable, "-m", "app", "train", str(project_path), "--epochs", str(epochs),
           "--out", str(out)]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    if proc.returncode != 0:
        raise RuntimeError(f"netcanvas train failed (rc {proc.returncode}): {proc.stderr[-2000:]}")
    metrics = json.loads((out / "metrics.json").read_text())
    final = metrics["final"]
    return final["steps"] * metrics["settings"]["batch_size"] / final["elapsed_s"]


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["NETCANVAS_SETTINGS_DIR"] = tempfile.mkdtemp(prefix="netcanvas-bench-")
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEventLoop, QTimer

    from app.gui import create_main_window, make_app
    from app.panels.training.binding import editor_threads
    from engine.project import save_project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--editor-threads", type=int, default=0)
    args = parser.parse_args()

    app = make_app(["netcanvas"])
    window = create_main_window(None, app)
    window.files.ask_save_changes = lambda: "discard"
    window.files.load_template("lenet5")
    window.resize(1400, 900)
    window.show()
    binding = window.bindings["training"]
    controller = binding.controller
    doc = window.doc
    training = dict(doc.project.training, epochs=args.epochs, threads=args.editor_threads)
    doc.set_project_records(training=training)
    workdir = Path(tempfile.mkdtemp(prefix="netcanvas-bench-runs-"))
    project_path = workdir / "lenet5.json"
    save_project(doc.project, project_path)
    cli_default = json.loads(project_path.read_text())["training"]["threads"]  # 0: PyTorch's
    editor = args.editor_threads or editor_threads()
    cli_threads = cli_default or len(os.sched_getaffinity(0))  # PyTorch's default: every core

    def editor_rate() -> float:
        """Press Train and spin the event loop until the run ends."""
        loop = QEventLoop()
        done: list[object] = []
        failures: list[str] = []

        def on_state(state: str) -> None:
            if state == "idle":
                loop.quit()

        controller.finished.connect(done.append)
        controller.failed.connect(failures.append)
        controller.stateChanged.connect(on_state)
        binding.train()
        QTimer.singleShot(1_200_000, loop.quit)  # a hung run ends the bench, not the machine
        loop.exec()
        controller.finished.disconnect(done.append)
        controller.failed.disconnect(failures.append)
        controller.stateChanged.disconnect(on_state)
        if failures or not done:
            raise RuntimeError(failures[0] if failures else "the editor's run did not finish")
        metrics = done[0].metrics
        return metrics["steps"] * training["batch_size"] / metrics["elapsed_s"]

    # Warm-up: the worker's torch import, the plots' first build and oneDNN's kernel choice
    # belong to neither side (a user's editor has done them before the first real run).
    binding.warm_up()
    doc.set_project_records(training=dict(training, epochs=1))
    editor_rate()
    doc.set_project_records(training=training)

    editor_rates: list[float] = []
    cli_rates: list[float] = []
    same_threads: list[float] = []
    for round_no in range(1, args.rounds + 1):
        sides = ["editor", "cli"] if round_no % 2 else ["cli", "editor"]
        for side in sides:
            if side == "editor":
                editor_rates.append(editor_rate())
            else:
                cli_rates.append(cli_rate(project_path, args.epochs, None, workdir / "cli"))
        line = (f"round {round_no}: editor {editor_rates[-1]:8.0f} samples/s, "
                f"netcanvas train {cli_rates[-1]:8.0f} samples/s")
        if editor != cli_threads:
            same_threads.append(cli_rate(project_path, args.epochs, editor, workdir / "same"))
            line += f", netcanvas train --threads {editor} {same_threads[-1]:8.0f}"
        print(line, flush=True)
    redraws = binding.plots.redraw_count if binding.plots is not None else 0
    window.close()

    ratio = statistics.median(e / c for e, c in zip(editor_rates, cli_rates, strict=True))
    verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
    print(f"LeNet-5 template, bundled Fashion-MNIST x {args.epochs} epoch(s), batch "
          f"{training['batch_size']}, {training['optimizer']}, median of {args.rounds}; editor "
          f"threads {editor} ({'Auto' if not args.editor_threads else 'set'}), netcanvas train "
          f"threads {cli_threads} (its default); {redraws} plot redraws:")
    print(f"  editor           {statistics.median(editor_rates):8.0f} samples/s")
    print(f"  netcanvas train  {statistics.median(cli_rates):8.0f} samples/s")
    if same_threads:
        print(f"  netcanvas train --threads {editor}: {statistics.median(same_threads):8.0f} "
              f"samples/s (information: equal threads, ratio "
              f"{statistics.median(editor_rates) / statistics.median(same_threads):.3f})")
    else:
        print("  (the editor's Auto uses the same thread count as netcanvas train: the equal-"
              "threads comparison is the one above)")
    print(f"  ratio            {ratio:.3f} (median of paired ratios; target >= {TARGET_RATIO}) "
          f"{verdict}; best-of ratio {max(editor_rates) / max(cli_rates):.3f}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
