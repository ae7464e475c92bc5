"""What checks need to know about a layer is declared on its LayerSpec (CONVENTIONS #13).

The analysis and the model build ask a spec's role, traits, class param and shape fix; no
module outside engine/layers compares a type id to a literal. The source scan below keeps
it that way: a new `node.type_id == "conv2d"` anywhere fails here with its file and line.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from engine.analysis import analyse
from engine.graph import chain
from engine.layers import REGISTRY, get_spec
from engine.layers.spec import (
    NORMALISES_SCORES,
    ROLE_INPUT,
    ROLE_LAYER,
    ROLE_OUTPUT,
    SATURATING,
    SCORE_TRANSPARENT,
)

ROOT = Path(__file__).resolve().parents[2]
TYPE_IDS = set(REGISTRY)


def test_every_spec_has_one_known_role_and_known_traits():
    known = {SATURATING, SCORE_TRANSPARENT, NORMALISES_SCORES}
    roles = {spec.type_id: spec.role for spec in REGISTRY.values()}
    assert set(roles.values()) <= {ROLE_INPUT, ROLE_OUTPUT, ROLE_LAYER}
    assert [t for t, r in roles.items() if r == ROLE_INPUT] == ["input"]
    assert [t for t, r in roles.items() if r == ROLE_OUTPUT] == ["output"]
    for spec in REGISTRY.values():
        assert spec.traits <= known, spec.type_id
        if spec.class_param is not None:
            assert spec.param(spec.class_param).kind == "int", spec.type_id
    assert get_spec("sigmoid").has_trait(SATURATING) and get_spec("tanh").has_trait(SATURATING)
    assert not get_spec("relu").has_trait(SATURATING)


def test_input_shape_fix_produces_the_shape_it_is_asked_for():
    spec = get_spec("input")
    for shape in ((3, 32, 32), (1, 28, 28), (784,), (5,)):
        params = spec.coerce_params(spec.shape_fix(shape))
        assert spec.output_shape("input", [], params) == shape


def _swap_spec(monkeypatch, type_id: str, **changes) -> None:
    """Register a changed copy of a spec, so a test can show analysis reads the field."""
    spec = replace(REGISTRY[type_id], **changes)
    monkeypatch.setitem(REGISTRY, type_id, spec)


def test_saturation_warning_follows_the_trait_not_the_name(monkeypatch):
    net = [("input", {"layout": "vector", "features": 8})]
    net += [("linear", {"units": 8}), ("relu", {})] * 3
    net += [("linear", {"units": 10}), ("output", {})]
    assert not any("vanishing" in w for w in analyse(chain(net)).warnings)
    _swap_spec(monkeypatch, "relu", traits=frozenset({SATURATING}))
    assert any("vanishing" in w for w in analyse(chain(net)).warnings)


def test_softmax_check_looks_through_score_transparent_layers(monkeypatch):
    net = [("input", {"layout": "vector", "features": 8}), ("linear", {"units": 10}),
           ("softmax", {}), ("relu", {}), ("output", {})]
    assert not any("Softmax" in w for w in analyse(chain(net)).warnings)
    _swap_spec(monkeypatch, "relu", traits=frozenset({SCORE_TRANSPARENT}))
    assert any("Softmax" in w for w in analyse(chain(net)).warnings)


def test_class_fix_sets_the_declared_class_params():
    net = [("input", {"layout": "vector", "features": 8}), ("linear", {"units": 10}),
           ("output", {"classes": 10})]
    a = analyse(chain(net), data_shape=(8,), num_classes=4)
    (fix,) = a.fixes
    assert dict(fix.changes) == {"output1": (("classes", 4),), "fc1": (("units", 4),)}


def _literal_type_comparisons(path: Path) -> list[str]:
    """`x == "conv2d"`, `x in ("sigmoid", "tanh")`, `ids_of_type("input")` and dict keys
    that are type ids: every place a module decides something from a type id literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []

    def literals(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return [v for e in node.elts for v in literals(e)]
        return []

    for node in ast.walk(tree):
        hits: list[str] = []
        if isinstance(node, ast.Compare):
            hits = [v for c in node.comparators for v in literals(c)] + literals(node.left)
            hits = [v for v in hits if v in TYPE_IDS]
            # A comparison is about type ids only when one side reads a type id (a lab view
            # or curve named "linear" is another vocabulary).
            text = ast.unparse(node)
            if not ("type_id" in text or ".type" in text):
                hits = []
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "ids_of_type":
            hits = [v for a in node.args for v in literals(a)]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set) and not isinstance(
                getattr(node, "ctx", None), ast.Store):
            # A bare collection of type ids, e.g. SATURATING = ("sigmoid", "tanh").
            values = literals(node)
            if len(values) == len(node.elts) >= 2 and all(v in TYPE_IDS for v in values):
                hits = values
        elif isinstance(node, ast.Dict):
            keys = [v for k in node.keys if k is not None for v in literals(k)]
            if len(keys) >= 3 and all(k in TYPE_IDS for k in keys):
                hits = keys
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: {v!r}" for v in hits]
    return found


@pytest.mark.parametrize("package", ["engine", "app", "widgets"])
def test_no_type_id_literals_outside_the_registry(package):
    files = [p for p in (ROOT / package).rglob("*.py")
             if "layers" not in p.relative_to(ROOT).parts[:2]]
    offenders = [hit for p in files for hit in _literal_type_comparisons(p)]
    assert offenders == []
