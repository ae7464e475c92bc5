"""Messages between the editor and the engine worker process: plain, picklable data.

Requests go from the editor to the worker, replies come back. Engine events (Started,
BatchEnd, ..., and any event type a later feature adds) travel inside RunEvent/RunBatches
as the same frozen dataclasses the Trainer yields, so new kinds pass through unchanged.
Nothing here imports torch: the editor's process imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ---- editor -> worker ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetDataset:
    """An in-memory data set (engine ArrayDataset) for the runs that name `key`. Sent once
    per data set: the worker keeps the latest one."""

    key: str
    dataset: Any


@dataclass(frozen=True, slots=True)
class TrainRequest:
    run_id: int
    # The snapshot taken when Train was pressed: an engine Project whose graph is a
    # listener-free Graph.copy(), so it pickles as plain records. (Not the file text: the
    # project reader refuses bad settings in its own words, and the session's sentences,
    # "Training settings: ...", are the ones the editor shows.)
    project: Any
    dataset_key: str | None  # None: the worker loads the project's data source itself
    overrides: dict[str, Any] = field(default_factory=dict)
    emit_interval_s: float = 0.125


@dataclass(frozen=True, slots=True)
class Control:
    run_id: int
    action: str  # "pause" | "resume" | "stop"


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    run_id: int
    request_id: int
    kind: str
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SaveCheckpoint:
    request_id: int
    path: str


@dataclass(frozen=True, slots=True)
class JobRequest:
    job_id: int
    function: str  # "package.module:function"
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Shutdown:
    pass


# ---- worker -> editor -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ready:
    """torch and the training engine are imported: a Train now starts at once."""

    cuda_available: bool


@dataclass(frozen=True, slots=True)
class RunBatches:
    run_id: int
    events: list[Any]  # BatchEnd, oldest first


@dataclass(frozen=True, slots=True)
class RunEvent:
    run_id: int
    event: Any  # any engine event except BatchEnd


@dataclass(frozen=True, slots=True)
class ControlAck:
    """A pause/resume/stop reached the worker when its trainer had done `step` steps."""

    run_id: int
    action: str
    step: int


@dataclass(frozen=True, slots=True)
class RunEnded:
    """The run is over and the worker is free for the next one (after Finished/Failed)."""

    run_id: int


@dataclass(frozen=True, slots=True)
class CheckpointSaved:
    """Answer to SaveCheckpoint; also forwarded to the editor as an engine event."""

    request_id: int
    path: str
    error: str = ""  # a sentence when the checkpoint could not be written


@dataclass(frozen=True, slots=True)
class JobProgress:
    job_id: int
    fraction: float
    text: str


@dataclass(frozen=True, slots=True)
class JobDone:
    job_id: int
    result: Any


@dataclass(frozen=True, slots=True)
class JobFailed:
    job_id: int
    message: str
