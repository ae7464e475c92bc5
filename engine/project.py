"""The versioned project file: graph + dataset choice + training settings, as JSON.

Loading parses into plain records first and builds the graph second, so every problem
becomes one `ProjectError` sentence naming the file and the place in it. Saving writes a
temporary file beside the target and renames it over, so a crash leaves the old file intact.
No torch here: `netcanvas info` must stay fast. See docs/project-format.md.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.graph import Edge, Graph, GraphError, Node
from engine.layers import ParamError, UnknownLayerError, get_spec

FORMAT = "netcanvas-project"
VERSION = 1


class ProjectError(Exception):
    """The project file cannot be read or written; the message says where and why."""


@dataclass
class Project:
    graph: Graph
    name: str = "Untitled"
    description: str = ""
    # Plain JSON records owned by engine.data / engine.training; kept as dicts here so
    # reading a project never imports torch.
    data: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    # {"file": "<stem>.weights.safetensors", "sha256": ...} when trained weights were saved
    # beside the project (engine.weights_state); checked when the project is opened.
    weights: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        record = {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "description": self.description,
            "graph": self.graph.to_dict(),
            "data": self.data,
            "training": self.training,
        }
        if self.weights:  # optional: files without it (and older readers) are unaffected
            record["weights"] = self.weights
        return record


def dumps(project: Project) -> str:
    return json.dumps(project.to_dict(), indent=2) + "\n"


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    """Atomic save: temp file in the same folder, fsync, then rename over the target."""
    target = Path(path)
    text = dumps(project)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ProjectError(
            f"Cannot save '{target}': the folder '{folder}' is not writable ({_why(exc)}). "
            f"Choose another folder with Save As."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ProjectError(
            f"Cannot save '{target}' ({_why(exc)}). The previous file is unchanged; free some "
            f"space or choose another place with Save As."
        ) from None


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def load_project(path: str | os.PathLike[str]) -> Project:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ProjectError(f"'{p}' does not exist. Check the path or pick the file again.") from None
    except IsADirectoryError:
        raise ProjectError(f"'{p}' is a folder, not a project file. Pick a .json file inside it.") from None
    except OSError as exc:
        raise ProjectError(f"Cannot read '{p}' ({_why(exc)}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProjectError(f"'{p}' is not a text file, so not a NetCanvas project.") from None
    return parse_project(text, str(p))


def parse_project(text: str, where: str = "project") -> Project:
    if not text.strip():
        raise ProjectError(f"'{where}' is empty. It may have been cut short while saving.")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectError(
            f"'{where}' is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            f"The file is damaged or was cut short."
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProjectError(
            f"'{where}' is not a NetCanvas project (it lacks \"format\": \"{FORMAT}\")."
        )
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProjectError(f"'{where}': \"version\" must be a whole number >= 1, not {version!r}.")
    if version > VERSION:
        raise ProjectError(
            f"'{where}' was saved by a newer NetCanvas (format version {version}; this version "
            f"reads up to {VERSION}). Update NetCanvas to open it."
        )
    reader = _Reader(where)
    name = reader.string(doc, "name", "Untitled")
    description = reader.string(doc, "description", "")
    graph = reader.graph(reader.obj(doc, "graph"))
    data = reader.obj(doc, "data", required=False)
    training = reader.obj(doc, "training", required=False)
    # Kept as found: a damaged record is reported when the weights are loaded, and the
    # project still opens (untrained).
    weights = doc.get("weights")
    return Project(graph, name, description, data, training,
                   weights if isinstance(weights, dict) else ({"file": None} if weights else {}))


class _Reader:
    """Type-checks the raw JSON and names the path of whatever is wrong."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, path: str, what: str) -> ProjectError:
        return ProjectError(f"'{self.where}', at {path}: {what}")

    def obj(self, parent: dict[str, Any], key: str, required: bool = True) -> dict[str, Any]:
        value = parent.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, f"expected an object, found {_kind(value)}.")
        return value

    def string(self, parent: dict[str, Any], key: str, default: str) -> str:
        value = parent.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, f"expected text, found {_kind(value)}.")
        return value

    def graph(self, raw: dict[str, Any]) -> Graph:
        nodes, edges = raw.get("nodes", []), raw.get("edges", [])
        if not isinstance(nodes, list):
            raise self.fail("graph.nodes", f"expected a list, found {_kind(nodes)}.")
        if not isinstance(edges, list):
            raise self.fail("graph.edges", f"expected a list, found {_kind(edges)}.")
        graph = Graph()
        for i, rec in enumerate(nodes):
            node = self.node(f"graph.nodes[{i}]", rec)
            if node.id in graph.nodes:
                raise self.fail(f"graph.nodes[{i}].id", f"the name {node.id!r} is used twice.")
            graph.nodes[node.id] = node
        for i, rec in enumerate(edges):
            path = f"graph.edges[{i}]"
            if not isinstance(rec, dict):
                raise self.fail(path, f"expected an object, found {_kind(rec)}.")
            src, tgt, port = rec.get("source"), rec.get("target"), rec.get("port", 0)
            for key, val in (("source", src), ("target", tgt)):
                if not isinstance(val, str) or val not in graph.nodes:
                    raise self.fail(f"{path}.{key}", f"{val!r} is not a node in this file.")
            if not isinstance(port, int) or isinstance(port, bool):
                raise self.fail(f"{path}.port", f"expected a whole number, found {_kind(port)}.")
            try:
                graph.check_connect(src, tgt, port)  # type: ignore[arg-type]
            except GraphError as exc:
                raise self.fail(path, str(exc)) from None
            graph.edges.append(Edge(src, tgt, port))  # type: ignore[arg-type]
        return graph

    def node(self, path: str, rec: Any) -> Node:
        if not isinstance(rec, dict):
            raise self.fail(path, f"expected an object, found {_kind(rec)}.")
        node_id, type_id = rec.get("id"), rec.get("type")
        if not isinstance(node_id, str) or not node_id:
            raise self.fail(f"{path}.id", f"expected a node name, found {_kind(node_id)}.")
        if not isinstance(type_id, str):
            raise self.fail(f"{path}.type", f"expected a layer type, found {_kind(type_id)}.")
        try:
            spec = get_spec(type_id)
        except UnknownLayerError as exc:
            raise self.fail(f"{path}.type", str(exc)) from None
        params = rec.get("params", {})
        if not isinstance(params, dict):
            raise self.fail(f"{path}.params", f"expected an object, found {_kind(params)}.")
        try:
            values = spec.coerce_params(params)
        except ParamError as exc:
            raise self.fail(f"{path}.params", f"{spec.title} '{node_id}': {exc}") from None
        pos = rec.get("position", [0, 0])
        if (not isinstance(pos, list) or len(pos) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos)):
            raise self.fail(f"{path}.position", "expected two numbers [x, y].")
        return Node(node_id, spec.type_id, values, (float(pos[0]), float(pos[1])))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"true/false ({value})"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{type(value).__name__} {value!r}"
