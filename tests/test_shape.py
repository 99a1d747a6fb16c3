"""The documented shape of the code is true: each domain app has the standard files, and no
module grows past a size a reader can hold (issue 17; docs/architecture.md is the map)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[1] / "src" / "openpmo"

# The domain apps: each owns its models and writes through its services.
DOMAIN_APPS = [
    "portfolio",
    "finance",
    "gates",
    "benefits",
    "delivery",
    "risks",
    "reports",
    "planning",
    "resources",
]
# Every domain app has these (a name may be a module or a package of modules).
STANDARD = [
    "models",
    "choices",
    "services",
    "selectors",
    "permissions",
    "forms",
    "views",
    "urls",
    "api/serializers",
    "api/views",
    "api/urls",
    "tests/factories",
]
# Honest exceptions, each with its reason. Remove a line when the file arrives.
EXCEPTIONS = {
    # The programme register's API routes are the root of /api/ (openpmo/api/urls.py).
    ("portfolio", "api/urls"): "routes mounted by openpmo.api.urls",
}
# Not domain apps (no standard file set): accounts and audit are the kit every app stands on;
# common and core are shared code; impact (reads across domains, such as the benefits at risk from
# a slip), work, exchange, web, api, demo, cli and config compose the domains above them.

LIMIT = 600
# Modules over the limit today. The list only shrinks: split a module, then delete its line.
TOO_LONG: set[str] = set()


def _exists(app: str, name: str) -> bool:
    base = APPS / app / name
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_every_domain_app_has_the_standard_files(app):
    missing = [
        name for name in STANDARD if not _exists(app, name) and (app, name) not in EXCEPTIONS
    ]
    if not (APPS / app / "templates" / app).is_dir():
        missing.append(f"templates/{app}/")
    assert missing == [], f"{app} lacks {', '.join(missing)}"


def test_the_exceptions_are_still_true():
    # An exception whose file has arrived must leave the list, so the list stays honest.
    arrived = [f"{app}/{name}" for app, name in EXCEPTIONS if _exists(app, name)]
    assert arrived == []


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def test_no_module_is_over_the_limit_outside_the_shrinking_list():
    sizes = {
        str(path.relative_to(APPS)): _lines(path)
        for path in APPS.rglob("*.py")
        if "migrations" not in path.parts
    }
    too_long = {name for name, lines in sizes.items() if lines > LIMIT}
    assert too_long - TOO_LONG == set(), "split these modules (or explain them here)"
    assert TOO_LONG - too_long == set(), "these are short now: delete them from TOO_LONG"


FUNCTION_LIMIT = 80
# The numeric kernels of the core: long by nature (one compiled pass over arrays), exempt.
KERNELS = {"core/risk/_compiled.py", "core/risk/_kernel.py", "core/schedule/_compiled.py"}
# Functions allowed over the limit, as "module::function": none now. A long function is split
# into named steps instead.
LONG_FUNCTIONS: set[str] = set()


def _function_lengths() -> dict[str, int]:
    """Every function and method outside tests, migrations and the kernels, with its lines."""
    lengths = {}
    for path in APPS.rglob("*.py"):
        name = str(path.relative_to(APPS))
        if {"tests", "migrations"} & set(path.parts) or name in KERNELS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                key = f"{name}::{node.name}"
                lengths[key] = max(length, lengths.get(key, 0))
    return lengths


def test_no_function_is_over_the_limit_outside_the_shrinking_list():
    lengths = _function_lengths()
    too_long = {key for key, lines in lengths.items() if lines > FUNCTION_LIMIT}
    assert too_long - LONG_FUNCTIONS == set(), "split these into named steps (or explain them)"
    assert LONG_FUNCTIONS - too_long == set(), "these are short now: delete them from the list"


# Looking a model up by name or importing a module by a string hides an import from the layers
# contracts (import-linter sees only import statements). Allowed only here, each with its reason.
BY_NAME_ALLOWED = {
    # The command line imports its own subcommand modules, openpmo.cli.<name>, on demand.
    "cli/__init__.py::import_module",
    # A background task is imported only where a queue is configured; each caller names its own
    # app's task ("openpmo.risks.tasks.run_simulation", "openpmo.reports.tasks.render_pdf").
    "common/tasks.py::import_string",
}
BY_NAME = {"get_model", "get_models", "import_module", "__import__", "import_string"}


def test_no_app_reaches_another_by_a_name_the_layers_cannot_see():
    found = set()
    for path in APPS.rglob("*.py"):
        name = str(path.relative_to(APPS))
        if {"tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called in BY_NAME:
                    found.add(f"{name}::{called}")
    assert found - BY_NAME_ALLOWED == set(), "import it at the top (or compose above both apps)"
    assert BY_NAME_ALLOWED - found == set(), "gone: delete it from BY_NAME_ALLOWED"
