""""New from Template": a gallery of the bundled example networks as cards.

Each card shows a small diagram of the template's graph (a box per node at its position,
a line per edge, coloured by layer category), its name, the one-sentence description and
its size. Double-click or Open accepts; `TemplateGallery.choose(parent)` returns the key.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from engine.analysis import analyse
from engine.graph import Graph
from engine.templates import TemplateInfo, list_templates, load_template
from widgets.colors import category_color

CARD_SIZE = QSize(372, 168)
CARD_SPACING = 12
CARD_RADIUS = 10.0
THUMB_WIDTH = 92
# Graph units of one node box on the canvas; used to keep thumbnail boxes in proportion.
NODE_WIDTH = 160.0
NODE_HEIGHT = 44.0
ROLE_CARD = Qt.ItemDataRole.UserRole + 1

@dataclass(frozen=True)
class TemplateCard:
    key: str
    name: str
    description: str
    graph: Graph
    layer_count: int
    params: int


def load_cards(templates: list[TemplateInfo] | None = None) -> list[TemplateCard]:
    cards = []
    for info in templates if templates is not None else list_templates():
        project = load_template(info.key)
        analysis = analyse(project.graph)
        cards.append(TemplateCard(info.key, info.name, info.description, project.graph,
                                  len(project.graph.nodes), analysis.total_params))
    return cards


def format_count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} M"
    if n >= 10_000:
        return f"{n / 1000:.0f} k"
    return f"{n:,}"


def draw_graph_thumbnail(painter: QPainter, rect: QRectF, graph: Graph, dark: bool = False) -> None:
    """Boxes at node positions and lines for edges, scaled into `rect`.

    x and y scale separately: templates are tall single columns, and a uniform scale would
    squash every box to a sliver. Row order and side branches stay readable either way.
    """
    if not graph.nodes:
        return
    xs = [n.position[0] for n in graph.nodes.values()]
    ys = [n.position[1] for n in graph.nodes.values()]
    span_x = max(xs) - min(xs) + NODE_WIDTH
    span_y = max(ys) - min(ys) + NODE_HEIGHT * 2
    sx = rect.width() / span_x
    sy = rect.height() / span_y
    box_w = NODE_WIDTH * sx
    box_h = max(2.0, min(NODE_HEIGHT * sy, 14.0))

    def centre(node_id: str) -> QPointF:
        x, y = graph.nodes[node_id].position
        return QPointF(rect.left() + (x - min(xs) + NODE_WIDTH / 2) * sx,
                       rect.top() + (y - min(ys) + NODE_HEIGHT) * sy)

    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    edge_pen = QPen(QColor(128, 128, 128, 170), 1.2)
    painter.setPen(edge_pen)
    for edge in graph.edges:
        a, b = centre(edge.source), centre(edge.target)
        if abs(a.x() - b.x()) < 0.5:
            painter.drawLine(a, b)
        else:  # a skip connection: a soft curve, like the canvas draws it
            path = QPainterPath(a)
            mid_y = (a.y() + b.y()) / 2
            path.cubicTo(QPointF(a.x(), mid_y), QPointF(b.x(), mid_y), b)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    radius = min(3.0, box_h / 2)
    for node in graph.nodes.values():
        c = centre(node.id)
        painter.setBrush(category_color(node.spec.category, dark))
        painter.drawRoundedRect(QRectF(c.x() - box_w / 2, c.y() - box_h / 2, box_w, box_h),
                                radius, radius)
    painter.restore()


class _CardDelegate(QStyledItemDelegate):
    """Paints one template as a rounded card: diagram left, text right.

    Colours come from the dialog's palette, not the option's: the list view's own
    background is made transparent, which would turn the option's Base colour invisible."""

    def __init__(self, palette_source: QWidget) -> None:
        super().__init__(palette_source)
        self._palette_source = palette_source

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        return CARD_SIZE

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        card: TemplateCard = index.data(ROLE_CARD)
        pal: QPalette = self._palette_source.palette()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        r = QRectF(option.rect).adjusted(4, 4, -4, -4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        base = pal.color(QPalette.ColorRole.Base)
        accent = pal.color(QPalette.ColorRole.Highlight)
        border = QColor(pal.color(QPalette.ColorRole.Mid))
        if selected:
            border = accent
        elif hovered:
            border = pal.color(QPalette.ColorRole.Dark)
        painter.setPen(QPen(border, 2.0 if selected else 1.0))
        painter.setBrush(base)
        painter.drawRoundedRect(r, CARD_RADIUS, CARD_RADIUS)

        thumb = QRectF(r.left() + 10, r.top() + 10, THUMB_WIDTH, r.height() - 20)
        tint = QColor(pal.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(tint)
        painter.drawRoundedRect(thumb, 6, 6)
        dark = pal.color(QPalette.ColorRole.Window).lightness() < 128
        draw_graph_thumbnail(painter, thumb.adjusted(14, 8, -14, -8), card.graph, dark)

        text_left = thumb.right() + 14
        text_w = r.right() - 12 - text_left
        title_font = QFont(option.font)
        title_font.setBold(True)
        title_font.setPointSizeF(option.font.pointSizeF() * 1.12)
        painter.setFont(title_font)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        title_rect = QRectF(text_left, r.top() + 12, text_w, 22)
        title = painter.fontMetrics().elidedText(card.name, Qt.TextElideMode.ElideRight, int(text_w))
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)

        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.92)
        painter.setFont(small)
        muted = QColor(pal.color(QPalette.ColorRole.Text))
        muted.setAlphaF(0.72)
        painter.setPen(muted)
        desc_rect = QRectF(text_left, title_rect.bottom() + 4, text_w, r.bottom() - 34 - title_rect.bottom())
        painter.drawText(desc_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                        | Qt.TextFlag.TextWordWrap), card.description)

        muted.setAlphaF(0.55)
        painter.setPen(muted)
        footer = f"{card.layer_count} layers  ·  {format_count(card.params)} parameters"
        painter.drawText(QRectF(text_left, r.bottom() - 28, text_w, 18),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, footer)
        painter.restore()


