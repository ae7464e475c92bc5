"""Runs after the other engine tests (file order): none of them needed a QApplication
or pyqtgraph. (pytest-qt itself imports PySide6 when it loads, so that import is allowed.)"""

import sys


def test_engine_tests_never_started_qt() -> None:
    if any(name.startswith(("tests.app", "tests.widgets")) for name in sys.modules):
        return  # a full run imported the Qt test folders first; the engine-only run checks this
    assert "pyqtgraph" not in sys.modules
    qt_core = sys.modules.get("PySide6.QtCore")
    if qt_core is not None:
        assert qt_core.QCoreApplication.instance() is None
