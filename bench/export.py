"""Export + verify time for every format on the two-conv Fashion-MNIST template.

Target: each format under 10 s from the call to the verified files in place, verification
(a fresh `python -I` process that imports torch and loads the file) included. The first
export also pays for importing the exporters; it is run once untimed to warm up. Prints
one row per format and PASS/FAIL; exits 1 when a format misses the target.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

# The project root replaces this script's folder on sys.path: bench/inspect.py would
# otherwise shadow the standard library's inspect module.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from engine.export.formats import FORMATS  # noqa: E402
from engine.export.job import export_project  # noqa: E402
from engine.project import dumps  # noqa: E402
from engine.templates import load_template  # noqa: E402

TARGET_S = 10.0
TEMPLATE = "fashion_two_conv"


def _cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    project = dumps(load_template(TEMPLATE))
    misses = []
    with tempfile.TemporaryDirectory(prefix="netcanvas-bench-export-") as folder:
        warm = Path(folder) / "warm"
        warm.mkdir()
        for fmt in ("pt2", "onnx"):  # imports torch.export / the ONNX exporter once
            export_project(project, None, fmt, str(warm))
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU s: this "
              "process and the verifying one, the work itself without waiting for cores)")
        print(f"{'format':<13} {'export s':>9} {'verify s':>9} {'total s':>8} {'CPU s':>6} "
              f"{'max diff':>9}")
        for fmt in FORMATS:
            out = Path(folder) / fmt.name
            out.mkdir()
            cpu_before = _cpu_s()
            started = time.perf_counter()
            report = export_project(project, None, fmt.name, str(out))
            total = time.perf_counter() - started
            cpu = _cpu_s() - cpu_before
            print(f"{fmt.name:<13} {report['export_s']:>9.2f} {report['verify_s']:>9.2f} "
                  f"{total:>8.2f} {cpu:>6.2f} {report['max_abs_diff']:>9.2g}")
            if total >= TARGET_S:
                misses.append(f"{fmt.name} {total:.1f} s")
    if misses:
        print(f"FAIL: over {TARGET_S:.0f} s: {', '.join(misses)}")
        return 1
    print(f"PASS: every format exported and verified in under {TARGET_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
