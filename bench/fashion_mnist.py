"""Fashion-MNIST benchmark: both two-conv templates against the benchmark table's rows.

1. `fashion_two_conv` against the published 0.916 test accuracy (in process, below).
2. `fashion_two_conv_bn` ("2 Conv + pooling + BN", 0.934 in the table) trained exactly as a
   user would: `netcanvas train resources/templates/fashion_two_conv_bn.json --data <full
   set>`, with the template's stored settings (schedule, augmentation, epochs); target
   >= 0.934 test accuracy in under 5 minutes of wall time, start-up and test pass included.

    .venv/bin/python bench/fashion_mnist.py [--template both|fashion_two_conv|fashion_two_conv_bn]

A summary line per template gives accuracy and minutes; exits 1 when a target is missed.

The plain template's run:

The network is the bundled `fashion_two_conv` template (conv32 5x5 / pool / conv64 5x5 /
pool / fc1024 / dropout 0.4), the TensorFlow tutorial network of the Fashion-MNIST
benchmark table. Trained like the published run: all 60,000 training images (no
validation split), Adam 1e-3, batch 128, standardised inputs; by default the rate follows a
cosine schedule down to 0, which makes the final accuracy stable (see DEFAULT_SCHEDULE).
It goes through the same prepare_run / Trainer path as the editor and `netcanvas train`,
so it measures NetCanvas, not a hand-written loop.

    .venv/bin/python bench/fashion_mnist.py [--epochs 10] [--schedule cosine|none|step]
                                            [--flip] [--threads 2]

Prints the wall time of every epoch (training only; the test evaluation is timed apart)
and the test accuracy after it, then PASS/FAIL against 0.916 for the final accuracy.
Needs the full data set: `make fashion-mnist`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.data import DataError, DataSource, load_dataset  # noqa: E402
from engine.data.dataset import FULL_FASHION_MNIST_DIR  # noqa: E402
from engine.templates import load_template  # noqa: E402

PUBLISHED_ACCURACY = 0.916
# Measured on the 2-core box (busy, so epochs took 40-180 s instead of ~25 s):
# - constant lr 1e-3: 0.884, 0.900, 0.908, 0.915, 0.919, 0.914, 0.919, 0.916, 0.918, 0.920,
#   0.922, 0.916 over 12 epochs: above 0.916 from epoch 5 on, but wobbling +-0.4% from
#   epoch to epoch while it overfits (train accuracy 0.975), so the final number is luck;
# - cosine from 1e-3 to 0 over 10 epochs: the same network and optimizer settle instead,
#   0.891 ... 0.920 (epoch 5) ... 0.928, 0.929, 0.929 at epochs 8-10; the default.
DEFAULT_EPOCHS = 10
DEFAULT_SCHEDULE = "cosine"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--schedule", choices=("none", "step", "cosine"), default=DEFAULT_SCHEDULE,
                   help="learning-rate schedule; 'none' is the plain constant-rate recipe")
    p.add_argument("--flip", action="store_true", help="random horizontal flip augmentation")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--template", choices=("both", "fashion_two_conv", "fashion_two_conv_bn"),
                   default="both")
    return p.parse_args(argv)


BN_TEMPLATE = "fashion_two_conv_bn"
BN_ACCURACY = 0.934
BN_MINUTES = 5.0


def bn_template_run() -> tuple[float, float]:
    """(test accuracy, wall minutes) of `netcanvas train` on the BN template as stored."""
    import json
    import subprocess
    import tempfile

    root = Path(__file__).resolve().parents[1]
    out = Path(tempfile.mkdtemp(prefix="netcanvas-bench-bn-"))
    cmd = [sys.executable, "-m", "app", "train", str(root / "resources/templates" / f"{BN_TEMPLATE}.json"),
           "--data", str(FULL_FASHION_MNIST_DIR), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, text=True, timeout=3600)
    minutes = (time.perf_counter() - start) / 60
    if proc.returncode != 0:
        raise RuntimeError(f"netcanvas train failed (rc {proc.returncode})")
    metrics = json.loads((out / "metrics.json").read_text())
    return float(metrics["test"]["accuracy"]), minutes


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[tuple[str, float, float, bool]] = []
    if args.template in ("both", "fashion_two_conv"):
        start = time.perf_counter()
        code, accuracy = plain_template_run(args)
        if code == 2:
            return 2
        minutes = (time.perf_counter() - start) / 60
        results.append(("fashion_two_conv", accuracy, minutes, accuracy >= PUBLISHED_ACCURACY))
    if args.template in ("both", BN_TEMPLATE):
        if not FULL_FASHION_MNIST_DIR.is_dir():
            print("Install the full Fashion-MNIST set first: `make fashion-mnist`.", file=sys.stderr)
            return 2
        accuracy, minutes = bn_template_run()
        results.append((BN_TEMPLATE, accuracy, minutes,
                        accuracy >= BN_ACCURACY and minutes < BN_MINUTES))
    print(f"{'template':<22} {'test acc':>8} {'minutes':>7}  target")
    targets = {"fashion_two_conv": f">= {PUBLISHED_ACCURACY}",
               BN_TEMPLATE: f">= {BN_ACCURACY} in < {BN_MINUTES:.0f} min"}
    for name, accuracy, minutes, ok in results:
        print(f"{name:<22} {accuracy:>8.4f} {minutes:>7.1f}  {targets[name]}: "
              f"{'PASS' if ok else 'FAIL'}")
    return 0 if all(ok for *_, ok in results) else 1


def plain_template_run(args: argparse.Namespace) -> tuple[int, float]:
    """The published recipe on `fashion_two_conv`; (exit code, final test accuracy)."""
    try:
        dataset = load_dataset(DataSource("idx", str(FULL_FASHION_MNIST_DIR)))
    except DataError as exc:
        print(f"{exc}\nInstall the full Fashion-MNIST set first: `make fashion-mnist` "
              "(Debian package dataset-fashion-mnist).", file=sys.stderr)
        return 2, float("nan")

    import torch  # after the data check, so a missing data set answers at once

    from engine.training import EpochEnd, Failed, Finished, Trainer
    from engine.training.session import prepare_run

    torch.set_num_threads(args.threads)
    project = load_template("fashion_two_conv")
    project.data = {
        "source": dataset.source.to_dict(),
        # val_fraction 0: the published number trains on all 60,000 images.
        "preprocessing": {"mode": "standardise", "flip": args.flip, "crop_padding": 0,
                          "val_fraction": 0.0, "seed": args.seed},
    }
    overrides = {"optimizer": "adam", "lr": args.lr, "batch_size": 128, "epochs": args.epochs,
                 "threads": args.threads, "seed": args.seed, "schedule": args.schedule}
    setup = prepare_run(project, dataset, overrides)
    d = setup.data
    # Built directly rather than by session.make_trainer, which hands the Trainer the
    # (here empty) validation split; the bench evaluates on the test split instead.
    augment = None
    if args.flip:
        from engine.data import augment_batch

        def augment(x, generator):  # noqa: ANN001, ANN202 - Trainer's Augment type
            return augment_batch(x, setup.preprocessing, generator)
    trainer = Trainer(setup.model, setup.settings, d.x_train, d.y_train, augment=augment)
    x_test, y_test = d.x_test, d.y_test

    print(f"fashion_two_conv on {len(setup.data.x_train):,} train / {len(x_test):,} test images, "
          f"{args.threads} threads, "
          f"schedule={args.schedule}, flip={args.flip}")
    print(f"{'epoch':>5}  {'train s':>8}  {'samples/s':>9}  {'train loss':>10}  "
          f"{'train acc':>9}  {'test acc':>8}  {'eval s':>6}")
    accuracies: list[float] = []
    epoch_times: list[float] = []
    start = epoch_start = time.perf_counter()
    for event in trainer.run():
        if isinstance(event, EpochEnd):
            train_s = time.perf_counter() - epoch_start
            eval_start = time.perf_counter()
            _, accuracy = trainer.evaluate(x_test, y_test)
            eval_s = time.perf_counter() - eval_start
            accuracies.append(accuracy)
            epoch_times.append(train_s)
            print(f"{event.epoch:>5}  {train_s:>8.1f}  {len(setup.data.x_train) / train_s:>9,.0f}  "
                  f"{event.train_loss:>10.4f}  {event.train_acc:>9.4f}  {accuracy:>8.4f}  "
                  f"{eval_s:>6.1f}", flush=True)
            epoch_start = time.perf_counter()
        elif isinstance(event, Failed):
            print(f"FAIL: training failed: {event.message}", file=sys.stderr)
            return 1, float("nan")
        elif isinstance(event, Finished):
            break
    total = time.perf_counter() - start
    final = accuracies[-1]
    verdict = "PASS" if final >= PUBLISHED_ACCURACY else "FAIL"
    median = sorted(epoch_times)[len(epoch_times) // 2]
    print(f"median epoch {median:.1f} s, total {total:.0f} s; best test accuracy "
          f"{max(accuracies):.4f} (epoch {accuracies.index(max(accuracies)) + 1})")
    print(f"{verdict}: final test accuracy {final:.4f} vs published {PUBLISHED_ACCURACY}")
    return (0 if verdict == "PASS" else 1), final


if __name__ == "__main__":
    sys.exit(main())
