"""Choosing the sample to inspect: a page of the data set (test split by default), a sample
number, Open Image… for a PNG or JPEG file, or a file dropped onto the picker.

The picker shows pictures and reports choices; converting an opened image to the network's
input is the engine's job, and the conversion it did is shown here as text (`set_description`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from widgets.image_grid import ImageGrid

PAGE_SIZE = 32
COLUMNS = 8
CELL_PX = 30
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
SPLITS = (("test", "Test"), ("train", "Training"))
EMPTY_TEXT = "Load a data set (Data panel) to pick a sample, or open or drop a PNG/JPEG image."


def droppable_image(paths: list[str]) -> tuple[str | None, str]:
    """The first PNG/JPEG among dropped files, or None and a sentence saying why not."""
    for p in paths:
        if Path(p).suffix.lower() in IMAGE_SUFFIXES:
            return p, ""
    names = ", ".join(Path(p).name for p in paths) or "nothing"
    return None, f"Only PNG and JPEG images can be inspected; {names} is not one."


class SamplePicker(QWidget):
    sampleChosen = Signal(str, int)  # split ("test" | "train"), index  # noqa: N815
    fileChosen = Signal(str)  # path of a PNG/JPEG to convert  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._splits: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._class_names: list[str] = []
        self.setAcceptDrops(True)
        self.split_combo = QComboBox()
        for key, label in SPLITS:
            self.split_combo.addItem(label, key)
        self.split_combo.setToolTip("Which part of the data set to pick from (test by default: "
                                    "images the network never trained on)")
        self.index_spin = QSpinBox()
        self.index_spin.setToolTip("Sample number in the chosen split")
        self.index_spin.setKeyboardTracking(False)
        self.index_spin.setMaximumWidth(72)
        self.prev_button = QPushButton("<")
        self.prev_button.setToolTip("Previous page of samples")
        self.next_button = QPushButton(">")
        self.next_button.setToolTip("Next page of samples")
        for b in (self.prev_button, self.next_button):
            b.setFixedWidth(28)
        self.open_button = QPushButton("Open Image…")
        self.open_button.setToolTip("Inspect a PNG or JPEG file (you can also drop one here); it "
                                    "is resized and converted to the network's input")
        self.grid = ImageGrid(cell_target_px=CELL_PX)
        self.description = QLabel(EMPTY_TEXT)
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(self.split_combo)
        top.addWidget(QLabel("Sample"))
        top.addWidget(self.index_spin)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        top.addStretch(1)
        files = QHBoxLayout()
        files.addWidget(self.open_button)
        files.addWidget(QLabel("or drop a PNG/JPEG here"))
        files.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(files)
        layout.addWidget(self.grid)
        layout.addWidget(self.description)

        self._page = 0
        self.split_combo.currentIndexChanged.connect(self._on_split)
        self.index_spin.valueChanged.connect(self._on_index)
        self.prev_button.clicked.connect(lambda: self._turn(-1))
        self.next_button.clicked.connect(lambda: self._turn(1))
        self.open_button.clicked.connect(self.ask_open_image)
        self.grid.imageClicked.connect(self._on_grid_click)
        self._update_enabled()

    # ---- content -------------------------------------------------------------------
    def set_splits(self, splits: dict[str, tuple[np.ndarray, np.ndarray]],
                   class_names: list[str]) -> None:
        """{"test": (images (N, C, H, W), labels (N,)), "train": ...}; {} when no data."""
        self._splits = {k: v for k, v in splits.items() if len(v[0])}
        self._class_names = list(class_names)
        if self.split not in self._splits and self._splits:
            key = "test" if "test" in self._splits else next(iter(self._splits))
            self.split_combo.setCurrentIndex(self.split_combo.findData(key))
        self._page = 0
        self._refresh()

    @property
    def split(self) -> str:
        return str(self.split_combo.currentData())

    @property
    def index(self) -> int:
        return self.index_spin.value()

    def has_data(self) -> bool:
        return self.split in self._splits

    def set_description(self, text: str) -> None:
        self.description.setText(text)

    def label_of(self, split: str, index: int) -> tuple[int, str] | None:
        if split not in self._splits:
            return None
        label = int(self._splits[split][1][index])
        name = self._class_names[label] if label < len(self._class_names) else str(label)
        return label, name

    def choose(self, split: str, index: int) -> None:
        """Select a sample as if clicked (emits sampleChosen)."""
        at = self.split_combo.findData(split)
        if at >= 0 and at != self.split_combo.currentIndex():
            self.split_combo.setCurrentIndex(at)
        if self.index_spin.value() == index:
            self._emit()
        else:
            self.index_spin.setValue(index)

    # ---- internals -------------------------------------------------------------------
    def _refresh(self) -> None:
        if not self.has_data():
            self.grid.clear()
            self.index_spin.setRange(0, 0)
            self._update_enabled()
            return
        images, labels = self._splits[self.split]
        self.index_spin.blockSignals(True)
        self.index_spin.setRange(0, len(images) - 1)
        self.index_spin.blockSignals(False)
        start = self._page * PAGE_SIZE
        page = images[start:start + PAGE_SIZE]
        self.grid.set_images(list(page), (), COLUMNS)
        # No captions (they would not fit at this size): each image's tooltip names it.
        names = [self._name(int(y)) for y in labels[start:start + PAGE_SIZE]]
        self.grid.set_tooltips([f"#{start + i} {name}" for i, name in enumerate(names)])
        self._update_enabled()

    def _name(self, label: int) -> str:
        return self._class_names[label] if label < len(self._class_names) else str(label)

    def _update_enabled(self) -> None:
        data = self.has_data()
        total = len(self._splits[self.split][0]) if data else 0
        for w in (self.split_combo, self.index_spin):
            w.setEnabled(data)
        self.prev_button.setEnabled(data and self._page > 0)
        self.next_button.setEnabled(data and (self._page + 1) * PAGE_SIZE < total)

    def _turn(self, step: int) -> None:
        self._page = max(0, self._page + step)
        self._refresh()

    def _on_split(self, _index: int) -> None:
        self._page = 0
        self._refresh()
        if self.has_data():
            self.index_spin.setValue(0)
            self._emit()

    def _on_index(self, value: int) -> None:
        page = value // PAGE_SIZE
        if page != self._page:
            self._page = page
            self._refresh()
        self._emit()

    def _on_grid_click(self, cell: int) -> None:
        self.index_spin.setValue(self._page * PAGE_SIZE + cell)

    def _emit(self) -> None:
        if self.has_data():
            self.sampleChosen.emit(self.split, self.index_spin.value())

    def ask_open_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an image to inspect", "",
                                              "Images (*.png *.jpg *.jpeg)")
        if path:
            self.fileChosen.emit(path)

    # ---- drag and drop ----------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        path, why = droppable_image(paths)
        if path is None:
            self.set_description(why)
            event.ignore()
            return
        event.acceptProposedAction()
        self.fileChosen.emit(path)
