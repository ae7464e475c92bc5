"""The layer palette: every registered layer type, grouped by category, searchable.

Drag an entry onto the canvas (the drag carries only the type id under LAYER_MIME), or
double-click / press Enter to ask the app to add it after the selected node.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QDrag, QFont, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.layers import LayerSpec, specs_by_category
from widgets.colors import MUTED_TEXT
from widgets.icons import icon, layer_icon
from widgets.mime import LAYER_MIME
from widgets.theme import is_dark, theme_notifier

TYPE_ROLE = Qt.ItemDataRole.UserRole
SPEC_ROLE = Qt.ItemDataRole.UserRole + 1
ICON_SIZE = 22
GROUP_ROW_HEIGHT = 30  # headers get more air than layer rows, so groups read as groups
DRAG_PIXMAP_SIZE = 32


def layer_mime_data(type_id: str) -> QMimeData:
    """The drag payload: the layer type id, UTF-8, under LAYER_MIME (plus plain text)."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_id.encode("utf-8"))
    mime.setText(type_id)
    return mime


def layer_tooltip(spec: LayerSpec) -> str:
    """Rich-text tooltip: the one-sentence summary and the default key parameters."""
    defaults = spec.defaults()
    key = spec.key_params(defaults)
    lines = [f"<b>{html.escape(spec.title)}</b> <i>({html.escape(spec.category)})</i>",
             html.escape(spec.summary)]
    if key:
        lines.append(f"Defaults: {html.escape(key)}")
    elif spec.params:
        shown = ", ".join(f"{p.label.lower()} {_plain(defaults[p.name])}" for p in spec.params)
        lines.append(f"Defaults: {html.escape(shown)}")
    return "<p style='white-space:pre-wrap'>" + "<br>".join(lines) + "</p>"


def _plain(value: object) -> str:
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


def matches(spec: LayerSpec, query: str) -> bool:
    """Every word of the query must appear in the title, type id, summary or category."""
    haystack = " ".join((spec.title, spec.type_id, spec.summary, spec.category)).lower()
    return all(word in haystack for word in query.lower().split())


