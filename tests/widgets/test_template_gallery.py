from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from engine.templates import DEFAULT_TEMPLATE, list_templates, load_template
from widgets.template_gallery import TemplateGallery, format_count, thumbnail_pixmap


def test_lists_every_template_in_order(qtbot) -> None:  # noqa: ANN001
    gallery = TemplateGallery()
    qtbot.addWidget(gallery)
    keys = [gallery.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(gallery.list.count())]
    assert keys == [t.key for t in list_templates()]
    assert all(card.description and card.params > 0 for card in gallery.cards)


def test_current_template_is_preselected_and_open_returns_it(qtbot) -> None:  # noqa: ANN001
    gallery = TemplateGallery(current=DEFAULT_TEMPLATE)
    qtbot.addWidget(gallery)
    assert gallery.selected_key() == DEFAULT_TEMPLATE
    gallery.show()
    gallery.buttons.button(QDialogButtonBox.StandardButton.Open).click()
    assert gallery.result() == QDialog.DialogCode.Accepted
    assert gallery.selected_key() == DEFAULT_TEMPLATE


def test_double_click_accepts_that_card(qtbot) -> None:  # noqa: ANN001
    gallery = TemplateGallery()
    qtbot.addWidget(gallery)
    gallery.show()
    item = gallery.list.item(2)
    gallery.list.setCurrentItem(item)
    gallery.list.itemDoubleClicked.emit(item)
    assert gallery.result() == QDialog.DialogCode.Accepted
    assert gallery.selected_key() == list_templates()[2].key


def test_cancel_returns_nothing(qtbot, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(TemplateGallery, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert TemplateGallery.choose(None) is None


def test_thumbnail_draws_a_box_per_node(qtbot) -> None:  # noqa: ANN001
    graph = load_template("residual_small").graph
    image = thumbnail_pixmap(graph, QSize(90, 160), QColor("white")).toImage()
    coloured_rows = {y for y in range(image.height()) for x in range(image.width())
                     if QColor(image.pixel(x, y)).saturation() > 80}
    assert len(coloured_rows) > 40  # many node boxes, not an empty card


def test_format_count() -> None:
    assert format_count(950) == "950"
    assert format_count(31_000) == "31 k"
    assert format_count(3_274_634) == "3.3 M"
