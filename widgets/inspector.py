"""The inspector: edit the selected layer's parameters and read its worked arithmetic.

Editors are generated from the layer's `Param` declarations (widgets.param_editors) and
built once per selection; `update_analysis` only refreshes texts and editor values, so the
spin box being typed in keeps its focus and cursor. With nothing selected the panel shows
the network overview: totals, problems and their one-click fixes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engine.analysis import Analysis, Fix, explain
from engine.graph import Graph
from engine.layers import fmt_shape
from engine.report import fmt_bytes, fmt_compact, fmt_count
from widgets.colors import CARD, CARD_BORDER, ERROR, MUTED_TEXT
from widgets.inspector_parts import (
    ARROW,
    FactsCard,
    FixButton,
    MessageBox,
    NodeHeader,
    StatTile,
    arithmetic_html,
    card,
    muted_label,
    node_problems,
    output_text,
    receptive_text,
)
from widgets.param_editors import ParamEditor, make_editor
from widgets.theme import is_dark, theme_notifier

MONO_SCALE = 0.9
# Long labels wrap (at most two lines) instead of squeezing the editors.
LABEL_MIN_WIDTH, LABEL_WIDTH = 92, 112
FACTS = ("Parameters", "MACs", "Receptive field")
HINT = ("Select a layer to edit it. Drag layers from the palette, or double-click one to add it "
        "after the selection.")

_STYLE = """
QFrame#card {{ background: {card}; border: 1px solid {border}; border-radius: 8px; }}
QFrame#card QLabel {{ background: transparent; }}
QLabel#idChip {{
    background: {window}; border: 1px solid {border}; border-radius: 4px; padding: 1px 6px;
}}
QLabel#muted {{ color: {muted}; }}
QLabel#paramError {{ color: {error}; }}
"""

class Inspector(QWidget):
    paramEdited = Signal(str, str, object)  # node id, param name, new value
    fixRequested = Signal(object)  # engine.analysis.Fix

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Inspector")
        self._dark = is_dark()
        self._node_id: str | None = None
        self._type_id: str | None = None
        self._editors: dict[str, ParamEditor] = {}
        self._rows: dict[str, tuple[Any, QLabel, ParamEditor]] = {}
        self._param_errors: dict[str, QLabel] = {}
        self._lines: list[str] = []
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        # Monospace faces run wide: a step smaller keeps a formula on one line in a dock.
        self._mono.setPointSizeF(self.font().pointSizeF() * MONO_SCALE)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("inspectorBody")
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(8, 8, 8, 8)
        self._body.setSpacing(10)
        self.scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        self._node_page = QWidget(body)
        self._overview_page = QWidget(body)
        for page in (self._node_page, self._overview_page):
            lay = QVBoxLayout(page)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(10)
            self._body.addWidget(page)
        self._body.addStretch(1)
        self._build_node_page()
        self._build_overview_page()
        self._node_page.hide()
        self._apply_style()
        theme_notifier().themeChanged.connect(self.set_dark)

    # ---- public API ------------------------------------------------------------------
    def node_id(self) -> str | None:
        return self._node_id

    def show_node(self, graph: Graph, analysis: Analysis, node_id: str | None) -> None:
        """Show `node_id`'s editors and arithmetic, or the network overview for None."""
        if node_id is None or node_id not in graph.nodes:
            self._node_id = self._type_id = None
            self._clear_editors()
            self._node_page.hide()
            self._overview_page.show()
            self._refresh_overview(graph, analysis)
            return
        node = graph.nodes[node_id]
        if node_id == self._node_id and not self._needs_rebuild(graph):
            # Re-selecting the shown node (the canvas may re-emit its selection after an
            # edit) must not rebuild the editors under the user's cursor.
            self.update_analysis(graph, analysis)
            return
        self._node_id, self._type_id = node_id, node.type_id
        self._build_editors(node.spec.params, node.params)
        self._refresh_header(graph, node_id)
        self._overview_page.hide()
        self._node_page.show()
        self._refresh_node(graph, analysis)
        self.scroll.verticalScrollBar().setValue(0)

    def update_analysis(self, graph: Graph, analysis: Analysis) -> None:
        """Refresh texts and editor values after any change, keeping the editors (and focus)."""
        self.clear_param_errors()
        nid = self._node_id
        if nid is None:
            self._refresh_overview(graph, analysis)
            return
        node = graph.nodes.get(nid)
        if node is None:  # deleted (or undone away): fall back to the overview
            self.show_node(graph, analysis, None)
            return
        if self._needs_rebuild(graph):
            self._node_id = None  # forces show_node to build afresh
            self.show_node(graph, analysis, nid)
            return
        for name, editor in self._editors.items():
            if editor.value() != node.params[name]:
                editor.set_value(node.params[name])
        self._apply_visibility(node.params)
        self._refresh_node(graph, analysis)

    def _needs_rebuild(self, graph: Graph) -> bool:
        node = graph.nodes[self._node_id] if self._node_id in graph.nodes else None
        return (node is None or node.type_id != self._type_id
                or set(self._editors) != {p.name for p in node.spec.params})

    def show_param_error(self, name: str, message: str) -> None:
        """Show a refused edit under its editor (cleared by the next accepted change)."""
        label = self._param_errors.get(name)
        if label is None:
            return
        label.setText(message)
        label.show()

    def clear_param_errors(self) -> None:
        for label in self._param_errors.values():
            label.clear()
            label.hide()

    def editor(self, name: str) -> ParamEditor:
        return self._editors[name]

    def param_error_text(self, name: str) -> str:
        label = self._param_errors[name]
        return label.text() if not label.isHidden() else ""

    def arithmetic_text(self) -> str:
        """The explain() lines shown, one per line (plain text)."""
        return "\n".join(self._lines)

    def output_text(self) -> str:
        return self._output.text()

    def overview_text(self) -> str:
        tiles = [f"{t.caption()}: {t.value()}" for t in self._overview_tiles]
        return "\n".join([self._ov_subtitle.text(), *tiles])

    def messages(self) -> list[tuple[str, str]]:
        """(kind, text) of the error / warning / ok boxes on the page shown."""
        layout = self._node_problems if self._node_id is not None else self._overview_problems
        boxes = (layout.itemAt(i).widget() for i in range(layout.count()))
        return [(b.kind, b.label.text()) for b in boxes if isinstance(b, MessageBox)]

    def fix_buttons(self) -> list[FixButton]:
        layout = self._node_problems if self._node_id is not None else self._overview_problems
        widgets = (layout.itemAt(i).widget() for i in range(layout.count()))
        return [w for w in widgets if isinstance(w, FixButton)]

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self._apply_style()
        for editor in self._editors.values():
            editor.set_dark(dark)
        self._header.set_dark(dark)
        for box in self.findChildren(MessageBox):
            box.set_dark(dark)

    # ---- node page -------------------------------------------------------------------
    def _build_node_page(self) -> None:
        page = self._node_page
        lay = page.layout()
        self._header = NodeHeader(self._mono, page)
        lay.addWidget(self._header)

        params, self._params_layout = card(page, "Parameters")
        self._form_host = QWidget(params)
        self._form = QGridLayout(self._form_host)
        self._form.setContentsMargins(0, 2, 0, 0)
        self._form.setHorizontalSpacing(10)
        self._form.setVerticalSpacing(4)
        self._form.setColumnStretch(1, 1)
        self._params_layout.addWidget(self._form_host)
        self._no_params = muted_label("This layer has nothing to set.", params)
        self._params_layout.addWidget(self._no_params)
        lay.addWidget(params)

        self._node_problems = QVBoxLayout()
        self._node_problems.setSpacing(6)
        lay.addLayout(self._node_problems)

        out, ol = card(page, "Output")
        self._output = QLabel(out)
        big = QFont(self._mono)
        big.setPointSizeF(big.pointSizeF() * 1.15)
        big.setBold(True)
        self._output.setFont(big)
        self._output.setWordWrap(True)
        self._output.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        ol.addWidget(self._output)
        lay.addWidget(out)

        arith, al = card(page, "Arithmetic")
        self._arith = QLabel(arith)
        self._arith.setFont(self._mono)
        self._arith.setWordWrap(True)
        self._arith.setTextFormat(Qt.TextFormat.RichText)
        self._arith.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        al.addWidget(self._arith)
        self._arith_card = arith
        lay.addWidget(arith)

        self._facts = FactsCard("Size", FACTS, page)
        lay.addWidget(self._facts)

    def _build_editors(self, params: tuple, values: dict[str, Any]) -> None:
        self._clear_editors()
        for row, param in enumerate(params):
            label = QLabel(param.label, self._form_host)
            label.setToolTip(param.help)
            label.setWordWrap(True)
            label.setMinimumWidth(LABEL_MIN_WIDTH)
            label.setMaximumWidth(LABEL_WIDTH)
            editor = make_editor(param, self._form_host)
            editor.set_dark(self._dark)
            editor.set_value(values[param.name])
            label.setBuddy(editor.focusProxy() or editor)
            editor.namedValueEdited.connect(self._on_editor_edited)
            error = QLabel(self._form_host)
            error.setObjectName("paramError")
            error.setWordWrap(True)
            error.hide()
            self._form.addWidget(label, 2 * row, 0, Qt.AlignmentFlag.AlignVCenter)
            self._form.addWidget(editor, 2 * row, 1)
            self._form.addWidget(error, 2 * row + 1, 0, 1, 2)
            self._editors[param.name] = editor
            self._param_errors[param.name] = error
            self._rows[param.name] = (param, label, editor)
        self._apply_visibility(values)
        self._form_host.setVisible(bool(params))
        self._no_params.setVisible(not params)

    def _clear_editors(self) -> None:
        while self._form.count():
            widget = self._form.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self._editors.clear()
        self._param_errors.clear()
        self._rows.clear()

    def _apply_visibility(self, values: dict[str, Any]) -> None:
        """Hide editors whose Param.visible_if does not hold (e.g. Input's vector fields)."""
        for param, label, editor in self._rows.values():
            shown = param.applies(values)
            label.setVisible(shown)
            editor.setVisible(shown)

    def _refresh_header(self, graph: Graph, node_id: str) -> None:
        self._header.set_node(graph.nodes[node_id].spec, node_id, self._dark)

    def _refresh_node(self, graph: Graph, analysis: Analysis) -> None:
        nid = self._node_id
        assert nid is not None
        self._refresh_header(graph, nid)
        res = analysis.nodes.get(nid)
        self._lines = explain(graph, analysis, nid) if res is not None else []
        self._output.setText(output_text(res))
        self._output.setStyleSheet(
            f"color: {ERROR.text.pick(self._dark)};" if res is not None and res.error else "")
        self._arith.setText(arithmetic_html(self._lines))
        self._arith_card.setVisible(bool(self._lines))
        ok = res is not None and res.ok
        params, macs, rf = FACTS
        self._facts.set_value(params, fmt_count(res.params) if ok else "-",
                              f"({fmt_bytes(res.params * 4)})" if ok and res.params else "")
        self._facts.set_value(macs, fmt_count(res.macs) if ok else "-")
        self._facts.set_value(rf, *receptive_text(res))
        self._fill_problems(self._node_problems, *node_problems(analysis, nid, res))

    # ---- overview page ---------------------------------------------------------------
    def _build_overview_page(self) -> None:
        page = self._overview_page
        lay = page.layout()
        header, hl = card(page)
        title = QLabel("Network", header)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        title.setFont(title_font)
        self._ov_subtitle = muted_label("", header)
        hl.addWidget(title)
        hl.addWidget(self._ov_subtitle)
        lay.addWidget(header)
        grid = QGridLayout()
        grid.setSpacing(8)
        self._overview_tiles = [StatTile(c, page) for c in (
            "Parameters", "MACs", "Activations", "Weights")]
        for i, tile in enumerate(self._overview_tiles):
            grid.addWidget(tile, i // 2, i % 2)
        lay.addLayout(grid)
        self._overview_problems = QVBoxLayout()
        self._overview_problems.setSpacing(6)
        lay.addLayout(self._overview_problems)
        self._hint = MessageBox("info", HINT, page, self._dark)
        lay.addWidget(self._hint)

    def _refresh_overview(self, graph: Graph, analysis: Analysis) -> None:
        layers = len(graph.nodes)
        shape = fmt_shape(analysis.input_shape) if analysis.input_shape else "no input"
        out = analysis.nodes.get(analysis.output_id or "")
        out_text = fmt_shape(out.output_shape) if out is not None and out.ok else "?"
        self._ov_subtitle.setText(
            f"{layers} layer{'s' if layers != 1 else ''} \u00b7 input {shape} {ARROW} output {out_text}")
        p, m, act, pm = self._overview_tiles
        p.set_value(fmt_count(analysis.total_params), f"{fmt_compact(analysis.total_params)} to learn")
        m.set_value(fmt_compact(analysis.total_macs), "per sample")
        act.set_value(fmt_bytes(analysis.activation_bytes), "per sample")
        pm.set_value(fmt_bytes(analysis.total_params * 4), "float32 in memory")
        ok_text = None if analysis.errors else "No errors: every layer has a shape."
        self._fill_problems(self._overview_problems, analysis.errors, analysis.warnings,
                            analysis.fixes, ok_text)

    # ---- problems (both pages) -------------------------------------------------------
    def _fill_problems(self, layout: QVBoxLayout, errors: list[str], warnings: list[str],
                       fixes: list[Fix], ok_text: str | None = None) -> None:
        while layout.count():
            widget = layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        parent = layout.parentWidget() or self
        for text in errors:
            layout.addWidget(MessageBox("error", text, parent, self._dark))
        for text in warnings:
            layout.addWidget(MessageBox("warning", text, parent, self._dark))
        for fix in fixes:
            button = FixButton(fix, self._dark, parent)
            button.fixClicked.connect(self.fixRequested)
            layout.addWidget(button)
        if ok_text and not warnings:
            layout.addWidget(MessageBox("ok", ok_text, parent, self._dark))

    # ---- slots and style -------------------------------------------------------------
    def _on_editor_edited(self, name: str, value: Any) -> None:
        if self._node_id is not None:
            self.paramEdited.emit(self._node_id, name, value)

    def _apply_style(self) -> None:
        d = self._dark
        self.setStyleSheet(_STYLE.format(
            card=CARD.pick(d), border=CARD_BORDER.pick(d), muted=MUTED_TEXT.pick(d),
            error=ERROR.text.pick(d), window=self.palette().window().color().name()))
