from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine import project as project_mod
from engine.graph import chain
from engine.project import Project, ProjectError, dumps, load_project, parse_project, save_project


def sample() -> Project:
    g = chain([("input", {}), ("conv2d", {"kernel": [3, 5], "padding": "same"}), ("flatten", {}),
               ("linear", {}), ("output", {})])
    return Project(g, "Demo", "A test", {"source": {"kind": "shapes", "path": ""}}, {"epochs": 3})


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    save_project(sample(), path)
    back = load_project(path)
    assert back.graph.to_dict() == sample().graph.to_dict()
    assert back.name == "Demo" and back.training == {"epochs": 3}
    assert back.data["source"]["kind"] == "shapes"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bad.json"
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=99), "newer NetCanvas (format version 99; this version reads up to 1)"),
        (lambda d: d.update(version="one"), '"version" must be a whole number'),
        (lambda d: d.pop("format"), "is not a NetCanvas project"),
        (lambda d: d.update(graph=[]), "at graph: expected an object, found a list"),
        (lambda d: d["graph"]["nodes"][1].update(type="conv9d"), "graph.nodes[1].type: Unknown layer type 'conv9d'"),
        (lambda d: d["graph"]["nodes"][1]["params"].update(kernel="big"),
         "graph.nodes[1].params: Conv2d 'conv1': Kernel size must be a whole number"),
        (lambda d: d["graph"]["nodes"][1]["params"].update(kernel=0),
         "Kernel size must be at least 1, not 0"),
        (lambda d: d["graph"]["nodes"][1].update(position="here"), "graph.nodes[1].position: expected two numbers"),
        (lambda d: d["graph"]["nodes"][2].update(id="input1"), "the name 'input1' is used twice"),
        (lambda d: d["graph"]["edges"][0].update(source="ghost"), "graph.edges[0].source: 'ghost' is not a node"),
        (lambda d: d["graph"]["edges"].append({"source": "input1", "target": "conv1", "port": 0}),
         "graph.edges[4]: Conv2d 'conv1' already takes its input from 'input1'"),
        (lambda d: d["graph"]["edges"].append({"source": "output1", "target": "conv1", "port": 0}),
         "graph.edges[4]: Output 'output1' is the end of the network"),
        (lambda d: d.update(name=5), "at name: expected text"),
    ],
)
def test_bad_files_give_one_clear_sentence(tmp_path: Path, mutate, message: str) -> None:
    doc = json.loads(dumps(sample()))
    mutate(doc)
    path = write(tmp_path, json.dumps(doc))
    with pytest.raises(ProjectError) as info:
        load_project(path)
    assert message in str(info.value)
    assert "Traceback" not in str(info.value)


def test_truncated_empty_binary_missing(tmp_path: Path) -> None:
    text = dumps(sample())
    with pytest.raises(ProjectError, match=r"not valid JSON \(line \d+, column \d+"):
        load_project(write(tmp_path, text[: len(text) // 2]))
    with pytest.raises(ProjectError, match="is empty"):
        load_project(write(tmp_path, ""))
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProjectError, match="not a text file"):
        load_project(binary)
    with pytest.raises(ProjectError, match="does not exist"):
        load_project(tmp_path / "nope.json")
    with pytest.raises(ProjectError, match="is a folder"):
        load_project(tmp_path)


def test_cycle_in_file_is_refused() -> None:
    doc = json.loads(dumps(Project(chain([("input", {}), ("add", {}), ("relu", {})]))))
    doc["graph"]["edges"].append({"source": "relu1", "target": "add1", "port": 1})
    with pytest.raises(ProjectError, match="would make a loop"):
        parse_project(json.dumps(doc), "x.json")


def test_renamed_type_ids_still_load() -> None:
    doc = json.loads(dumps(sample()))
    doc["graph"]["nodes"][3]["type"] = "dense"
    assert parse_project(json.dumps(doc)).graph.nodes["fc1"].type_id == "linear"


def test_atomic_save_keeps_old_file_on_crash(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "p.json"
    save_project(sample(), path)
    before = path.read_text()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_mod.os, "fsync", boom)
    changed = sample()
    changed.name = "Changed"
    with pytest.raises(ProjectError, match="No space left on device.*previous file is unchanged"):
        save_project(changed, path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]  # no temp file left behind


def test_save_into_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not writable"):
        save_project(sample(), tmp_path / "missing" / "p.json")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_save_into_read_only_folder(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    with pytest.raises(ProjectError):
        save_project(sample(), ro / "p.json")
