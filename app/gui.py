"""Start the editor: QApplication, theme, main window, first project.

torch is never imported here or by anything the window needs at start; training code
imports it when first used, so the window appears in well under a second.

Start-up timing for bench/startup.py: with NETCANVAS_EXIT_AFTER_SHOWN=1 the app prints
`NETCANVAS_SHOWN seconds=<s> torch_imported=<bool>` after the first paint and quits.
`seconds` counts from NETCANVAS_LAUNCH_TIME (a time.time() stamp the launcher sets just
before starting the process) when given, else from entering run_gui.
"""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.autosave import install_autosave
from app.bindings.context_menu import install_context_menus
from app.main_window import MainWindow
from app.settings import APPLICATION, ORGANIZATION, AppSettings, configure_location
from widgets.icons import app_icon
from widgets.theme import apply_theme

EXIT_AFTER_SHOWN_ENV = "NETCANVAS_EXIT_AFTER_SHOWN"
LAUNCH_TIME_ENV = "NETCANVAS_LAUNCH_TIME"
SHOWN_MARKER = "NETCANVAS_SHOWN"
SINGLETON_EXTRA_REFS = 1 << 40
_singletons_patched = False


def keep_singletons_alive() -> None:
    """Work around a reference-count bug of PySide6 6.12 on CPython 3.11.

    Its bindings hand back None (from every void method and Python override: paint,
    setPos, addItem, ...) and True (from Signal.emit) without taking a new reference. On
    Python >= 3.12 those objects are immortal, so nothing happens; on 3.11 each call drops
    one reference, and after a few thousand canvas repaints or signals the interpreter
    aborts with "Fatal Python error: none_dealloc". Giving the three singletons a count no
    session can use up is what 3.12 does for them anyway. Idempotent."""
    global _singletons_patched
    import PySide6

    # constraints.txt pins 6.11.3, which is free of the bug; this guards installs that
    # ignored the pin.
    if (_singletons_patched or sys.version_info >= (3, 12) or sys.implementation.name != "cpython"
            or not PySide6.__version__.startswith("6.12")):
        return
    import ctypes

    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += SINGLETON_EXTRA_REFS
    _singletons_patched = True


def make_app(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, named so QSettings and the OS know whose settings these are."""
    keep_singletons_alive()
    app = QApplication.instance()
    if app is None:
        # Fractional scale factors (125%, 150%) render crisply instead of rounding.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("netcanvas")
    app.setWindowIcon(app_icon())
    configure_location()
    return app


def install_panels(window: MainWindow) -> dict[str, QObject]:
    """The dataset and training panels, composed here so the window itself stays usable
    (and quick to test) without them. The training run takes the data set the dataset
    panel already holds in memory."""
    from app.panels.data.binding import install_data_panel
    from app.panels.diagnose.binding import install_diagnose
    from app.panels.export.binding import install_export
    from app.panels.importer.binding import install_importer
    from app.panels.inspect.binding import install_inspect
    from app.panels.lab.binding import install_lab
    from app.panels.training.binding import install_training
    from app.panels.weights.binding import install_weights

    data = install_data_panel(window, window.doc)
    training = install_training(window, window.doc)
    training.dataset_provider = lambda: data.dataset
    bindings: dict[str, QObject] = {"data": data, "training": training}
    bindings["weights"] = install_weights(window)
    bindings["inspect"] = install_inspect(window, lambda: data.dataset, training.controller)
    bindings["export"] = install_export(window)
    bindings["diagnose"] = install_diagnose(window, window.doc, training.controller)
    bindings["lab"] = install_lab(window, window.files, lambda: data.dataset)
    bindings["importer"] = install_importer(window, window.files)
    return bindings


def create_main_window(path: str | None = None, app: QApplication | None = None,
                       panels: bool = True) -> MainWindow:
    """Theme, window, panels and first project, not yet shown (tests and screenshots)."""
    app = app or make_app()
    settings = AppSettings()
    apply_theme(app, settings.theme)
    window = MainWindow(settings=settings, restore=False)
    window.bindings["context_menu"] = install_context_menus(window)
    if panels:
        window.bindings.update(install_panels(window))
    window.restore_layout()  # after every panel exists, so all of them get their saved place
    window.files.start(path)
    window.bindings["autosave"] = install_autosave(window, settings)
    return window


class _FirstPaintProbe(QObject):
    """Reports once the window has painted, then quits (start-up benchmark only)."""

    def __init__(self, window: MainWindow, start: float, wall_clock: bool) -> None:
        super().__init__(window)
        self.start, self.wall_clock, self.done = start, wall_clock, False
        window.view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, self.report)  # after this paint has finished
        return False

    def report(self) -> None:
        now = time.time() if self.wall_clock else time.perf_counter()
        print(f"{SHOWN_MARKER} seconds={now - self.start:.3f} torch_imported={'torch' in sys.modules}",
              flush=True)
        QApplication.quit()


def run_gui(path: str | None = None) -> int:
    """The `netcanvas [FILE]` editor. Returns the process exit code."""
    entered = time.perf_counter()
    app = make_app()
    window = create_main_window(path, app)
    if os.environ.get(EXIT_AFTER_SHOWN_ENV):
        launch = os.environ.get(LAUNCH_TIME_ENV)
        if launch:
            _FirstPaintProbe(window, float(launch), wall_clock=True)
        else:
            _FirstPaintProbe(window, entered, wall_clock=False)
    window.show()
    return app.exec()
