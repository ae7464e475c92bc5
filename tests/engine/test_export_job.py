"""export_project: bad input gives one sentence and leaves no file; a file that fails
verification is never moved into place; the report carries the comparison."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from engine.export import job as export_job
from engine.export.formats import ExportError, VerificationError
from engine.export.verify import Case, check
from engine.project import dumps
from engine.templates import load_template


def _broken_project() -> str:
    project = load_template("lenet5")
    project.graph.set_params("fc3", {"units": 7})  # the Output expects 10 scores
    return dumps(project)


def test_graph_with_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"^The network cannot be exported yet: Output .output1. expects 10"):
        export_job.export_project(_broken_project(), None, "py", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_missing_and_unwritable_folder(tmp_path: Path) -> None:
    text = dumps(load_template("linear_classifier"))
    with pytest.raises(ExportError, match="does not exist; create it or choose another"):
        export_job.export_project(text, None, "onnx", str(tmp_path / "nope" / "m.onnx"))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        with pytest.raises(ExportError, match="permission denied"):
            export_job.export_project(text, None, "onnx", str(locked))
    finally:
        locked.chmod(0o700)


def test_weights_that_do_not_fit(tmp_path: Path) -> None:
    text = dumps(load_template("lenet5"))
    with pytest.raises(ExportError, match="conv1"):
        export_job.export_project(text, {"conv1.weight": np.zeros((2, 2), np.float32)}, "py",
                                  str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="choose one of py, pt2, onnx"):
        export_job.export_project(dumps(load_template("lenet5")), None, "keras", str(tmp_path))


def test_mismatch_beyond_tolerance_is_an_error() -> None:
    expected = [np.zeros((2, 3), np.float32)]
    case = Case("py", Path("x.py"), expected, expected, outputs=[np.full((2, 3), 1e-3, np.float32)])
    with pytest.raises(VerificationError, match="above the tolerance 1e-05"):
        check(case)
    # Large scores: float32's relative precision sets the bar (1e-5 of the largest score).
    big = [np.full((2, 3), 500.0, np.float32)]
    comparison, allowed = check(Case("py", Path("x.py"), big, big,
                                     outputs=[big[0] + np.float32(3e-3)]))
    assert allowed == pytest.approx(5e-3) and comparison.max_abs_diff < allowed


@pytest.mark.slow
def test_failed_verification_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    from engine.export import writers

    original = writers.write_format

    def corrupting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        written = original(*args, **kwargs)
        written["files"][0].write_bytes(b"not a torch.export archive")
        return written

    monkeypatch.setattr(writers, "write_format", corrupting)
    with pytest.raises(VerificationError, match="could not be loaded back"):
        export_job.export_project(dumps(load_template("linear_classifier")), None, "pt2",
                                  str(tmp_path / "m.pt2"))
    assert list(tmp_path.iterdir()) == []  # neither the file nor the staging folder


@pytest.mark.slow
def test_report_and_files(tmp_path: Path) -> None:
    progress: list[float] = []
    report = export_job.export_project(dumps(load_template("lenet5")), None, "py",
                                       str(tmp_path), lambda f, t: progress.append(f))
    assert report["files"] == [str(tmp_path / "lenet_5.py"), str(tmp_path / "lenet_5.safetensors")]
    assert report["batch_sizes"] == [1, 7, 64]
    assert report["max_abs_diff"] <= 1e-5 and report["top1_agreement"] == 1.0
    assert "Fashion-MNIST" in report["samples"]
    assert progress[-1] == 1.0 and progress == sorted(progress)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet_5.py", "lenet_5.safetensors"]
    assert (tmp_path / "lenet_5.py").stat().st_mode & 0o044  # not left private like a temp file
