"""`netcanvas export`: prints the verification; exit 0 / 1 / 2 with one-sentence errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from engine.project import save_project
from engine.templates import load_template, template_path


@pytest.mark.slow
def test_export_prints_the_verification(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = main(["export", str(template_path("lenet5")), "--format", "safetensors",
                 "-o", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert str(tmp_path / "lenet_5.safetensors") in out
    assert "verified in a clean Python process: max abs diff 0 " in out
    assert "top-1 agreement 100.0%" in out and "batch sizes 1, 7, 64" in out


def test_bad_inputs_exit_2_with_a_sentence(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["export", str(tmp_path / "none.json"), "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("netcanvas: ")
    project = load_template("lenet5")
    project.graph.set_params("fc3", {"units": 7})
    broken = tmp_path / "broken.json"
    save_project(project, broken)
    assert main(["export", str(broken), "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("netcanvas: The network cannot be exported yet: ")
    assert err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]
