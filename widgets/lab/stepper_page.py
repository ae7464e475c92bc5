"""A stepper page: a view with a layer choice, channel choices, and a step slider with play
(arrow keys step, Up/Down jump a row, Home/End, Space plays). It emits what the user picks;
the lab binding computes the frame and hands it to the view."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

PLAY_MS = 120  # one step every 120 ms while playing: slow enough to follow the window


class StepperPage(QWidget):
    layerChosen = Signal(str)  # noqa: N815 - node id
    channelChanged = Signal(int)  # noqa: N815
    inChannelChanged = Signal(int)  # noqa: N815
    stepChanged = Signal(int)  # noqa: N815

    def __init__(self, view: QWidget, channel_label: str | None = "Kernel",
                 in_channel_label: str | None = "Input channel", steps: bool = True,
                 layers: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.row_length = 1  # steps per output row, for Up / Down
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        top = QHBoxLayout()
        self.layer = QComboBox()
        self.layer.setToolTip("The layer of your network this view shows")
        self.layer.currentIndexChanged.connect(
            lambda _i: self.layerChosen.emit(self.layer.currentData() or ""))
        if layers:
            top.addWidget(QLabel("Layer"))
            top.addWidget(self.layer)
        else:
            self.layer.hide()
        self.channel = QSpinBox()
        self.channel.valueChanged.connect(self.channelChanged)
        if channel_label:
            self.channel.setToolTip(f"Which {channel_label.lower()} to show")
            top.addWidget(QLabel(channel_label))
            top.addWidget(self.channel)
        else:
            self.channel.hide()
        self.in_channel = QSpinBox()
        self.in_channel.valueChanged.connect(self.inChannelChanged)
        if in_channel_label:
            self.in_channel.setToolTip("Which input channel's products are written out")
            top.addWidget(QLabel(in_channel_label))
            top.addWidget(self.in_channel)
        else:
            self.in_channel.hide()
        self.top = top
        top.addStretch(1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(view, 1)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Output position (←/→ step, ↑/↓ a row, Space plays)")
        self.slider.valueChanged.connect(self.stepChanged)
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Move the window one position at a time (Space)")
        self.play.toggled.connect(self._on_play)
        self.timer = QTimer(self)
        self.timer.setInterval(PLAY_MS)
        self.timer.timeout.connect(self._tick)
        bottom = QHBoxLayout()
        bottom.addWidget(self.play)
        bottom.addWidget(self.slider, 1)
        if steps:
            layout.addLayout(bottom)
        else:
            self.play.hide()
            self.slider.hide()
        layout.addWidget(self.status)

    # ---- set by the binding ------------------------------------------------------------
    def set_layers(self, items: list[tuple[str, str]], current: str | None = None) -> None:
        """(node id, label) choices; keeps `current` selected when it is still there."""
        self.layer.blockSignals(True)
        self.layer.clear()
        for nid, label in items:
            self.layer.addItem(label, nid)
        if current is not None:
            index = self.layer.findData(current)
            self.layer.setCurrentIndex(max(index, 0))
        self.layer.blockSignals(False)

    def set_ranges(self, channels: int, in_channels: int, steps: int, row_length: int) -> None:
        for box, n in ((self.channel, channels), (self.in_channel, in_channels)):
            box.blockSignals(True)
            box.setRange(0, max(n - 1, 0))
            box.blockSignals(False)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(steps - 1, 0))
        self.slider.blockSignals(False)
        self.row_length = max(row_length, 1)

    def add_control(self, label: str, widget: QWidget) -> None:
        """A page-specific choice (curve, new random draw) in the top row."""
        at = self.top.count() - 1  # before the stretch
        if label:
            self.top.insertWidget(at, QLabel(label))
            at += 1
        self.top.insertWidget(at, widget)

    def current_layer(self) -> str:
        return self.layer.currentData() or ""

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    # ---- stepping ----------------------------------------------------------------------
    def step_by(self, delta: int) -> None:
        self.slider.setValue(min(max(self.slider.value() + delta, 0), self.slider.maximum()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        moves = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: self.row_length,
                 Qt.Key.Key_Up: -self.row_length}
        if key in moves:
            self.step_by(moves[key])
        elif key == Qt.Key.Key_Home:
            self.slider.setValue(0)
        elif key == Qt.Key.Key_End:
            self.slider.setValue(self.slider.maximum())
        elif key == Qt.Key.Key_Space:
            self.play.toggle()
        else:
            super().keyPressEvent(event)

    def _on_play(self, on: bool) -> None:
        self.play.setText("Pause" if on else "Play")
        if on and self.slider.value() >= self.slider.maximum():
            self.slider.setValue(0)
        (self.timer.start if on else self.timer.stop)()

    def _tick(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.play.setChecked(False)
            return
        self.step_by(1)
