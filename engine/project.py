"""The versioned project file: graph + dataset choice + training settings, as JSON.

Loading parses into plain records first and builds the graph second, so every problem
becomes one `ProjectError` sentence naming the file and the place in it. Saving writes a
temporary file beside the target and renames it over, so a crash leaves the old file intact.
No torch here: `netcanvas info` must stay fast. See docs/project-format.md.
"""

from __future__ import annotations

import glob
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.graph import CycleError, Edge, Graph, Node, id_problem
from engine.layers import ParamError, UnknownLayerError, get_spec
from engine.project_checks import (
    edge_closing_a_loop as _edge_closing_a_loop,
)
from engine.project_checks import (
    lone_surrogate_path as _lone_surrogate_path,
)
from engine.project_checks import (
    may_hold_surrogates as _may_hold_surrogates,
)
from engine.project_checks import short as _short

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
    # beside the project (engine.weights.state); checked when the project is opened.
    weights: dict[str, Any] = field(default_factory=dict)
    # Training runs kept with the project (engine.runs: metrics only, small).
    runs: list[dict[str, Any]] = field(default_factory=list)

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
        if self.runs:  # optional, like "weights"
            record["runs"] = self.runs
        return record


def dumps(project: Project) -> str:
    return json.dumps(project.to_dict(), indent=2) + "\n"


def save_project(project: Project, path: str | os.PathLike[str]) -> None:
    """Atomic save: temp file in the same folder, fsync, then rename over the target.

    The new file keeps the permissions of the one it replaces (a new file gets the usual
    ones, 0666 less the umask), and temp files that an interrupted save left behind are
    removed once this one succeeded."""
    target = Path(path)
    write_text_atomic(target, dumps(project))


def write_text_atomic(target: Path, text: str) -> None:
    """Write `text` to `target` through a temp file and a rename (see save_project)."""
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
            os.chmod(tmp, _mode_for(target))
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
    _remove_stale_temps(folder, target.name, keep=Path(tmp).name)


