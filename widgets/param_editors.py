"""One editor widget per parameter kind, generated from a layer's `Param` declarations.

Every editor emits `valueEdited(value)` with the value in its stored form (int, float, bool,
str, or an (h, w) tuple / "same" / "valid" for padding) on each change, so the canvas
updates while the user types. `set_value` shows a value without emitting: it is how undo
and other external changes reach the editor.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from engine.layers.spec import BOOL, CHOICE, FLOAT, INT, PADDING, PADDING_WORDS, PAIR, Param
from widgets.icons import icon

INT_LIMIT = 2**31 - 1  # QSpinBox is a 32-bit int
PADDING_NUMBER = "number"
# Narrow docks: a per-axis box needs room for "H 64", not for the 32-bit range Qt sizes it to.
AXIS_SPIN_WIDTH = 54


class _NoWheelMixin:
    """Scrolling the inspector must not change the value under the pointer by accident:
    only a focused box takes wheel steps."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if self.hasFocus():  # type: ignore[attr-defined]
            super().wheelEvent(event)  # type: ignore[misc]
        else:
            event.ignore()


class SpinBox(_NoWheelMixin, QSpinBox):
    pass


class DoubleSpinBox(_NoWheelMixin, QDoubleSpinBox):
    pass


class ComboBox(_NoWheelMixin, QComboBox):
    pass


def _bounds(param: Param) -> tuple[int, int]:
    lo = int(param.minimum) if param.minimum is not None else -INT_LIMIT
    hi = int(param.maximum) if param.maximum is not None else INT_LIMIT
    return max(lo, -INT_LIMIT), min(hi, INT_LIMIT)


def _int_spin(param: Param, parent: QWidget) -> SpinBox:
    spin = SpinBox(parent)
    spin.setRange(*_bounds(param))
    spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    spin.setAccelerated(True)
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    spin.setToolTip(param.help)
    return spin


class ParamEditor(QWidget):
    """Base: a row editor for one Param."""

    valueEdited = Signal(object)
    # The same edit with the param name, so one slot can serve every row.
    namedValueEdited = Signal(str, object)

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.param = param
        self.valueEdited.connect(self._emit_named)
        self.setToolTip(param.help)
        self.setAccessibleName(param.label)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def _emit(self, value: Any) -> None:
        # A slot, not a signal-to-signal connection: valueChanged(int) cannot feed a
        # Signal(object) directly in PySide6.
        self.valueEdited.emit(value)

    def _emit_named(self, value: Any) -> None:
        self.namedValueEdited.emit(self.param.name, value)

    def value(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_value(self, value: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_dark(self, dark: bool) -> None:
        """Recolour any icons; most editors have none."""


class IntEditor(ParamEditor):
    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.spin = _int_spin(param, self)
        self.spin.valueChanged.connect(self._emit)
        self._layout.addWidget(self.spin)

    def value(self) -> int:
        return self.spin.value()

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.spin):
            self.spin.setValue(int(value))


class FloatEditor(ParamEditor):
    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.spin = DoubleSpinBox(self)
        lo = param.minimum if param.minimum is not None else -1e9
        hi = param.maximum if param.maximum is not None else 1e9
        # Probabilities and slopes live in [0, 1]: two decimals read well, finer steps for
        # small defaults (a 0.01 slope) and 0.05 steps for probabilities.
        text = repr(float(param.default))
        self.spin.setDecimals(min(max(2, len(text.split(".")[-1])), 4))
        if hi <= 1:
            step = 0.01 if float(param.default) < 0.05 else 0.05
        else:
            step = 0.1
        self.spin.setRange(lo, hi)
        self.spin.setSingleStep(step)
        self.spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.spin.setToolTip(param.help)
        self.spin.valueChanged.connect(self._on_changed)
        self._layout.addWidget(self.spin)

    def _on_changed(self, value: float) -> None:
        self.valueEdited.emit(float(value))

    def value(self) -> float:
        return float(self.spin.value())

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.spin):
            self.spin.setValue(float(value))


class BoolEditor(ParamEditor):
    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.check = QCheckBox(self)
        self.check.setToolTip(param.help)
        self.check.toggled.connect(self._emit)
        self._layout.addWidget(self.check)
        self._layout.addStretch(1)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.check):
            self.check.setChecked(bool(value))


class ChoiceEditor(ParamEditor):
    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.combo = ComboBox(self)
        self.combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.combo.addItems(list(param.choices))
        self.combo.setToolTip(param.help)
        self.combo.currentTextChanged.connect(self._emit)
        self._layout.addWidget(self.combo, 1)

    def value(self) -> str:
        return self.combo.currentText()

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.combo):
            self.combo.setCurrentText(str(value))


def _as_pair(value: Any) -> tuple[int, int]:
    if isinstance(value, list | tuple):
        return int(value[0]), int(value[1])
    return int(value), int(value)


