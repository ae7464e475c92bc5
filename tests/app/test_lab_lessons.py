"""Help ▸ Lessons: every lesson opens its template and its view on a sample in at most
three clicks (Help, Lessons, the lesson), with real numbers in the view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu

from app.gui import create_main_window
from engine.lab.lessons import LESSONS


@pytest.fixture
def window(qapp, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    win = create_main_window()
    win.files.ask_save_changes = lambda: "discard"
    win.files.show_error = lambda title, text: None
    win.resize(1400, 900)
    win.show()
    data = win.bindings["data"]
    qtbot.waitUntil(lambda: data.dataset is not None, timeout=30000)
    yield win
    win.bindings["lab"].controller.jobs.shutdown()
    win.close()


def _path_to(menu: QMenu, object_name: str) -> list[str] | None:
    """The menu titles leading to the action called `object_name` (its clicks)."""
    for action in menu.actions():
        if action.menu() is not None:
            sub = _path_to(action.menu(), object_name)
            if sub is not None:
                return [action.text(), *sub]
        elif action.objectName() == object_name:
            return [action.text()]
    return None


def test_every_lesson_opens_its_view_in_at_most_three_clicks(window, qtbot) -> None:  # noqa: ANN001
    lab = window.bindings["lab"]
    data = window.bindings["data"]
    help_menu = window.menus["help"]

    def data_fits() -> bool:
        return data.dataset is not None and tuple(data.dataset.image_shape) == tuple(
            window.doc.analysis.input_shape or ())

    for item in LESSONS:
        path = _path_to(help_menu, f"action_lesson_{item.key}")
        assert path is not None, item.key
        clicks = 1 + len(path)  # Help itself, then each entry down to the lesson
        assert clicks <= 3, (item.key, path)
        window.actions[f"lesson_{item.key}"].trigger()
        assert window.files.template_key == item.template
        qtbot.waitUntil(data_fits, timeout=30000)  # the template's own data set loads
        assert lab.panel.current_view() == item.view
        assert lab.dock.isVisible()
        assert item.title in lab.panel.lesson.text()
        assert window.doc.analysis.valid, window.doc.analysis.errors  # fits the loaded data
        adapter = lab.adapters.get(item.view)
        if adapter is None:
            continue
        lab.controller.refresh()
        assert lab.controller.wait(60)
        qtbot.wait(1)
        if item.layer and hasattr(adapter.page, "current_layer"):
            assert adapter.page.current_layer() == item.layer
        assert adapter.page.view.lines(), item.key  # real numbers on screen


def test_lesson_asks_before_replacing_unsaved_work(window) -> None:  # noqa: ANN001
    lab = window.bindings["lab"]
    window.doc.add_node("relu", (0.0, 0.0))
    assert window.doc.dirty
    window.files.ask_save_changes = lambda: "cancel"
    before = window.doc.project
    assert not lab.open_lesson("pool")
    assert window.doc.project is before
