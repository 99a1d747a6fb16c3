"""How the engines load their numba kernels: one place that sets numba up before it is imported.

numba leaves LLVM's SLP vectoriser off (``NUMBA_SLP_VECTORIZE``); it packs straight-line
arithmetic such as the Monte Carlo kernels' eight partial sums into vector instructions, which
took a tenth off a 10,000-iteration simulation here. It reorders no floating-point operation
(that would need fast-math, which no kernel asks for), so every answer stays the same to the last
bit, as the tests comparing the compiled and numpy paths check. The setting is read when numba is
first imported, so it is made here, before any kernel module imports numba; a value already in the
environment is kept.
"""

from __future__ import annotations

import os


def prepare() -> None:
    """Set numba up; call before importing a module that imports numba."""
    os.environ.setdefault("NUMBA_SLP_VECTORIZE", "1")
