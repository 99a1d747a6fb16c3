"""The engines in openpmo.core must run without Django (SPEC §3: a pure core)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

PROBE = """
import importlib, json, pkgutil, sys
import openpmo.core
modules = ["openpmo.core"]
for info in pkgutil.walk_packages(openpmo.core.__path__, "openpmo.core."):
    importlib.import_module(info.name)
    modules.append(info.name)
print(json.dumps({"modules": modules, "django": sorted(m for m in sys.modules if m == "django" or m.startswith("django."))}))
"""


def test_importing_every_core_module_loads_no_django():
    # Given a fresh interpreter, when every module of openpmo.core is imported,
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=SRC,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    report = json.loads(result.stdout)
    # then Django was never loaded, and the probe really walked the package.
    assert report["django"] == []
    assert "openpmo.core.money" in report["modules"]


def test_the_cli_loads_no_django():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, openpmo.cli; openpmo.cli.build_parser(); "
            "print(any(m.startswith('django') for m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "False"


def test_every_core_package_declares_its_public_surface():
    import importlib
    import pkgutil

    import openpmo.core

    for info in pkgutil.walk_packages(openpmo.core.__path__, "openpmo.core."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        module = importlib.import_module(info.name)
        public = getattr(module, "__all__", None)
        assert public is not None, f"{info.name} has no __all__"
        for name in public:
            assert hasattr(module, name), f"{info.name}.__all__ names {name}, which it lacks"