class _LayerTree(QTreeWidget):
    """QTreeWidget that starts its own copy-only drag (the default one could MOVE the item
    out of the palette) and turns Enter into an add request."""

    addRequested = Signal(str)

    def startDrag(self, _actions: Qt.DropAction) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        type_id = item.data(0, TYPE_ROLE) if item is not None else None
        if not type_id:
            return
        drag = QDrag(self)
        drag.setMimeData(layer_mime_data(type_id))
        pixmap = item.icon(0).pixmap(DRAG_PIXMAP_SIZE, DRAG_PIXMAP_SIZE)
        drag.setPixmap(pixmap)
        drag.setHotSpot(QPoint(pixmap.width() // 2, pixmap.height() // 2))
        drag.exec(Qt.DropAction.CopyAction)

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [LAYER_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:  # noqa: N802 - Qt override
        ids = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        return layer_mime_data(ids[0] if ids else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        item = self.currentItem()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and item is not None:
            type_id = item.data(0, TYPE_ROLE)
            if type_id:
                self.addRequested.emit(type_id)
                return
        super().keyPressEvent(event)


class _SearchBox(QLineEdit):
    """Escape clears; Down moves into the list; Enter adds the first match."""

    escaped = Signal()
    down = Signal()
    accepted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.escaped.emit()
            return
        if key == Qt.Key.Key_Down:
            self.down.emit()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accepted.emit()
            return
        super().keyPressEvent(event)


class LayerPalette(QWidget):
    addRequested = Signal(str)  # layer type id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LayerPalette")
        self._dark = is_dark()
        self._items: dict[str, QTreeWidgetItem] = {}
        self._groups: dict[str, QTreeWidgetItem] = {}
        # Collapsed state chosen by the user, restored when a search is cleared.
        self._user_collapsed: set[str] = set()

        self.search = _SearchBox(self)
        self.search.setPlaceholderText("Search layers  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search layers")
        self.search.textChanged.connect(self.set_filter)
        self.search.down.connect(self._focus_first)
        self.search.accepted.connect(self._add_first)
        self._search_icon = self.search.addAction(
            icon("search", self._dark), QLineEdit.ActionPosition.LeadingPosition)

        # Window-wide Ctrl+F; the main window should not bind Find to anything else.
        self.search_action = QAction("Find Layer", self)
        self.search_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.search_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.search_action.triggered.connect(self.focus_search)
        self.addAction(self.search_action)

        self.tree = _LayerTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(False)
        self.tree.setAnimated(True)
        self.tree.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.itemDoubleClicked.connect(self._on_double_click)
        self.tree.itemClicked.connect(self._on_click)
        self.tree.itemCollapsed.connect(self._on_collapsed)
        self.tree.itemExpanded.connect(self._on_expanded)
        self.tree.addRequested.connect(self.addRequested)

        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty.setWordWrap(True)
        self.empty.setContentsMargins(12, 24, 12, 12)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.stack, 1)

        self._populate()
        self._apply_colors()
        theme_notifier().themeChanged.connect(self.set_dark)

    # ---- public ----------------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        """Show only layers matching `text` (all words); empty text shows everything."""
        query = text.strip()
        if self.search.text() != text:
            # Called from code: put the text in the box, whose textChanged calls back here.
            self.search.setText(text)
            return
        any_visible = False
        for category, group in self._groups.items():
            group_visible = False
            for i in range(group.childCount()):
                child = group.child(i)
                spec_ok = not query or matches(child.data(0, SPEC_ROLE), query)
                child.setHidden(not spec_ok)
                group_visible |= spec_ok
            group.setHidden(not group_visible)
            if query:
                group.setExpanded(group_visible)
            else:
                group.setExpanded(category not in self._user_collapsed)
            any_visible |= group_visible
        if any_visible:
            self.stack.setCurrentWidget(self.tree)
        else:
            self.empty.setText(
                f"<p><b>No layer matches '{html.escape(query)}'</b></p>"
                f"<p style='color:{MUTED_TEXT.pick(self._dark)}'>Try a name like conv, pool or "
                f"relu, or a category like activation. Press Esc to clear.</p>"
            )
            self.stack.setCurrentWidget(self.empty)

    def visible_type_ids(self) -> list[str]:
        """Type ids currently shown (in palette order)."""
        out = []
        for group in self._groups.values():
            if group.isHidden():
                continue
            for i in range(group.childCount()):
                child = group.child(i)
                if not child.isHidden():
                    out.append(child.data(0, TYPE_ROLE))
        return out

    def categories(self) -> dict[str, list[str]]:
        """Category -> type ids, as grouped in the palette."""
        return {c: [g.child(i).data(0, TYPE_ROLE) for i in range(g.childCount())]
                for c, g in self._groups.items()}

    def item_for(self, type_id: str) -> QTreeWidgetItem:
        return self._items[type_id]

    def is_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def empty_text(self) -> str:
        return self.empty.text()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def set_dark(self, dark: bool) -> None:
        """Recolour icons and headers for the theme."""
        self._dark = dark
        self._apply_colors()
        if self.is_empty_state():
            self.set_filter(self.search.text())

    # ---- building --------------------------------------------------------------------
    def _populate(self) -> None:
        header_font = QFont(self.font())
        header_font.setBold(True)
        header_font.setPointSizeF(max(header_font.pointSizeF() - 0.5, 8))
        header_font.setCapitalization(QFont.Capitalization.AllUppercase)
        header_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
        for category, specs in specs_by_category().items():
            if not specs:
                continue
            group = QTreeWidgetItem(self.tree, [category])
            group.setFont(0, header_font)
            # Headers are not layers: they cannot be dragged, selected or added.
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setSizeHint(0, QSize(0, GROUP_ROW_HEIGHT))
            self._groups[category] = group
            for spec in specs:
                item = QTreeWidgetItem(group, [spec.title])
                item.setData(0, TYPE_ROLE, spec.type_id)
                item.setData(0, SPEC_ROLE, spec)
                item.setToolTip(0, layer_tooltip(spec))
                item.setStatusTip(0, spec.summary)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsDragEnabled)
                self._items[spec.type_id] = item
            group.setExpanded(True)

    def _apply_colors(self) -> None:
        # The list sits on the window colour, like a sidebar, instead of a white well.
        pal = self.tree.palette()
        pal.setColor(QPalette.ColorRole.Base, self.palette().color(QPalette.ColorRole.Window))
        self.tree.setPalette(pal)
        self.tree.viewport().setPalette(pal)  # the style sheet polish gives it its own copy
        muted = MUTED_TEXT.pick(self._dark)
        for group in self._groups.values():
            group.setForeground(0, QBrush(QColor(muted)))
            self._set_chevron(group)
        for type_id, item in self._items.items():
            item.setIcon(0, layer_icon(type_id, self._dark))
        self._search_icon.setIcon(icon("search", self._dark))

    def _set_chevron(self, group: QTreeWidgetItem) -> None:
        # Top-level rows have no branch arrow (root decoration is off to save width), so
        # the header's own icon shows whether the group is open.
        group.setIcon(0, icon("chevron-down" if group.isExpanded() else "chevron-right", self._dark))

    # ---- slots -----------------------------------------------------------------------
    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        type_id = item.data(0, TYPE_ROLE)
        if type_id:
            self.addRequested.emit(type_id)

    def _on_click(self, item: QTreeWidgetItem, _column: int) -> None:
        # A single click on a header toggles it: there is no branch arrow to aim at.
        if not item.data(0, TYPE_ROLE):
            item.setExpanded(not item.isExpanded())

    def _on_collapsed(self, item: QTreeWidgetItem) -> None:
        self._set_chevron(item)
        if not self.search.text().strip():
            self._user_collapsed.add(item.text(0))

    def _on_expanded(self, item: QTreeWidgetItem) -> None:
        self._set_chevron(item)
        if not self.search.text().strip():
            self._user_collapsed.discard(item.text(0))

    def _focus_first(self) -> None:
        ids = self.visible_type_ids()
        if ids:
            self.tree.setCurrentItem(self._items[ids[0]])
            self.tree.setFocus()

    def _add_first(self) -> None:
        ids = self.visible_type_ids()
        current = self.tree.currentItem()
        chosen = current.data(0, TYPE_ROLE) if current is not None and not current.isHidden() else None
        if chosen in ids:
            self.addRequested.emit(chosen)
        elif ids:
            self.addRequested.emit(ids[0])
