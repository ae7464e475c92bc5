"""JobRunner: jobs named by string run off the GUI thread; results and errors arrive as signals."""

from __future__ import annotations

import threading

from app.jobs import JobRunner, run_job


def _thread_name(progress=None) -> str:  # noqa: ANN001 - a job as a module-level function
    if progress is not None:
        progress(0.5, "half")
    return threading.current_thread().name


def _fails() -> None:
    raise ValueError("The sample index 99 is past the end of the test split (10 images).")


def test_job_runs_off_the_main_thread_and_reports(qtbot) -> None:
    runner = JobRunner()
    seen: list[tuple[float, str]] = []
    runner.progress.connect(lambda _id, f, t: seen.append((f, t)))
    with qtbot.waitSignal(runner.finished, timeout=30_000) as blocker:
        job = runner.submit("tests.app.test_jobs:_thread_name")
    assert blocker.args[0] == job
    assert blocker.args[1] == "netcanvas-jobs"
    assert seen == [(0.5, "half")]
    assert not runner.busy


def test_user_error_is_the_sentence(qtbot) -> None:
    runner = JobRunner()
    with qtbot.waitSignal(runner.failed, timeout=30_000) as blocker:
        runner.submit("tests.app.test_jobs:_fails")
    assert blocker.args[1].startswith("The sample index 99")


def test_cancelled_job_reports_nothing(qtbot) -> None:
    runner = JobRunner()
    got: list[object] = []
    runner.finished.connect(lambda i, r: got.append(r))
    job = runner.submit("tests.app.test_jobs:_thread_name")
    runner.cancel(job)
    assert runner.wait(30)
    assert got == []


def test_run_job_in_the_calling_thread() -> None:
    assert run_job("tests.app.test_jobs:_thread_name", {}) == threading.current_thread().name
