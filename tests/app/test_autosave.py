"""Autosave and crash recovery (#12 item 8): a dirty document is copied to the settings
folder on a timer; after a SIGKILL the next start offers the copy and restores it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app.autosave import INTERVAL_ENV, Autosave, autosave_interval, find_recoveries
from app.gui import create_main_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "settings"
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(folder))
    return folder


@pytest.fixture
def windows(qapp):  # noqa: ANN001 - pytest-qt fixture
    made = []
    yield made
    for window in made:
        window.files.ask_save_changes = lambda: "discard"
        window.close()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_window(windows: list, restore: bool | None = None):
    window = create_main_window(panels=False)
    window.files.show_error = lambda title, text: None
    autosave: Autosave = window.bindings["autosave"]
    autosave.asked = []  # type: ignore[attr-defined]

    def ask(text: str) -> bool:
        autosave.asked.append(text)  # type: ignore[attr-defined]
        return bool(restore)

    autosave.ask_restore = ask  # type: ignore[method-assign]
    windows.append(window)
    return window, autosave


def test_interval_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(INTERVAL_ENV, "0.5")
    assert autosave_interval() == 0.5
    for bad in ("soon", "-3", "0"):
        monkeypatch.setenv(INTERVAL_ENV, bad)
        assert autosave_interval() == 30.0
    monkeypatch.delenv(INTERVAL_ENV)
    assert autosave_interval() == 30.0


def test_only_a_dirty_document_is_copied_and_saving_removes_the_copy(
        qtbot, settings_dir, windows, tmp_path):  # noqa: ANN001
    window, autosave = open_window(windows)
    assert not autosave.autosave_now()  # clean: nothing to keep
    window.doc.set_params("conv1", {"kernel": 3})
    assert autosave.autosave_now() and autosave.file.exists()
    assert autosave.file.parent == (settings_dir / "NetCanvas" / "autosave").resolve()
    record = json.loads(autosave.file.read_text())
    assert '"kernel": [\n' in record["project"] and record["pid"] == os.getpid()
    assert not autosave.autosave_now()  # nothing new since the last copy
    window.doc.save(tmp_path / "saved.json")
    assert not autosave.file.exists()


def test_copy_of_a_live_process_is_not_offered(qtbot, settings_dir, windows):  # noqa: ANN001
    window, autosave = open_window(windows)
    window.doc.set_params("conv1", {"kernel": 3})
    autosave.autosave_now()
    assert find_recoveries(autosave.folder) == []  # our own session is still running


def copy_text(copy: Path) -> str:
    """The project text inside an autosave copy ('' while it is being replaced)."""
    try:
        return json.loads(copy.read_text())["project"]
    except (OSError, ValueError, KeyError):
        return ""


DRIVER = """
import sys
from app.gui import create_main_window, make_app
app = make_app()
window = create_main_window(panels=False)
window.files.ask_save_changes = lambda: "discard"
window.show()
window.doc.set_params("conv1", {"kernel": 3})
window.doc.set_params("conv1", {"out_channels": 7})
print("EDITED", flush=True)
sys.exit(app.exec())
"""


@pytest.mark.slow
def test_sigkill_then_restore(qtbot, settings_dir, windows, tmp_path):  # noqa: ANN001
    env = dict(os.environ, NETCANVAS_SETTINGS_DIR=str(settings_dir), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=str(ROOT), **{INTERVAL_ENV: "0.5"})
    proc = subprocess.Popen([sys.executable, "-c", DRIVER], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    folder = settings_dir / "NetCanvas" / "autosave"
    try:
        deadline = time.monotonic() + 120
        copy = folder / f"session-{proc.pid}.json"
        while not (copy.exists() and '"out_channels": 7' in copy_text(copy)):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "no autosave within 120 s"
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert copy.exists()  # a kill leaves the copy; a normal quit would have removed it

    window, autosave = open_window(windows, restore=True)
    qtbot.waitUntil(lambda: bool(autosave.asked), timeout=10_000)
    assert "did not close normally" in autosave.asked[0]
    params = window.doc.graph.nodes["conv1"].params
    assert params["kernel"] == (3, 3) and params["out_channels"] == 7
    assert window.doc.dirty  # restored changes are unsaved until the user saves them
    assert not copy.exists()


def test_declining_removes_the_crash_copy(qtbot, settings_dir, windows):  # noqa: ANN001
    folder = settings_dir / "NetCanvas" / "autosave"
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    from engine.project import dumps
    from engine.templates import load_template

    record = {"format": "netcanvas-autosave", "pid": pid, "saved_at": time.time(), "path": None,
              "project": dumps(load_template("mlp"))}
    (folder / f"session-{pid}.json").write_text(json.dumps(record))
    window, autosave = open_window(windows, restore=False)
    qtbot.waitUntil(lambda: bool(autosave.asked), timeout=10_000)
    assert "the unsaved project" in autosave.asked[0]
    assert window.doc.project.name != load_template("mlp").name
    assert list(folder.glob("session-*.json")) == []
