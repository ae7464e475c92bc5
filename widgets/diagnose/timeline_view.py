"""Timeline: per epoch, a layer's filters and the chosen sample's feature maps; the slider
scrubs through the run's epochs. A view: the app hands it the snapshots."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from widgets.image_grid import ImageGrid

EMPTY_TEXT = "Snapshots of the filters and of a sample's feature maps appear here at each epoch's end."
COLUMNS = 16


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


class TimelineView(QWidget):
    sampleChosen = Signal(int)  # noqa: N815 - the validation image for the next snapshots

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineView")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip("Scrub through the run's epochs")
        self.slider.valueChanged.connect(lambda _v: self._show())
        self.epoch_label = QLabel(EMPTY_TEXT)
        self.filter_layer = QComboBox()
        self.filter_layer.setToolTip("The convolution whose filters are shown")
        self.map_layer = QComboBox()
        self.map_layer.setToolTip("The layer whose feature maps are shown")
        for box in (self.filter_layer, self.map_layer):
            box.currentTextChanged.connect(lambda _t: self._show())
        self.sample_box = QSpinBox()
        self.sample_box.setRange(0, 1_000_000)
        self.sample_box.setToolTip("Validation image whose feature maps are kept (next epochs)")
        self.sample_box.valueChanged.connect(self.sampleChosen)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Epoch"))
        bar.addWidget(self.slider, 1)
        bar.addWidget(self.epoch_label)
        bar.addWidget(QLabel("Sample"))
        bar.addWidget(self.sample_box)
        self.filters = ImageGrid()
        self.maps = ImageGrid()
        row = QHBoxLayout()
        for title, box, grid in (("Filters of", self.filter_layer, self.filters),
                                 ("Feature maps of", self.map_layer, self.maps)):
            column = QVBoxLayout()
            head = QHBoxLayout()
            head.addWidget(QLabel(title))
            head.addWidget(box, 1)
            column.addLayout(head)
            column.addWidget(_scroll(grid), 1)
            row.addLayout(column, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(row, 1)
        self.snapshots: list[dict[str, Any]] = []

    def set_snapshots(self, snapshots: list[dict[str, Any]]) -> None:
        at_end = self.slider.value() >= self.slider.maximum()
        self.snapshots = snapshots
        self._fill(self.filter_layer, [k for s in snapshots for k in s["filters"]])
        # Feature maps of images only (C, H, W): a vector per layer is no picture.
        self._fill(self.map_layer, [k for s in snapshots for k, v in s["maps"].items() if v.ndim == 3])
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(snapshots) - 1))
        if at_end:
            self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self._show()

    @staticmethod
    def _fill(box: QComboBox, names: list[str]) -> None:
        unique = list(dict.fromkeys(names))
        if [box.itemText(i) for i in range(box.count())] != unique:
            current = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(unique)
            if current in unique:
                box.setCurrentText(current)
            box.blockSignals(False)

    def _show(self) -> None:
        if not self.snapshots:
            self.epoch_label.setText(EMPTY_TEXT)
            self.filters.clear()
            self.maps.clear()
            return
        snap = self.snapshots[min(self.slider.value(), len(self.snapshots) - 1)]
        self.epoch_label.setText(f"epoch {snap['epoch']} of {self.snapshots[-1]['epoch']}")
        kernels = snap["filters"].get(self.filter_layer.currentText())
        self.filters.set_images(list(kernels) if kernels is not None else [],
                                columns=COLUMNS)
        maps = snap["maps"].get(self.map_layer.currentText())
        self.maps.set_images(list(maps) if maps is not None and maps.ndim == 3 else [],
                             columns=COLUMNS)
