from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from engine.layers import all_specs, get_spec
from widgets.mime import LAYER_MIME
from widgets.palette import LayerPalette, layer_mime_data, layer_tooltip


def _palette(qtbot) -> LayerPalette:
    palette = LayerPalette()
    qtbot.addWidget(palette)
    palette.resize(260, 700)
    palette.show()
    qtbot.waitExposed(palette)
    return palette


def test_groups_cover_every_registry_spec(qtbot):
    palette = _palette(qtbot)
    groups = palette.categories()
    listed = [t for ids in groups.values() for t in ids]
    assert sorted(listed) == sorted(s.type_id for s in all_specs())
    for category, ids in groups.items():
        assert all(get_spec(t).category == category for t in ids)
    assert palette.visible_type_ids() == listed


def test_every_entry_has_icon_and_tooltip_with_summary_and_defaults(qtbot):
    palette = _palette(qtbot)
    for spec in all_specs():
        item = palette.item_for(spec.type_id)
        assert not item.icon(0).isNull()
        assert item.text(0) == spec.title
        assert spec.summary in item.toolTip(0)
    conv_tip = layer_tooltip(get_spec("conv2d"))
    assert "Defaults: 16 @ 3, s1, p1" in conv_tip


def test_search_filters_by_title_summary_and_category(qtbot):
    palette = _palette(qtbot)
    palette.set_filter("pool")
    assert set(palette.visible_type_ids()) == {"maxpool2d", "avgpool2d", "adaptiveavgpool2d"}
    palette.set_filter("Activation")  # a category name
    assert {"relu", "sigmoid", "tanh"} <= set(palette.visible_type_ids())
    palette.set_filter("skip connection")  # words from Add's summary
    assert palette.visible_type_ids() == ["add"]
    assert not palette.is_empty_state()


def test_search_without_match_shows_empty_state_and_escape_clears(qtbot):
    palette = _palette(qtbot)
    qtbot.keyClicks(palette.search, "xyz")
    assert palette.visible_type_ids() == []
    assert palette.is_empty_state()
    assert "No layer matches 'xyz'" in palette.empty_text()
    qtbot.keyClick(palette.search, Qt.Key.Key_Escape)
    assert palette.search.text() == ""
    assert not palette.is_empty_state()
    assert len(palette.visible_type_ids()) == len(all_specs())


def test_double_click_emits_add_requested(qtbot):
    palette = _palette(qtbot)
    item = palette.item_for("conv2d")
    rect = palette.tree.visualItemRect(item)
    # QTest sends only the DblClick event; a real double-click starts with a press/release.
    qtbot.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(palette.addRequested) as blocker:
        qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["conv2d"]


def test_enter_on_entry_and_in_search_emits_add_requested(qtbot):
    palette = _palette(qtbot)
    palette.tree.setCurrentItem(palette.item_for("relu"))
    with qtbot.waitSignal(palette.addRequested) as blocker:
        qtbot.keyClick(palette.tree, Qt.Key.Key_Return)
    assert blocker.args == ["relu"]
    palette.tree.setCurrentItem(None)
    qtbot.keyClicks(palette.search, "flatten")
    with qtbot.waitSignal(palette.addRequested) as blocker:
        qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert blocker.args == ["flatten"]


def test_headers_are_not_addable(qtbot):
    palette = _palette(qtbot)
    header = palette.tree.topLevelItem(0)
    pos = palette.tree.visualItemRect(header).center()
    with qtbot.assertNotEmitted(palette.addRequested):
        qtbot.mouseClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_drag_mime_data_carries_the_type_id(qtbot):
    mime = layer_mime_data("maxpool2d")
    assert mime.hasFormat(LAYER_MIME)
    assert bytes(mime.data(LAYER_MIME)).decode("utf-8") == "maxpool2d"
    palette = _palette(qtbot)
    from_tree = palette.tree.mimeData([palette.item_for("linear")])
    assert bytes(from_tree.data(LAYER_MIME)) == b"linear"
    assert palette.tree.mimeTypes() == [LAYER_MIME]


def test_ctrl_f_focuses_the_search_box(qtbot):
    palette = _palette(qtbot)
    assert palette.search_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    palette.activateWindow()
    palette.tree.setFocus()
    palette.search_action.trigger()
    qtbot.waitUntil(palette.search.hasFocus, timeout=1000)
