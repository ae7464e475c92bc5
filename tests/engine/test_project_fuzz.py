"""Generated bad project files: each is refused with one ProjectError sentence (issue #12,
items 1-3), and every id the documented rule allows builds and trains."""

from __future__ import annotations

import json
import re
import string

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data.prep_settings import Preprocessing
from engine.graph import Graph, chain
from engine.model import build_model, model_weights
from engine.project import Project, ProjectError, dumps, parse_project
from engine.training import Finished, Trainer, TrainSettings

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def base_doc() -> dict:
    net = chain([("input", {"layout": "vector", "features": 4}), ("linear", {"units": 3}),
                 ("relu", {}), ("linear", {"units": 2}), ("output", {"classes": 2})])
    return json.loads(dumps(Project(net, "Fuzz", "a small net")))


def places(doc: dict) -> list[tuple[object, object]]:
    """(container, key) pairs for every value in the document: where a bad value may go."""
    out, stack = [], [doc]
    while stack:
        here = stack.pop()
        items = here.items() if isinstance(here, dict) else enumerate(here)
        for key, value in items:
            out.append((here, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return out


def refused_in_one_sentence(text: str) -> str:
    with pytest.raises(ProjectError) as info:
        parse_project(text, "fuzz.json")
    message = str(info.value)
    assert message.startswith("'fuzz.json'") and "\n" not in message and len(message) < 400
    message.encode("utf-8")  # printable: no surrogate reaches the terminal
    return message


@FAST
@given(st.data(), st.integers(4301, 20_000))
def test_a_number_with_thousands_of_digits_anywhere_is_one_sentence(data, digits):
    doc = base_doc()
    container, key = data.draw(st.sampled_from(places(doc)))
    container[key] = 7  # placeholder, replaced in the text below
    text = json.dumps(doc).replace(": 7", ": " + "9" * digits, 1).replace(", 7", ", " + "9" * digits, 1)
    if "9" * digits not in text:
        text = json.dumps(doc)[:-1] + ', "x": ' + "9" * digits + "}"
    assert "thousands of digits" in refused_in_one_sentence(text)


@FAST
@given(st.integers(2_000, 100_000), st.sampled_from(["[", '{"a":']))
def test_deep_nesting_is_one_sentence(depth, opener):
    closer = "]" if opener == "[" else "}"
    text = json.dumps(base_doc())[:-1] + ', "deep": ' + opener * depth + "1" + closer * depth + "}"
    assert "levels deep" in refused_in_one_sentence(text)


@FAST
@given(st.sampled_from(["name", "description", "id", "key", "source"]),
       st.integers(0xD800, 0xDFFF), st.text(string.ascii_letters, max_size=5))
def test_lone_surrogates_are_one_sentence(where, code, around):
    doc = base_doc()
    escape = f"\\u{code:04x}"
    bad = f"{around}@@{around}"
    if where in ("name", "description"):
        doc[where] = bad
    elif where == "id":
        doc["graph"]["nodes"][1]["id"] = bad
    elif where == "source":
        doc["graph"]["edges"][0]["source"] = bad
    else:
        doc["training"] = {bad: 1}
    text = json.dumps(doc).replace("@@", escape)
    assert "surrogate" in refused_in_one_sentence(text)


VALID_ID = st.from_regex(re.compile(r"[A-Za-z][A-Za-z0-9_]{0,12}"), fullmatch=True)
NAMES_TORCH_USES = ["training", "forward", "code", "graph", "meta", "eval", "to", "cuda",
                    "parameters", "state_dict", "class", "None", "def", "T_destination", "x"]


def two_layer(ids: tuple[str, str]) -> Graph:
    g = Graph()
    g.add_node("input", {"layout": "vector", "features": 4}, node_id="data_in")
    g.add_node("linear", {"units": 5}, node_id=ids[0])
    g.add_node("relu", node_id=ids[1])
    g.add_node("linear", {"units": 2}, node_id="scores")
    g.add_node("output", {"classes": 2}, node_id="result")
    for a, b in (("data_in", ids[0]), (ids[0], ids[1]), (ids[1], "scores"), ("scores", "result")):
        g.connect(a, b)
    return g


@FAST
@given(st.tuples(VALID_ID, VALID_ID).filter(
    lambda t: t[0] != t[1] and not set(t) & {"data_in", "scores", "result"}))
def test_every_valid_id_reads_and_builds(ids):
    project = parse_project(dumps(Project(two_layer(ids))), "ids.json")
    model = build_model(project.graph)
    assert model(torch.zeros(3, 4)).shape == (3, 2)
    assert len(model_weights(model)) == 4  # two Linear layers: weight and bias each


@pytest.mark.parametrize("name", NAMES_TORCH_USES)
def test_ids_that_torch_uses_itself_train(name):
    model = build_model(two_layer((name, name + "_act")))
    x = torch.randn(32, 4)
    y = (x[:, 0] > 0).long()
    trainer = Trainer(model, TrainSettings(batch_size=16, epochs=1), x, y, x_val=x, y_val=y)
    events = list(trainer.run())
    assert isinstance(events[-1], Finished) and events[-1].reason == "completed"


@FAST
@given(st.text(min_size=1, max_size=8).filter(
    lambda s: not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", s)))
def test_ids_breaking_the_rule_are_refused_at_reading(bad):
    doc = base_doc()
    old = doc["graph"]["nodes"][1]["id"]
    doc["graph"]["nodes"][1]["id"] = bad
    for edge in doc["graph"]["edges"]:
        for end in ("source", "target"):
            if edge[end] == old:
                edge[end] = bad
    message = refused_in_one_sentence(json.dumps(doc))
    assert "graph.nodes[1].id" in message or "surrogate" in message


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**40), 10**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
TRAIN_KEYS = list(TrainSettings().to_dict())
PREP_KEYS = list(Preprocessing().to_dict())


@FAST
@given(st.dictionaries(st.sampled_from(TRAIN_KEYS), JSON_VALUES, max_size=3),
       st.dictionaries(st.sampled_from(PREP_KEYS), JSON_VALUES, max_size=3))
def test_settings_are_checked_at_reading(training, prep):
    """A file either reads and then every record builds (so training cannot fail on a
    setting later), or it is refused in one sentence naming the section."""
    doc = base_doc()
    doc["training"] = training
    doc["data"] = {"source": {"kind": "shapes", "path": ""}, "preprocessing": prep}
    text = json.dumps(doc)
    try:
        project = parse_project(text, "fuzz.json")
    except ProjectError as exc:
        message = str(exc)
        assert ("at training:" in message or "at data.preprocessing:" in message), message
        assert "\n" not in message
        return
    TrainSettings.from_dict(project.training)
    Preprocessing.from_dict(project.data["preprocessing"])


@pytest.mark.parametrize(("section", "record", "words"), [
    ("preprocessing", {"seed": -1}, "seed must be a whole number from 0"),
    ("preprocessing", {"val_fraction": "a tenth"}, "val_fraction"),
    ("training", {"epochs": "three"}, "'epochs'"),
    ("training", {"lr": 10**400}, "'lr'"),
    ("source", {"kind": "tape"}, "Unknown data source kind"),
])
def test_named_bad_settings(section, record, words):
    doc = base_doc()
    if section == "training":
        doc["training"] = record
    else:
        doc["data"] = {section: record}
    assert words in refused_in_one_sentence(json.dumps(doc))
