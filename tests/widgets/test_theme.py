from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from engine.layers import CATEGORIES, REGISTRY
from widgets import icons
from widgets.colors import CATEGORY_COLORS, category_color
from widgets.theme import apply_theme, current_mode, is_dark, theme_notifier


@pytest.fixture
def app(qapp):
    """Applies themes, then puts the application's look back for the other tests."""
    palette, sheet, style = qapp.palette(), qapp.styleSheet(), qapp.style().name()
    mode = current_mode()
    yield qapp
    apply_theme(qapp, mode if mode != "system" else "light")
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


def _window(app: QApplication):
    return app.palette().color(QPalette.ColorRole.Window)


def test_light_and_dark_switch_the_window_colour(app, qtbot):
    with qtbot.waitSignal(theme_notifier().themeChanged) as blocker:
        apply_theme(app, "light")
    assert blocker.args == [False]
    light = _window(app)
    assert not is_dark(app)
    with qtbot.waitSignal(theme_notifier().themeChanged) as blocker:
        apply_theme(app, "dark")
    assert blocker.args == [True]
    assert is_dark(app)
    assert _window(app) != light
    assert "border-radius" in app.styleSheet()
    # Text keeps strong contrast in both themes.
    for mode in ("light", "dark"):
        apply_theme(app, mode)
        pal = app.palette()
        gap = abs(pal.color(QPalette.ColorRole.Window).lightness()
                  - pal.color(QPalette.ColorRole.WindowText).lightness())
        assert gap > 150
    assert app.font().pointSizeF() >= 10


def test_system_mode_and_bad_mode(app):
    assert apply_theme(app, "system") == (app.styleHints().colorScheme().name == "Dark")
    with pytest.raises(ValueError, match="theme must be one of"):
        apply_theme(app, "blue")


def test_category_colours_cover_engine_categories():
    assert set(CATEGORIES) <= set(CATEGORY_COLORS)
    for category in CATEGORIES:
        assert category_color(category, False) != category_color(category, True)
    assert len({c.light for c in CATEGORY_COLORS.values()}) == len(CATEGORY_COLORS)


def test_icons_render_and_recolour(qapp):
    for name in (*icons.TOOLBAR_ICONS, *icons.UI_ICONS):
        assert not icons.icon(name).isNull(), name
    light = icons.icon("undo", dark=False).pixmap(24, 24).toImage()
    dark = icons.icon("undo", dark=True).pixmap(24, 24).toImage()
    assert light != dark
    for type_id in REGISTRY:  # every built-in layer declares its own drawn glyph
        glyph = icons.layer_glyph(type_id)
        assert glyph != "layer-generic" and icons.icon_path(glyph).exists(), type_id
    for type_id in REGISTRY:
        assert not icons.layer_icon(type_id, dark=True).isNull()
    assert icons.layer_glyph("not-a-layer") == "layer-generic"
    assert not icons.layer_icon("not-a-layer").isNull()
    assert not icons.app_icon().isNull()
    for svg in icons.ICON_DIR.glob("*.svg"):
        text = svg.read_text()
        assert svg.stem == icons.APP_ICON or icons.PLACEHOLDER in text, svg.name
