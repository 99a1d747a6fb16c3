"""The ``openpmo`` command: runs the engines of ``openpmo.core`` on files.

Each command is a module in this package with a ``register(subparsers)`` function that adds its
sub-parser and sets ``handler`` (a function taking the parsed arguments and returning an exit
code). Commands are found by listing this package, so adding one means adding one module.

Conventions for every command: a human-readable table by default, ``--json`` for machines, a clear
one-line error on standard error and exit code 2 on bad input. The CLI never imports Django.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from openpmo import __version__
from openpmo.core.errors import OpenPMOError

__all__ = ["main", "run"]


def _command_modules(argv: Sequence[str] | None) -> list[str]:
    """The command modules to load: only the one named on the command line when there is one
    (so ``openpmo schedule`` never loads the risk engine's scipy), else all of them. A named
    command is looked up directly, without listing the package (a listing costs a run of
    ``openpmo schedule`` a few milliseconds)."""
    words = [word for word in argv or () if not word.startswith("-")]
    if words:
        name = words[0].replace("-", "_")
        if (
            name.isidentifier()
            and not name.startswith("_")
            and importlib.util.find_spec(f"{__name__}.{name}") is not None
        ):
            return [name]
    import pkgutil  # noqa: PLC0415 - only to list every command

    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


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


def _load(argv: Sequence[str], *, whole_process: bool) -> argparse.ArgumentParser:
    """The parser, its command's modules loaded with the cyclic collector held off: what they
    load (numpy, the engines) lives as long as the process, so the collector's passes over it
    while it loads were wasted work (a tenth of an ``openpmo schedule`` run). When the command
    is the whole process, what is loaded is then left out of later passes (``gc.freeze``).
    The collector is left as it was."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build_parser(argv)
    finally:
        if whole_process:
            gc.freeze()
        if collecting:
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _load(sys.argv[1:] if argv is None else argv, whole_process=argv is None)
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


# The engines' numpy work is element-wise and along the network, never a large matrix product,
# so BLAS's thread pool would only cost: OpenBLAS starts a thread per core as numpy is imported,
# half the CPU of that import (some 80 ms of an ``openpmo schedule`` run's 0.3 s). Whoever runs
# ``openpmo`` can still set these themselves; the web app and worker are not affected.
_ONE_BLAS_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def run() -> NoReturn:
    """The ``openpmo`` program: :func:`main` on this process's command line, then the process
    ends at once, its output flushed. Python's own ending would free every object and module
    one by one first (some 20 ms after the 2,441-task schedule, a fifteenth of the run), which
    a process about to end need not do; nothing of ours waits for it (files written are closed).
    BLAS runs on one thread unless the environment says otherwise (``_ONE_BLAS_THREAD``)."""
    for name in _ONE_BLAS_THREAD:
        os.environ.setdefault(name, "1")
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away with output still buffered: as in ``main``
        code = 141
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
