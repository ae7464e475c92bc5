"""Light and dark themes: the Fusion style, a full QPalette and a small stylesheet.

Fusion is used on every platform because it honours QPalette completely, so one palette
gives the same contrast everywhere. `theme_notifier().themeChanged(dark)` tells views that
keep their own colour sets (canvas, inspector boxes, icons) to switch.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from widgets.colors import ACCENT

MODES = ("system", "light", "dark")
# Below this the inspector's formulas get hard to read on a laptop screen.
MIN_POINT_SIZE = 10

_LIGHT = {
    "window": "#f4f5f7", "window_text": "#1f2328", "base": "#ffffff", "alt_base": "#f3f4f6",
    "text": "#1f2328", "button": "#fbfbfc", "button_text": "#1f2328", "bright_text": "#ffffff",
    "light": "#ffffff", "midlight": "#e5e7eb", "mid": "#c9cdd3", "dark": "#9ca3af",
    "shadow": "#6b7280", "highlight": "#2563eb", "highlighted_text": "#ffffff",
    "link": "#2563eb", "link_visited": "#7c3aed", "tooltip_base": "#1f2937",
    "tooltip_text": "#f9fafb", "placeholder": "#8b929b", "disabled_text": "#a1a7b0",
    "hover": "#eef0f3", "pressed": "#e2e5e9", "border": "#cfd3d9",
}
_DARK = {
    "window": "#1d2026", "window_text": "#e6e8eb", "base": "#15171c", "alt_base": "#1f232a",
    "text": "#e6e8eb", "button": "#2a2e36", "button_text": "#e6e8eb", "bright_text": "#ffffff",
    "light": "#3d424c", "midlight": "#2f333b", "mid": "#454a54", "dark": "#101216",
    "shadow": "#000000", "highlight": "#3b82f6", "highlighted_text": "#ffffff",
    "link": "#60a5fa", "link_visited": "#c4b5fd", "tooltip_base": "#2a2e36",
    "tooltip_text": "#f3f4f6", "placeholder": "#7d8590", "disabled_text": "#6b7280",
    "hover": "#333843", "pressed": "#3b414d", "border": "#3f444e",
}

# Only buttons and line edits are restyled: styling a spin box or combo border would make
# Fusion drop its native arrows, and Fusion already draws those cleanly from the palette.
_STYLESHEET = """
QPushButton {{
    background: {button}; color: {button_text}; border: 1px solid {border};
    border-radius: 6px; padding: 5px 14px; min-height: 18px;
}}
QPushButton:hover {{ background: {hover}; }}
QPushButton:pressed {{ background: {pressed}; }}
QPushButton:focus {{ border-color: {accent}; }}
QPushButton:disabled {{ color: {disabled_text}; }}
QLineEdit {{
    background: {base}; color: {text}; border: 1px solid {border}; border-radius: 6px;
    padding: 4px 8px; selection-background-color: {highlight};
}}
QLineEdit:focus {{ border-color: {accent}; }}
QToolTip {{
    background: {tooltip_base}; color: {tooltip_text}; border: 1px solid {border};
    border-radius: 4px; padding: 5px 7px;
}}
QScrollArea {{ border: none; }}
"""


class ThemeNotifier(QObject):
    themeChanged = Signal(bool)  # True when the new theme is dark

    def on_color_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        """The OS switched light/dark: follow it only while the user chose "system"."""
        app = QApplication.instance()
        if _mode == "system" and isinstance(app, QApplication):
            apply_theme(app, "system")


_notifier: ThemeNotifier | None = None
_mode = "system"


def theme_notifier() -> ThemeNotifier:
    """The one notifier; created on first use so importing this module needs no QApplication."""
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def current_mode() -> str:
    return _mode


def system_prefers_dark(app: QApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def _colors(dark: bool) -> dict[str, str]:
    colors = dict(_DARK if dark else _LIGHT)
    colors["accent"] = ACCENT.pick(dark)
    return colors


def build_palette(dark: bool) -> QPalette:
    c = {k: QColor(v) for k, v in _colors(dark).items()}
    pal = QPalette()
    role = QPalette.ColorRole
    pairs = {
        role.Window: "window", role.WindowText: "window_text", role.Base: "base",
        role.AlternateBase: "alt_base", role.Text: "text", role.Button: "button",
        role.ButtonText: "button_text", role.BrightText: "bright_text", role.Light: "light",
        role.Midlight: "midlight", role.Mid: "mid", role.Dark: "dark", role.Shadow: "shadow",
        role.Highlight: "highlight", role.HighlightedText: "highlighted_text", role.Link: "link",
        role.LinkVisited: "link_visited", role.ToolTipBase: "tooltip_base",
        role.ToolTipText: "tooltip_text", role.PlaceholderText: "placeholder",
        role.Accent: "accent",
    }
    for r, key in pairs.items():
        pal.setColor(r, c[key])
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        pal.setColor(disabled, r, c["disabled_text"])
    pal.setColor(disabled, role.Highlight, c["mid"])
    return pal


def stylesheet(dark: bool) -> str:
    return _STYLESHEET.format(**_colors(dark))


def apply_theme(app: QApplication, mode: str) -> bool:
    """Apply "system", "light" or "dark"; returns True when the result is dark.

    In "system" mode the theme follows later OS colour-scheme switches too.
    """
    global _mode
    if mode not in MODES:
        raise ValueError(f"theme must be one of {', '.join(MODES)}, not {mode!r}")
    _mode = mode
    dark = system_prefers_dark(app) if mode == "system" else mode == "dark"
    app.setStyle("Fusion")
    app.setPalette(build_palette(dark))
    app.setStyleSheet(stylesheet(dark))
    font = QFont(app.font())
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
        app.setFont(font)
    _follow_system(app)
    theme_notifier().themeChanged.emit(dark)
    return dark


_followed: set[int] = set()


def _follow_system(app: QApplication) -> None:
    # Connected once per application, to a bound method of a main-thread QObject so it runs
    # on the GUI thread; the slot re-checks the mode so "light"/"dark" stay put.
    if id(app) in _followed:
        return
    _followed.add(id(app))
    app.styleHints().colorSchemeChanged.connect(theme_notifier().on_color_scheme_changed)


def is_dark(app: QApplication | None = None) -> bool:
    """Whether the palette in use is dark (works whoever applied it)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not isinstance(app, QApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128
