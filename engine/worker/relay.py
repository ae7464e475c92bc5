"""Trainer events -> throttled messages, shared by the worker process and the editor's
in-process path (a Trainer a benchmark built itself).

BatchEnd events are gathered and sent at most once per `interval_s`: each delivery wakes
the editor and may trigger a redraw. Pending batches are always flushed before any other
event, so a batch never arrives after its epoch end, pause or finish.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from engine.training.events import BatchEnd
from engine.worker.protocol import RunBatches, RunEvent


def relay_events(events: Iterable[Any], run_id: int, interval_s: float,
                 send: Callable[[Any], None],
                 translate: Callable[[Any], Any] | None = None) -> None:
    """Send every event of one run; `translate` may rewrite (or drop, by returning None)
    the non-batch events, e.g. to put the editor's probe ids back on ProbeResults."""
    pending: list[BatchEnd] = []
    last_emit = time.monotonic()
    for event in events:
        if isinstance(event, BatchEnd):
            pending.append(event)
            now = time.monotonic()
            if now - last_emit >= interval_s:
                send(RunBatches(run_id, pending))
                pending, last_emit = [], now
            continue
        if pending:
            send(RunBatches(run_id, pending))
            pending, last_emit = [], time.monotonic()
        if translate is not None:
            event = translate(event)
            if event is None:
                continue
        send(RunEvent(run_id, event))
    if pending:
        send(RunBatches(run_id, pending))
