"""The import report: which ONNX nodes became which layers, what was folded or skipped,
what is unsupported, and how closely the imported network matches onnxruntime."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Row kinds.
LAYER, FOLDED, CONSTANT, PASSED, UNSUPPORTED, SKIPPED = (
    "layer", "folded", "constant", "passed", "unsupported", "skipped")
# Outputs may differ by float rounding only: onnxruntime and torch sum in other orders.
TOLERANCE = 1e-4


@dataclass
class ReportRow:
    onnx_name: str
    op_type: str
    kind: str
    layers: list[str] = field(default_factory=list)  # "conv1 (Conv2d)"
    note: str = ""

    def text(self) -> str:
        name = self.onnx_name or "(unnamed)"
        where = f"{self.op_type} '{name}'"
        if self.kind == LAYER:
            what = " + ".join(self.layers)
        elif self.kind == UNSUPPORTED:
            what = "UNSUPPORTED"
        else:
            what = {FOLDED: "folded", CONSTANT: "shape/constant computation",
                    PASSED: "passes data through", SKIPPED: "skipped"}[self.kind]
        return f"{where} -> {what}" + (f": {self.note}" if self.note else "")


@dataclass
class ImportReport:
    source: str
    rows: list[ReportRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cut_after: str | None = None  # the ONNX node after which the network was cut
    layer_count: int = 0
    max_abs_diff: float | None = None
    verify_batch: int = 0
    tolerance: float = TOLERANCE

    @property
    def unsupported(self) -> list[ReportRow]:
        return [r for r in self.rows if r.kind == UNSUPPORTED]

    @property
    def verified(self) -> bool:
        return self.max_abs_diff is not None and self.max_abs_diff <= self.tolerance

    def unsupported_sentence(self) -> str:
        bad = self.unsupported
        names = ", ".join(f"{r.op_type} '{r.onnx_name}'" for r in bad[:4])
        more = f" and {len(bad) - 4} more" if len(bad) > 4 else ""
        first = bad[0].note if bad else ""
        return (f"'{self.source}' has {len(bad)} node(s) NetCanvas cannot import ({names}{more}): "
                f"{first} Nothing was written; import with the cut option to keep the network up "
                f"to the last supported node.")

    def verification_line(self) -> str:
        if self.max_abs_diff is None:
            return "Not verified against onnxruntime."
        verdict = "match" if self.verified else "DIFFER"
        return (f"Outputs {verdict} onnxruntime's on a batch of {self.verify_batch}: max abs "
                f"diff {self.max_abs_diff:.3g} (tolerance {self.tolerance:g}).")

    def summary(self) -> str:
        nodes = len(self.rows)
        text = f"{nodes} ONNX node(s) -> {self.layer_count} layer(s)"
        if self.unsupported:
            text += f", {len(self.unsupported)} unsupported"
        if self.cut_after:
            text += f", cut after '{self.cut_after}'"
        return text + "."

    def lines(self) -> list[str]:
        out = [f"Import of '{self.source}': {self.summary()}"]
        out += [f"  {r.text()}" for r in self.rows]
        out += [f"Note: {n}" for n in self.notes]
        out.append(self.verification_line())
        return out

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        rows = [ReportRow(**r) for r in data.get("rows", [])]
        rest = {k: v for k, v in data.items() if k != "rows"}
        return cls(rows=rows, **rest)
