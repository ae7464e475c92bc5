"""Every export format, on the linear classifier, LeNet-5 and the residual net: the files,
loaded in a clean process that cannot import NetCanvas, reproduce the in-app logits for
batch sizes 1, 7 and 64. One subprocess per format covers all templates and batch sizes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.export.formats import FORMATS, ONNX_TOLERANCE, VerificationError, get_format
from engine.export.verify import Case, compare, run_clean
from tests.engine.export_helpers import TEMPLATES, written_cases


@pytest.mark.slow
@pytest.mark.parametrize("name", [f.name for f in FORMATS])
def test_format_reproduces_in_app_logits(name: str, tmp_path: Path) -> None:
    fmt = get_format(name)
    cases = written_cases(fmt, tmp_path)
    # The clean process runs in a folder that is none of the exports' own folders.
    run_clean(tmp_path, cases)
    limit = ONNX_TOLERANCE if name == "onnx" else 1e-5
    for key, case in zip(TEMPLATES, cases, strict=True):
        assert [len(o) for o in case.outputs] == [1, 7, 64], key
        result = compare(case.expected, case.outputs)
        assert result.max_abs_diff <= limit, (key, result)
        assert result.top1_agreement == 1.0, (key, result)
        # The scores differ from sample to sample: a constant output would not pass.
        assert np.ptp(case.outputs[2][:, 0]) > 1e-3


def test_clean_process_refuses_netcanvas(tmp_path: Path) -> None:
    """An export that needs NetCanvas fails verification instead of passing by accident."""
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import engine.graph\n\ndef load_model():\n    return None\n")
    case = Case("py", sneaky, [np.zeros((1, 4), np.float32)], [np.zeros((1, 2), np.float32)])
    with pytest.raises(VerificationError, match="NetCanvas"):
        run_clean(tmp_path, [case])


def test_compare_counts_top1_and_max_diff() -> None:
    expected = [np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)]
    got = [np.array([[1.0, 0.5], [0.7, 0.6]], np.float32)]
    result = compare(expected, got)
    assert result.max_abs_diff == pytest.approx(0.7)
    assert result.top1_agreement == 0.5
    assert compare(expected, [np.zeros((3, 2), np.float32)]).max_abs_diff == float("inf")
