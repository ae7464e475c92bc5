"""Diagnose benchmarks: evaluation speed and the cost of live diagnostics.

1. Evaluating the 10,000 Fashion-MNIST test images with the two-conv template through the
   evaluate() job (data loading included): target < 5 s. Uses the full set in
   /usr/share/datasets/fashion-mnist when present, else the bundled subset (2,000 test
   images), and says which. The one-time torch import is not counted (the editor's
   worker has it already).
2. Training with the Diagnose panel's probes on (gradient flow every 250 ms, histograms every
   2 s, paced by their cost, as app/panels/diagnose/probes.py asks): target < 3% slowdown. Two measures: the
   time the loop spent serving probes as a share of the run (stable; the target), and the
   samples/s ratio of alternating runs with and without probes (medians; noisy on a shared
   machine, reported as information).

    .venv/bin/python bench/diagnose.py [--rounds 2] [--epochs 3] [--verbose]

Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

# The repository root instead of bench/ itself, so no bench script can shadow a standard
# library module that torch imports.
sys.path[0] = str(Path(__file__).resolve().parents[1])

EVAL_TARGET_S = 5.0
SLOWDOWN_TARGET = 0.03
VERBOSE = "--verbose" in sys.argv
FULL_SET = Path("/usr/share/datasets/fashion-mnist")


def bench_evaluation() -> tuple[float, str, int]:
    import torch  # noqa: F401 - imported once before timing, as in the editor's warm worker

    from engine.inspect.evaluate import evaluate
    from engine.project import dumps
    from engine.templates import load_template

    project = load_template("fashion_two_conv")
    data = str(FULL_SET) if (FULL_SET / "t10k-images-idx3-ubyte.gz").exists() else None
    which = "full Fashion-MNIST" if data else "bundled subset (full set absent)"
    start = time.perf_counter()
    result = evaluate(dumps(project), None, "test", data)
    return time.perf_counter() - start, which, result["count"]


def train_once(probes: bool, epochs: int) -> tuple[float, float]:
    """(samples/s, seconds spent serving probes) for LeNet-5 on the bundled data."""
    import engine.inspect.diagnostics  # noqa: F401 - its one-time import is not a rate
    import engine.training.loop as loop
    from app.panels.diagnose.probes import GRADIENT_MS, HISTOGRAM_MS, pace_ms
    from engine.templates import load_template
    from engine.training.control import TrainControl
    from engine.training.events import Failed, Finished, ProbeResult
    from engine.training.session import make_trainer, prepare_run

    setup = prepare_run(load_template("lenet5"), overrides={"epochs": epochs, "threads": 1})
    control = TrainControl()
    trainer = make_trainer(setup, control)
    served = [0.0]
    plain = loop.run_probe

    def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        start = time.perf_counter()
        try:
            return plain(*args, **kwargs)
        finally:
            served[0] += time.perf_counter() - start

    loop.run_probe = timed
    done = threading.Event()

    costs = {"gradient_flow": 0.0, "histograms": 0.0}
    reported = [0.0]
    answered: dict[str, int] = {}

    def ask() -> None:  # the GUI's schedule (and pacing), from another thread as the GUI's
        due = {"gradient_flow": time.monotonic(), "histograms": time.monotonic()}
        base = {"gradient_flow": GRADIENT_MS, "histograms": HISTOGRAM_MS}
        while not done.wait(0.01):
            for kind in due:
                if time.monotonic() >= due[kind]:
                    control.request_probe(kind)
                    due[kind] = time.monotonic() + pace_ms(costs[kind], base[kind]) / 1000

    asker = threading.Thread(target=ask, daemon=True)
    if probes:
        asker.start()
    try:
        for event in trainer.run():
            if isinstance(event, Failed):
                raise RuntimeError(event.message)
            if isinstance(event, Finished):
                metrics = event.metrics
            if isinstance(event, ProbeResult) and "cost_s" in event.payload:
                costs[event.kind] = event.payload["cost_s"]
                reported[0] += event.payload["cost_s"]
                answered[event.kind] = answered.get(event.kind, 0) + 1
    finally:
        done.set()
        loop.run_probe = plain
    samples = trainer.step * setup.settings.batch_size
    if probes and VERBOSE:
        print(f"  run: {metrics['elapsed_s']:.1f} s, served {served[0]:.3f} s, reported "
              f"{reported[0]:.3f} s, answers {answered}")
    return samples / metrics["elapsed_s"], served[0] / metrics["elapsed_s"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="print each run's probe times")
    ns = parser.parse_args()
    ok = True
    if ns.rounds == 0:
        print(train_once(True, ns.epochs))
        return 0
    seconds, which, count = bench_evaluation()
    good = seconds < EVAL_TARGET_S
    ok &= good
    print(f"evaluation: {count:,} test images ({which}), two-conv net: {seconds:.2f} s "
          f"(target < {EVAL_TARGET_S:.0f} s) {'ok' if good else 'MISSED'}")
    rates: dict[bool, list[float]] = {False: [], True: []}
    shares: list[float] = []
    for round_ in range(ns.rounds):
        for probes in ((False, True) if round_ % 2 == 0 else (True, False)):
            rate, share = train_once(probes, ns.epochs)
            rates[probes].append(rate)
            if probes:
                shares.append(share)
    off, on = statistics.median(rates[False]), statistics.median(rates[True])
    share = statistics.median(shares)
    good = share < SLOWDOWN_TARGET
    ok &= good
    print(f"diagnostics on: probes took {100 * share:.2f}% of training time "
          f"(target < {100 * SLOWDOWN_TARGET:.0f}%) {'ok' if good else 'MISSED'}")
    print(f"  samples/s without {off:,.0f}, with {on:,.0f}: ratio {on / off:.3f} "
          f"(medians of {ns.rounds}; information, noisy on a shared machine)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
