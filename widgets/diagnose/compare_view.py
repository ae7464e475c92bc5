"""The vanishing-gradient lab: two (or more) runs' gradient strips side by side and
their losses overlaid in distinct colours, each with its warning in words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from widgets.plots.base import TITLE_SIZE, PlotPanel, series_color, title_html
from widgets.plots.gradient_strip import GradientStrip

INTRO = ("Compare trains the deep Sigmoid MLP and its ReLU twin (8 hidden layers each) for "
         "one epoch on the bundled data and shows their gradient flow side by side.")


class LossOverlay(PlotPanel):
    """Loss per step of several runs, one colour each, keys in the title."""

    empty_text = "The runs' losses appear here."

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent, dark, object_name="lossOverlay")
        self.plot = self.add_plot("step")
        self.runs: list[tuple[str, np.ndarray, np.ndarray]] = []
        self.curves: list[pg.PlotDataItem] = []
        self.set_dark(dark)
        self.update_empty_state()

    def set_runs(self, runs: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
        self.runs = runs
        for curve in self.curves:
            self.plot.removeItem(curve)
        self.curves = [self.plot.plot() for _ in runs]
        self.mark_dirty()

    def has_content(self) -> bool:
        return bool(self.runs)

    def draw(self) -> None:
        for curve, (_name, x, y) in zip(self.curves, self.runs, strict=True):
            curve.setData(x, y)
        self.restyle(self.dark)

    def restyle(self, dark: bool) -> None:
        for i, curve in enumerate(self.curves):
            curve.setPen(pg.mkPen(series_color(i, dark), width=1.5))
        keys = [(c, name) for c, (name, _x, _y) in zip(self.curves, self.runs, strict=True)]
        self.plot.setTitle(title_html("Loss", keys, self.text_color()), size=TITLE_SIZE)


class CompareView(QWidget):
    compareRequested = Signal()  # noqa: N815

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.button = QPushButton("Compare Sigmoid vs ReLU")
        self.button.setToolTip("Train both deep MLP templates one after the other (about a minute)")
        self.button.clicked.connect(self.compareRequested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        self.intro = QLabel(INTRO)
        self.intro.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.button)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.intro, 3)
        self.strips = QHBoxLayout()
        self.columns: list[tuple[QLabel, GradientStrip]] = []
        self.loss = LossOverlay(dark=dark)
        self.loss.setMinimumHeight(170)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(self.strips, 3)
        layout.addWidget(self.loss, 2)
        self._dark = dark

    def show_busy(self, fraction: float, text: str) -> None:
        self.button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setValue(int(1000 * fraction))
        self.progress.setFormat(text or "Training…")

    def show_error(self, message: str) -> None:
        self.button.setEnabled(True)
        self.progress.setVisible(False)
        self.intro.setText(f"Compare failed: {message}")

    def show_runs(self, runs: list[dict[str, Any]], warnings: list[str]) -> None:
        self.button.setEnabled(True)
        self.progress.setVisible(False)
        while len(self.columns) < len(runs):
            label, strip = QLabel(), GradientStrip(dark=self._dark)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            column = QVBoxLayout()
            column.addWidget(label)
            column.addWidget(strip, 1)
            self.strips.addLayout(column)
            self.columns.append((label, strip))
        for (label, strip), run, warning in zip(self.columns, runs, warnings, strict=False):
            acc = run.get("val_acc")
            acc_text = "" if acc is None else f" · val acc {100 * acc:.1f}%"
            label.setText(f"<b>{run['name']}</b>{acc_text}<br>{warning or 'Gradients flow: no warning.'}")
            strip.title = run["name"]
            strip.set_history(run["layers"], run["steps"], run["grad_norm"])
        self.loss.set_runs([(r["name"], np.asarray(r["loss_steps"], float), np.asarray(r["loss"]))
                            for r in runs])

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self.loss.set_dark(dark)
        for _label, strip in self.columns:
            strip.set_dark(dark)
