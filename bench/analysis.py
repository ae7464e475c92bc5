"""Time to analyse a 1,000-node chain and a 200-node branching graph.

Target: under 5 ms each, so analysis can run on every keystroke. Prints medians of
repeated runs (this machine is noisy) and PASS/FAIL.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.analysis import analyse  # noqa: E402
from engine.graph import Graph, chain  # noqa: E402

TARGET_MS = 5.0


def long_chain(n: int = 1000) -> Graph:
    layers = [("input", {"channels": 3, "height": 32, "width": 32})]
    cycle = [("conv2d", {"out_channels": 16, "kernel": 3, "padding": 1}), ("batchnorm2d", {}),
             ("relu", {}), ("dropout", {"p": 0.1})]
    while len(layers) < n - 4:
        layers.append(cycle[(len(layers) - 1) % len(cycle)])
    layers += [("adaptiveavgpool2d", {}), ("flatten", {}), ("linear", {"units": 10}), ("output", {})]
    return chain(layers)


def branching(n: int = 200) -> Graph:
    """Residual blocks: conv -> relu -> conv, joined to the block input with Add."""
    g = Graph()
    prev = g.add_node("input", {"channels": 16, "height": 32, "width": 32}).id
    while len(g.nodes) < n - 4:
        a = g.add_node("conv2d", {"out_channels": 16, "kernel": 3, "padding": 1}).id
        b = g.add_node("relu").id
        c = g.add_node("conv2d", {"out_channels": 16, "kernel": 3, "padding": 1}).id
        j = g.add_node("add").id
        g.connect(prev, a)
        g.connect(a, b)
        g.connect(b, c)
        g.connect(c, j, 0)
        g.connect(prev, j, 1)
        prev = j
    for t, p in (("adaptiveavgpool2d", {}), ("flatten", {}), ("linear", {"units": 10}), ("output", {})):
        nid = g.add_node(t, p).id
        g.connect(prev, nid)
        prev = nid
    return g


def median_ms(graph: Graph, repeats: int = 50) -> float:
    analyse(graph)  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = analyse(graph)
        times.append((time.perf_counter() - t0) * 1000)
    assert result.valid, result.errors[:3]
    return statistics.median(times)


def main() -> int:
    ok = True
    for name, graph in (("1,000-node chain", long_chain()), ("200-node branching", branching())):
        ms = median_ms(graph)
        verdict = "PASS" if ms < TARGET_MS else "FAIL"
        ok &= ms < TARGET_MS
        print(f"{name:20s} {len(graph.nodes):5d} nodes  {ms:6.2f} ms  (target < {TARGET_MS} ms, "
              f"ratio {ms / TARGET_MS:.2f})  {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
