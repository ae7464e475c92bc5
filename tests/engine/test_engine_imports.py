"""Every engine module imports without Qt, and the ones the GUI thread needs without torch.

Each check runs in a fresh interpreter, so it cannot be fooled (or skipped) by what other
tests imported first. The module list is discovered from the source tree: a new engine
module is checked without touching this file.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[2]
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "widgets", "app")
# The modules the editor's GUI thread imports: they must not pull in torch (a ~1 s stall).
TORCH_FREE = ("engine", "engine.layers", "engine.layers.*", "engine.graph", "engine.analysis",
              "engine.project", "engine.layout", "engine.templates", "engine.report",
              "engine.training", "engine.training.events", "engine.training.settings",
              "engine.training.control", "engine.inspect", "engine.inspect.kinds",
              "engine.data", "engine.data.dataset", "engine.data.detect", "engine.data.errors",
              "engine.data.image_folder", "engine.data.loaders", "engine.data.prep_settings",
              "engine.data.shapes", "engine.data.stats",
              "engine.inspect.gradflow", "engine.training.metrics", "engine.runs")
# Torch classes the registry names by dotted path; imported only when a model is built.
BUILT_ONLY = ("engine.layers.modules",)

PROBE = """
import importlib, json, sys
names, heavy = json.loads(sys.argv[1]), tuple(json.loads(sys.argv[2]))
for name in names:
    importlib.import_module(name)
    loaded = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy})
    if loaded:
        print(json.dumps([name, loaded]))
        sys.exit(0)
print(json.dumps(None))
"""


def engine_modules() -> list[str]:
    names = ["engine"]
    names += [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]
    return sorted(names)


def first_offender(names: list[str], heavy: tuple[str, ...]) -> list | None:
    """[module, [heavy packages it loaded]] for the first module that loads one, else None."""
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(names), json.dumps(heavy)],
                         capture_output=True, text=True, cwd=ROOT, check=True, timeout=300)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_module_list_is_complete():
    names = engine_modules()
    assert {"engine.graph", "engine.report", "engine.model", "engine.training.loop",
            "engine.layers.spec", "engine.data.preprocess"} <= set(names)
    files = {p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
             for p in (ROOT / "engine").rglob("*.py")}
    assert files == set(names)


@pytest.mark.slow  # imports torch and everything else in engine/
def test_no_engine_module_imports_qt():
    assert first_offender(engine_modules(), QT_MODULES) is None


def test_gui_thread_modules_import_no_torch():
    names = [n for n in engine_modules() if n not in BUILT_ONLY
             and any(fnmatch(n, pattern) for pattern in TORCH_FREE)]
    assert "engine.layers.spec" in names and "engine.report" in names
    assert first_offender(names, ("torch",)) is None


def test_the_probe_can_fail():
    """The check itself notices a module that loads a forbidden package, and names it (so
    it cannot pass vacuously). numpy stands in for torch: same check, a tenth of the time."""
    assert first_offender(["engine.graph", "engine.data.dataset"], ("numpy",)) == [
        "engine.data.dataset", ["numpy"]]
