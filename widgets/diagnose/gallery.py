"""A titled, scrollable grid of sample images with captions; clicking one emits
openSample(image_index) with the image's index in its split (to open it in the
inspection views)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from widgets.image_grid import ImageGrid

COLUMNS = 8


class SampleGallery(QWidget):
    openSample = Signal(int)  # noqa: N815 - Qt naming: the image's index in its split

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.title = QLabel(empty_text)
        self.title.setWordWrap(True)
        self.grid = ImageGrid()
        self.grid.setToolTip("Click an image to inspect it")
        self.grid.imageClicked.connect(self._clicked)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)
        self.indices: list[int] = []

    def show_samples(self, title: str, images: Sequence[np.ndarray], captions: Sequence[str],
                     indices: Sequence[int]) -> None:
        self.title.setText(title)
        self.indices = [int(i) for i in indices]
        self.grid.set_images(list(images), list(captions), columns=COLUMNS)

    def clear(self) -> None:
        self.title.setText(self.empty_text)
        self.indices = []
        self.grid.clear()

    def _clicked(self, position: int) -> None:
        if 0 <= position < len(self.indices):
            self.openSample.emit(self.indices[position])
