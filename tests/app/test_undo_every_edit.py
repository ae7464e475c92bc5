"""Every kind of edit is one undo step with a readable name, and undo/redo round-trip."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.document import Document
from engine.graph import Edge
from engine.templates import load_template


def snapshot(doc: Document) -> tuple:
    g = doc.graph
    return (
        {nid: (n.type_id, tuple(sorted(n.params.items())), n.position) for nid, n in g.nodes.items()},
        frozenset(g.edges),
    )


EDITS: dict[str, tuple[Callable[[Document], object], str]] = {
    "add": (lambda d: d.add_node("relu", (300.0, 0.0)), "Add ReLU"),
    "splice": (lambda d: d.add_node("batchnorm2d", (0.0, 180.0), connect_from="conv1"),
               "Add BatchNorm2d"),
    "delete": (lambda d: d.remove_nodes(["relu1"]), "Delete relu1"),
    "connect": (lambda d: (d.disconnect([Edge("conv1", "relu1")]), d.connect("input1", "relu1")),
                "Connect input1 -> relu1"),
    "disconnect": (lambda d: d.disconnect([Edge("conv1", "relu1")]), "Disconnect conv1 -> relu1"),
    "move": (lambda d: d.move_nodes({"conv1": (d.graph.nodes["conv1"].position, (50.0, 60.0))}),
             "Move conv1"),
    "param": (lambda d: d.set_params("conv1", {"kernel": 3}), "Set conv1 kernel size"),
    "paste": (lambda d: d.paste_records(d.copy_records(["conv1", "relu1"])), "Paste 2 layer(s)"),
    "auto-layout": (lambda d: (d.move_nodes({"fc1": ((0.0, 0.0), (400.0, 17.0))}), d.auto_layout()),
                    "Auto-layout"),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_edit_is_one_named_step_that_undoes_and_redoes(qapp, kind: str) -> None:  # noqa: ANN001
    doc = Document()
    doc.replace_project(load_template("fashion_two_conv"), None)
    edit, name = EDITS[kind]
    # Some edits need a set-up step of their own first (e.g. free a port to connect).
    before_setup = doc.undo_stack.count()
    edit(doc)
    steps = doc.undo_stack.count() - before_setup
    assert steps >= 1
    assert doc.undo_stack.text(doc.undo_stack.count() - 1) == name
    after = snapshot(doc)
    doc.undo_stack.undo()
    undone = snapshot(doc)
    assert undone != after
    doc.undo_stack.redo()
    assert snapshot(doc) == after
    assert doc.dirty


def test_param_typing_merges_into_one_step(qapp) -> None:  # noqa: ANN001
    doc = Document()
    doc.replace_project(load_template("fashion_two_conv"), None)
    original = doc.graph.nodes["fc1"].params["units"]
    for value in (1, 12, 128):  # typing "128" one key at a time
        doc.set_params("fc1", {"units": value})
    assert doc.undo_stack.count() == 1
    assert doc.analysis.nodes["fc1"].output_shape == (128,)
    doc.undo_stack.undo()
    assert doc.graph.nodes["fc1"].params["units"] == original