class TemplateGallery(QDialog):
    """Pick a bundled template. `selected_key()` is the chosen key after `exec()`."""

    def __init__(self, parent: QWidget | None = None, cards: list[TemplateCard] | None = None,
                 current: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateGallery")
        self.setWindowTitle("New from Template")
        self.cards = cards if cards is not None else load_cards()

        heading = QLabel("Start from a template")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        heading.setFont(font)
        hint = QLabel("Pick a network to begin with. Every layer can be changed afterwards.")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setSpacing(CARD_SPACING // 2)
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMouseTracking(True)  # hover outline
        self.list.setFrameShape(QListWidget.Shape.NoFrame)
        self.list.setItemDelegate(_CardDelegate(self))
        # Cards paint their own background; the view keeps the window colour behind them.
        self.list.setStyleSheet("QListWidget { background: transparent; }")
        for card in self.cards:
            item = QListWidgetItem()
            item.setData(ROLE_CARD, card)
            item.setData(Qt.ItemDataRole.UserRole, card.key)
            item.setToolTip(f"<b>{html.escape(card.name)}</b><br>{html.escape(card.description)}")
            item.setSizeHint(CARD_SIZE)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{card.name}. {card.description}")
            self.list.addItem(item)
        self.list.itemDoubleClicked.connect(self.accept)
        self.list.itemActivated.connect(self.accept)  # Enter on a card

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(self._update_open_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addSpacing(8)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)

        columns = 2
        rows = (len(self.cards) + columns - 1) // columns
        cell_w = CARD_SIZE.width() + CARD_SPACING
        cell_h = CARD_SIZE.height() + CARD_SPACING
        self.resize(columns * cell_w + 64, min(rows, 3) * cell_h + 136)
        self.select_key(current or (self.cards[0].key if self.cards else None))

    def select_key(self, key: str | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.list.setCurrentRow(row)
                return
        self._update_open_button()

    def selected_key(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_open_button(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(
            self.list.currentItem() is not None)

    @classmethod
    def choose(cls, parent: QWidget | None = None, current: str | None = None) -> str | None:
        """Show the gallery modally; the chosen template key, or None on Cancel."""
        dialog = cls(parent, current=current)
        try:
            return dialog.selected_key() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def thumbnail_pixmap(graph: Graph, size: QSize, background: QColor | None = None,
                     dark: bool = False) -> QPixmap:
    """The same diagram as a standalone pixmap (for tooltips, docs)."""
    pixmap = QPixmap(size)
    pixmap.fill(background if background is not None else QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    try:
        draw_graph_thumbnail(painter, QRectF(0, 0, size.width(), size.height()).adjusted(6, 6, -6, -6),
                             graph, dark)
    finally:
        painter.end()
    return pixmap
