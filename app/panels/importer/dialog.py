"""The import report dialog: every ONNX node and what it became, the unsupported ones in
red, the verification against onnxruntime, and, when something is unsupported, the
choice to cut the network after the last supported node."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.importers.report import LAYER, UNSUPPORTED, ImportReport

COLUMNS = ("ONNX node", "Op", "Became", "Note")
UNSUPPORTED_COLOUR = QColor("#c62828")
QUIET_COLOUR = QColor("#888888")
# Dialog results besides Accepted / Rejected.
CUT = 2


class ImportReportDialog(QDialog):
    """Shows one ImportReport (as its plain dict). `refused`: offer Import up to there."""

    def __init__(self, report: dict[str, Any], refused_message: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = ImportReport.from_dict(report)
        self.setWindowTitle(f"Import report: {self.report.source}")
        self.setObjectName("import_report_dialog")
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self._summary_text(refused_message))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = QTreeWidget()
        self.table.setHeaderLabels(COLUMNS)
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setToolTip("Each node of the ONNX file and the NetCanvas layer it became")
        for row in self.report.rows:
            became = " + ".join(row.layers) if row.kind == LAYER else {
                UNSUPPORTED: "unsupported"}.get(row.kind, row.kind)
            item = QTreeWidgetItem([row.onnx_name or "(unnamed)", row.op_type, became, row.note])
            item.setToolTip(3, row.note)
            if row.kind == UNSUPPORTED:
                for c in range(len(COLUMNS)):
                    item.setForeground(c, UNSUPPORTED_COLOUR)
            elif row.kind != LAYER:
                for c in range(len(COLUMNS)):
                    item.setForeground(c, QUIET_COLOUR)
            self.table.addTopLevelItem(item)
        header = self.table.header()
        for c in range(3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        notes = [f"• {n}" for n in self.report.notes]
        self.verification = QLabel("\n".join([*notes, self.report.verification_line()])
                                   if not refused_message else "Nothing was imported.")
        self.verification.setWordWrap(True)
        self.verification.setObjectName("import_verification")
        layout.addWidget(self.verification)
        buttons = QDialogButtonBox()
        copy = QPushButton("Copy Report")
        copy.setToolTip("Copy the whole report as text")
        copy.clicked.connect(self.copy_report)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        if refused_message:
            self.cut_button = buttons.addButton("Import up to there",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
            self.cut_button.setToolTip("Keep the network up to the last supported layer before "
                                       "the first unsupported node")
            self.cut_button.clicked.connect(lambda: self.done(CUT))
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            self.cut_button = None
            buttons.addButton(QDialogButtonBox.StandardButton.Ok)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self._accepted)
        layout.addWidget(buttons)

    def _accepted(self) -> None:
        if self.cut_button is None:
            self.accept()

    def _summary_text(self, refused_message: str) -> str:
        if refused_message:
            return f"<b>The model cannot be imported as it is.</b><br>{refused_message}"
        verdict = "verified" if self.report.verified else "NOT verified"
        return (f"<b>{self.report.source}</b>: {self.report.summary()} The network opens as a "
                f"new document ({verdict} against onnxruntime).")

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.report.lines()))
