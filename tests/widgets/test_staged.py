"""widgets/staged.py: a build runs one piece per event-loop turn, or all at once on demand."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtWidgets import QApplication

from widgets.staged import StagedBuild, run_to_end


def pieces(log: list[int], count: int) -> Iterator[None]:
    for i in range(count):
        log.append(i)
        yield


def test_one_piece_per_turn_then_done(qtbot) -> None:
    log: list[int] = []
    done: list[bool] = []
    build = StagedBuild(pieces(log, 4), lambda: done.append(True))
    assert log == [] and not build.done
    build.start()
    assert log == []  # nothing runs inside start(): the caller's turn stays short
    QApplication.processEvents()
    assert 1 <= len(log) < 4
    qtbot.waitUntil(lambda: build.done, timeout=2000)
    assert log == [0, 1, 2, 3] and done == [True]


def test_finish_builds_the_rest_now_and_reports_once(qtbot) -> None:
    log: list[int] = []
    done: list[bool] = []
    build = StagedBuild(pieces(log, 5), lambda: done.append(True))
    build.start()
    QApplication.processEvents()
    build.finish()
    assert log == [0, 1, 2, 3, 4] and build.done and done == [True]
    build.finish()
    build.start()
    qtbot.wait(20)
    assert log == [0, 1, 2, 3, 4] and done == [True]


def test_run_to_end_and_a_staged_view_built_in_steps(qtbot) -> None:
    from widgets.plots.training import TrainPlots

    staged = TrainPlots(staged=True)
    qtbot.addWidget(staged)
    assert staged.plots() == ()  # no plot built before the build is driven
    next(staged.build)
    assert len(staged.plots()) == 1
    run_to_end(staged.build)
    whole = TrainPlots()
    qtbot.addWidget(whole)
    assert len(staged.plots()) == len(whole.plots()) == 5
