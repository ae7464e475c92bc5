"""The generated PyTorch source: golden files for every template (a change in the output
is a reviewed diff; regenerate with NETCANVAS_UPDATE_GOLDEN=1), ruff-clean, and named
after the nodes with a shape comment on every forward line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.export.source import module_source
from engine.templates import ORDER, load_template

GOLDEN = Path(__file__).parent / "golden" / "export"
UPDATE = os.environ.get("NETCANVAS_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("key", ORDER)
def test_source_matches_golden(key: str) -> None:
    text = module_source(load_template(key), key)
    golden = GOLDEN / f"{key}.py"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden}; run with NETCANVAS_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_golden_sources_pass_ruff() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    files = sorted(str(p) for p in GOLDEN.glob("*.py"))
    assert len(files) == len(ORDER)
    done = subprocess.run([str(ruff), "check", "--isolated", "--line-length", "100",
                           "--select", "E,F,W,I,B,UP", *files],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_forward_reads_like_hand_written_code() -> None:
    text = module_source(load_template("residual_small"), "residual_small")
    forward = text[text.index("def forward"):text.index("def load_model")]
    lines = [ln.strip() for ln in forward.splitlines()[1:] if ln.strip()]
    code = [ln for ln in lines if not ln.startswith("#")]
    assert all("  # (N, " in ln for ln in code)  # a shape comment on every line
    assert "x = x + relu1  # (N, 16, 32, 32)" in code  # Add written as code, skip kept by name
    assert "self.conv1 = nn.Conv2d(in_channels=3, out_channels=16, kernel_size=3, padding=1)" in text
    assert "engine" not in text and "netcanvas" not in text.replace("NetCanvas", "")
