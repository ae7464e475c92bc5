"""Where the network looks: the saliency map over the sample, with the class it explains.

The class picker lists the data set's classes (the predicted one is chosen first); the
caption names the method ("Grad-CAM" on a conv layer, or plain gradient saliency for a
network without one) and the layer, as the engine reported them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from widgets.inspect.sample_view import SampleView

METHOD_NAMES = {"grad-cam": "Grad-CAM", "gradient": "Gradient saliency"}


def saliency_caption(method: str, layer: str | None, class_name: str) -> str:
    name = METHOD_NAMES.get(method, method)
    where = f" on {layer}" if layer else ""
    return f"{name}{where} for class “{class_name}”"


class SaliencyView(QWidget):
    classChosen = Signal(int)  # noqa: N815 - Qt naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.class_combo = QComboBox()
        self.class_combo.setToolTip("The class whose evidence is shown")
        self.class_combo.activated.connect(self._on_class)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.picture = SampleView()
        self.hint = QLabel("Bright = the pixels that raise this class's score most. Select a "
                           "conv layer on the canvas to explain it instead of the last one.")
        self.hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("Class"))
        top.addWidget(self.class_combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addWidget(self.picture)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def set_classes(self, names: Sequence[str]) -> None:
        current = self.class_combo.currentIndex()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItems([str(n) for n in names])
        if 0 <= current < len(names):
            self.class_combo.setCurrentIndex(current)
        self.class_combo.blockSignals(False)

    def set_saliency(self, sample: np.ndarray, input_hw: tuple[int, int], heat: np.ndarray,
                     method: str, layer: str | None, class_index: int) -> None:
        if 0 <= class_index < self.class_combo.count():
            self.class_combo.blockSignals(True)
            self.class_combo.setCurrentIndex(class_index)
            self.class_combo.blockSignals(False)
        name = self.class_combo.itemText(class_index) or str(class_index)
        self.caption.setText(saliency_caption(method, layer, name))
        self.picture.set_sample(sample, input_hw)
        self.picture.set_overlay(heat)

    def clear(self) -> None:
        self.caption.setText("")
        self.picture.clear()

    def _on_class(self, index: int) -> None:
        self.classChosen.emit(index)