def _mode_for(target: Path) -> int:
    """The permission bits the saved file should have: the replaced file's, else the ones
    a plain open() would give (mkstemp's 0600 would hide a shared project from others)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_stale_temps(folder: Path, name: str, keep: str) -> None:
    """Delete .NAME.*.tmp files left by a save that was killed before its rename."""
    try:
        candidates = list(folder.glob(f".{glob.escape(name)}.*.tmp"))
    except OSError:
        return
    for stale in candidates:
        if stale.name != keep:
            try:
                stale.unlink()
            except OSError:
                pass  # someone else's file or already gone: not this save's business


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
    except RecursionError:
        raise ProjectError(
            f"'{where}' nests lists or objects thousands of levels deep, which no NetCanvas "
            f"project does; the file is damaged or not a project."
        ) from None
    except ValueError:  # Python refuses to read integers of more than 4,300 digits
        raise ProjectError(
            f"'{where}' holds a number with thousands of digits, which no NetCanvas project "
            f"does; the file is damaged or not a project."
        ) from None
    bad_text = _lone_surrogate_path(doc) if _may_hold_surrogates(text) else None
    if bad_text is not None:
        raise ProjectError(
            f"'{where}', at {bad_text}: the text holds a broken character escape (a lone "
            f"UTF-16 surrogate such as \\ud800). Retype that text."
        )
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
    reader.sections(data, training)
    # Kept as found: a damaged record is reported when the weights are loaded, and the
    # project still opens (untrained).
    weights = doc.get("weights")
    return Project(graph, name, description, data, training,
                   weights if isinstance(weights, dict) else ({"file": None} if weights else {}),
                   _runs(doc.get("runs")))


def _runs(raw: Any) -> list[dict[str, Any]]:
    """The optional "runs" list; records that are not objects are dropped, never fatal
    (they are a history, not part of the network)."""
    return [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []


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
            node = self.node(i, rec)
            if node.id in graph.nodes:
                raise self.fail(f"graph.nodes[{i}].id", f"the name {node.id!r} is used twice.")
            graph.nodes[node.id] = node
        # The same checks as Graph.check_connect, but each edge in constant time (a port
        # set instead of scanning every edge, one cycle check at the end instead of a
        # search per edge): reading stays linear in the size of the graph.
        used: dict[tuple[str, int], str] = {}
        known = graph.nodes
        for i, rec in enumerate(edges):
            # Paths are spelled only on failure: formatting 20,000 of them costs more
            # than checking the edges.
            if type(rec) is not dict:
                raise self.fail(f"graph.edges[{i}]", f"expected an object, found {_kind(rec)}.")
            src, tgt, port = rec.get("source"), rec.get("target"), rec.get("port", 0)
            src_ok = type(src) is str and src in known
            if not src_ok or not (type(tgt) is str and tgt in known):
                key, val = ("target", tgt) if src_ok else ("source", src)
                raise self.fail(f"graph.edges[{i}].{key}",
                                f"{_short(val)} is not a node in this file.")
            if type(port) is not int:
                raise self.fail(f"graph.edges[{i}].port",
                                f"expected a whole number, found {_kind(port)}.")
            problem = self.edge_problem(graph, src, tgt, port, used)
            if problem:
                raise self.fail(f"graph.edges[{i}]", problem)
            used[(tgt, port)] = src  # type: ignore[index]
            graph.edges.append(Edge(src, tgt, port))  # type: ignore[arg-type]
        try:
            graph.topological_order()
        except CycleError:
            i, edge = _edge_closing_a_loop(graph)
            raise self.fail(
                f"graph.edges[{i}]",
                f"Connecting '{edge.source}' to '{edge.target}' would make a loop "
                f"('{edge.target}' already feeds '{edge.source}'). Networks here must flow "
                f"one way.") from None
        return graph

    @staticmethod
    def edge_problem(graph: Graph, src: str, tgt: str, port: int,
                     used: dict[tuple[str, int], str]) -> str | None:
        source, target = graph.nodes[src].spec, graph.nodes[tgt]
        if not source.has_output:
            return (f"{source.title} '{src}' is the end of the network: nothing can follow it. "
                    f"Connect the layer before it instead.")
        if src == tgt:
            return f"'{src}' cannot feed itself."
        ports = target.spec.port_count(target.params)
        if ports == 0:
            return f"{target.spec.title} '{tgt}' takes no input: data starts there."
        if not 0 <= port < ports:
            return (f"{target.spec.title} '{tgt}' has {ports} input(s); there is no input "
                    f"{_short(port + 1)}.")
        if (tgt, port) in used:
            what = f"input {port + 1}" if ports > 1 else "its input"
            return (f"{target.spec.title} '{tgt}' already takes {what} from '{used[(tgt, port)]}'. "
                    f"Disconnect that first, or use an Add or Concat to join branches.")
        return None

    def sections(self, data: dict[str, Any], training: dict[str, Any]) -> None:
        """Check the data and training records as docs/project-format.md describes them,
        so a bad setting is refused when the file is read, not when training starts."""
        # Imported here: engine.data pulls in numpy, which reading a graph does not need.
        from engine.data.dataset import DataSource
        from engine.data.errors import DataError
        from engine.data.prep_settings import Preprocessing
        from engine.training.settings import SettingsError, TrainSettings

        checks = (("data.source", DataSource.from_dict, data.get("source")),
                  ("data.preprocessing", Preprocessing.from_dict, data.get("preprocessing")),
                  ("training", TrainSettings.from_dict, training or None))
        for path, read, record in checks:
            if record is None:
                continue
            try:
                read(record)
            except (DataError, SettingsError, TypeError, ValueError) as exc:
                raise self.fail(path, str(exc)) from None

    def node(self, index: int, rec: Any) -> Node:
        path = f"graph.nodes[{index}]"
        if not isinstance(rec, dict):
            raise self.fail(path, f"expected an object, found {_kind(rec)}.")
        node_id, type_id = rec.get("id"), rec.get("type")
        if not isinstance(node_id, str) or not node_id:
            raise self.fail(f"{path}.id", f"expected a node name, found {_kind(node_id)}.")
        problem = id_problem(node_id)
        if problem:
            raise self.fail(f"{path}.id", problem)
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
        # type() rather than isinstance: true/false are ints to isinstance.
        if type(pos) is not list or len(pos) != 2 or not (
                type(pos[0]) in _NUMBER_TYPES and type(pos[1]) in _NUMBER_TYPES):
            raise self.fail(f"{path}.position", "expected two numbers [x, y].")
        return Node(node_id, spec.type_id, values, (float(pos[0]), float(pos[1])))


_NUMBER_TYPES = (int, float)


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
        return f"text {_short(value)}"
    return f"{type(value).__name__} {_short(value)}"
