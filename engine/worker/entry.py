"""The worker process's entry point, kept apart from the server so that naming it (the
editor hands it to multiprocessing by reference) imports nothing heavy in the editor."""

from __future__ import annotations

import importlib
import os
from typing import Any

WORKER_NICENESS = 5


def lower_priority() -> None:
    """Let the editor's window win every contest for a CPU core.

    Training keeps every core busy; on a 2-core machine the GUI thread then waited its turn,
    and building the plots while a run started took 1.1 s instead of 0.2 s (bench/
    ui_latency.py, cold). At a lower priority the worker still gets all the time the window
    leaves, which is nearly all of it, so training speed is unchanged. Done before torch is
    imported: that import is most of a cold start, and it overlaps the plots' construction.
    5 rather than 10: the window's latency was the same at both (bench/ui_latency.py), and
    against another busy program at normal priority the worker keeps ~25% of a core's share
    instead of ~10%.
    """
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # some sandboxes forbid it; the worker is still correct, just less polite
        pass


def worker_main(conn: Any) -> None:
    """multiprocessing target: runs in the spawned child only. The server module (and with
    it torch) is imported by name here, so the editor's process never loads it."""
    lower_priority()
    importlib.import_module("engine.worker.server").serve(conn)
