"""The GUI side of the warm-up: modules the window needs (the plots) imported on a
background thread once per process, so neither start-up nor the first Train pays for them.
(The engine worker imports torch in its own process.)"""

from __future__ import annotations

import importlib
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal


class _WarmUpNotifier(QObject):
    """Reports that the GUI-side modules (the plots) are imported. One per process, never
    deleted, so the import thread can always emit on it."""

    done = Signal()


_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None
_warm_notifier: _WarmUpNotifier | None = None
_warm_done = False


def imports_done() -> bool:
    return _warm_done


def import_in_background(modules: tuple[str, ...]) -> bool:
    """Start importing `modules` on a thread, once per process; False if already started.
    The thread is not a daemon, so exit waits for an import in progress instead of cutting
    it."""
    global _warm_thread
    with _warm_lock:
        if _warm_thread is not None:
            return False
        _warm_thread = threading.Thread(target=_import_in_background, args=(modules,),
                                        name="netcanvas-warm-up")
        _warm_thread.start()
        return True


def when_imported(slot: Callable[[], object]) -> None:
    """Call `slot` on the main thread once the modules are imported: now if they are,
    else queued from the import thread. The slot must be idempotent (warm_up may be
    asked twice before the import ends)."""
    if _warm_done:
        slot()
    else:
        notifier().done.connect(slot, Qt.ConnectionType.QueuedConnection)


def notifier() -> _WarmUpNotifier:
    global _warm_notifier
    if _warm_notifier is None:  # first created from a controller, so in the main thread
        _warm_notifier = _WarmUpNotifier()
    return _warm_notifier


def _import_in_background(modules: tuple[str, ...]) -> None:
    global _warm_done
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a warm-up must never break the app; the first use reports errors
            traceback.print_exc()
    _warm_done = True
    notifier().done.emit()
