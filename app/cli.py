"""The `netcanvas` command.

`netcanvas` opens the editor; `netcanvas FILE` opens a project; `netcanvas COMMAND ...` runs
a subcommand. Each subcommand is one module of app/subcommands with `NAME`, `HELP`,
`add_arguments(parser)` and `run(ns) -> int`; Qt and torch are imported only inside the
subcommands that need them, so `info` answers in a fraction of a second.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Module names under app.subcommands, in the order `netcanvas --help` lists them.
SUBCOMMAND_MODULES = ("info", "train", "evaluate", "inspect", "export", "import_model")


def _subcommands() -> dict[str, str]:
    """Command name (each module's NAME: `import` lives in import_model.py, `import` being
    a Python keyword) -> module path. The modules import their heavy libraries lazily."""
    out = {}
    for module_name in SUBCOMMAND_MODULES:
        path = f"app.subcommands.{module_name}"
        out[importlib.import_module(path).NAME] = path
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _subcommands():
        parser = _parser()
        ns = parser.parse_args(args)
        return int(ns.func(ns))
    if args and args[0] in ("-h", "--help"):
        _parser().print_help()
        return 0
    if args and args[0] == "--version":
        print(f"netcanvas {version()}")
        return 0
    from app.gui import run_gui  # Qt only for the editor

    return run_gui(args[0] if args else None)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("netcanvas")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="netcanvas",
        usage="netcanvas [-h] [--version] [PROJECT | COMMAND ...]",
        description="Build, train and inspect small neural networks. With no command, or with "
        "a project file, opens the editor.",
        epilog="netcanvas PROJECT opens that project (.json) in the editor; netcanvas alone "
        "opens the editor on the last project. netcanvas COMMAND --help describes a command.",
    )
    parser.add_argument("--version", action="version", version=f"netcanvas {version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in _subcommands().items():
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=module.HELP)
        module.add_arguments(p)
        p.set_defaults(func=module.run)
    return parser


if __name__ == "__main__":
    sys.exit(main())
