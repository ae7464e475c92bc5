"""A compact table of images per class (train / test) with a faint bar behind each count,
so an unbalanced data set is visible at a glance."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

COUNT_COLUMN_WIDTH = 84
MAX_ROWS_SHOWN = 10  # more classes (CIFAR-100) scroll inside the table


class _BarDelegate(QStyledItemDelegate):
    """A bar as long as the count relative to the column's largest, under the number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = QColor()
        self.maximum = 1

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.UserRole)
        if isinstance(value, int) and self.maximum > 0:
            r = option.rect.adjusted(2, 3, -2, -3)
            bar = QRect(r.left(), r.top(), int(r.width() * value / self.maximum), r.height())
            painter.save()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.color)
            painter.drawRoundedRect(bar, 2, 2)
            painter.restore()
        super().paint(painter, option, index)


class ClassCountsTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        for col, title in enumerate(("Class", "Train", "Test")):
            item = QTableWidgetItem(title)
            align = Qt.AlignmentFlag.AlignLeft if col == 0 else Qt.AlignmentFlag.AlignRight
            item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            self.setHorizontalHeaderItem(col, item)
        self.verticalHeader().hide()
        self.setShowGrid(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.setColumnWidth(col, COUNT_COLUMN_WIDTH)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self._bars = (_BarDelegate(self), _BarDelegate(self))
        self.setItemDelegateForColumn(1, self._bars[0])
        self.setItemDelegateForColumn(2, self._bars[1])

    def set_counts(self, names: Sequence[str], train: Sequence[int], test: Sequence[int]) -> None:
        self.setRowCount(len(names))
        for row, name in enumerate(names):
            self.setItem(row, 0, QTableWidgetItem(name))
            for col, value in ((1, train[row]), (2, test[row])):
                item = QTableWidgetItem(f"{value:,}")
                item.setData(Qt.ItemDataRole.UserRole, int(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, item)
        self._bars[0].maximum = max(train, default=1)
        self._bars[1].maximum = max(test, default=1)
        shown = min(len(names), MAX_ROWS_SHOWN)
        self.setFixedHeight(self.horizontalHeader().height() + 4
                            + shown * self.verticalHeader().defaultSectionSize())

    def set_bar_color(self, color: QColor) -> None:
        for delegate in self._bars:
            delegate.color = color
        self.viewport().update()
