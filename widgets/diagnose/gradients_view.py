"""Gradient flow view: a warning in words, the layer x step gradient strip with its
curves, and below it one layer's weight and activation histograms at a chosen moment
(a slider over the snapshots) beside the dead-ReLU fractions. A view: the app feeds it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSlider, QSplitter, QVBoxLayout, QWidget

from widgets.colors import WARNING
from widgets.plots.dead_units import DeadUnitsPlot
from widgets.plots.gradient_strip import GradientStrip
from widgets.plots.histogram import HistogramPlot
from widgets.staged import run_to_end


class GradientsView(QWidget):
    layerChosen = Signal(str)  # noqa: N815
    snapshotChosen = Signal(int)  # noqa: N815

    def __init__(self, parent: QWidget | None = None, dark: bool = False,
                 staged: bool = False) -> None:
        """`staged`: its plots are built by driving `self.build` (widgets/staged.py), and
        nothing else may be called before that has ended."""
        super().__init__(parent)
        self.setObjectName("gradientsView")
        self.build = self._build(dark)
        if not staged:
            run_to_end(self.build)

    def _build(self, dark: bool) -> Iterator[None]:
        self.warning = QLabel()
        self.warning.setObjectName("gradientWarning")
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        self.strip = GradientStrip(dark=dark)
        yield
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("The layer whose histograms are shown")
        self.layer_box.currentTextChanged.connect(self._layer_changed)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Scrub through the histogram snapshots of this run")
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self.snapshotChosen)
        self.when = QLabel("No snapshots yet")
        self.weights = HistogramPlot(dark=dark, title="Weights")
        yield
        self.activations = HistogramPlot(dark=dark, title="Activations")
        yield
        self.dead = DeadUnitsPlot(dark=dark)
        yield
        picker = QHBoxLayout()
        picker.addWidget(QLabel("Layer"))
        picker.addWidget(self.layer_box)
        picker.addWidget(self.slider, 1)
        picker.addWidget(self.when)
        lower = QSplitter(Qt.Orientation.Horizontal)
        for plot in (self.weights, self.activations, self.dead):
            lower.addWidget(plot)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addLayout(picker)
        below_layout.addWidget(lower, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.strip)
        split.addWidget(below)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.warning)
        layout.addWidget(split, 1)
        self.set_dark(dark)

    def _layer_changed(self, name: str) -> None:
        if name:
            self.layerChosen.emit(name)

    def set_warning(self, text: str) -> None:
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    def set_layers(self, layers: Sequence[str]) -> None:
        """Layers offered for histograms (keeps the chosen one when it still exists)."""
        current = self.layer_box.currentText()
        if [self.layer_box.itemText(i) for i in range(self.layer_box.count())] == list(layers):
            return
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItems(list(layers))
        if current in layers:
            self.layer_box.setCurrentText(current)
        self.layer_box.blockSignals(False)

    def set_snapshots(self, count: int, follow: bool = True) -> None:
        """`count` snapshots exist; following the newest unless the user scrubbed back."""
        at_end = self.slider.value() >= self.slider.maximum()
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        if follow and at_end:
            self.slider.setValue(max(0, count - 1))
        self.slider.blockSignals(False)

    def set_when(self, text: str) -> None:
        self.when.setText(text)

    def clear(self) -> None:
        self.set_warning("")
        self.strip.clear()
        self.weights.clear()
        self.activations.clear()
        self.dead.clear()
        self.set_snapshots(0)
        self.slider.setValue(0)
        self.when.setText("No snapshots yet")

    def set_dark(self, dark: bool) -> None:
        w = WARNING
        self.warning.setStyleSheet(
            f"QLabel {{ color: {w.text.pick(dark)}; background: {w.background.pick(dark)}; "
            f"border: 1px solid {w.border.pick(dark)}; border-radius: 6px; padding: 6px 10px; }}")
        for plot in (self.strip, self.weights, self.activations, self.dead):
            plot.set_dark(dark)
