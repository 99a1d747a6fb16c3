"""The one way tests find the workspace's shared data (``../shared/data``).

The folder is ``$OPENPMO_SHARED`` if set, else the first ``shared`` folder beside the checkout
(or one level up, for a worktree under ``wt/``). CI always has it, so a missing folder or file is
a failure naming the path and the variable to set, never a silent skip. Import it anywhere:
``from tests.shared_data import shared_file`` (the repository root is on ``sys.path``); the
benchmarks use ``DATA`` from here too.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = [REPO_ROOT.parent / "shared", REPO_ROOT.parents[1] / "shared"]
SHARED = Path(
    os.environ.get("OPENPMO_SHARED", next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0]))
)
DATA = SHARED / "data"


def _missing(path: Path) -> None:
    import pytest  # here, so benchmarks can use the paths without pytest

    pytest.fail(
        f"shared data not found: {path} (set OPENPMO_SHARED to the folder holding data/)",
        pytrace=False,
    )


def shared_file(relative: str) -> Path:
    """The path of ``data/<relative>`` (a file or a folder); fails clearly if it is missing."""
    path = DATA / relative
    if not path.exists():
        _missing(path)
    return path


def shared_files(folder: str, pattern: str) -> list[Path]:
    """The files of ``data/<folder>`` matching ``pattern``, sorted; fails clearly if none."""
    files = sorted(shared_file(folder).glob(pattern))
    if not files:
        _missing(DATA / folder / pattern)
    return files
