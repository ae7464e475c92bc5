"""Right-click menus on the canvas: nodes, links and the empty canvas.

The scene reports what was clicked (widgets.canvas.context.ContextTarget); this binding
builds the menu from the window's own actions (so shortcuts, tooltips and enabled states
match the Edit menu) plus a few entries that need the click's target. Other features add
entries with `add_provider(fn)`: fn(menu, target) runs after the built-in entries, e.g.
the inspection views' "Show Feature Maps" on a node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

from engine.graph import Edge
from engine.layers import specs_by_category
from widgets.canvas.context import CANVAS, EDGE, NODE, ContextTarget

if TYPE_CHECKING:
    from app.main_window import MainWindow

Provider = Callable[[QMenu, ContextTarget], None]


class ContextMenus(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.doc = window.doc
        self._providers: list[Provider] = []
        self.last_menu: QMenu | None = None  # kept alive while it shows (and for tests)
        window.scene.contextMenuRequested.connect(self.show_menu)

    def add_provider(self, provider: Provider) -> None:
        """Add entries to every canvas context menu: provider(menu, target)."""
        self._providers.append(provider)

    def show_menu(self, target: ContextTarget) -> None:
        self.last_menu = self.build_menu(target)
        self.last_menu.popup(target.screen_pos)  # not exec(): the event loop keeps running

    def build_menu(self, target: ContextTarget) -> QMenu:
        menu = QMenu(self.window)
        actions = self.window.actions
        if target.kind == NODE and target.node_id is not None:
            node = self.doc.graph.nodes.get(target.node_id)
            if node is not None and node.spec.has_output:
                menu.addMenu(self._insert_menu(menu, target.node_id))
            disconnect = menu.addAction("Disconnect")
            disconnect.setToolTip("Remove every link into and out of the selected layers")
            disconnect.setEnabled(bool(self._links_of(self.window.scene.selected_ids())))
            disconnect.triggered.connect(self._disconnect_selection)
            menu.addSeparator()
            for key in ("cut", "copy", "duplicate", "delete"):
                menu.addAction(actions[key])
        elif target.kind == EDGE and target.edge is not None:
            edge = target.edge
            remove = menu.addAction(f"Delete Link {edge.source} → {edge.target}")
            remove.triggered.connect(lambda _checked=False, e=edge: self.doc.disconnect([e]))
            select = menu.addAction("Select Both Ends")
            select.triggered.connect(
                lambda _checked=False, e=edge: self.window.scene.select_ids([e.source, e.target]))
        elif target.kind == CANVAS:
            for key in ("paste", "select_all", None, "layout", "fit"):
                if key is None:
                    menu.addSeparator()
                else:
                    menu.addAction(actions[key])
        for provider in self._providers:
            provider(menu, target)
        return menu

    def _insert_menu(self, parent: QMenu, node_id: str) -> QMenu:
        """Insert After ▸ category ▸ layer: spliced in below the node (one undo step)."""
        menu = QMenu("Insert After", parent)
        for category, specs in specs_by_category().items():
            layers = [s for s in specs if s.port_count(s.defaults()) > 0]
            if not layers:
                continue
            sub = menu.addMenu(category)
            for spec in layers:
                action = sub.addAction(spec.title)
                action.setToolTip(spec.summary)
                action.triggered.connect(
                    lambda _checked=False, t=spec.type_id, n=node_id: self.insert_after(n, t))
        return menu

    def insert_after(self, node_id: str, type_id: str) -> str | None:
        self.window.scene.select_ids([node_id])
        return self.window.add_layer(type_id)

    def _links_of(self, ids: list[str]) -> list[Edge]:
        chosen = set(ids)
        return [e for e in self.doc.graph.edges if e.source in chosen or e.target in chosen]

    def _disconnect_selection(self) -> None:
        self.doc.disconnect(self._links_of(self.window.scene.selected_ids()))


def install_context_menus(window: MainWindow) -> ContextMenus:
    return ContextMenus(window)
