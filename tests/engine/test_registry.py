"""One parametrised test over the whole layer registry (CONVENTIONS.md #5).

For many random parameter combinations: the declared output shape equals a real torch
forward pass on the meta device, the declared parameter count equals the module's, params
round-trip through the project file, and invalid combinations raise ShapeError only.
"""

from __future__ import annotations

import random
import zlib

import pytest
import torch

from engine.graph import Graph
from engine.layers import ShapeError, all_specs
from engine.layers.spec import BOOL, CHOICE, FLOAT, INT, PADDING, PAIR, LayerSpec, Param
from engine.model import _resolve
from engine.project import Project, dumps, parse_project

CASES_PER_SPEC = 80
# Layer types whose shape rule is exactly torch's (so torch must fail where we refuse).
STRICT = {"conv2d", "maxpool2d", "avgpool2d"}


def random_value(param: Param, rng: random.Random):
    lo = int(param.minimum) if param.minimum is not None else 0
    if param.kind == BOOL:
        return rng.random() < 0.5
    if param.kind == CHOICE:
        return rng.choice(param.choices)
    if param.kind == FLOAT:
        hi = param.maximum if param.maximum is not None else 1.0
        return round(rng.uniform(param.minimum or 0.0, hi), 3)
    if param.name == "groups":
        return rng.choice([1, 1, 1, 2, 4])  # mostly valid; other values mostly ShapeErrors
    if param.kind == INT:
        cap = 4 if param.name in ("groups", "inputs") else 24
        return rng.randint(lo, min(int(param.maximum or cap), cap))
    if param.kind == PADDING and rng.random() < 0.3:
        return rng.choice(["same", "valid"])
    if param.kind in (PAIR, PADDING):
        cap = 4 if param.kind == PADDING or param.name in ("dilation", "padding") else 7
        return [rng.randint(lo, cap), rng.randint(lo, cap)]
    raise AssertionError(param.kind)


def random_inputs(spec: LayerSpec, params: dict, rng: random.Random) -> list[tuple[int, ...]]:
    n = spec.port_count(params)
    if spec.type_id == "output" and rng.random() < 0.6:
        return [(params["classes"],)]
    if rng.random() < 0.8:
        shape: tuple[int, ...] = (rng.randint(1, 8), rng.randint(1, 20), rng.randint(1, 20))
    else:
        shape = (rng.randint(1, 40),)
    shapes = [shape] * n
    if n > 1 and rng.random() < 0.3:  # occasionally mismatched branches
        shapes[-1] = (shape[0] + 1,) + shape[1:]
    return shapes


def torch_forward(spec: LayerSpec, inputs, params) -> tuple[tuple[int, ...], int]:
    cls_path, kwargs = spec.torch_module(inputs, params)
    module = _resolve(cls_path)(**kwargs)
    count = sum(p.numel() for p in module.parameters())
    module = module.to("meta").eval()
    with torch.no_grad():
        out = module(*[torch.zeros((2, *s), device="meta") for s in inputs])
    return tuple(out.shape[1:]), count


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.type_id)
def test_declared_shapes_match_torch(spec: LayerSpec) -> None:
    rng = random.Random(zlib.crc32(spec.type_id.encode()))
    valid = 0
    for _ in range(CASES_PER_SPEC):
        params = spec.coerce_params({p.name: random_value(p, rng) for p in spec.params})
        inputs = random_inputs(spec, params, rng)
        if spec.port_count(params) == 0:
            out = spec.output_shape("n", [], params)
            assert all(d >= 1 for d in out)
            valid += 1
            continue
        try:
            declared = spec.output_shape("n", inputs, params)
        except ShapeError as exc:
            assert "'n'" in str(exc)  # the message names the node
            if spec.type_id in STRICT:
                try:
                    shape, _ = torch_forward(spec, inputs, params)
                except Exception:  # noqa: BLE001 - any torch refusal agrees with ours
                    shape = (0,)
                assert min(shape) == 0, f"torch accepted what analysis refused: {exc}"
            continue
        valid += 1
        shape, count = torch_forward(spec, inputs, params)
        assert shape == declared, (params, inputs)
        assert count == spec.count_params(inputs, params), (params, inputs)
        assert spec.count_macs(inputs, declared, params) >= 0
        spec.explain(inputs, declared, params)  # must not raise for a valid layer
    assert valid >= 5, f"too few valid random cases for {spec.type_id}"


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.type_id)
def test_params_round_trip_through_project_file(spec: LayerSpec) -> None:
    rng = random.Random(7)
    for _ in range(10):
        params = spec.coerce_params({p.name: random_value(p, rng) for p in spec.params})
        g = Graph()
        g.add_node(spec.type_id, params, (1.5, -2.0), node_id="n1")
        back = parse_project(dumps(Project(g)), "t.json").graph.nodes["n1"]
        assert back.params == params
        assert back.position == (1.5, -2.0)


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.type_id)
def test_every_spec_is_complete(spec: LayerSpec) -> None:
    assert spec.summary.endswith(".")
    assert spec.category
    for p in spec.params:
        assert p.help and p.label
        p.coerce(p.default)
    if spec.type_id != "input":
        assert spec.torch_module is not None
