"""The worker process's entry point, kept apart from the server so that naming it (the
editor hands it to multiprocessing by reference) imports nothing heavy in the editor."""

from __future__ import annotations

import importlib
from typing import Any


def worker_main(conn: Any) -> None:
    """multiprocessing target: runs in the spawned child only. The server module (and with
    it torch) is imported by name here, so the editor's process never loads it."""
    importlib.import_module("engine.worker.server").serve(conn)
