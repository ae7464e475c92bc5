"""Read-only building blocks of the inspector: cards, the node header, message boxes, stat
tiles, fix buttons, and the texts they show (worked arithmetic, output, problems)."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.analysis import Analysis, Fix, NodeResult
from engine.layers import LayerSpec, fmt_shape
from widgets.colors import ERROR, INFO, OK, WARNING, category_hex
from widgets.icons import colored_icon, icon, layer_icon

HEADER_ICON = 36
ARROW = "\u2192"

JOIN_WIDTH = 32  # characters of "name = first step" kept on one line
BOX_KINDS = {"error": (ERROR, "error"), "warning": (WARNING, "warning"), "info": (INFO, "info"),
             "ok": (OK, "info")}


def section_title(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("muted")
    font = QFont(label.font())
    font.setBold(True)
    font.setCapitalization(QFont.Capitalization.AllUppercase)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 108)
    font.setPointSizeF(font.pointSizeF() * 0.82)
    label.setFont(font)
    return label


class MessageBox(QFrame):
    """A tinted box with an icon: red for errors, amber for warnings, blue hints, green ok."""

    def __init__(self, kind: str, text: str, parent: QWidget | None = None,
                 dark: bool = False) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName("messageBox")
        self._icon = QLabel(self)
        self._icon.setFixedSize(18, 18)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(8)
        row.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.label, 1)
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        colors, icon_name = BOX_KINDS[self.kind]
        text = colors.text.pick(dark)
        self.setStyleSheet(
            f"QFrame#messageBox {{ background: {colors.background.pick(dark)}; "
            f"border: 1px solid {colors.border.pick(dark)}; border-radius: 6px; }}"
            f"QFrame#messageBox QLabel {{ color: {text}; background: transparent; border: none; }}")
        # The icon takes the box's text colour, so it reads as part of the message.
        self._icon.setPixmap(colored_icon(icon_name, text).pixmap(18, 18))


class StatTile(QFrame):
    """A caption, a big number and a small note underneath."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(1)
        self._caption = section_title(caption, self)
        self._value = QLabel("-", self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self._value.setFont(font)
        self._value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._note = muted_label("", self)
        lay.addWidget(self._caption)
        lay.addWidget(self._value)
        lay.addWidget(self._note)

    def caption(self) -> str:
        return self._caption.text()

    def value(self) -> str:
        return self._value.text()

    def set_value(self, value: str, note: str = "") -> None:
        self._value.setText(value)
        self._note.setText(note)
        self._note.setVisible(bool(note))


class FixButton(QPushButton):
    """One-click repair: emits its Fix (a bound method relays it, no lambda per button)."""

    fixClicked = Signal(object)

    def __init__(self, fix: Fix, dark: bool, parent: QWidget | None = None) -> None:
        super().__init__(fix.message, parent)
        self.fix = fix
        self.setIcon(icon("fix", dark))
        self.setToolTip("Apply this fix (undoable)")
        self.setStyleSheet("text-align: left; padding-left: 10px;")
        self.clicked.connect(self._emit_fix)

    def _emit_fix(self) -> None:
        self.fixClicked.emit(self.fix)


def card(parent: QWidget, title: str | None = None) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame(parent)
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 10, 12, 10)
    layout.setSpacing(6)
    if title:
        layout.addWidget(section_title(title, frame))
    return frame, layout


def muted_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


def arithmetic_html(lines: list[str]) -> str:
    """Worked arithmetic as rich text. A chain "a = b = c" is broken into one step per line
    (after any leading description such as "tutorial form:") so each substitution reads on
    its own; the final result is bold, and indented lines (asides) are muted."""
    blocks = []
    for raw in lines:
        aside = raw.startswith(" ")
        parts = raw.strip().split(" = ")
        if len(parts) >= 3:
            steps = []
            cut = max(parts[0].rfind(": "), parts[0].rfind("; "))
            if cut >= 0:
                steps.append(html.escape(parts[0][:cut + 1]))
                parts[0] = parts[0][cut + 2:]
            # A short first step stays beside its name ("P = D(K-1)/2"); a long one gets
            # its own line so a narrow dock does not wrap it mid-formula.
            first = f"{parts[0]} = {parts[1]}"
            if len(first) <= JOIN_WIDTH:
                steps.append(html.escape(first))
                rest = parts[2:-1]
            else:
                steps.append(html.escape(parts[0]))
                rest = parts[1:-1]
            steps += ["&nbsp;&nbsp;= " + html.escape(p) for p in rest]
            steps.append(f"&nbsp;&nbsp;= <b>{html.escape(parts[-1])}</b>")
            body = "<br>".join(steps)
        else:
            body = re.sub(r"(-&gt; )([\d,]+ parameters)", r"\1<b>\2</b>", html.escape(raw.strip()))
        style = "margin:0 0 6px 16px; color:palette(placeholder-text);" if aside else "margin:0 0 6px 0;"
        blocks.append(f"<p style='{style}'>{body}</p>")
    return "".join(blocks)


