"""docs/datasets.md states the sizes and classes of the ready-to-use sets as the data has
them (#12 item 15): the numbers are read from the data, the text from the doc."""

from __future__ import annotations

import re
from pathlib import Path

from engine.data import DataSource, load_dataset

DOC = Path(__file__).resolve().parents[2] / "docs" / "datasets.md"


def doc_row(name: str) -> str:
    return next(line for line in DOC.read_text(encoding="utf-8").splitlines()
                if line.startswith(f"| {name}"))


def numbers(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]


def check(row: str, ds) -> None:  # noqa: ANN001
    size = row.rstrip(" |").rsplit("|", 1)[1]
    assert numbers(size) == [len(ds.x_train), len(ds.x_test)], row
    assert f"{ds.num_classes} classes" in row, row
    h, w = ds.image_shape[1:]
    assert f"{h}x{w}" in row, row


def test_shapes_row_matches_the_generated_set():
    ds = load_dataset(DataSource("shapes"))
    row = doc_row("Coloured shapes")
    check(row, ds)
    assert all(name in row for name in ds.class_names), row


def test_bundled_row_matches_the_bundled_file():
    check(doc_row("Fashion-MNIST mini"), load_dataset(DataSource("bundled", "fashion-mnist-mini")))
