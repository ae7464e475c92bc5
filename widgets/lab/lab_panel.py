"""The Learn panel: one tab per lab view and, above them, the sample every view uses (an
index into the test split of the data set the Dataset panel holds)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from widgets.image_grid import to_qimage
from widgets.lab.loss_view import LossPage
from widgets.lab.stepper_page import StepperPage

THUMB_PX = 40


class LabPanel(QWidget):
    sampleChanged = Signal(int)  # noqa: N815 - test-split index
    viewChanged = Signal(str)  # noqa: N815 - view key

    def __init__(self, pages: Mapping[str, QWidget], titles: Mapping[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = dict(pages)
        self.sample = QSpinBox()
        self.sample.setToolTip("Which test image every view of the lab uses")
        self.sample.setRange(0, 0)
        self.sample.valueChanged.connect(self.sampleChanged)
        self.thumb = QLabel()
        self.thumb.setFixedSize(QSize(THUMB_PX, THUMB_PX))
        self.sample_text = QLabel("No data set yet")
        self.note = QLabel("")
        self.note.setToolTip("Whose weights the views use")
        top = QHBoxLayout()
        top.addWidget(QLabel("Test sample"))
        top.addWidget(self.sample)
        top.addWidget(self.thumb)
        top.addWidget(self.sample_text, 1)
        top.addWidget(self.note)
        self.save_png = QPushButton("Save as PNG…")
        self.save_png.setToolTip("Save the view shown as a PNG picture")
        self.save_png.clicked.connect(self._save_clicked)
        top.addWidget(self.save_png)
        self.lesson = QLabel("")
        self.lesson.setWordWrap(True)
        self.lesson.setObjectName("lessonText")
        self.lesson.setTextFormat(Qt.TextFormat.RichText)
        self.lesson.hide()
        self.tabs = QTabWidget()
        self._keys: list[str] = []
        for key, page in self.pages.items():
            self.tabs.addTab(page, titles.get(key, key))
            self._keys.append(key)
        self.tabs.currentChanged.connect(lambda i: self.viewChanged.emit(self.current_view()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.lesson)
        layout.addWidget(self.tabs, 1)

    def ask_png_path(self) -> str | None:
        """The file to save the view to (tests replace this instead of a dialog)."""
        path, _ = QFileDialog.getSaveFileName(self, "Save View as PNG",
                                              f"lab-{self.current_view()}.png",
                                              "PNG pictures (*.png)")
        if not path:
            return None
        return path if path.lower().endswith(".png") else f"{path}.png"

    def _save_clicked(self) -> None:
        path = self.ask_png_path()
        if path:
            self.save_view(path)

    def save_view(self, path: str) -> bool:
        """The current tab's drawing as a PNG; False (and a sentence in the note) on failure."""
        page = self.tabs.currentWidget()
        widget = page.view if isinstance(page, StepperPage | LossPage) else page
        ok = widget.grab().save(path, "PNG")
        if not ok:
            self.note.setText(f"Could not write '{path}'; pick a folder you can write to.")
        return ok

    def current_view(self) -> str:
        i = self.tabs.currentIndex()
        return self._keys[i] if 0 <= i < len(self._keys) else ""

    def show_view(self, key: str) -> None:
        if key in self._keys:
            self.tabs.setCurrentIndex(self._keys.index(key))

    def set_sample_range(self, count: int) -> None:
        self.sample.blockSignals(True)
        self.sample.setRange(0, max(count - 1, 0))
        self.sample.blockSignals(False)

    def set_sample(self, index: int, image: np.ndarray | None, text: str) -> None:
        self.sample.blockSignals(True)
        self.sample.setValue(index)
        self.sample.blockSignals(False)
        self.sample_text.setText(text)
        if image is None:
            self.thumb.clear()
            return
        q: QImage = to_qimage(image, max(1, THUMB_PX // max(image.shape[-2:])))
        self.thumb.setPixmap(QPixmap.fromImage(q).scaled(
            THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio))

    def set_lesson(self, title: str, sentences: tuple[str, ...] | list[str]) -> None:
        """The open lesson's few plain sentences above the views ('' title: none)."""
        if not title:
            self.lesson.hide()
            return
        self.lesson.setText(f"<b>{escape(title)}.</b> " + " ".join(escape(s) for s in sentences))
        self.lesson.show()

    def set_note(self, text: str) -> None:
        self.note.setText(text)
