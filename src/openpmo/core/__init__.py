"""The engines of OpenPMO, in pure Python: no Django import anywhere below this package.

Each subpackage has a public surface listed in its ``__all__`` (pinned by a test); modules whose
names start with an underscore are private. Money is ``Decimal``; clocks, random generators and
calendars are parameters, never globals.
"""

__all__ = ["errors", "money"]