class FactsCard(QFrame):
    """A titled card of "caption ... value" rows; narrow docks fit it better than tiles."""

    def __init__(self, title: str, captions: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(6)
        outer.addWidget(section_title(title, self))
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        bold = QFont(self.font())
        bold.setBold(True)
        self._values: dict[str, QLabel] = {}
        for row, caption in enumerate(captions):
            grid.addWidget(muted_label(caption, self), row, 0)
            value = QLabel("-", self)
            value.setFont(bold)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            grid.addWidget(value, row, 1)
            self._values[caption] = value
        outer.addLayout(grid)

    def set_value(self, caption: str, value: str, note: str = "") -> None:
        label = self._values[caption]
        label.setText(f"{value}  <span style='font-weight:normal'>{note}</span>" if note else value)

    def value(self, caption: str) -> str:
        return self._values[caption].text()


class NodeHeader(QFrame):
    """Layer icon, title, node id chip, category (in its colour) and the one-line summary."""

    def __init__(self, mono: QFont, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._spec: LayerSpec | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        outer.setSpacing(6)
        top = QHBoxLayout()
        top.setSpacing(10)
        self._icon = QLabel(self)
        self._icon.setFixedSize(QSize(HEADER_ICON, HEADER_ICON))
        titles = QVBoxLayout()
        titles.setSpacing(1)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.title = QLabel(self)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.id_chip = QLabel(self)
        self.id_chip.setObjectName("idChip")
        self.id_chip.setFont(mono)
        self.id_chip.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.title)
        row.addWidget(self.id_chip)
        row.addStretch(1)
        self.category = QLabel(self)
        cat_font = QFont(self.font())
        cat_font.setBold(True)
        cat_font.setCapitalization(QFont.Capitalization.AllUppercase)
        cat_font.setPointSizeF(cat_font.pointSizeF() * 0.82)
        self.category.setFont(cat_font)
        titles.addLayout(row)
        titles.addWidget(self.category)
        top.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(titles, 1)
        outer.addLayout(top)
        self.summary = muted_label("", self)
        outer.addWidget(self.summary)

    def set_node(self, spec: LayerSpec, node_id: str, dark: bool) -> None:
        self._spec = spec
        self.title.setText(spec.title)
        self.id_chip.setText(node_id)
        self.category.setText(spec.category)
        self.summary.setText(spec.summary)
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        if self._spec is None:
            return
        color = category_hex(self._spec.category, dark)
        self.category.setStyleSheet(f"color: {color};")
        # The category colour as an accent stripe ties the panel to the node on the canvas.
        self.setStyleSheet(f"QFrame#card {{ border-left: 4px solid {color}; }}")
        self._icon.setPixmap(layer_icon(self._spec.type_id, dark).pixmap(HEADER_ICON, HEADER_ICON))


def output_text(res: NodeResult | None) -> str:
    if res is None:
        return "?"
    if res.error:
        return "error: see the message above"
    if res.blocked_by:
        return f"unknown until '{res.blocked_by}' is fixed"
    ins = " + ".join(fmt_shape(s) for s in res.input_shapes)
    out = fmt_shape(res.output_shape)
    return f"{ins}  {ARROW}  {out}" if ins else f"{ARROW}  {out}"


def receptive_text(res: NodeResult | None) -> tuple[str, str]:
    if res is None or not res.ok:
        return "-", ""
    if res.receptive_field is not None:
        h, w = res.receptive_field
        return f"{h}\u00d7{w}", "pixels"
    return "whole input", ""


def node_problems(analysis: Analysis, nid: str,
                   res: NodeResult | None) -> tuple[list[str], list[str], list[Fix]]:
    """This node's error and warnings, plus network-level messages and fixes that name it."""
    errors = [res.error] if res is not None and res.error else []
    quoted = f"'{nid}'"
    errors += [e for e in analysis.errors if quoted in e and e not in errors]
    warnings = list(res.warnings) if res is not None else []
    warnings += [w for w in analysis.warnings if quoted in w and w not in warnings]
    if res is not None and res.blocked_by:
        warnings.insert(0, f"The shape here is unknown because '{res.blocked_by}' has an error; "
                           f"fix that layer first.")
    fixes = [f for f in analysis.fixes if any(target == nid for target, _ in f.changes)]
    return errors, warnings, fixes
