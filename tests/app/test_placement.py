"""Placement (#12 item 10): drops never overlap, inserts scroll to the new card, pastes
land at the cursor or beside the originals, never on top of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtWidgets import QApplication

from app.gui import create_main_window
from engine.layout import free_offset, free_spot, overlaps


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


def no_overlaps(window) -> bool:  # noqa: ANN001
    items = [i.sceneBoundingRect().adjusted(2, 2, -2, -2)
             for i in window.scene.node_items.values()]
    return not any(a.intersects(b) for k, a in enumerate(items) for b in items[k + 1:])


def test_free_spot_and_offset_helpers():
    others = [(0.0, 0.0), (170.0, 0.0)]
    assert free_spot((500.0, 500.0), others, 170, 64) == (500.0, 500.0)
    spot = free_spot((10.0, 5.0), others, 170, 64)
    assert not overlaps(spot, others, 170, 64)
    shift = free_offset([(0.0, 0.0)], others, (40.0, 40.0), (40.0, 40.0), 170, 64)
    assert not overlaps((shift[0], shift[1]), others, 170, 64)


def test_a_drop_on_a_card_lands_beside_it(qtbot, window) -> None:  # noqa: ANN001
    scene = window.scene
    conv = scene.node_items["conv1"].pos()
    scene.nodeDropped.emit("relu", QPointF(conv.x() + 10, conv.y() + 5))
    assert no_overlaps(window)


def test_inserting_far_down_scrolls_to_the_new_card(qtbot, window) -> None:  # noqa: ANN001
    window.view.reset_zoom()
    window.view.centerOn(0, 0)
    window.scene.select_ids(["output1"])
    prev = [k for k in window.doc.graph.nodes if k.startswith("fc")][-1]
    window.scene.select_ids([prev])
    new = window.add_layer("dropout")
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.node_items[new].sceneBoundingRect())


def test_paste_and_duplicate_never_land_on_the_originals(qtbot, window) -> None:  # noqa: ANN001
    window.scene.select_ids(["conv1", "relu1"])
    assert window.edit_copy()
    for _ in range(3):
        assert window.edit_paste()
        assert no_overlaps(window)
    window.scene.select_ids(["pool1"])
    assert window.edit_duplicate() and no_overlaps(window)
