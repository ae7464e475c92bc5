import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config) -> None:  # noqa: ANN001 - pytest hook
    # PySide6 6.12 drops a reference to None/True on every void call and signal emit under
    # Python 3.11; without this a long test session aborts at exit ("none_dealloc").
    # See app.gui.keep_singletons_alive.
    from app.gui import keep_singletons_alive

    keep_singletons_alive()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):  # noqa: ANN001, ANN201 - pytest hook
    """A data set load still running when a test's windows are torn down would report to
    deleted objects; wait for such loads before any fixture (qtbot's included) tears down."""
    module = sys.modules.get("app.data_controller")
    if module is not None:
        module.DataController.wait_all()
    yield
