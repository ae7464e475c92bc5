"""Saving keeps the replaced file's permissions and clears temp files a killed save left
(#12 item 6)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from engine.graph import chain
from engine.project import Project, load_project, save_project


def project(name: str = "P") -> Project:
    return Project(chain([("input", {}), ("flatten", {}), ("linear", {}), ("output", {})]), name)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("original", [0o644, 0o640, 0o600, 0o664])
def test_saving_over_a_file_keeps_its_permissions(tmp_path, original):
    path = tmp_path / "net.json"
    path.write_text("{}")
    path.chmod(original)
    save_project(project("again"), path)
    assert mode(path) == original
    assert load_project(path).name == "again"


def test_a_new_file_gets_the_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        save_project(project(), tmp_path / "new.json")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.json") == 0o644


def test_temp_files_of_a_killed_save_are_removed_by_the_next(tmp_path):
    path = tmp_path / "net.json"
    save_project(project(), path)
    # A save killed between writing its temp file and renaming it: a real SIGKILL.
    code = (
        "import os, signal, sys, tempfile\n"
        f"fd, tmp = tempfile.mkstemp(prefix='.net.json.', suffix='.tmp', dir={str(tmp_path)!r})\n"
        "os.write(fd, b'{\"half\": ')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", code])
    assert result.returncode == -9
    stale = list(tmp_path.glob(".net.json.*.tmp"))
    assert len(stale) == 1
    other = tmp_path / ".other.json.abc.tmp"  # another file's temp: not ours to delete
    other.write_text("x")
    save_project(project("after"), path)
    assert list(tmp_path.glob(".net.json.*.tmp")) == []
    assert other.exists()
    assert load_project(path).name == "after"
