"""Preprocessing, linear classifier and forward/backward views: they draw engine.lab
traces and frames, computing nothing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from engine.lab.flow import FlowFrame, FlowTrace
from engine.lab.linear import LinearTrace, LinearUnit
from engine.lab.preprocess import STAGE_TITLES, STAGES, PreprocessTrace
from widgets.image_grid import to_qimage
from widgets.lab.paint import caption, draw_heat, fmt, hbar, ink, outline, text_block
from widgets.lab.units_view import MARGIN, _View

MAX_SCORES = 12
MAX_TEMPLATES = 10


class PreprocessView(_View):
    empty_text = "Pick a sample to see it before and after preprocessing."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: PreprocessTrace | None = None

    def clear(self) -> None:
        self.trace = None

    def set_trace(self, trace: PreprocessTrace | None) -> None:
        self.trace = trace
        self.update()

    def lines(self) -> list[str]:
        t = self.trace
        if t is None:
            return []
        stats = "; ".join(f"channel {c}: mean {m:.4f}, std {s:.4f}"
                          for c, (m, s) in enumerate(zip(t.mean, t.std, strict=True)))
        return [f"training-set statistics (0-1 scale) — {stats}",
                f"this project uses '{t.mode}': the network is fed the "
                f"{'standardised' if t.mode == 'standardise' else t.mode} image"]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        t = self.trace
        if t is None:
            self.paint_empty(p, k)
            return
        col_w = (self.width() - 2 * MARGIN) / len(STAGES)
        size = min(col_w - 16, self.height() - 190)
        for i, stage in enumerate(STAGES):
            x = MARGIN + i * col_w
            a = t.stages[stage]
            caption(p, x, MARGIN + 12, STAGE_TITLES[stage], k, bold=True)
            rect = QRectF(x, MARGIN + 22, size, size)
            if stage in ("raw", "scaled"):
                img = to_qimage(a.astype(np.uint8) if stage == "raw" else
                                np.clip(a * 255, 0, 255).astype(np.uint8), 1)
                p.drawImage(rect, img)
            else:
                draw_heat(p, rect, a[0] if a.shape[0] == 1 else a.mean(axis=0),
                          float(np.abs(a).max()) or 1.0, k)
            y = MARGIN + 38 + size
            for c, (m, s, lo, hi) in enumerate(t.summary(stage)):
                caption(p, x, y, f"ch {c}: mean {fmt(m, 3)}, std {fmt(s, 3)}", k, muted=True,
                        px=11)
                caption(p, x, y + 14, f"      range {fmt(lo, 2)} to {fmt(hi, 2)}", k,
                        muted=True, px=11)
                y += 30
        text_block(p, QRectF(MARGIN, self.height() - 56, self.width() - 24, 56), self.lines(),
                   k, px=12)


class LinearView(_View):
    empty_text = "Pick a Linear layer and a sample to see W x + b."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: LinearTrace | None = None
        self.unit: LinearUnit | None = None
        self.names: list[str] = []

    def clear(self) -> None:
        self.trace = self.unit = None

    def set_unit(self, trace: LinearTrace | None, unit: LinearUnit | None,
                 names: list[str]) -> None:
        self.trace, self.unit, self.names = trace, unit, list(names)
        self.update()

    def _name(self, k: int) -> str:
        t = self.trace
        is_scores = t is not None and len(self.names) == t.weight.shape[0]
        return self.names[k] if is_scores else f"unit {k}"

    def lines(self) -> list[str]:
        t, u = self.trace, self.unit
        if t is None or u is None:
            return []
        terms = " + ".join(f"{fmt(x, 2)}×{fmt(w, 3)}" for _, x, w in u.top)
        n = t.weight.shape[1]
        bias = f" + b {fmt(u.bias, 3)}" if t.has_bias else ""
        return [f"input x: {t.input_note}",
                f"{self._name(u.unit)}: W_{u.unit} · x = {terms} + … ({n} products; largest "
                f"shown) = {fmt(u.dot, 3)}",
                f"score = {fmt(u.dot, 3)}{bias} = {fmt(u.total, 4)}   (layer output "
                f"{fmt(u.layer_value, 4)})"]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        t, u = self.trace, self.unit
        if t is None or u is None:
            self.paint_empty(p, k)
            return
        units = t.output.shape[0]
        shown = list(range(units)) if units <= MAX_SCORES else sorted(
            set(np.argsort(-t.output)[:MAX_SCORES - 1].tolist()) | {u.unit})
        limit = float(np.abs(t.output).max()) or 1.0
        caption(p, MARGIN, MARGIN + 12, f"W x + b: {units} outputs"
                + ("" if units <= MAX_SCORES else f" (largest {len(shown)})"), k, bold=True)
        y = MARGIN + 20
        bar_w = min(260.0, self.width() * 0.3)
        for row in shown:
            if row == u.unit:
                p.fillRect(QRectF(MARGIN - 4, y, bar_w + 190, 20), k.pad)
            caption(p, MARGIN, y + 14, self._name(row)[:14], k, bold=row == u.unit)
            hbar(p, MARGIN + 100, y, bar_w, 20, float(t.output[row]), limit, k.accent, k)
            p.setPen(k.text)
            p.drawText(QRectF(MARGIN + 104 + bar_w, y, 70, 20),
                       Qt.AlignmentFlag.AlignVCenter, fmt(float(t.output[row]), 3))
            y += 20
        templates = t.templates
        if templates is not None:
            x0 = MARGIN + bar_w + 200
            caption(p, x0, MARGIN + 12, "rows of W as images (templates)", k, bold=True)
            size = min(64.0, (self.width() - x0 - MARGIN) / 5 - 6)
            for i in range(min(units, MAX_TEMPLATES)):
                tx = x0 + (i % 5) * (size + 6)
                ty = MARGIN + 22 + (i // 5) * (size + 22)
                tpl = templates[i]
                view = tpl[0] if tpl.shape[0] not in (1, 3) else tpl
                p.drawImage(QRectF(tx, ty, size, size), to_qimage(view, 1))
                if i == u.unit:
                    outline(p, QRectF(tx, ty, size, size), k.accent, 2.5)
                caption(p, tx, ty + size + 13, self._name(i)[:9], k, muted=True, px=10)
        text_block(p, QRectF(MARGIN, max(y + 10, self.height() - 70), self.width() - 24, 70),
                   self.lines(), k, px=12)


class FlowView(_View):
    empty_text = "Pick a sample to watch one forward and one backward pass."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trace: FlowTrace | None = None
        self.frame: FlowFrame | None = None

    def clear(self) -> None:
        self.trace = self.frame = None

    def set_frame(self, trace: FlowTrace | None, frame: FlowFrame | None) -> None:
        self.trace, self.frame = trace, frame
        self.update()

    def lines(self) -> list[str]:
        t, f = self.trace, self.frame
        if t is None or f is None:
            return []
        verb = ("computes its output from its input" if f.phase == "forward"
                else "receives the gradient of the loss from the layer above")
        return [f"step {f.step + 1} of {t.steps} ({f.phase}): '{f.current}' {verb}",
                f"loss ({t.loss_name}) on this sample: {fmt(t.loss, 4)}"
                + ("" if f.phase == "backward" else " once the forward pass ends")]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        k = ink(self)
        p.fillRect(self.rect(), k.base)
        t, f = self.trace, self.frame
        if t is None or f is None:
            self.paint_empty(p, k)
            return
        n = len(t.layers)
        row_h = max(16.0, min(26.0, (self.height() - 110) / max(n, 1)))
        col = (self.width() - 2 * MARGIN - 180) / 2
        vmax = max(layer.value_norm for layer in t.layers) or 1.0
        gmax = max(layer.grad_norm for layer in t.layers) or 1.0
        caption(p, MARGIN + 180, MARGIN + 12, "forward: ‖value‖", k, bold=True)
        caption(p, MARGIN + 180 + col, MARGIN + 12, "backward: ‖∂L/∂value‖ (‖∂L/∂W‖)", k,
                bold=True)
        y = MARGIN + 20
        for i, layer in enumerate(t.layers):
            if layer.node_id == f.current:
                p.fillRect(QRectF(MARGIN - 4, y, self.width() - 2 * MARGIN + 8, row_h), k.pad)
            caption(p, MARGIN, y + row_h * 0.7, f"{layer.node_id} · {layer.title}", k,
                    bold=layer.node_id == f.current)
            if i < f.forward_done:
                w = (col - 80) * layer.value_norm / vmax
                p.fillRect(QRectF(MARGIN + 180, y + 3, w, row_h - 6), k.accent)
                p.setPen(k.text)
                p.drawText(QRectF(MARGIN + 184 + w, y, 80, row_h), Qt.AlignmentFlag.AlignVCenter,
                           f"{layer.value_norm:.3g}")
            if i >= n - f.backward_done:
                w = (col - 110) * layer.grad_norm / gmax
                x = MARGIN + 180 + col
                p.fillRect(QRectF(x, y + 3, w, row_h - 6), k.bad)
                extra = "" if layer.param_grad_norm is None else f" ({layer.param_grad_norm:.3g})"
                p.setPen(k.text)
                p.drawText(QRectF(x + w + 4, y, 110, row_h), Qt.AlignmentFlag.AlignVCenter,
                           f"{layer.grad_norm:.3g}{extra}")
            y += row_h
        text_block(p, QRectF(MARGIN, y + 10, self.width() - 24, 60), self.lines(), k, px=12)
