"""`netcanvas info`: the table, --json, exit codes, and no torch/Qt import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.cli import main
from engine.graph import chain
from engine.project import Project, save_project
from engine.templates import template_path


def test_table_lists_every_node_and_totals(capsys) -> None:
    assert main(["info", str(template_path("fashion_two_conv"))]) == 0
    out = capsys.readouterr().out
    assert "conv1     Conv2d     32x28x28            832     627,200" in out
    assert "parameters: 3,274,634" in out


def test_json_output(capsys) -> None:
    assert main(["info", "--json", str(template_path("linear_classifier"))]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is True and doc["input_shape"] == [3, 32, 32]
    assert doc["total_params"] == 30_730
    fc = next(n for n in doc["nodes"] if n["id"] == "fc1")
    assert fc == {"id": "fc1", "type": "linear", "output_shape": [10], "params": 30_730,
                  "macs": 30_720, "error": None}


def test_exit_1_on_graph_errors(tmp_path: Path, capsys) -> None:
    g = chain([("input", {"height": 4, "width": 4}), ("conv2d", {"kernel": 5, "padding": 0}),
               ("flatten", {}), ("linear", {}), ("output", {})])
    path = tmp_path / "bad.json"
    save_project(Project(g), path)
    assert main(["info", str(path)]) == 1
    assert "error: Conv2d 'conv1': kernel 5x5 is larger" in capsys.readouterr().out
    assert main(["info", "--json", str(path)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is False and doc["nodes"][1]["error"].startswith("Conv2d 'conv1'")


def test_exit_2_when_unreadable(tmp_path: Path, capsys) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "netcanvas-project", "version": 1, "graph": {')
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert "not valid JSON" in err and "Traceback" not in err


def test_info_imports_neither_torch_nor_qt() -> None:
    code = (
        "import sys; from app.cli import main; "
        f"rc = main(['info', {str(template_path('lenet5'))!r}]); "
        "bad = [m for m in ('torch', 'PySide6', 'pyqtgraph') if m in sys.modules]; "
        "print('LOADED', bad); sys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "LOADED []" in out.stdout


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("netcanvas 0.")
