"""Icons: hand-written line SVGs in resources/icons/, recoloured per theme.

Every SVG draws with the `currentColor` placeholder; it is replaced by a concrete colour
before rendering, so one file serves light and dark mode (toolbar icons) or any category
colour (layer glyphs). Icons are rendered once into a QIcon with several pixmap sizes and
cached per (name, colour).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

import resources
from engine.layers import get_spec
from widgets.colors import ICON, category_hex

ICON_DIR = Path(resources.__file__).resolve().parent / "icons"
PLACEHOLDER = "currentColor"
APP_ICON = "netcanvas"
# Pixmap sizes put into each QIcon; 2x sizes cover high-DPI toolbars.
SIZES = (16, 20, 24, 32, 40, 48, 64)
DISABLED_OPACITY = 0.38

TOOLBAR_ICONS = (
    "new", "open", "save", "undo", "redo", "delete", "zoom-in", "zoom-out", "zoom-fit",
    "auto-layout", "train", "pause", "stop", "summary", "theme",
)
# Small helpers used inside panels.
UI_ICONS = ("link", "unlink", "search", "copy", "fix", "warning", "error", "info", "chevron-down",
            "chevron-right")



def icon_path(name: str) -> Path:
    return ICON_DIR / f"{name}.svg"


@cache
def svg_text(name: str) -> str:
    """The SVG source of resources/icons/<name>.svg (FileNotFoundError names the file)."""
    return icon_path(name).read_text(encoding="utf-8")


def render_svg(text: str, size: int, opacity: float = 1.0) -> QPixmap:
    """Rasterise SVG text into a transparent square pixmap of `size` pixels."""
    renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setOpacity(opacity)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def _build_icon(text: str) -> QIcon:
    result = QIcon()
    for size in SIZES:
        result.addPixmap(render_svg(text, size), QIcon.Mode.Normal)
        result.addPixmap(render_svg(text, size, DISABLED_OPACITY), QIcon.Mode.Disabled)
    return result


_cache: dict[tuple[str, str], QIcon] = {}


def colored_icon(name: str, color: str) -> QIcon:
    """resources/icons/<name>.svg drawn in `color` (any CSS colour string)."""
    key = (name, color)
    if key not in _cache:
        _cache[key] = _build_icon(svg_text(name).replace(PLACEHOLDER, color))
    return _cache[key]


def icon(name: str, dark: bool = False) -> QIcon:
    """A toolbar / UI line icon in the theme's icon colour."""
    return colored_icon(name, ICON.pick(dark))


def layer_glyph(type_id: str) -> str:
    """Icon name for a layer type: its LayerSpec's glyph; unknown types get "generic"."""
    try:
        return "layer-" + get_spec(type_id).glyph
    except KeyError:
        return "layer-generic"


def layer_icon(type_id: str, dark: bool = False) -> QIcon:
    """The layer's glyph on a tile, in its category colour for the given theme."""
    try:
        category = get_spec(type_id).category
    except KeyError:
        category = ""
    return colored_icon(layer_glyph(type_id), category_hex(category, dark))


def app_icon() -> QIcon:
    """The full-colour NetCanvas logo (not recoloured)."""
    key = (APP_ICON, "")
    if key not in _cache:
        logo = QIcon()
        for size in (*SIZES, 128, 256):
            logo.addPixmap(render_svg(svg_text(APP_ICON), size))
        _cache[key] = logo
    return _cache[key]
