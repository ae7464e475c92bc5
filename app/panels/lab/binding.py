"""Installs the learning lab: the Learn dock (one tab per view) and Help ▸ Lessons, each
lesson opening its template and its view on a sample in three clicks or fewer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction

from app.host import WindowHost
from app.panels.lab.controller import LabController
from app.panels.lab.views import make_adapters
from engine.lab.lessons import LESSONS, VIEW_TITLES, Lesson
from widgets.lab.lab_panel import LabPanel

DOCK_KEY = "learn"
DOCK_TITLE = "Learn"


class LabBinding(QObject):
    def __init__(self, window: WindowHost, files: Any, dataset_provider: Callable[[], Any],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.files = files
        self.adapters = make_adapters(window.scene)
        self.panel = LabPanel({k: a.page for k, a in self.adapters.items()}, VIEW_TITLES)
        self.controller = LabController(window.doc, dataset_provider, self.panel,
                                        self.adapters, self)
        self.dock = window.add_dock(DOCK_KEY, DOCK_TITLE, self.panel,
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.visibilityChanged.connect(lambda shown: shown and self.controller.schedule())
        self.lesson_actions: dict[str, QAction] = {}
        self.last_lesson: Lesson | None = None
        self._build_menu()
        self.controller._on_network_changed()

    def _build_menu(self) -> None:
        menu = self.window.menus["help"].addMenu("&Lessons")
        menu.setToolTipsVisible(True)
        menu.setObjectName("menu_lessons")
        self.window.menus["lessons"] = menu
        first = self.window.menus["help"].actions()[0] if self.window.menus["help"].actions() else None
        if first is not None and first is not menu.menuAction():
            self.window.menus["help"].insertAction(first, menu.menuAction())
        for item in LESSONS:
            action = QAction(item.title, self)
            action.setObjectName(f"action_lesson_{item.key}")
            action.setToolTip(item.text[0])
            action.setStatusTip(item.text[0])
            action.triggered.connect(lambda _checked=False, key=item.key: self.open_lesson(key))
            menu.addAction(action)
            self.lesson_actions[item.key] = action
            self.window.actions[f"lesson_{item.key}"] = action
        learn = QAction("Show the &Learn panel", self)
        learn.triggered.connect(self.show)
        menu.addSeparator()
        menu.addAction(learn)
        self.window.actions["learn"] = learn

    def show(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.controller.schedule()

    def open_lesson(self, key: str) -> bool:
        """Open the lesson's template (asking about unsaved changes first; the template brings
        its own data set, which the Dataset panel loads) and show its view on a sample."""
        from engine.lab.lessons import lesson

        item = lesson(key)
        if not self.files.maybe_save():
            return False
        self.files.load_template(item.template)
        self.last_lesson = item
        self.panel.show_view(item.view)
        adapter = self.adapters.get(item.view)
        if adapter is not None:
            adapter.choose(item.layer, item.options)
        self.panel.set_lesson(item.title, item.text)
        self.show()
        self.window.show_message(f"Lesson: {item.title}")
        return True


def install_lab(window: WindowHost, files: Any, dataset_provider: Callable[[], Any]) -> LabBinding:
    """The Learn dock and Help ▸ Lessons; `files` opens the lessons' templates (the window's
    FileController) and `dataset_provider` returns the data set the Dataset panel holds."""
    parent = window if isinstance(window, QObject) else None
    return LabBinding(window, files, dataset_provider, parent)
