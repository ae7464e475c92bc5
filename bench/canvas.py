"""Canvas speed: repaint time of a 500-node graph and the param-edit round trip.

    .venv/bin/python bench/canvas.py [--nodes 500] [--repeats 30]

Builds a residual-style network (a chain of conv/relu/conv/add blocks, each with a skip
link) laid out in columns, binds it to a Document, shows it in a 1200x800 view (offscreen)
and measures:
  * the median synchronous repaint of the viewport with every node visible (fit all),
    at 50% and at 100% zoom; the target is one 60 Hz frame, 16 ms;
  * the first repaint after a zoom step, when every visible card is re-rendered;
  * one param edit through the Document (undo command -> graph -> analysis -> scene)
    until the node's shape text has changed, and the same plus the repaint; the edit
    flips every node downstream between valid and blocked (the worst case).
Prints the numbers and PASS/FAIL against 16 ms.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.bindings.canvas import bind_canvas  # noqa: E402
from app.document import Document  # noqa: E402
from engine.graph import Graph  # noqa: E402
from engine.project import Project  # noqa: E402
from widgets.canvas import CanvasScene, CanvasView  # noqa: E402

FRAME_MS = 16.0
ROWS = 25  # nodes per column
COLUMN_STEP, ROW_STEP = 240.0, 90.0


def _pin_singletons() -> None:
    """PySide6 6.12 on Python 3.11 drops a reference to None on every void call (see
    tests/conftest.py); a benchmark makes enough calls to exhaust it."""
    if sys.version_info < (3, 12):
        for singleton in (None, True, False):
            ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40


def build_graph(total: int) -> Graph:
    """Input, then blocks conv -> relu -> conv -> add(+skip from the block's input)."""
    graph = Graph()
    count = 0

    def place(type_id: str, params: dict | None = None) -> str:
        nonlocal count
        col, row = divmod(count, ROWS)
        count += 1
        return graph.add_node(type_id, params, (col * COLUMN_STEP, row * ROW_STEP)).id

    prev = place("input", {"channels": 16, "height": 32, "width": 32})
    while count + 4 <= total - 4:
        conv_a = place("conv2d", {"out_channels": 16, "kernel": 3, "padding": 1})
        relu = place("relu")
        conv_b = place("conv2d", {"out_channels": 16, "kernel": 3, "padding": 1})
        add = place("add")
        graph.connect(prev, conv_a)
        graph.connect(conv_a, relu)
        graph.connect(relu, conv_b)
        graph.connect(conv_b, add, 0)
        graph.connect(prev, add, 1)
        prev = add
    while count < total - 3:
        relu = place("relu")
        graph.connect(prev, relu)
        prev = relu
    flat = place("flatten")
    fc = place("linear", {"units": 10})
    out = place("output", {"classes": 10})
    graph.connect(prev, flat)
    graph.connect(flat, fc)
    graph.connect(fc, out)
    return graph


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    _pin_singletons()
    app = QApplication.instance() or QApplication([])

    t0 = time.perf_counter()
    graph = build_graph(args.nodes)
    doc = Document()
    scene = CanvasScene()
    binding = bind_canvas(doc, scene)
    doc.replace_project(Project(graph), None)
    build_ms = (time.perf_counter() - t0) * 1000
    view = CanvasView(scene)
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    viewport = view.viewport()
    print(f"graph: {len(doc.graph.nodes)} nodes, {len(doc.graph.edges)} links; "
          f"document + scene built in {build_ms:.0f} ms")

    results: dict[str, float] = {}
    view.fit_all()
    app.processEvents()
    visible = view.mapToScene(viewport.rect()).boundingRect()
    shown = sum(visible.intersects(i.sceneBoundingRect()) for i in scene.node_items.values())
    print(f"fit all: zoom {view.zoom():.2f}, {shown} nodes visible")
    viewport.repaint()  # fill the item caches
    results["repaint, fit all (all nodes)"] = _median_ms(viewport.repaint, args.repeats)
    for zoom in (0.5, 1.0):
        view.set_zoom(zoom)
        view.centerOn(2 * COLUMN_STEP, ROWS * ROW_STEP / 2)
        viewport.repaint()
        results[f"repaint, {zoom:.0%} zoom"] = _median_ms(viewport.repaint, args.repeats)

    def zoom_step() -> None:
        view.set_zoom(0.5 if view.zoom() != 0.5 else 0.55)
        viewport.repaint()

    cold = _median_ms(zoom_step, max(5, args.repeats // 3))

    target = "conv1"
    item = scene.node_items[target]
    # Padding 0 <-> 1 on the first conv: 30x30 breaks the first Add (shape mismatch) and
    # leaves all ~500 nodes downstream blocked ("?"); 32x32 makes them all valid again. The
    # worst case: every node and link changes state, so every cached card is redrawn.
    paddings = iter([0, 1] * 2 * args.repeats)

    def edit() -> None:
        before = item.shape_text
        doc.set_params(target, {"padding": next(paddings)})
        assert item.shape_text != before, "the node text did not follow the edit"

    def edit_and_paint() -> None:
        edit()
        viewport.repaint()

    view.set_zoom(1.0)
    view.centerOn(item.pos())
    round_trip = _median_ms(edit, args.repeats)
    round_trip_paint = _median_ms(edit_and_paint, args.repeats)

    print()
    failed = False
    for name, ms in results.items():
        ok = ms < FRAME_MS
        failed |= not ok
        print(f"{name:34s} {ms:7.2f} ms   {'PASS' if ok else 'FAIL'} (< {FRAME_MS:.0f} ms)")
    print(f"{'first repaint after a zoom step':34s} {cold:7.2f} ms   (info: caches re-rendered)")
    print(f"{'param edit -> node text':34s} {round_trip:7.2f} ms   (info: includes analysis)")
    print(f"{'param edit -> text + repaint':34s} {round_trip_paint:7.2f} ms   (info)")
    print()
    print("FAIL" if failed else "PASS")
    del binding
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
