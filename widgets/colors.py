"""Named colours shared by every view: one table per purpose, each with a light and a dark value.

Kept free of any widget code so the canvas, palette and inspector can all import it. The
category table is keyed by the engine's category names (engine.layers.CATEGORIES); a
category the table does not know falls back to FALLBACK so a new layer family still paints.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QColor


class ThemedColor(NamedTuple):
    light: str
    dark: str

    def pick(self, dark: bool) -> str:
        return self.dark if dark else self.light


# Hues chosen to stay distinguishable from each other and from the error red / warning amber
# boxes; the dark variants are lighter tints so they keep contrast on a dark background.
CATEGORY_COLORS: dict[str, ThemedColor] = {
    "Input / Output": ThemedColor("#475569", "#94a3b8"),
    "Convolution": ThemedColor("#2563eb", "#60a5fa"),
    "Pooling": ThemedColor("#0891b2", "#22d3ee"),
    "Reshape": ThemedColor("#7c3aed", "#a78bfa"),
    "Fully connected": ThemedColor("#ea580c", "#fb923c"),
    "Activation": ThemedColor("#16a34a", "#4ade80"),
    "Regularisation": ThemedColor("#db2777", "#f472b6"),
    "Normalisation": ThemedColor("#a16207", "#facc15"),
    "Merge": ThemedColor("#4f46e5", "#a5b4fc"),
}
FALLBACK = ThemedColor("#6b7280", "#9ca3af")


class StatusColors(NamedTuple):
    text: ThemedColor
    background: ThemedColor
    border: ThemedColor


ERROR = StatusColors(
    ThemedColor("#b91c1c", "#fca5a5"),
    ThemedColor("#fef2f2", "#3a1d20"),
    ThemedColor("#fecaca", "#7f1d1d"),
)
WARNING = StatusColors(
    ThemedColor("#92400e", "#fcd34d"),
    ThemedColor("#fffbeb", "#352b14"),
    ThemedColor("#fde68a", "#78591a"),
)
INFO = StatusColors(
    ThemedColor("#1e40af", "#bfdbfe"),
    ThemedColor("#eff6ff", "#172236"),
    ThemedColor("#bfdbfe", "#1e3a8a"),
)
OK = StatusColors(
    ThemedColor("#166534", "#86efac"),
    ThemedColor("#f0fdf4", "#15291d"),
    ThemedColor("#bbf7d0", "#14532d"),
)
ACCENT = ThemedColor("#2563eb", "#60a5fa")
# Panels drawn as cards: in dark mode a card is lighter than the window, as light falls on it.
CARD = ThemedColor("#ffffff", "#262a32")
CARD_BORDER = ThemedColor("#e3e6ea", "#353a45")
# Line icons (toolbar) and muted secondary text.
ICON = ThemedColor("#374151", "#d1d5db")
MUTED_TEXT = ThemedColor("#6b7280", "#9ca3af")


def category_hex(category: str, dark: bool) -> str:
    return CATEGORY_COLORS.get(category, FALLBACK).pick(dark)


def category_color(category: str, dark: bool) -> QColor:
    return QColor(category_hex(category, dark))
