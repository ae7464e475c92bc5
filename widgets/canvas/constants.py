"""Named sizes, z-values and colours of the canvas, in one place (CONVENTIONS 11)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor

from widgets.colors import ACCENT, CATEGORY_COLORS, FALLBACK

# ---- geometry (scene pixels at 100% zoom) -------------------------------------------
NODE_WIDTH = 170.0
NODE_HEIGHT = 64.0
NODE_RADIUS = 8.0
STRIPE_WIDTH = 5.0
TEXT_LEFT = 16.0  # text starts after the stripe with some air
TEXT_RIGHT = 10.0
LINE_HEIGHT = 16.0
TEXT_TOP = 8.0
PORT_RADIUS = 4.5
PORT_HIT_RADIUS = 11.0  # generous: ports are small targets
SHADOW_OFFSET = 2.0
# Painted area around the card: ports stick out by their radius, plus the selection glow.
NODE_MARGIN = 8.0

GRID_STEP = 10.0  # snap grid
DOT_STEP = 20.0  # background dots, every second grid line
MIN_DOT_SPACING_PX = 14.0  # dots closer than this on screen are thinned out

EDGE_WIDTH = 1.6
EDGE_SELECTED_WIDTH = 2.6
EDGE_HIT_WIDTH = 10.0
LABEL_PAD_X = 4.0
LABEL_GAP = 3.0  # between a link and its shape label
LABEL_HEIGHT = 15.0
# A link that spans several rows and would run straight through the nodes between its
# ends goes round them in a side lane this far outside the node edge.
LANE_MIN_SPAN = 150.0
LANE_MARGIN = 28.0

ZOOM_MIN = 0.1
ZOOM_MAX = 4.0
ZOOM_STEP = 1.25
# Below this zoom the three text lines are unreadable; cards show a big title instead.
LOD_SIMPLE = 0.6
# Below LOD_SIMPLE a card shows its title and output shape in big type; the shape line is
# dropped below this zoom (two lines no longer fit legibly), text below this screen size.
BIG_SHAPE_MIN_LOD = 0.3
BIG_TEXT_MIN_SCREEN_PX = 7.0
DRAG_THRESHOLD = 3.0  # pixels before a press on a node becomes a move
MESSAGE_MS = 3500
SCENE_EXTENT = 100_000.0  # the view may pan this far from the origin
PIXMAP_CACHE_KB = 128 * 1024  # item caches of a large graph at high zoom

# ---- z order -------------------------------------------------------------------------
Z_EDGE = 0.0
Z_EDGE_SELECTED = 1.0
Z_NODE = 10.0
Z_NODE_SELECTED = 11.0
Z_LINK_PREVIEW = 20.0
Z_GHOST = 25.0
Z_RUBBER_BAND = 30.0
Z_MESSAGE = 40.0

# ---- fonts (pixel sizes, so text is the same size on every platform) ------------------
TITLE_PX = 12
BODY_PX = 11
LABEL_PX = 10
MESSAGE_PX = 12


@dataclass(frozen=True)
class Colours:
    """One theme. Items keep a reference and repaint when the scene swaps it."""

    dark: bool
    background: QColor
    dots: QColor
    card: QColor
    card_border: QColor
    shadow: QColor
    text: QColor
    muted: QColor
    shape_text: QColor
    accent: QColor  # selection
    error: QColor
    error_fill: QColor
    warning: QColor
    ok: QColor  # port highlight: can connect
    port_fill: QColor
    edge: QColor
    label_text: QColor
    rubber_fill: QColor
    message_fill: QColor
    message_text: QColor
    categories: dict[str, QColor]
    fallback: QColor  # a category the shared table does not know yet

    def category(self, name: str) -> QColor:
        return self.categories.get(name) or self.fallback


def _categories(dark: bool) -> dict[str, QColor]:
    """The palette's and inspector's category colours, so a layer looks the same everywhere."""
    return {name: QColor(colour.pick(dark)) for name, colour in CATEGORY_COLORS.items()}


def _c(hex_rgb: str, alpha: int = 255) -> QColor:
    colour = QColor(hex_rgb)
    colour.setAlpha(alpha)
    return colour


LIGHT = Colours(
    dark=False,
    background=_c("#f4f5f7"),
    dots=_c("#c9ced6"),
    card=_c("#ffffff"),
    card_border=_c("#d6dae1"),
    shadow=_c("#0f172a", 22),
    text=_c("#1f2328"),
    muted=_c("#6b7280"),
    shape_text=_c("#111827"),
    accent=_c(ACCENT.light),
    error=_c("#d92d20"),
    error_fill=_c("#fff4f2"),
    warning=_c("#d97706"),
    ok=_c("#16a34a"),
    port_fill=_c("#ffffff"),
    edge=_c("#8f97a3"),
    label_text=_c("#4b5563"),
    rubber_fill=_c(ACCENT.light, 28),
    message_fill=_c("#1f2328", 235),
    message_text=_c("#ffffff"),
    categories=_categories(dark=False),
    fallback=_c(FALLBACK.light),
)

DARK = Colours(
    dark=True,
    background=_c("#171a1f"),
    dots=_c("#2e333c"),
    card=_c("#262a32"),
    card_border=_c("#393e49"),
    shadow=_c("#000000", 70),
    text=_c("#e7e9ec"),
    muted=_c("#9aa0a9"),
    shape_text=_c("#f3f4f6"),
    accent=_c(ACCENT.dark),
    error=_c("#f87171"),
    error_fill=_c("#3b2326"),
    warning=_c("#fbbf24"),
    ok=_c("#4ade80"),
    port_fill=_c("#262a32"),
    edge=_c("#6b7280"),
    label_text=_c("#c4c8ce"),
    rubber_fill=_c(ACCENT.dark, 36),
    message_fill=_c("#f3f4f6", 240),
    message_text=_c("#111827"),
    categories=_categories(dark=True),
    fallback=_c(FALLBACK.dark),
)


def with_alpha(colour: QColor, alpha: int) -> QColor:
    out = QColor(colour)
    out.setAlpha(alpha)
    return out


def mix(base: QColor, tint: QColor, amount: float) -> QColor:
    """`amount` of `tint` over `base` (opaque)."""
    keep = 1.0 - amount
    return QColor(round(base.red() * keep + tint.red() * amount),
                  round(base.green() * keep + tint.green() * amount),
                  round(base.blue() * keep + tint.blue() * amount))


def colours_for(dark: bool) -> Colours:
    return DARK if dark else LIGHT