class PairEditor(ParamEditor):
    """Height and width spin boxes with a link toggle: while linked, one number sets both."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        self.h_spin = _int_spin(param, self)
        self.w_spin = _int_spin(param, self)
        self.h_spin.setPrefix("H ")
        self.w_spin.setPrefix("W ")
        self.h_spin.setToolTip(f"{param.help} (height)")
        self.w_spin.setToolTip(f"{param.help} (width)")
        for spin in (self.h_spin, self.w_spin):
            spin.setMinimumWidth(AXIS_SPIN_WIDTH)
        self.link_button = QToolButton(self)
        self.link_button.setCheckable(True)
        self.link_button.setChecked(True)
        self.link_button.setAutoRaise(True)
        self.link_button.setIconSize(QSize(16, 16))
        self.link_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._dark = False
        self._update_link_look()
        self.h_spin.valueChanged.connect(self._on_h)
        self.w_spin.valueChanged.connect(self._on_w)
        self.link_button.toggled.connect(self._on_link_toggled)
        times = QLabel("\u00d7", self)
        times.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.h_spin, 1)
        self._layout.addWidget(times)
        self._layout.addWidget(self.w_spin, 1)
        self._layout.addWidget(self.link_button)

    @property
    def linked(self) -> bool:
        return self.link_button.isChecked()

    def set_linked(self, linked: bool) -> None:
        self.link_button.setChecked(linked)

    def value(self) -> tuple[int, int]:
        return self.h_spin.value(), self.w_spin.value()

    def set_value(self, value: Any) -> None:
        h, w = _as_pair(value)
        with QSignalBlocker(self.h_spin), QSignalBlocker(self.w_spin):
            self.h_spin.setValue(h)
            self.w_spin.setValue(w)
        if h != w and self.linked:
            with QSignalBlocker(self.link_button):
                self.link_button.setChecked(False)
            self._update_link_look()

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self._update_link_look()

    def _on_h(self, h: int) -> None:
        if self.linked:
            with QSignalBlocker(self.w_spin):
                self.w_spin.setValue(h)
        self.valueEdited.emit(self.value())

    def _on_w(self, w: int) -> None:
        if self.linked:
            with QSignalBlocker(self.h_spin):
                self.h_spin.setValue(w)
        self.valueEdited.emit(self.value())

    def _on_link_toggled(self, linked: bool) -> None:
        self._update_link_look()
        # Re-linking unequal axes makes them equal at once (height wins), so the toggle's
        # promise "one number sets both" holds from the moment it is on.
        if linked and self.h_spin.value() != self.w_spin.value():
            self._on_h(self.h_spin.value())

    def _update_link_look(self) -> None:
        linked = self.link_button.isChecked()
        self.link_button.setIcon(icon("link" if linked else "unlink", self._dark))
        self.link_button.setToolTip(
            "Height and width linked: one number sets both. Click to set them separately."
            if linked else "Height and width set separately. Click to link them.")


class PaddingEditor(ParamEditor):
    """A mode (number / same / valid) plus the per-axis numbers, shown in number mode only."""

    def __init__(self, param: Param, parent: QWidget | None = None) -> None:
        super().__init__(param, parent)
        # Stacked, not side by side: mode + two axes + link do not fit one narrow row.
        self._layout.setDirection(QBoxLayout.Direction.TopToBottom)
        self.mode_combo = ComboBox(self)
        self.mode_combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.mode_combo.addItems([PADDING_NUMBER, *PADDING_WORDS])
        self.mode_combo.setToolTip(
            "number: explicit zeros per side; same: keep height and width (stride 1); "
            "valid: no padding")
        self.pair = PairEditor(param, self)
        default = param.coerce(param.default)
        if not isinstance(default, str):
            # Switching from 'same' to number should start from a sensible pair, not 0x0.
            self.pair.set_value(default)
        self.mode_combo.currentTextChanged.connect(self._on_mode)
        self.pair.valueEdited.connect(self._on_pair)
        self._layout.addWidget(self.mode_combo)
        self._layout.addWidget(self.pair)
        self._show_mode()

    def mode(self) -> str:
        return self.mode_combo.currentText()

    def value(self) -> Any:
        mode = self.mode()
        return self.pair.value() if mode == PADDING_NUMBER else mode

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self.mode_combo):
            if isinstance(value, str):
                self.mode_combo.setCurrentText(value)
            else:
                self.mode_combo.setCurrentText(PADDING_NUMBER)
                self.pair.set_value(value)
        self._show_mode()

    def set_dark(self, dark: bool) -> None:
        self.pair.set_dark(dark)

    def _show_mode(self) -> None:
        self.pair.setVisible(self.mode() == PADDING_NUMBER)

    def _on_mode(self, _mode: str) -> None:
        self._show_mode()
        self.valueEdited.emit(self.value())

    def _on_pair(self, pair: tuple[int, int]) -> None:
        if self.mode() == PADDING_NUMBER:
            self.valueEdited.emit(pair)


EDITORS: dict[str, type[ParamEditor]] = {
    INT: IntEditor, FLOAT: FloatEditor, BOOL: BoolEditor, CHOICE: ChoiceEditor,
    PAIR: PairEditor, PADDING: PaddingEditor,
}


def make_editor(param: Param, parent: QWidget | None = None) -> ParamEditor:
    """The editor for `param`'s kind; raises KeyError naming an unknown kind."""
    try:
        cls = EDITORS[param.kind]
    except KeyError:
        raise KeyError(f"No editor for parameter kind {param.kind!r} ({param.label})") from None
    return cls(param, parent)
