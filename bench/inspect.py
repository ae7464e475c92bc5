"""Inspection speed: capture (and draw) every feature map for one sample.

Targets (issue #8): LeNet-5 <= 50 ms, the two-conv Fashion-MNIST net <= 150 ms, for
capture + draw of all feature maps of one sample. This script measures the capture
(engine.inspect.maps.capture_maps on the eval model) and adds the time of `draw_maps`,
the one function the inspection views plug their drawing into; the hover lookup of the
receptive field (engine.inspect.receptive.input_region, called on mouse move) is timed
too, against 2 ms. Prints medians of repeated runs (this machine is noisy) and exits
non-zero when a target is missed.

    python bench/inspect.py [none|qt-views]

With the default "qt-views" drawing (bench/inspect_views.py) it also measures the training
slowdown with live maps and canvas thumbnails on (target < 3%).
"""

from __future__ import annotations

import os
import sys

# Run as a script, this file's folder comes first on sys.path, where its name would hide
# the standard library's `inspect` (numpy and dataclasses import it): put the repository
# root there instead, before anything else is imported.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from engine.analysis import analyse  # noqa: E402
from engine.inspect.maps import capture_maps  # noqa: E402
from engine.inspect.receptive import input_region  # noqa: E402
from engine.model import model_from_project  # noqa: E402
from engine.project import dumps  # noqa: E402
from engine.templates import load_template  # noqa: E402

TARGETS_MS = {"lenet5": 50.0, "fashion_two_conv": 150.0}
HOVER_TARGET_MS = 2.0
REPEATS = 30


def draw_maps(maps: dict[str, np.ndarray]) -> None:
    """Draw every feature map once, as the views do. The engine part of the bench draws
    nothing; the inspection views replace this (see DRAWERS) with their real drawing."""


# The views register their drawing here ("qt-views": function), so one run measures
# capture + draw with the code the user sees.
DRAWERS: dict[str, Callable[[dict[str, np.ndarray]], None]] = {"none": draw_maps}


def _median_ms(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    fn()  # warm up (first forward allocates)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bench_template(key: str, draw: Callable[[dict[str, np.ndarray]], None]
                   ) -> tuple[float, float, float]:
    project = load_template(key)
    _, model = model_from_project(dumps(project))
    analysis = analyse(project.graph)
    assert analysis.input_shape is not None
    x = np.random.default_rng(0).standard_normal(analysis.input_shape).astype(np.float32)
    capture = _median_ms(lambda: capture_maps(model, x))
    maps = capture_maps(model, x)
    drawing = _median_ms(lambda: draw(maps), repeats=10)
    spatial = [nid for nid in analysis.order
               if len(analysis.nodes[nid].output_shape or ()) == 3]
    last = spatial[-1]
    _, h, w = analysis.nodes[last].output_shape  # type: ignore[misc]
    hover = _median_ms(lambda: input_region(project.graph, analysis, last, h // 2, w // 2))
    return capture, drawing, hover


def main() -> int:
    import torch

    # One intra-op thread, as the editor's "Auto" picks on a 2-core machine: for a single
    # small sample, more threads only add synchronisation (measured here: LeNet-5 forward
    # 0.7 ms at 1 thread, 100+ ms at 2 threads while other processes load the cores).
    threads = int(os.environ.get("NETCANVAS_BENCH_THREADS", "1"))
    torch.set_num_threads(threads)
    # The Inspect dock's real drawing, and (below) what its live maps cost training.
    from bench.inspect_views import live_report, views_drawer

    DRAWERS["qt-views"] = views_drawer()
    drawer_name = sys.argv[1] if len(sys.argv) > 1 else next(reversed(DRAWERS))
    draw = DRAWERS[drawer_name]
    failed = False
    print(f"drawing: {drawer_name}; torch threads: {threads}")
    for key, target in TARGETS_MS.items():
        capture, drawing, hover = bench_template(key, draw)
        total = capture + drawing
        ok = total <= target and hover <= HOVER_TARGET_MS
        failed |= not ok
        print(f"{key:18s} capture {capture:7.2f} ms + draw {drawing:7.2f} ms = {total:7.2f} ms "
              f"(target {target:.0f} ms, ratio {total / target:.2f}); hover lookup "
              f"{hover:.3f} ms (target {HOVER_TARGET_MS:.0f}) {'PASS' if ok else 'FAIL'}")
    if drawer_name == "qt-views":
        failed |= not live_report()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
