"""The benchmarks that drive the app's own services still run.

``make bench`` is not part of the suite (it takes a quarter of an hour), so a service that gains
a rule (a decision releasing money now needs its Forward Plan reference; pages now read a stored
schedule) can leave a benchmark failing unnoticed until someone asks for its figures. Each of
these runs here in a process of its own, as ``make bench`` runs it, at a few rows instead of
hundreds and one timing each, on a scratch SQLite file: what is checked is that it runs to its
last figure, not the figures.

Only on the SQLite leg: the benchmarks make their own scratch databases, so the PostgreSQL leg
would repeat the same work.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each benchmark's sizes, made small; every size one of them reads is named, so that none of
# them runs at full scale here.
SMALL = {
    "bench_delivery_programme": {"WORK_PACKAGES": 12, "INTERDEPENDENCIES": 6},
    "bench_gantt_page": {"VIEWS": 2, "CHANGES": 1},
    "bench_gates_decisions": {"WAITING": 12, "DECISIONS": 3},
    "bench_finance_app": {"ENTRIES": 30, "YEARS": 2, "DRAWDOWNS": 3},
    "bench_exchange_import": {"PACKAGES": 12, "STRANDS": 3},
    "bench_benefits_app": {"BENEFITS": 40, "MONTHS": 12, "WORK_PACKAGES": 6},
    "bench_risks_register": {
        "PACKAGES": 12,
        "STRANDS": 3,
        "ITEMS": 40,
        "QUANTIFIED": 8,
        "ITERATIONS": 300,
    },
    "bench_reports": {"WORK_PACKAGES": 12, "STRANDS": 6},
}

# Runs the benchmark as ``python -m benchmarks --one NAME`` does, with the sizes of it and of
# the benchmarks it builds on replaced, and every timing taken once.
RUNNER = """
import importlib, json, sys
import benchmarks._timing as timing
once = timing.best_of
timing.best_of = lambda function, *, repeat=5: once(function, repeat=1)
name, sizes = sys.argv[1], json.loads(sys.argv[2])
for module_name, small in sizes.items():
    module = importlib.import_module("benchmarks." + module_name)
    module.__dict__.update(small, best_of=timing.best_of)
print("== " + name)
importlib.import_module("benchmarks." + name).run()
print("== done")
"""
# The benchmarks whose data another one builds (the Gantt page reads the delivery programme's).
BUILDS_ON = {"bench_gantt_page": ["bench_delivery_programme"]}

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the benchmarks make their own scratch databases: run once, on the SQLite leg",
)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_the_benchmark_runs_to_its_last_figure(name, tmp_path):
    sizes = {module: SMALL[module] for module in [*BUILDS_ON.get(name, []), name]}
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "OPENPMO_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 (our own interpreter and benchmark)
        [sys.executable, "-c", RUNNER, name, json.dumps(sizes)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    lines = result.stdout.splitlines()
    assert lines[-1] == "== done"
    # Each prints at least one figure beside its baseline.
    assert any(" ours " in line for line in lines), result.stdout
