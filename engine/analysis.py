"""Shape analysis: runs every layer's shape function over the graph.

Pure Python, no torch, fast enough to run on every keystroke (see bench/analysis.py).
The worked arithmetic text is produced on demand by `explain`, not here, because only
the inspector's one node needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.graph import CycleError, Graph
from engine.layers import Shape, ShapeError, fmt_shape
from engine.layers.spec import (
    NORMALISES_SCORES,
    ROLE_INPUT,
    ROLE_OUTPUT,
    SATURATING,
    SCORE_TRANSPARENT,
    numel,
)

BYTES_PER_VALUE = 4  # float32 activations


@dataclass
class NodeResult:
    node_id: str
    type_id: str
    input_shapes: list[Shape]
    output_shape: Shape | None = None
    error: str | None = None
    # Set when an upstream node failed, so this node's shape is unknown (not its fault).
    blocked_by: str | None = None
    params: int = 0
    macs: int = 0
    # (height, width) of the input region one output value sees; None once a layer
    # (Linear, global pooling) mixes the whole input, or for vectors.
    receptive_field: tuple[int, int] | None = None
    jump: tuple[int, int] = (1, 1)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.output_shape is not None


@dataclass(frozen=True)
class Fix:
    """A one-click repair the UI can offer: set these params on these nodes."""

    message: str
    changes: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]


@dataclass
class Analysis:
    nodes: dict[str, NodeResult]
    order: list[str]
    input_shape: Shape | None
    output_id: str | None
    errors: list[str]
    warnings: list[str]
    fixes: list[Fix]
    # Totals over the nodes the model is built from (those that lead to the Output), so
    # they equal the built model's; nodes left out are counted in unused_params.
    total_params: int
    total_macs: int
    activation_values: int  # per sample, all node outputs together
    unused_params: int = 0
    # Node ids that do not lead to the Output (left out of the model); empty without one.
    unused: tuple[str, ...] = ()
    # The errors (also in `errors`) where the network disagrees with the chosen data set;
    # `fixes` repair them. The Dataset panel shows these where the data set is picked.
    data_errors: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def activation_bytes(self) -> int:
        return self.activation_values * BYTES_PER_VALUE

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "input_shape": list(self.input_shape) if self.input_shape else None,
            "total_params": self.total_params,
            "total_macs": self.total_macs,
            "unused_params": self.unused_params,
            "unused": list(self.unused),
            "nodes": [
                {
                    "id": r.node_id,
                    "type": r.type_id,
                    "output_shape": list(r.output_shape) if r.output_shape else None,
                    "params": r.params,
                    "macs": r.macs,
                    "error": r.error,
                }
                for r in (self.nodes[i] for i in self.order)
            ],
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }


def analyse(
    graph: Graph, data_shape: Shape | None = None, num_classes: int | None = None
) -> Analysis:
    """Shapes, counts, receptive fields, errors and teaching warnings for `graph`.

    `data_shape` / `num_classes` describe the chosen dataset; disagreements with the Input
    or Output node become errors with a one-click Fix.
    """
    errors: list[str] = []
    warnings: list[str] = []
    fixes: list[Fix] = []
    try:
        order = graph.topological_order()
    except CycleError as exc:
        return Analysis({}, [], None, None, [str(exc)], [], [], 0, 0, 0)

    nodes = graph.nodes
    feeds: dict[str, list[str | None]] = {}
    for nid in order:
        node = nodes[nid]
        feeds[nid] = [None] * node.spec.port_count(node.params)
    for e in graph.edges:
        slots = feeds[e.target]
        if e.port < len(slots):
            slots[e.port] = e.source

    results: dict[str, NodeResult] = {}
    total_params = total_macs = activations = 0
    for nid in order:
        node = nodes[nid]
        spec = node.spec
        p = node.params
        sources = feeds[nid]
        res = NodeResult(nid, node.type_id, [])
        results[nid] = res
        if None in sources:
            missing = [i for i, s in enumerate(sources) if s is None]
            which = "its input" if len(sources) == 1 else (
                "input " + ", ".join(str(i + 1) for i in missing))
            res.error = f"{spec.title} '{nid}' has nothing connected to {which}. Connect a layer to it."
            continue
        ups = [results[s] for s in sources]  # type: ignore[index]
        shapes = []
        blocked = None
        for u in ups:
            if u.output_shape is None:
                blocked = u.blocked_by or u.node_id
                break
            shapes.append(u.output_shape)
        if blocked is not None:
            res.blocked_by = blocked
            continue
        res.input_shapes = shapes
        try:
            out = spec.output_shape(nid, shapes, p)
        except ShapeError as exc:
            res.error = str(exc)
            continue
        res.output_shape = out
        res.params = spec.count_params(shapes, p)
        res.macs = spec.count_macs(shapes, out, p)
        if len(out) == 3:
            _receptive(res, ups, spec.receptive(p))
        node_warnings = spec.warnings(nid, shapes, out, p)
        if node_warnings:
            res.warnings = node_warnings
            warnings.extend(node_warnings)

    inputs = graph.ids_with_role(ROLE_INPUT)
    outputs = graph.ids_with_role(ROLE_OUTPUT)
    input_shape = results[inputs[0]].output_shape if len(inputs) == 1 else None
    output_id = outputs[0] if len(outputs) == 1 else None
    needed = _feeding(output_id, feeds) if output_id is not None else set(order)

    unused_params = 0
    for nid in order:
        res = results[nid]
        if nid not in needed:
            # The model is built from what feeds the Output: a problem elsewhere is worth
            # a warning (the reachability one below), not a reason to refuse training.
            unused_params += res.params
            if res.error:
                warnings.append(res.error)
            continue
        if res.error:
            errors.append(res.error)
        if res.output_shape is not None:
            total_params += res.params
            total_macs += res.macs
            activations += numel(res.output_shape)
    if not inputs:
        errors.append("The network has no Input node. Add one from the palette: data enters there.")
    elif len(inputs) > 1:
        errors.append(f"The network has {len(inputs)} Input nodes ({', '.join(inputs)}); keep one.")
    if not outputs:
        errors.append(
            "The network has no Output node. Add one after the last layer so NetCanvas knows "
            "which values are the class scores."
        )
    elif len(outputs) > 1:
        errors.append(f"The network has {len(outputs)} Output nodes ({', '.join(outputs)}); keep one.")

    if output_id is not None:
        _reachability_warnings(graph, order, needed, warnings)
        _softmax_warning(graph, output_id, feeds, warnings)
    _saturation_warning(graph, order, warnings)
    before_data_checks = len(errors)
    if inputs and len(inputs) == 1 and data_shape is not None:
        _data_shape_check(graph, inputs[0], tuple(data_shape), errors, fixes)
    if output_id is not None and num_classes is not None:
        _class_check(graph, output_id, feeds, num_classes, errors, fixes)

    unused = tuple(n for n in order if n not in needed)
    return Analysis(results, order, input_shape, output_id, errors, warnings, fixes,
                    total_params, total_macs, activations, unused_params, unused,
                    tuple(errors[before_data_checks:]))


def _feeding(output_id: str, feeds: dict[str, list[str | None]]) -> set[str]:
    """The Output and every node that leads to it: what the model is built from."""
    needed, stack = {output_id}, [output_id]
    while stack:
        for s in feeds[stack.pop()]:
            if s is not None and s not in needed:
                needed.add(s)
                stack.append(s)
    return needed


def _receptive(res: NodeResult, ups: list[NodeResult], step: Any) -> None:
    """Grow the receptive field: rf += (k - 1) * jump; jump *= stride (per axis)."""
    if not ups:
        base_rf, base_jump = (1, 1), (1, 1)  # an Input node: one pixel sees itself
    elif len(ups) == 1:
        base_rf, base_jump = ups[0].receptive_field, ups[0].jump  # type: ignore[assignment]
        if base_rf is None:
            return  # something upstream already mixed the whole input
    else:
        if any(u.receptive_field is None for u in ups):
            return
        base_rf = (max(u.receptive_field[0] for u in ups),  # type: ignore[index]
                   max(u.receptive_field[1] for u in ups))  # type: ignore[index]
        base_jump = (max(u.jump[0] for u in ups), max(u.jump[1] for u in ups))
    if step is None:
        return
    (kh, sh), (kw, sw) = step
    res.receptive_field = (base_rf[0] + (kh - 1) * base_jump[0], base_rf[1] + (kw - 1) * base_jump[1])
    res.jump = (base_jump[0] * sh, base_jump[1] * sw)


def _reachability_warnings(graph: Graph, order: list[str], needed: set[str],
                           warnings: list[str]) -> None:
    for nid in order:
        if nid not in needed:
            title = graph.nodes[nid].spec.title
            warnings.append(
                f"{title} '{nid}' does not lead to the Output, so it is left out of the model. "
                f"Connect it or delete it."
            )


def _softmax_warning(graph: Graph, output_id: str, feeds: dict[str, list[str | None]],
                     warnings: list[str]) -> None:
    src = feeds[output_id][0] if feeds[output_id] else None
    # Look through shape-preserving layers that do not change what softmax means.
    while src is not None and graph.nodes[src].spec.has_trait(SCORE_TRANSPARENT):
        src = feeds[src][0]
    if src is not None and graph.nodes[src].spec.has_trait(NORMALISES_SCORES):
        warnings.append(
            f"Softmax '{src}' feeds the Output, but the cross-entropy loss applies softmax itself, "
            f"so it would be applied twice and learning slows. Remove it: the Output should get "
            f"raw scores."
        )


def _saturation_warning(graph: Graph, order: list[str], warnings: list[str]) -> None:
    squashers = [n for n in order if graph.nodes[n].spec.has_trait(SATURATING)]
    if len(squashers) >= 3:
        titles = "/".join(dict.fromkeys(graph.nodes[n].spec.title for n in squashers))
        warnings.append(
            f"{len(squashers)} {titles} layers ({', '.join(squashers)}): each one shrinks the "
            f"gradient (a sigmoid's slope is at most 0.25), so early layers may barely learn "
            f"(vanishing gradient). ReLU avoids this."
        )


def _data_shape_check(graph: Graph, input_id: str, data_shape: Shape, errors: list[str],
                      fixes: list[Fix]) -> None:
    node = graph.nodes[input_id]
    spec = node.spec
    have = spec.output_shape(input_id, [], node.params)
    if have == data_shape:
        return
    errors.append(
        f"{spec.title} '{input_id}' is {fmt_shape(have)} but the dataset's samples are "
        f"{fmt_shape(data_shape)}. Set the {spec.title} to {fmt_shape(data_shape)}."
    )
    if spec.shape_fix is not None:
        change = tuple(spec.shape_fix(data_shape).items())
        fixes.append(Fix(f"Set {spec.title} '{input_id}' to {fmt_shape(data_shape)}",
                         ((input_id, change),)))


def _class_check(graph: Graph, output_id: str, feeds: dict[str, list[str | None]],
                 num_classes: int, errors: list[str], fixes: list[Fix]) -> None:
    node = graph.nodes[output_id]
    own = node.spec.class_param
    if own is None:
        return
    last = feeds[output_id][0] if feeds[output_id] else None
    # The layer that produces the scores (the last Linear), when its units set the count.
    scorer = last if last is not None and graph.nodes[last].spec.class_param else None
    scorer_param = graph.nodes[scorer].spec.class_param if scorer is not None else None
    mismatch = node.params[own] != num_classes or (
        scorer is not None and graph.nodes[scorer].params[scorer_param] != num_classes)
    if not mismatch:
        return
    title = node.spec.title
    scorer_title = graph.nodes[scorer].spec.title if scorer is not None else "Linear"
    errors.append(
        f"The dataset has {num_classes} classes but {title} '{output_id}' expects "
        f"{node.params[own]}. Set the {title} (and the last {scorer_title}'s "
        f"{scorer_param or 'units'}) to {num_classes}."
    )
    changes: list[tuple[str, tuple[tuple[str, Any], ...]]] = [
        (output_id, ((own, num_classes),))]
    if scorer is not None and scorer_param is not None:
        changes.append((scorer, ((scorer_param, num_classes),)))
    fixes.append(Fix(f"Set the network to {num_classes} classes", tuple(changes)))


def explain(graph: Graph, analysis: Analysis, node_id: str) -> list[str]:
    """The worked arithmetic for one node, with the user's numbers filled in."""
    res = analysis.nodes.get(node_id)
    if res is None or res.output_shape is None:
        return []
    node = graph.nodes[node_id]
    lines = list(node.spec.explain(res.input_shapes, res.output_shape, node.params))
    if res.receptive_field is not None:
        rf = res.receptive_field
        lines.append(f"receptive field: each output value sees {rf[0]}x{rf[1]} input pixels")
    return lines
