import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config) -> None:  # noqa: ANN001 - pytest hook
    # PySide6 6.12 drops a reference to None/True on every void call and signal emit under
    # Python 3.11; without this a long test session aborts at exit ("none_dealloc").
    # See app.gui.keep_singletons_alive.
    from app.gui import keep_singletons_alive

    keep_singletons_alive()
