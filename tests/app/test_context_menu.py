"""Context menus on nodes, links and the canvas (#12 item 11), from a real right-click."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from app.bindings.context_menu import ContextMenus
from app.gui import create_main_window
from widgets.canvas.context import NODE, ContextTarget


@pytest.fixture
def window(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    monkeypatch.setenv("NETCANVAS_SETTINGS_DIR", str(tmp_path / "settings"))
    win = create_main_window(panels=False)
    win.files.ask_save_changes = lambda: "discard"
    win.resize(1600, 1000)
    win.show()
    yield win
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def right_click(window, scene_point) -> QMenu:  # noqa: ANN001
    view = window.view
    pos = view.mapFromScene(scene_point)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    menus: ContextMenus = window.bindings["context_menu"]
    assert menus.last_menu is not None
    menu = menus.last_menu
    menu.hide()
    return menu


def texts(menu: QMenu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def find(menu: QMenu, text: str):  # noqa: ANN201
    return next(a for a in menu.actions() if a.text().replace("&", "").startswith(text))


def test_node_menu_inserts_disconnects_and_deletes(qtbot, window) -> None:  # noqa: ANN001
    doc, scene = window.doc, window.scene
    window.view.fit_all()
    item = scene.node_items["conv1"]
    menu = right_click(window, item.sceneBoundingRect().center())
    assert scene.selected_ids() == ["conv1"]
    assert texts(menu)[:2] == ["Insert After", "Disconnect"]
    assert {"Cut", "Copy", "Duplicate", "Delete"} <= set(texts(menu))
    before = set(doc.graph.nodes)
    insert = find(menu, "Insert After").menu()
    find(find(insert, "Activation").menu(), "ReLU").trigger()
    (new,) = set(doc.graph.nodes) - before
    assert doc.graph.nodes[new].type_id == "relu"
    assert any(e.source == "conv1" and e.target == new for e in doc.graph.edges)
    doc.undo_stack.undo()
    assert set(doc.graph.nodes) == before
    menu = right_click(window, item.sceneBoundingRect().center())
    edges = len(doc.graph.edges)
    find(menu, "Disconnect").trigger()
    assert not [e for e in doc.graph.edges if "conv1" in (e.source, e.target)]
    doc.undo_stack.undo()  # one step
    assert len(doc.graph.edges) == edges
    find(menu, "Delete").trigger()
    assert "conv1" not in doc.graph.nodes


def test_edge_and_canvas_menus(qtbot, window) -> None:  # noqa: ANN001
    doc, scene = window.doc, window.scene
    window.view.fit_all()
    edge = next(e for e in doc.graph.edges if e.source == "conv1")
    start, end = scene.edge_items[edge].endpoints()
    mid = start + (end - start) * 0.5
    assert scene.node_at(mid) is None
    menu = right_click(window, mid)
    assert texts(menu)[0] == f"Delete Link {edge.source} → {edge.target}"
    menu.actions()[0].trigger()
    assert edge not in doc.graph.edges
    corner = window.view.mapToScene(QPoint(8, 8))  # fit leaves the corners empty
    assert scene.node_at(corner) is None
    menu = right_click(window, corner)
    assert {"Paste", "Select All", "Auto-Layout", "Fit Network"} <= set(texts(menu))


def test_providers_add_entries(qtbot, window) -> None:  # noqa: ANN001
    menus: ContextMenus = window.bindings["context_menu"]
    seen = []

    def provider(menu: QMenu, target: ContextTarget) -> None:
        if target.kind == NODE:
            menu.addAction(f"Show Feature Maps of {target.node_id}")
            seen.append(target.node_id)

    menus.add_provider(provider)
    window.view.fit_all()
    menu = right_click(window, window.scene.node_items["fc1"].sceneBoundingRect().center())
    assert texts(menu)[-1] == "Show Feature Maps of fc1" and seen == ["fc1"]
