"""The standalone training script: the network's class, the project's settings as
constants, and a plain-PyTorch training loop (train_script.tmpl) that trains the way
engine/training does: same split, statistics, preprocessing, augmentation, optimizer,
loss, L2 term, schedule and seed; DistributedDataParallel when started by torchrun.

It imports nothing from NetCanvas: the test suite runs it in a process that cannot."""

from __future__ import annotations

import pprint
from pathlib import Path

from engine.analysis import Analysis
from engine.export.source import class_name_for, class_source, input_shape_of
from engine.project import Project

TEMPLATE = Path(__file__).with_name("train_script.tmpl")
# Data sources the script can read from a path (bundled and generated sets live in NetCanvas).
_FILE_KINDS = ("idx", "cifar10", "cifar100", "folder", "npz")


def _constant(name: str, value: object) -> str:
    width = 100 - len(name) - 3
    return f"{name} = {pprint.pformat(value, width=width, sort_dicts=False)}\n"


def script_source(project: Project, analysis: Analysis, init_weights: str | None = None) -> str:
    from engine.training.session import data_source, preprocessing, train_settings

    name = class_name_for(project.name)
    settings = train_settings(project).to_dict()
    prep = preprocessing(project).to_dict()
    try:
        source = data_source(project)
        data_path = source.path if source.kind in _FILE_KINDS and source.path else None
    except Exception:  # a broken data record: the user passes --data
        data_path = None
    data_note = ("" if data_path else
                 "This project trains on a data set built into NetCanvas, so pass --data.\n")
    header = f'''"""Train {project.name} ({name}) with plain PyTorch: exported from NetCanvas.

    python train.py --data DATA [--epochs N] [--out runs/train]
    torchrun --nproc_per_node=4 train.py --data DATA      # DistributedDataParallel
    torchrun --nnodes=2 --node_rank=R --master_addr=HOST --nproc_per_node=8 train.py ...

DATA: an .npz file (x_train, y_train, x_test, y_test), an MNIST-style IDX folder, a
CIFAR-10/100 'python version' folder or a folder of class subfolders of images.
{data_note}Writes OUT/metrics.jsonl and OUT/model.safetensors (NetCanvas opens both).
Needs torch and numpy; safetensors for the weights file, pillow for image folders.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import math
import os
import pickle
import struct
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

PROJECT = {project.name!r}
# One sample's shape; the batch dimension comes first.
INPUT_SHAPE = {tuple(input_shape_of(project, analysis))!r}
DATA_PATH = {data_path!r}
# Weights to start from, beside this script (None: the seeded initial weights).
INIT_WEIGHTS = {init_weights!r}
'''
    return (header + _constant("SETTINGS", settings) + _constant("PREPROCESSING", prep)
            + "\n\n" + class_source(project, name, analysis) + f"\n\nMODEL_CLASS = {name}\n"
            + TEMPLATE.read_text(encoding="utf-8"))
