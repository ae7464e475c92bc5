"""Start-up time: process launch -> main window painted, in fresh processes.

Each run starts `python -m app` (the `netcanvas` entry) offscreen, with a private settings
folder and NETCANVAS_EXIT_AFTER_SHOWN=1, so the app prints how long it took from the
launch stamp we pass in to its first paint, and whether torch had been imported by then.
One untimed warm-up run fills the OS file cache; the median of the rest is compared with
the 1.0 s target. A last run under `-X importtime` lists the slowest imports.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Python puts this script's folder first on sys.path, where bench/inspect.py would shadow
# the standard library's inspect (numpy imports it); the repository root is what we need.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0
MARKER = re.compile(r"NETCANVAS_SHOWN seconds=([0-9.]+) torch_imported=(True|False)")


def _env(settings_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", NETCANVAS_EXIT_AFTER_SHOWN="1",
               NETCANVAS_SETTINGS_DIR=settings_dir)
    return env


def run_once(extra_args: tuple[str, ...] = ()) -> tuple[float, bool, str]:
    """(seconds to first paint, torch imported?, stderr) for one fresh process."""
    with tempfile.TemporaryDirectory(prefix="netcanvas-bench-") as settings_dir:
        env = _env(settings_dir)
        env["NETCANVAS_LAUNCH_TIME"] = repr(time.time())  # as late as possible before spawn
        proc = subprocess.run([sys.executable, *extra_args, "-m", "app"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    match = MARKER.search(proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"start-up run failed (rc {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return float(match.group(1)), match.group(2) == "True", proc.stderr


def slowest_imports(stderr: str, count: int = 8) -> list[tuple[int, str]]:
    """Top cumulative import times (microseconds) from `-X importtime` output."""
    rows = []
    for line in stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    # Top level and one below (importtime indents two spaces per level): deep enough to see
    # which package is slow, shallow enough that nested imports are not counted twice.
    shallow = [(us, name.strip()) for us, name in rows if len(name) - len(name.lstrip()) <= 3]
    return sorted(shallow, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    run_once()  # warm-up: file cache, font cache
    times, torch_seen = [], False
    for i in range(args.runs):
        seconds, torch_imported, _ = run_once()
        times.append(seconds)
        torch_seen |= torch_imported
        print(f"run {i + 1}: {seconds:.3f} s{'  (torch imported!)' if torch_imported else ''}")
    median = statistics.median(times)

    _, _, importtime = run_once(("-X", "importtime"))
    torch_lines = [ln for ln in importtime.splitlines() if re.search(r"\|\s+torch\b", ln)]
    print("\nslowest imports, two levels deep (cumulative):")
    for us, name in slowest_imports(importtime):
        print(f"  {us / 1000:7.1f} ms  {name}")

    print(f"\nmedian start -> window painted: {median:.3f} s "
          f"(min {min(times):.3f}, max {max(times):.3f}, {len(times)} runs)")
    print(f"torch imported at start-up: {'YES' if torch_seen or torch_lines else 'no'}")
    ok = median <= TARGET_S and not torch_seen and not torch_lines
    print(f"{'PASS' if ok else 'FAIL'}: target {TARGET_S:.1f} s, no torch")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
