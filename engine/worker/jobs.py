"""Running one job: "package.module:function" with plain keyword arguments.

Torch-free: the function's module is imported only when the job runs (in the engine
worker process, a test, or the CLI).
"""

from __future__ import annotations

import importlib
import inspect
import traceback
from collections.abc import Callable
from typing import Any

# Errors whose message is already a sentence for the user (engine errors derive from these).
USER_ERRORS: tuple[type[BaseException], ...] = (ValueError, OSError)


def resolve(function: str) -> Callable[..., Any]:
    """'engine.inspect.maps:capture' -> the function object (imports its module)."""
    module_name, _, attr = function.partition(":")
    if not attr:
        raise ValueError(f"A job function is named 'module:function', not {function!r}.")
    return getattr(importlib.import_module(module_name), attr)


def run_job(function: str, kwargs: dict[str, Any],
            progress: Callable[[float, str], None] | None = None) -> Any:
    """Run one job in the calling thread."""
    fn = resolve(function)
    if progress is not None and "progress" in inspect.signature(fn).parameters:
        kwargs = {**kwargs, "progress": progress}
    return fn(**kwargs)


def run_job_safely(function: str, kwargs: dict[str, Any],
                   progress: Callable[[float, str], None] | None = None) -> tuple[bool, Any]:
    """(True, result) or (False, one sentence for the user); never raises."""
    try:
        return True, run_job(function, kwargs, progress)
    except USER_ERRORS as exc:
        return False, str(exc)
    except Exception as exc:  # a bug must reach the user as a sentence
        traceback.print_exc()
        return False, (f"The job failed because of an internal error: "
                       f"{type(exc).__name__}: {exc}")
