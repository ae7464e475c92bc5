"""`netcanvas info` and `netcanvas train` on hostile files: one sentence, exit 2 (#12.1-3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from engine.graph import chain
from engine.project import Project, dumps


def good_doc() -> dict:
    net = chain([("input", {"layout": "vector", "features": 4}), ("linear", {"units": 2}),
                 ("output", {"classes": 2})])
    return json.loads(dumps(Project(net, "Good")))


def hostile_texts() -> dict[str, str]:
    base = json.dumps(good_doc())
    named = good_doc()
    named["name"] = "@@"
    ident = good_doc()
    ident["graph"]["nodes"][1]["id"] = "fc.1"
    ident["graph"]["edges"][0]["target"] = ident["graph"]["edges"][1]["source"] = "fc.1"
    seed = good_doc()
    seed["data"] = {"preprocessing": {"seed": -1}}
    typed = good_doc()
    typed["training"] = {"batch_size": "big"}
    return {
        "huge integer": base.replace('"version": 1', '"version": 1' + "0" * 5000),
        "deep nesting": base[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "surrogate name": json.dumps(named).replace("@@", "\\ud800"),
        "dotted id": json.dumps(ident),
        "negative seed": json.dumps(seed),
        "wrong type": json.dumps(typed),
    }


@pytest.mark.parametrize("command", ["info", "train"])
@pytest.mark.parametrize("case", sorted(hostile_texts()))
def test_hostile_file_is_one_sentence_and_exit_2(tmp_path: Path, capsys, command, case):
    path = tmp_path / "hostile.json"
    path.write_text(hostile_texts()[case], encoding="utf-8")
    argv = [command, str(path)] + (["--out", str(tmp_path / "run")] if command == "train" else [])
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("netcanvas: "), captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "run").exists()
