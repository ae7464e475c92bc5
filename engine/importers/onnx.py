"""ONNX file -> NetCanvas graph + numpy weights, with a report and a verification.

Walks the nodes in file order (ONNX stores them topologically): shape arithmetic is
evaluated with numpy, Identity passes data through, a zero Pad is folded into the next
Conv, a constant Add becomes the bias of the Conv/Linear before it, and every other node is
looked up by op type in the layer registry (LayerSpec.onnx_ops / onnx_import). Nothing is
written here: the caller saves the project only after a successful import.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine.analysis import analyse
from engine.graph import Graph, GraphError
from engine.importers import folds, reader
from engine.importers.convert import Context, Conversion, Unsupported
from engine.importers.errors import ModelImportError, NoUsableInputError, UnsupportedModelError
from engine.importers.report import (
    CONSTANT,
    LAYER,
    PASSED,
    SKIPPED,
    UNSUPPORTED,
    ImportReport,
    ReportRow,
)
from engine.layers import ParamError, ShapeError, all_specs, get_spec
from engine.layers.dense import FLATTEN
from engine.layers.io import INPUT, OUTPUT
from engine.layout import auto_layout
from engine.project import Project

Progress = Callable[[float, str], None]
# Ops that hand their first input on unchanged at inference.
PASS_THROUGH_OPS = ("Identity",)
# What an exporter leaves when it folded a BatchNormalization into the Conv before it.
FUSED_BN_RULE = "FuseBatchNorm"


@dataclass
class ImportResult:
    project: Project
    weights: dict[str, np.ndarray]
    report: ImportReport
    input_name: str
    output_tensor: str


def specs_for_op(op: str) -> list[Any]:
    return [s for s in all_specs() if op in s.onnx_ops]


def converter(spec: Any) -> Callable[[Context], Conversion | None]:
    import importlib

    module, _, name = spec.onnx_import.partition(":")
    return getattr(importlib.import_module(module), name)


def import_onnx(path: str | os.PathLike[str], cut: bool = False, verify: bool = True,
                progress: Progress | None = None, memory: int | None = None) -> ImportResult:
    """Import `path`. Unsupported nodes raise UnsupportedModelError (with the report) unless
    `cut`, which keeps the network up to the last supported node before the first one."""
    say = progress or (lambda f, t: None)
    say(0.0, "Reading the file")
    model = reader.read_model(path, memory)
    builder = _Builder(model, Path(path).name, cut)
    builder.run(lambda f, t: say(0.05 + 0.6 * f, t))
    result = builder.finish()
    if verify:
        from engine.importers.verify import verify_import

        say(0.7, "Comparing outputs with onnxruntime")
        verify_import(model, result)
    say(1.0, "Imported")
    return result


class _Builder:
    def __init__(self, model: Any, source: str, cut: bool) -> None:
        self.model, self.source, self.cut = model, source, cut
        self.opset = reader.opset_version(model)
        self.values: dict[str, np.ndarray] = reader.initializers(model)
        self.inferred = reader.inferred_shapes(model)
        self.nodes = reader.plain_nodes(model)
        self.graph = Graph()
        self.weights: dict[str, np.ndarray] = {}
        self.report = ImportReport(source)
        self.producer: dict[str, str] = {}  # data tensor -> NetCanvas node id
        self.shape: dict[str, tuple[int, ...]] = {}  # data tensor -> per-sample shape
        self.pads: dict[str, tuple[str, tuple[int, int, int, int]]] = {}
        self.blocked: set[str] = set()
        self.last_tensor: str | None = None
        self.last_node: str | None = None
        self.uses: dict[str, int] = {}
        for n in self.nodes:
            for t in n.inputs:
                self.uses[t] = self.uses.get(t, 0) + 1
        for o in model.graph.output:
            self.uses[o.name] = self.uses.get(o.name, 0) + 1
        self.input_name, self.fixed_batch = self._add_input()

    # ---- input ---------------------------------------------------------------------
    def _add_input(self) -> tuple[str, int | None]:
        real = [i for i in self.model.graph.input if i.name not in self.values]
        if len(real) != 1:
            names = ", ".join(i.name for i in real) or "none"
            raise NoUsableInputError(
                f"'{self.source}' has {len(real)} inputs ({names}); NetCanvas imports a "
                f"network with exactly one image or vector input.")
        info = real[0]
        t = info.type.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
        if t.elem_type != 1 or len(dims) not in (2, 4) or any(d is None for d in dims[1:]):
            shown = "x".join("?" if d is None else str(d) for d in dims) or "unknown"
            raise NoUsableInputError(
                f"'{self.source}' takes '{info.name}' of shape {shown}; NetCanvas imports a "
                f"network whose input is float images (batch x channels x height x width) "
                f"or float vectors (batch x features) of fixed size.")
        per_sample = tuple(int(d) for d in dims[1:])
        params = ({"layout": "image", "channels": per_sample[0], "height": per_sample[1],
                   "width": per_sample[2]} if len(per_sample) == 3
                  else {"layout": "vector", "features": per_sample[0]})
        try:
            node = self.graph.add_node(INPUT.type_id, params)
        except GraphError as exc:
            raise NoUsableInputError(f"'{self.source}': {exc}") from None
        self.producer[info.name], self.shape[info.name] = node.id, per_sample
        self._shapes: dict[str, tuple[int, ...]] = {node.id: per_sample}
        self.last_chain = node.id
        self.last_tensor, self.last_node = info.name, node.id
        return info.name, dims[0]

    # ---- the walk ------------------------------------------------------------------
    def run(self, say: Progress) -> None:
        total = max(len(self.nodes), 1)
        for i, node in enumerate(self.nodes):
            if i % 8 == 0:
                say(i / total, f"Converting node {i + 1} of {total}")
            if any(t in self.blocked for t in node.inputs if t):
                self._after_unsupported(node)
                continue
            try:
                self._one(node)
            except Unsupported as exc:
                self._unsupported(node, str(exc))
            if self.cut and self.report.unsupported:
                self.report.cut_after = self._cut_label()
                break

    def _cut_label(self) -> str:
        for row in reversed(self.report.rows):
            if row.kind == LAYER:
                return row.onnx_name or row.op_type
        return "the input"

    def _unsupported(self, node: reader.OnnxNode, why: str) -> None:
        self.report.rows.append(ReportRow(node.name, node.op, UNSUPPORTED, note=why))
        self.blocked.update(node.outputs)

    def _after_unsupported(self, node: reader.OnnxNode) -> None:
        self.blocked.update(node.outputs)
        known = bool(specs_for_op(node.op)) or node.op in PASS_THROUGH_OPS
        if known:
            self.report.rows.append(ReportRow(node.name, node.op, SKIPPED,
                                              note="follows an unsupported node"))
        else:
            self.report.rows.append(ReportRow(
                node.name, node.op, UNSUPPORTED, note=f"NetCanvas has no layer for {node.op}."))

    def _one(self, node: reader.OnnxNode) -> None:
        inputs = [t for t in node.inputs if t]
        data = [t for t in inputs if t in self.producer or t in self.pads]
        if not data or node.op == "Shape":
            self._static(node, inputs)
            return
        for extra in node.outputs[1:]:
            if extra and self.uses.get(extra):
                raise Unsupported(f"its extra output '{extra}' is used, which NetCanvas's "
                                  f"layer does not produce.")
        if node.op in PASS_THROUGH_OPS:
            self.alias(node.outputs[0], data[0])
            self.report.rows.append(ReportRow(node.name, node.op, PASSED))
            return
        if node.op == "Pad":
            folds.fold_pad(self, node, data[0])
            return
        if node.op in ("Add", "Sub") and len(data) == 1 and len(inputs) == 2:
            folds.fold_bias(self, node, data[0], inputs)
            return
        self._layer(node, data)

    def _static(self, node: reader.OnnxNode, inputs: list[str]) -> None:
        missing = [t for t in inputs if t not in self.values and t not in self.shape]
        if missing:
            raise Unsupported(f"its input '{missing[0]}' comes from nowhere NetCanvas can see.")
        values = [self.values.get(t) if t else None for t in node.inputs]
        data_shape = self.shape.get(node.inputs[0]) if node.inputs else None
        out = reader.evaluate_static(node, values, data_shape)
        if out is None:
            if specs_for_op(node.op):
                raise Unsupported("it works on constants only, so it is no layer of the network.")
            raise Unsupported(f"NetCanvas has no layer for {node.op}.")
        for name, value in zip(node.outputs, out, strict=False):
            self.values[name] = np.asarray(value)
        self.report.rows.append(ReportRow(node.name, node.op, CONSTANT))

    def alias(self, out: str, source: str) -> None:
        if source in self.pads:
            self.pads[out] = self.pads[source]
            return
        self.producer[out], self.shape[out] = self.producer[source], self.shape[source]
        self.last_tensor = out

    # ---- layers --------------------------------------------------------------------
    def _layer(self, node: reader.OnnxNode, data: list[str]) -> None:
        specs = specs_for_op(node.op)
        if not specs:
            raise Unsupported(f"NetCanvas has no layer for {node.op}.")
        extra_pads = None
        sources = []
        for t in data:
            if t in self.pads:
                src, extra_pads = self.pads[t]
                sources.append(src)
            else:
                sources.append(t)
        values = [self.values.get(t) if t and t not in self.producer and t not in self.pads
                  else None for t in node.inputs]
        ctx = Context(node, values, [self.shape[s] for s in sources], self.opset,
                      self.fixed_batch, extra_pads)
        for spec in specs:
            conv = converter(spec)(ctx)
            if conv is not None:
                break
        else:
            shown = ", ".join("x".join(map(str, s)) for s in ctx.shapes)
            raise Unsupported(f"no NetCanvas layer takes {node.op} on a {shown} input.")
        if extra_pads is not None and "padding" not in {p.name for p in spec.params}:
            raise Unsupported("it follows a Pad that only a Conv2d can absorb.")
        if conv.passthrough:
            self.alias(node.outputs[0], sources[0])
            self.report.rows.append(ReportRow(node.name, node.op, PASSED,
                                              note="the input is already flat"))
            return
        ids = [self._add(spec, conv.params, conv.weights, sources, node, preferred=True)]
        notes = list(conv.notes)
        if FUSED_BN_RULE in node.meta.get("pkg.onnxscript.rewriter.rule_name", ""):
            ids.append(self._restore_bn(node, ids[0]))
            notes.append(f"BatchNorm '{ids[-1]}' restored (the exporter had folded it into "
                         f"this Conv; its statistics start neutral)")
        for type_id, params in conv.then:
            ids.append(self._add(get_spec(type_id), params, {}, [], node))
        self._check_shape(node, ids[-1])
        self.producer[node.outputs[0]] = ids[-1]
        self.shape[node.outputs[0]] = self.graph_shape(ids[-1])
        self.last_tensor, self.last_node = node.outputs[0], ids[-1]
        self.report.rows.append(ReportRow(node.name, node.op, LAYER,
                                          [self.label(i) for i in ids], "; ".join(notes)))

    def graph_shape(self, node_id: str) -> tuple[int, ...]:
        return self._shapes[node_id]

    def _restore_bn(self, node: reader.OnnxNode, conv_id: str) -> str:
        ctx = folds.neutral_bn_context(self.graph_shape(conv_id), self.opset)
        for spec in specs_for_op("BatchNormalization"):
            conv = converter(spec)(ctx)
            if conv is not None:
                return self._add(spec, conv.params, conv.weights, [], node,
                                 name=node.scope_name())
        raise Unsupported("the BatchNorm its exporter folded into it cannot be restored.")

    def _add(self, spec: Any, params: dict[str, Any], weights: dict[str, np.ndarray],
             sources: list[str], node: reader.OnnxNode, preferred: bool = False,
             name: str = "") -> str:
        nid = self._choose_id(spec, node, name, preferred)
        try:
            added = self.graph.add_node(spec.type_id, params, node_id=nid)
        except GraphError as exc:
            raise Unsupported(str(exc)) from None
        feeds = [self.producer[s] for s in sources] if sources else [self.last_chain]
        for port, src in enumerate(feeds):
            self.graph.connect(src, added.id, port)
        in_shapes = [self._shapes[f] for f in feeds]
        try:
            self._shapes[added.id] = spec.output_shape(added.id, in_shapes, added.params)
        except (ShapeError, ParamError) as exc:
            raise Unsupported(str(exc)) from None
        for suffix, array in weights.items():
            self.weights[f"{added.id}.{suffix}"] = np.asarray(array)
        self.last_chain = added.id
        return added.id

    def _choose_id(self, spec: Any, node: reader.OnnxNode, name: str, preferred: bool) -> str:
        candidates = [name]
        if preferred:
            prefixes = [t.rsplit(".", 1)[0] for t in node.inputs[1:2]
                        if t in self.values and "." in t]
            candidates += prefixes + [node.scope_name()]
        for c in candidates:
            clean = re.sub(r"[^A-Za-z0-9_]", "_", c or "").strip("_")
            if clean and clean[0].isdigit():
                clean = f"{spec.id_prefix}_{clean}"
            if clean and clean not in self.graph.nodes:
                return clean
        return self.graph.new_id(spec.type_id)

    def _check_shape(self, node: reader.OnnxNode, node_id: str) -> None:
        said = self.inferred.get(node.outputs[0])
        ours = self.graph_shape(node_id)
        if said and all(d is not None for d in said[1:]) and len(said) > 1:
            theirs = tuple(said[1:])
            if tuple(theirs) != tuple(ours):
                raise Unsupported(
                    f"NetCanvas's layer gives {'x'.join(map(str, ours))} per sample but the "
                    f"file says {'x'.join(map(str, theirs))}.")

    def label(self, node_id: str) -> str:
        return f"{node_id} ({self.graph.nodes[node_id].spec.title})"

    # ---- the end -------------------------------------------------------------------
    def finish(self) -> ImportResult:
        if self.report.unsupported and not self.cut:
            raise UnsupportedModelError(self.report.unsupported_sentence(), self.report)
        out_tensor = self._output_tensor()
        last = self.producer[out_tensor]
        if last == self.producer[self.input_name]:
            raise ModelImportError(
                f"'{self.source}' keeps no layer before its first unsupported node, so there is "
                f"nothing to import.")
        shape = self._shapes[last]
        self.last_chain = last
        if len(shape) != 1:
            fake = reader.OnnxNode("Flatten", "", [], [])
            last = self._add(FLATTEN, {}, {}, [], fake)
            self.report.notes.append(
                f"a Flatten '{last}' was added after '{self.producer[out_tensor]}' so the Output "
                f"receives a vector of {self._shapes[last][0]} values")
        classes = self._shapes[last][0]
        fake = reader.OnnxNode("Output", "", [], [])
        try:
            self._add(OUTPUT, {"classes": classes}, {}, [], fake)
        except Unsupported as exc:
            raise ModelImportError(f"'{self.source}': {exc}") from None
        self._prune()
        for nid, pos in auto_layout(self.graph).items():
            self.graph.nodes[nid].position = pos
        analysis = analyse(self.graph)
        if not analysis.valid:
            raise ModelImportError(f"'{self.source}' imports as a network NetCanvas cannot "
                                   f"build: {analysis.errors[0]}")
        self.report.layer_count = len(self.graph.nodes) - 2
        stem = Path(self.source).stem
        project = Project(self.graph, name=stem,
                          description=f"Imported from {self.source}.")
        return ImportResult(project, self.weights, self.report, self.input_name, out_tensor)

    def _output_tensor(self) -> str:
        if self.report.cut_after is not None:
            assert self.last_tensor is not None
            return self.last_tensor
        outs = [o.name for o in self.model.graph.output]
        if len(outs) != 1:
            raise ModelImportError(
                f"'{self.source}' has {len(outs)} outputs ({', '.join(outs)}); NetCanvas "
                f"imports a network with one output (its class scores).")
        if outs[0] not in self.producer:
            raise ModelImportError(
                f"'{self.source}': its output '{outs[0]}' does not depend on the input.")
        return outs[0]

    def _prune(self) -> None:
        """Drop layers that do not lead to the Output (branches cut off by --cut)."""
        keep, stack = set(), [n for n in self.graph.nodes if not self.graph.nodes[n].spec.has_output]
        keep.update(stack)
        while stack:
            here = stack.pop()
            for e in self.graph.edges:
                if e.target == here and e.source not in keep:
                    keep.add(e.source)
                    stack.append(e.source)
        for nid in [n for n in self.graph.nodes if n not in keep]:
            self.graph.remove_node(nid)
            for key in [k for k in self.weights if k.rsplit(".", 1)[0] == nid]:
                del self.weights[key]
