"""The Dataset panel: pick a data set, see what is in it, set its preprocessing.

It shows and emits; it owns no state. The app layer (app/panels/data/binding.py) loads data sets,
feeds them in with `set_dataset`, and stores the user's choices in the project. The
preprocessing settings travel as the plain dict of engine.data.Preprocessing.to_dict(),
so this module stays free of torch (which that class imports).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.data import ArrayDataset, DataSource
from widgets.class_counts import ClassCountsTable
from widgets.colors import ACCENT, CARD, CARD_BORDER, ERROR, MUTED_TEXT
from widgets.data_fixes import DataFixes
from widgets.image_grid import ImageGrid
from widgets.inspector_parts import MessageBox, card, muted_label
from widgets.theme import is_dark, theme_notifier

OPEN_ITEM = "Open folder or file…"
SAMPLES_PER_CLASS = 4
MAX_GRID_CLASSES = 10  # CIFAR-100 would need 400 thumbnails; the first ten rows tell enough
MAX_SEED = 2**31 - 1
SPIN_WIDTH = 110
MODES = (  # (engine key, label, formula, what it does)
    ("none", "None", "<i>x′</i> = <i>x</i>",
     "pixels as stored (0–255 for 8-bit images); large inputs can make training unstable"),
    ("scale", "Scale to 0–1", "<i>x′</i> = <i>x</i> / 255", "every pixel scaled to the range 0 to 1"),
    ("mean_subtract", "Mean subtraction", "<i>x′</i> = <i>x</i> − μ<sub>c</sub>",
     "each channel centred on 0, with its mean μ over the training images"),
    ("standardise", "Standardisation", "<i>x′</i> = (<i>x</i> − μ<sub>c</sub>) / σ<sub>c</sub>",
     "each channel to mean 0 and standard deviation 1"),
)
DEFAULT_PREPROCESSING = {"mode": "standardise", "flip": False, "crop_padding": 0,
                         "val_fraction": 0.1, "seed": 0}

_STYLE = """
QFrame#card {{ background: {card}; border: 1px solid {border}; border-radius: 8px; }}
QFrame#card QLabel {{ background: transparent; }}
QLabel#muted {{ color: {muted}; }}
QLabel#datasetName {{ font-weight: bold; font-size: 12pt; }}
QTableWidget {{ background: transparent; border: none; }}
QProgressBar {{ max-height: 4px; border: none; background: {border}; }}
QProgressBar::chunk {{ background: {accent}; }}
"""


def fmt_shape(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape)


def summary_text(ds: ArrayDataset) -> str:
    classes = "class" if ds.num_classes == 1 else "classes"
    return (f"Samples: {fmt_shape(ds.image_shape)} · {ds.num_classes} {classes} · "
            f"{len(ds.x_train):,} train / {len(ds.x_test):,} test")


def stats_text(mean: Sequence[float], std: Sequence[float]) -> str:
    def values(v: Sequence[float]) -> str:
        return f"{v[0]:.3f}" if len(v) == 1 else "(" + ", ".join(f"{x:.3f}" for x in v) + ")"
    return f"Training images per channel: μ = {values(mean)}, σ = {values(std)}"


def sample_rows(ds: ArrayDataset, per_class: int = SAMPLES_PER_CLASS,
                max_classes: int = MAX_GRID_CLASSES) -> list[tuple[str, list[np.ndarray]]]:
    """The first `per_class` training images of each of the first `max_classes` classes."""
    rows = []
    for k, name in enumerate(ds.class_names[:max_classes]):
        where = np.flatnonzero(ds.y_train == k)[:per_class]
        rows.append((name, [ds.x_train[i] for i in where]))
    return [r for r in rows if r[1]]


def _left(editor: QWidget, width: int = SPIN_WIDTH) -> QHBoxLayout:
    """A compact editor at the start of its form row (a number needs no 250 px)."""
    editor.setFixedWidth(width)
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(editor)
    row.addStretch(1)
    return row


class DatasetPanel(QWidget):
    sourceChosen = Signal(object)  # DataSource picked from the list  # noqa: N815 - Qt naming
    openRequested = Signal()  # "Open folder or file…" picked  # noqa: N815
    preprocessingChanged = Signal(object)  # dict, Preprocessing.to_dict() keys  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DatasetPanel")
        self._dark = is_dark()
        self._sources: list[DataSource | None] = []  # per combo row; None for the separator
        self._current: DataSource | None = None
        self._train_count = 0
        self._stats: tuple[Sequence[float], Sequence[float]] | None = None

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget(scroll)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(10, 10, 10, 10)
        lay.setSpacing(10)

        self.combo = QComboBox(page)
        self.combo.setObjectName("sourceCombo")
        self.combo.activated.connect(self._on_combo_activated)
        lay.addWidget(self.combo)
        self.busy = QProgressBar(page)
        self.busy.setRange(0, 0)  # indeterminate: a load reports no progress
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = muted_label("", page)
        self.status.hide()
        self.error = MessageBox("error", "", page, self._dark)
        self.error.hide()
        self.empty = muted_label("No dataset loaded yet. Choose one above, or open a folder "
                                 "or .npz file of your own.", page)
        self.fixes = DataFixes(page, self._dark)  # the network vs this data, with fixes
        for w in (self.busy, self.status, self.error, self.fixes, self.empty):
            lay.addWidget(w)

        self.info_card, info = card(page)
        self.name = QLabel("", self.info_card)
        self.name.setObjectName("datasetName")
        self.summary = QLabel("", self.info_card)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flow = muted_label("", self.info_card)
        for w in (self.name, self.summary, self.flow):
            info.addWidget(w)
        lay.addWidget(self.info_card)
        # Preprocessing before the long class table and sample grid: it is what gets edited.
        lay.addWidget(self._build_preprocessing(page))

        self.classes_card, classes = card(page, "Classes")
        self.table = ClassCountsTable(self.classes_card)
        classes.addWidget(self.table)
        lay.addWidget(self.classes_card)

        self.samples_card, samples = card(page, "Samples")
        self.grid = ImageGrid(self.samples_card)
        self.grid_note = muted_label("", self.samples_card)
        samples.addWidget(self.grid, 0, Qt.AlignmentFlag.AlignLeft)
        samples.addWidget(self.grid_note)
        lay.addWidget(self.samples_card)

        lay.addStretch(1)
        self.set_preprocessing(DEFAULT_PREPROCESSING)
        self._show_details(False)
        self._apply_style()
        theme_notifier().themeChanged.connect(self._on_theme_changed)

    def _build_preprocessing(self, page: QWidget) -> QWidget:
        frame, lay = card(page, "Preprocessing")
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        self.mode = QComboBox(frame)
        for key, label, _formula, _what in MODES:
            self.mode.addItem(label, key)
        self.mode.currentIndexChanged.connect(self._on_mode_changed)
        self.formula = QLabel("", frame)
        self.formula.setWordWrap(True)
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.stats = muted_label("", frame)
        self.flip = QCheckBox("Random horizontal flip", frame)
        self.flip.setToolTip("Mirror each training image left-right with probability 1/2")
        self.flip.toggled.connect(self._emit_preprocessing)
        self.crop = QSpinBox(frame)
        self.crop.setRange(0, 16)
        self.crop.setSuffix(" px")
        self.crop.setSpecialValueText("off")
        self.crop.setToolTip("Pad each training image by this many pixels, then cut a random "
                             "window of the original size: shifts of up to that many pixels")
        self.crop.valueChanged.connect(self._emit_preprocessing)
        self.val = QDoubleSpinBox(frame)
        self.val.setRange(0.0, 0.9)
        self.val.setSingleStep(0.05)
        self.val.setDecimals(2)
        self.val.setToolTip("Part of the training images held back to measure how well the "
                            "network does on images it has not trained on")
        self.val.valueChanged.connect(self._on_val_changed)
        self.val_note = muted_label("", frame)
        self.seed = QSpinBox(frame)
        self.seed.setRange(0, MAX_SEED)
        self.seed.setToolTip("Chooses the validation images and the augmentation's randomness: "
                             "the same seed gives the same split")
        self.seed.valueChanged.connect(self._emit_preprocessing)
        form.addRow("Mode", self.mode)
        form.addRow(self.formula)  # full width: the formula needs the room more than a label
        form.addRow(self.stats)
        form.addRow("Augment", self.flip)
        form.addRow("Crop padding", _left(self.crop))
        form.addRow("Validation", _left(self.val))
        form.addRow("", self.val_note)
        form.addRow("Seed", _left(self.seed))
        lay.addLayout(form)
        return frame

    # ---- sources -----------------------------------------------------------------------
    def set_sources(self, sources: Sequence[tuple[str, DataSource]]) -> None:
        """The offered data sets; "Open folder or file…" is always added last."""
        with QSignalBlocker(self.combo):
            self.combo.clear()
            self._sources = []
            for label, source in sources:
                self.combo.addItem(label)
                self._sources.append(source)
            self.combo.insertSeparator(self.combo.count())
            self._sources.append(None)
            self.combo.addItem(OPEN_ITEM)
        self._select(self._current)

    def set_current_source(self, source: DataSource | None, label: str = "") -> None:
        """Show `source` as chosen (adding an entry for a user's own data); emits nothing."""
        self._current = source
        if source is not None and source not in self._sources:
            with QSignalBlocker(self.combo):
                self.combo.insertItem(0, label or source.path or source.kind)
                self.combo.setItemData(0, source.path, Qt.ItemDataRole.ToolTipRole)
                self._sources.insert(0, source)
        self._select(source)

    def _select(self, source: DataSource | None) -> None:
        with QSignalBlocker(self.combo):
            index = self._sources.index(source) if source is not None and source in self._sources else -1
            self.combo.setCurrentIndex(index)
            if index < 0:
                self.combo.setPlaceholderText("Choose a dataset…")

    def _on_combo_activated(self, index: int) -> None:
        if index == self.combo.count() - 1:
            self._select(self._current)  # the dialog decides; until then nothing changed
            self.openRequested.emit()
        elif 0 <= index < len(self._sources) and self._sources[index] is not None:
            self.sourceChosen.emit(self._sources[index])

    def choose(self, source: DataSource) -> None:
        """Pick an offered source as the user would (tests, menu shortcuts)."""
        self._on_combo_activated(self._sources.index(source))

    # ---- state -------------------------------------------------------------------------
    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy.setVisible(busy)
        self.status.setText(text)
        self.status.setVisible(busy and bool(text))
        # "Nothing loaded yet" would contradict "Loading…" right under it.
        self.empty.setVisible(not busy and self.info_card.isHidden())
        if busy:
            self.error.hide()

    def show_error(self, text: str) -> None:
        self.error.label.setText(text)
        self.error.setVisible(bool(text))

    def error_text(self) -> str:
        return "" if self.error.isHidden() else self.error.label.text()

    def set_dataset(self, ds: ArrayDataset | None, mean: Sequence[float] = (),
                    std: Sequence[float] = ()) -> None:
        self._show_details(ds is not None)
        if ds is None:
            return
        self.error.hide()
        self.name.setText(ds.name)
        self.summary.setText(summary_text(ds))
        self.flow.setText(f"The Input node receives {fmt_shape(ds.image_shape)} samples; the "
                          f"Output needs {ds.num_classes} scores.")
        self.table.set_counts(ds.class_names, ds.class_counts("train"), ds.class_counts("test"))
        rows = sample_rows(ds)
        self.grid.set_rows(rows)
        hidden = ds.num_classes - len(rows)
        self.grid_note.setText(f"First {SAMPLES_PER_CLASS} training images of each class"
                               + (f"; {hidden} more classes not shown." if hidden > 0 else "."))
        self._train_count = len(ds.x_train)
        self._stats = (tuple(mean), tuple(std)) if len(mean) else None
        self._update_texts()

    def _show_details(self, shown: bool) -> None:
        self.empty.setVisible(not shown)
        for w in (self.info_card, self.classes_card, self.samples_card):
            w.setVisible(shown)

    # ---- preprocessing ---------------------------------------------------------------
    def set_preprocessing(self, values: dict[str, Any]) -> None:
        """Show stored settings (missing keys take the defaults); emits nothing."""
        v = {**DEFAULT_PREPROCESSING, **(values or {})}
        editors = (self.mode, self.flip, self.crop, self.val, self.seed)
        blockers = [QSignalBlocker(w) for w in editors]
        index = self.mode.findData(v["mode"])
        self.mode.setCurrentIndex(index if index >= 0 else self.mode.findData("standardise"))
        self.flip.setChecked(bool(v["flip"]))
        self.crop.setValue(int(v["crop_padding"]))
        self.val.setValue(float(v["val_fraction"]))
        self.seed.setValue(int(v["seed"]))
        del blockers
        self._update_texts()

    def preprocessing_values(self) -> dict[str, Any]:
        return {"mode": self.mode.currentData(), "flip": self.flip.isChecked(),
                "crop_padding": self.crop.value(), "val_fraction": round(self.val.value(), 4),
                "seed": self.seed.value()}

    def _on_mode_changed(self, _index: int) -> None:
        self._update_texts()
        self._emit_preprocessing()

    def _on_val_changed(self, _value: float) -> None:
        self._update_texts()
        self._emit_preprocessing()

    def _emit_preprocessing(self, *_args: object) -> None:
        self.preprocessingChanged.emit(self.preprocessing_values())

    def _update_texts(self) -> None:
        key = self.mode.currentData()
        _key, _label, formula, what = next(m for m in MODES if m[0] == key)
        self.formula.setText(f"<b>{formula}</b> &nbsp;— {what}.")
        uses_stats = key in ("mean_subtract", "standardise")
        if self._stats is not None:
            self.stats.setText(stats_text(*self._stats)
                               + ("" if uses_stats else " (not used by this mode)"))
        else:
            self.stats.setText("μ and σ are computed on the training images once a dataset "
                               "is loaded." if uses_stats else "")
        self.stats.setVisible(bool(self.stats.text()))
        fraction = self.val.value()
        if self._train_count:
            held = int(round(self._train_count * fraction))
            self.val_note.setText(f"{held:,} of {self._train_count:,} training images held "
                                  "back for validation" if held else "No validation split")
        else:
            self.val_note.setText(f"{fraction:.0%} of the training images held back for "
                                  "validation")

    # ---- theme -------------------------------------------------------------------------
    def _on_theme_changed(self, dark: bool) -> None:
        self._dark = dark
        self._apply_style()

    def _apply_style(self) -> None:
        d = self._dark
        self.setStyleSheet(_STYLE.format(card=CARD.pick(d), border=CARD_BORDER.pick(d),
                                         muted=MUTED_TEXT.pick(d), accent=ACCENT.pick(d)))
        self.error.set_dark(d)
        self.fixes.set_dark(d)
        bar = QColor(ACCENT.pick(d))
        bar.setAlpha(60 if d else 38)
        self.table.set_bar_color(bar)
        self.error.label.setStyleSheet(f"color: {ERROR.text.pick(d)};")
