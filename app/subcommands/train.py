"""`netcanvas train PROJECT`: train without the GUI (see app/headless.py)."""

from __future__ import annotations

import argparse

NAME = "train"
HELP = "train a project without the GUI"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("project", help="a NetCanvas project (.json)")
    p.add_argument("--data", help="dataset: a folder (IDX, CIFAR, image folder) or .npz file")
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--device", choices=("cpu", "cuda"))
    p.add_argument("--threads", type=int)
    p.add_argument("--out", default="runs/latest", help="folder for checkpoint and metrics")
    p.add_argument("--resume", help="checkpoint to continue from")


def run(ns: argparse.Namespace) -> int:
    from app.headless import train_headless  # torch only here

    return train_headless(ns)
