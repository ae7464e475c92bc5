"""Reading and analysing big graphs must grow linearly (issue #12, item 5).

Times are CPU seconds of this process (wall time is printed too: on a machine shared
with other work, wall time measures the queue for the cores more than this code).

Builds chains of 2k .. 20k nodes (Input, then Linear/ReLU pairs, then the Output), saves
each as a project file and times `load_project` + `analyse`, and `netcanvas info`'s whole
path (table text included). Prints the times and the per-node cost; exits non-zero when
reading + analysing the 20,000-node chain takes over 1 s, or when the per-node cost at 20k
is over 3x the one at 2k (a sign of quadratic growth).

    python bench/load.py [--sizes 2000,4000,8000,16000,20000] [--target 1.0]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.analysis import analyse  # noqa: E402
from engine.graph import Graph  # noqa: E402
from engine.project import Project, load_project, save_project  # noqa: E402
from engine.report import info_text  # noqa: E402


def chain_graph(n: int) -> Graph:
    """n nodes: Input, alternating Linear(16)/ReLU, Output(16); built without per-edit checks."""
    g = Graph()
    g.add_node("input", {"layout": "vector", "features": 16}, (0, 0), "input1")
    prev = "input1"
    for i in range(1, n - 1):
        kind, params = ("linear", {"units": 16}) if i % 2 else ("relu", {})
        nid = f"n{i}"
        g.add_node(kind, params, (0, 80.0 * i), nid)
        g.edges.append(_edge(prev, nid))
        prev = nid
    g.add_node("output", {"classes": 16}, (0, 80.0 * n), "output1")
    g.edges.append(_edge(prev, "output1"))
    return g


def _edge(a: str, b: str):  # noqa: ANN202
    from engine.graph import Edge

    return Edge(a, b, 0)


def best_of(repeats: int, fn, clock=time.process_time) -> float:  # noqa: ANN001
    """Best of `repeats` runs. CPU time by default: on a shared machine wall time mostly
    measures the other processes (both are printed for the 20k row)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = clock()
        fn()
        best = min(best, clock() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,4000,8000,16000,20000")
    ap.add_argument("--target", type=float, default=1.0, help="seconds allowed at the largest size")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    per_node: dict[int, float] = {}
    largest = 0.0
    print(f"{'nodes':>7}  {'read':>8}  {'analyse':>8}  {'read+analyse':>12}  {'info text':>9}  "
          f"{'us/node':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"chain{n}.json"
            save_project(Project(chain_graph(n), f"chain {n}"), path)
            read = best_of(args.repeats, lambda p=path: load_project(p))
            graph = load_project(path).graph
            analysed = best_of(args.repeats, lambda g=graph: analyse(g))
            analysis = analyse(graph)
            assert analysis.valid, analysis.errors[:1]
            text = best_of(args.repeats, lambda g=graph, a=analysis: info_text(g, a))
            both = read + analysed
            per_node[n] = both / n * 1e6
            largest = both
            print(f"{n:>7,}  {read:>7.3f}s  {analysed:>7.3f}s  {both:>11.3f}s  {text:>8.3f}s  "
                  f"{per_node[n]:>8.1f}")
            if n == sizes[-1]:
                wall = best_of(args.repeats, lambda p=path: analyse(load_project(p).graph),
                               clock=time.perf_counter)
    first, last = sizes[0], sizes[-1]
    growth = per_node[last] / per_node[first]
    print(f"per-node cost {last:,} vs {first:,}: {growth:.2f}x (linear is ~1x; target <= 3x)")
    print(f"read + analyse at {last:,} nodes: {largest:.3f} s CPU, {wall:.3f} s wall "
          f"(target <= {args.target:.2f} s CPU)")
    ok = largest <= args.target and growth <= 3.0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
