import os
import sys

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):  # noqa: ANN001, ANN201 - pytest hook
    """A data set load still running when a test's windows are torn down would report to
    deleted objects; wait for such loads before any fixture (qtbot's included) tears down."""
    module = sys.modules.get("app.panels.data.controller")
    if module is not None:
        module.DataController.wait_all()
    yield
