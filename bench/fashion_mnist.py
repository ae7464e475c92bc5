"""Fashion-MNIST benchmark: the two-conv template against the published 0.916 test accuracy.

The network is the bundled `fashion_two_conv` template (conv32 5x5 / pool / conv64 5x5 /
pool / fc1024 / dropout 0.4), the TensorFlow tutorial network of the Fashion-MNIST
benchmark table. Trained like the published run: all 60,000 training images (no
validation split), Adam 1e-3, batch 128, standardised inputs; by default the rate follows a
cosine schedule down to 0, which makes the final accuracy stable (see DEFAULT_SCHEDULE).
It goes through the same prepare_run / Trainer path as the editor and `netcanvas train`,
so it measures NetCanvas, not a hand-written loop.

    .venv/bin/python bench/fashion_mnist.py [--epochs 10] [--schedule cosine|none|step]
                                            [--flip] [--threads 2] [--channels-last]

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
    p.add_argument("--channels-last", action="store_true",
                   help="keep the model's weights in channels_last memory format")
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        dataset = load_dataset(DataSource("idx", str(FULL_FASHION_MNIST_DIR)))
    except DataError as exc:
        print(f"{exc}\nInstall the full Fashion-MNIST set first: `make fashion-mnist` "
              "(Debian package dataset-fashion-mnist).", file=sys.stderr)
        return 2

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
    if args.channels_last:
        # In place (same Parameter objects), before the optimizer is built by the Trainer.
        setup.model.to(memory_format=torch.channels_last)
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
          f"{args.threads} threads, channels_last={args.channels_last}, "
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
            return 1
        elif isinstance(event, Finished):
            break
    total = time.perf_counter() - start
    final = accuracies[-1]
    verdict = "PASS" if final >= PUBLISHED_ACCURACY else "FAIL"
    median = sorted(epoch_times)[len(epoch_times) // 2]
    print(f"median epoch {median:.1f} s, total {total:.0f} s; best test accuracy "
          f"{max(accuracies):.4f} (epoch {accuracies.index(max(accuracies)) + 1})")
    print(f"{verdict}: final test accuracy {final:.4f} vs published {PUBLISHED_ACCURACY}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
