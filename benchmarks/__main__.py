"""Run every benchmark module (or those whose name contains the first argument).

Each module runs in a process of its own: several set up Django with a scratch database of their
own, which Django allows once per process, and a fresh process keeps one benchmark's memory and
caches from colouring the next one's figures.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return _run_one(argv[1])
    wanted = argv[0] if argv else ""
    names = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    names = [name for name in names if wanted in name]
    if not names:
        print(f"no benchmark matches {wanted!r}")
        return 1
    failed = []
    for name in names:
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "benchmarks", "--one", name], cwd=HERE.parent, check=False
        )
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


def _run_one(name: str) -> int:
    import importlib

    module = importlib.import_module(f"benchmarks.{name}")
    print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
    module.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
