"""The ``openpmo`` command: runs the engines of ``openpmo.core`` on files.

Each command is a module in this package with a ``register(subparsers)`` function that adds its
sub-parser and sets ``handler`` (a function taking the parsed arguments and returning an exit
code). Commands are found by listing this package, so adding one means adding one module.

Conventions for every command: a human-readable table by default, ``--json`` for machines, a clear
one-line error on standard error and exit code 2 on bad input. The CLI never imports Django.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from openpmo import __version__
from openpmo.core.errors import OpenPMOError

__all__ = ["main"]


def _command_modules(argv: Sequence[str] | None) -> list[str]:
    """The command modules to load: only the one named on the command line when there is one
    (so ``openpmo schedule`` never loads the risk engine's scipy), else all of them."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    words = [word for word in argv or () if not word.startswith("-")]
    if words and words[0].replace("-", "_") in names:
        return [words[0].replace("-", "_")]
    return names


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openpmo",
        description="OpenPMO engines on the command line: costs, reserves, schedules, risk.",
    )
    parser.add_argument("--version", action="version", version=f"openpmo {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in _command_modules(argv):
        module = importlib.import_module(f"{__name__}.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args) or 0)
    except OpenPMOError as error:
        print(f"openpmo: error: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"openpmo: error: no such file: {error.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("openpmo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``openpmo … | head``): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
