"""Wires the Inspector to the Document: edits go in as undoable commands, analyses come out.

The inspector owns no state and never touches the document; this binding is the only place
that knows both. Slots are bound methods (not lambdas) so they always run on the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from app.document import Document
from engine.analysis import Analysis, Fix
from engine.graph import GraphError
from engine.layers import ParamError
from widgets.inspector import Inspector


class InspectorBinding(QObject):
    def __init__(self, doc: Document, inspector: Inspector) -> None:
        super().__init__(inspector)
        self.doc = doc
        self.inspector = inspector
        inspector.paramEdited.connect(self.on_param_edited)
        inspector.fixRequested.connect(self.on_fix_requested)
        doc.analysisChanged.connect(self.on_analysis_changed)
        doc.projectReplaced.connect(self.on_project_replaced)
        inspector.show_node(doc.graph, doc.analysis, None)

    def select(self, node_id: str | None) -> None:
        """Show `node_id` (the canvas selection when exactly one node is selected) or None."""
        self.inspector.show_node(self.doc.graph, self.doc.analysis, node_id)

    def selected(self) -> str | None:
        return self.inspector.node_id()

    # ---- slots -----------------------------------------------------------------------
    def on_param_edited(self, node_id: str, name: str, value: Any) -> None:
        try:
            self.doc.set_params(node_id, {name: value})
        except (GraphError, ParamError) as exc:
            # Refused: the graph is unchanged, so no analysis follows; say why at the editor.
            self.inspector.show_param_error(name, str(exc))

    def on_fix_requested(self, fix: Fix) -> None:
        try:
            self.doc.apply_fix(fix)
        except GraphError as exc:
            # A stale fix (its node was edited since): show why on the page it came from.
            self.inspector.show_param_error(_first_param(fix), str(exc))

    def on_analysis_changed(self, analysis: Analysis) -> None:
        self.inspector.update_analysis(self.doc.graph, analysis)

    def on_project_replaced(self) -> None:
        self.select(None)


def _first_param(fix: Fix) -> str:
    for _node, changes in fix.changes:
        for name, _value in changes:
            return name
    return ""


def bind_inspector(doc: Document, inspector: Inspector) -> InspectorBinding:
    """Connect `inspector` to `doc`; keep the returned binding (it is parented to the
    inspector, so it lives as long as the panel does)."""
    return InspectorBinding(doc, inspector)
