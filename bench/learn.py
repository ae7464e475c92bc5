"""One step of the convolution and pooling steppers on a 64x32x32 layer: the engine frame
(numpy) plus a synchronous repaint of the view, at the size the Learn dock shows.

Target: <= 16 ms per step (one frame at 60 Hz), judged on the median CPU time of many
steps (time.thread_time: what the redraw itself costs). The wall-clock median and 95th
percentile are printed beside it: on this shared 2-core machine, with a load average far
above 2, wall time mostly measures waiting for a core. Exits 1 when the target is missed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from engine.graph import chain  # noqa: E402
from engine.project import Project, dumps  # noqa: E402

TARGET_MS = 16.0
STEPS = 300


def project_text() -> str:
    graph = chain([("input", {"channels": 3, "height": 32, "width": 32}),
                   ("conv2d", {"out_channels": 64, "kernel": 3, "padding": 1}),
                   ("conv2d", {"out_channels": 64, "kernel": 3, "padding": 1}),
                   ("maxpool2d", {"kernel": 2, "stride": 2}),
                   ("flatten", {}), ("linear", {"units": 10}), ("output", {"classes": 10})])
    return dumps(Project(graph, "bench"))


def time_steps(step) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """(CPU ms, wall ms) per step."""
    cpu, wall = [], []
    for i in range(STEPS):
        start, start_cpu = time.perf_counter(), time.thread_time()
        step(i)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return cpu, wall


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from engine.lab import jobs
    from engine.lab.conv import conv_frame
    from engine.lab.pool import pool_frame
    from widgets.lab.conv_view import ConvStepperView
    from widgets.lab.pool_view import PoolStepperView

    app = QApplication.instance() or QApplication([])
    text = project_text()
    image = np.random.default_rng(0).integers(0, 256, (3, 32, 32), dtype=np.uint8)
    conv = jobs.conv_trace(text, None, "conv2", image, {"mean": [0.5] * 3, "std": [0.25] * 3})
    assert conv.out_shape == (64, 32, 32) and conv.weight.shape[1] == 64
    pool = jobs.pool_trace(text, None, "pool1", image, {"mean": [0.5] * 3, "std": [0.25] * 3})
    conv_view, pool_view = ConvStepperView(), PoolStepperView()
    for view in (conv_view, pool_view):
        view.resize(900, 470)
        view.show()
    app.processEvents()

    def conv_step(i: int) -> None:
        conv_view.set_frame(conv, conv_frame(conv, 7, i * 3, i % 64))
        conv_view.repaint()  # synchronous paint: the whole redraw is inside the timing

    def pool_step(i: int) -> None:
        pool_view.set_frame(pool, pool_frame(pool, 5, i))
        pool_view.repaint()

    failed = False
    for name, step in (("conv 64x32x32 (64 input channels, 3x3)", conv_step),
                       ("max pool of 64x32x32", pool_step)):
        cpu, wall = time_steps(step)
        median = statistics.median(cpu)
        ok = median <= TARGET_MS
        failed |= not ok
        print(f"{name}: CPU median {median:.2f} ms per step (target {TARGET_MS:.0f} ms, ratio "
              f"{median / TARGET_MS:.2f}) {'PASS' if ok else 'FAIL'}; wall median "
              f"{statistics.median(wall):.2f} ms, p95 {sorted(wall)[int(0.95 * len(wall))]:.2f} ms, "
              f"best {min(wall):.2f} ms")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
