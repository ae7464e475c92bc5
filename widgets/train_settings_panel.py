"""The training settings form: edits the project's TrainSettings record.

`set_settings(record)` shows a record without emitting; every edit emits
`settingsChanged(dict)` with the whole record (the app stores it in the project). Fields
the form cannot show exactly (a hand-edited seed beyond 32-bit, say) are passed through
unchanged, because only the edited field is written back.

No torch here: whether CUDA works is told by the app (`set_cuda_available`) once the
engine has been imported in the background.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QValidator
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.training.settings import SettingsError, TrainSettings
from widgets.colors import ERROR, MUTED_TEXT
from widgets.param_editors import INT_LIMIT, ComboBox, DoubleSpinBox, SpinBox
from widgets.theme import is_dark

OPTIMIZER_CHOICES = (("SGD with momentum", "sgd"), ("Adam", "adam"), ("AdamW", "adamw"))
LOSS_CHOICES = (("Cross-entropy (softmax + log loss)", "cross_entropy"),
                ("Multi-class hinge (SVM)", "hinge"), ("MSE on one-hot", "mse"))
SCHEDULE_CHOICES = (("Constant", "none"), ("Step decay", "step"), ("Cosine to zero", "cosine"))
DEVICE_CHOICES = (("CPU", "cpu"), ("CUDA GPU", "cuda"))

TIPS = {
    "optimizer": "How the weights move along their gradients.\n"
                 "SGD: w ← w − lr·v, where v is the momentum-averaged gradient.\n"
                 "Adam: a per-weight step size from running gradient statistics; a robust default.\n"
                 "AdamW: Adam with decoupled weight decay (0.01).",
    "lr": "Learning rate: the size of each update.\nToo high and the loss jumps or becomes NaN; "
          "too low and it creeps.\nTypical: 0.01–0.1 for SGD, 0.001 for Adam.\n"
          "The arrows step through 1, 2, 5 × 10ⁿ; any value can be typed.",
    "momentum": "SGD only: the share of the previous update carried into the next (0.9 is usual).\n"
                "It smooths noisy gradients and speeds up travel along long valleys.",
    "l2": "L2 penalty strength λ:  loss = data loss + λ·Σ‖W‖²\n"
          "summed over convolution and dense weights (not biases).\n"
          "Larger λ keeps the weights small against overfitting; 0 turns it off.\n"
          "The plots show the data loss and the penalty apart.",
    "loss": "Cross-entropy: softmax turns scores into probabilities; loss = −log p(true class).\n"
            "Multi-class hinge (SVM): Σ over wrong classes of max(0, s_j − s_true + 1).\n"
            "MSE: mean squared difference between the raw scores and the one-hot target.",
    "schedule": "How the learning rate changes during the run.\nConstant: lr throughout.\n"
                "Step decay: multiply by γ every N epochs.\nCosine: glide from lr down to 0 "
                "over the whole run.",
    "step_size": "Step decay: epochs between learning-rate cuts.",
    "gamma": "Step decay: the factor applied at each cut (0.5 halves the rate).",
    "batch_size": "Samples per update. Larger batches give smoother gradients and faster "
                  "epochs,\nbut fewer updates per epoch.",
    "epochs": "Passes over the training set.",
    "device": "Where training runs. CUDA needs an NVIDIA GPU and a CUDA build of PyTorch.",
    "threads": "CPU threads PyTorch may use while training.\nAuto: one per core, less one "
               "that keeps the window responsive\n(the command line's Auto uses every core).",
    "seed": "Seeds the shuffling, dropout and augmentation:\nthe same seed, settings and data "
            "give the same training.",
}
CUDA_CHECKING = "Checking for a CUDA GPU…"
CUDA_MISSING = "No CUDA GPU is available on this machine (or PyTorch was built without CUDA)."


def log_ladder(minimum: float, maximum: float) -> list[float]:
    """1-2-5 steps per decade between the bounds: 1e-4, 2e-4, 5e-4, 1e-3, ..."""
    values = []
    for exponent in range(math.floor(math.log10(minimum)), math.ceil(math.log10(maximum)) + 1):
        for mantissa in (1, 2, 5):
            value = float(f"{mantissa}e{exponent}")  # exact decimal, not 2*10**-4 drift
            if minimum <= value <= maximum:
                values.append(value)
    return values


class LogSpinBox(DoubleSpinBox):
    """A number spanning decades: arrows step 1-2-5 per decade, text shows 0.001 / 1e-05."""

    def __init__(self, minimum: float, maximum: float, allow_zero: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ladder = ([0.0] if allow_zero else []) + log_ladder(minimum, maximum)
        self.setDecimals(12)  # the range check rounds to this; text formatting is ours
        self.setRange(0.0 if allow_zero else minimum, maximum)
        self.setKeyboardTracking(False)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:  # noqa: D102 - Qt override
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            partial = stripped == "" or stripped[-1] in ".eE-+"
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        value = self.value()
        for _ in range(abs(steps)):
            if steps > 0:
                value = next((v for v in self._ladder if v > value * (1 + 1e-9)), value)
            else:
                value = next((v for v in reversed(self._ladder) if v < value * (1 - 1e-9)), value)
        self.setValue(value)


class TrainSettingsPanel(QWidget):
    settingsChanged = Signal(dict)  # the whole record, TrainSettings field names  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainSettingsPanel")
        self._record: dict[str, Any] = TrainSettings().to_dict()
        self.editors: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(6)
        self.cuda_available: bool | None = None  # None: not known yet

        self._section("Optimisation")
        self._combo("optimizer", "Optimizer", OPTIMIZER_CHOICES)
        self._add("lr", "Learning rate", LogSpinBox(1e-6, 10.0))
        momentum = DoubleSpinBox()
        momentum.setRange(0.0, 0.999)
        momentum.setDecimals(3)
        momentum.setSingleStep(0.05)
        self._add("momentum", "Momentum", momentum)
        self._add("l2", "L2 penalty λ", LogSpinBox(1e-6, 1.0, allow_zero=True))
        self._combo("loss", "Loss", LOSS_CHOICES)
        self._section("Learning-rate schedule")
        self._combo("schedule", "Schedule", SCHEDULE_CHOICES)
        self._add("step_size", "Every (epochs)", self._int_spin(1, 10_000))
        gamma = DoubleSpinBox()
        gamma.setRange(0.001, 10.0)
        gamma.setDecimals(3)
        gamma.setSingleStep(0.1)
        self._add("gamma", "Multiply by γ", gamma)
        self._section("Run")
        self._add("batch_size", "Batch size", self._int_spin(1, 1 << 20))
        self._add("epochs", "Epochs", self._int_spin(1, 100_000))
        self._combo("device", "Device", DEVICE_CHOICES)
        threads = self._int_spin(0, 1024)
        threads.setSpecialValueText("Auto")
        self._add("threads", "CPU threads", threads)
        self._add("seed", "Seed", self._int_spin(0, INT_LIMIT))

        self.error = QLabel()
        self.error.setObjectName("trainSettingsError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.note = QLabel()
        self.note.setObjectName("trainSettingsNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self.reset_button = QPushButton("Reset to Defaults")
        self.reset_button.setToolTip("Put every training setting back to its default value")
        self.reset_button.clicked.connect(self._reset)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        layout.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.set_cuda_available(None)
        self.set_dark(is_dark())
        self._show(self._record)

    # ---- building ------------------------------------------------------------------
    def _section(self, title: str) -> None:
        label = QLabel(title)
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
        label.setContentsMargins(0, 6 if self.form.rowCount() else 0, 0, 0)
        self.form.addRow(label)

    @staticmethod
    def _int_spin(minimum: int, maximum: int) -> SpinBox:
        spin = SpinBox()
        spin.setRange(minimum, maximum)
        spin.setKeyboardTracking(False)
        spin.setAccelerated(True)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        return spin

    def _combo(self, key: str, label: str, choices: tuple[tuple[str, str], ...]) -> None:
        combo = ComboBox()
        # Long entries ("Cross-entropy (softmax + log loss)") must not set the dock's width.
        combo.setSizeAdjustPolicy(ComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        for text, value in choices:
            combo.addItem(text, value)
        self._add(key, label, combo)

    def _add(self, key: str, label: str, editor: QWidget) -> None:
        editor.setObjectName(f"train_{key}")
        editor.setToolTip(TIPS[key])
        editor.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if isinstance(editor, ComboBox):
            editor.currentIndexChanged.connect(lambda _i, k=key: self._edited(k))
        else:
            if isinstance(editor, DoubleSpinBox) and not isinstance(editor, LogSpinBox):
                editor.setKeyboardTracking(False)
                editor.setAlignment(Qt.AlignmentFlag.AlignRight)
            editor.valueChanged.connect(lambda _v, k=key: self._edited(k))
        self.editors[key] = editor
        self.form.addRow(label, editor)
        self.form.labelForField(editor).setToolTip(TIPS[key])

    # ---- record in / out -------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """The record as shown (a copy)."""
        return dict(self._record)

    def set_settings(self, record: dict[str, Any] | None) -> None:
        """Show a project's record (missing keys take defaults) without emitting."""
        merged = TrainSettings().to_dict()
        merged.update(record or {})
        self._record = merged
        self._show(merged)

    def _show(self, record: dict[str, Any]) -> None:
        for key, editor in self.editors.items():
            value = record.get(key)
            with QSignalBlocker(editor):
                if isinstance(editor, ComboBox):
                    index = editor.findData(value)
                    if index >= 0:
                        editor.setCurrentIndex(index)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    editor.setValue(value)  # type: ignore[attr-defined]
        self._update_enabled()
        self._validate()

    def _edited(self, key: str) -> None:
        editor = self.editors[key]
        if isinstance(editor, ComboBox):
            self._record[key] = editor.currentData()
        elif isinstance(editor, SpinBox):
            self._record[key] = int(editor.value())
        else:
            self._record[key] = float(editor.value())  # type: ignore[attr-defined]
        self._update_enabled()
        self._validate()
        self.settingsChanged.emit(dict(self._record))

    def _reset(self) -> None:
        self.set_settings(None)
        self.settingsChanged.emit(dict(self._record))

    def _update_enabled(self) -> None:
        sgd = self._record.get("optimizer") == "sgd"
        self.editors["momentum"].setEnabled(sgd)
        step = self._record.get("schedule") == "step"
        for key in ("step_size", "gamma"):
            self.form.setRowVisible(self.editors[key], step)

    def _validate(self) -> None:
        try:
            TrainSettings.from_dict(self._record)
        except SettingsError as exc:
            self.error.setText(str(exc))
            self.error.show()
        else:
            self.error.hide()

    # ---- from the app ----------------------------------------------------------------
    def set_cuda_available(self, available: bool | None) -> None:
        """None while unknown. The CUDA entry stays selectable only when it can work, but
        a project that asks for CUDA keeps showing it (the Train error then says why)."""
        self.cuda_available = available
        combo = self.editors["device"]
        assert isinstance(combo, ComboBox)
        item = combo.model().item(combo.findData("cuda"))  # type: ignore[attr-defined]
        item.setEnabled(bool(available))
        item.setToolTip("" if available else CUDA_CHECKING if available is None else CUDA_MISSING)

    def set_note(self, text: str) -> None:
        """A muted line under the form, e.g. that edits apply to the next run."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def set_dark(self, dark: bool) -> None:
        self.error.setStyleSheet(f"color: {ERROR.text.pick(dark)};")
        self.note.setStyleSheet(f"color: {MUTED_TEXT.pick(dark)};")
