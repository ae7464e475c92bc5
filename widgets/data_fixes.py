"""Where the data and the network disagree: the mismatch in words and its one-click fixes,
shown in the Dataset panel, where the mismatch is made (a data set was just picked).

A view: it shows the analysis' errors and Fixes it is given and emits the Fix clicked.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from engine.analysis import Fix
from widgets.inspector_parts import FixButton, MessageBox


class DataFixes(QFrame):
    """Hidden while the network fits the data; else a warning box and a button per fix."""

    fixRequested = Signal(object)  # engine.analysis.Fix  # noqa: N815 - Qt naming

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self._dark = dark
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.box = MessageBox("warning", "", self, dark)
        self._layout.addWidget(self.box)
        self.buttons: list[FixButton] = []
        self.hide()

    def set_mismatch(self, problems: Sequence[str], fixes: Sequence[Fix]) -> None:
        """`problems`: the analysis errors the data check raised; `fixes`: their Fixes."""
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        self.box.label.setText("The network does not fit this data set: " + " ".join(problems)
                               if problems else "")
        for fix in fixes:
            button = FixButton(fix, self._dark, self)
            button.fixClicked.connect(self.fixRequested)
            self._layout.addWidget(button)
            self.buttons.append(button)
        self.setVisible(bool(problems or fixes))

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self.box.set_dark(dark)
