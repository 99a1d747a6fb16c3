"""Errors raised by the OpenPMO engines.

The tree::

    OpenPMOError                 anything an engine refuses
    ├── InputError               input that cannot be used; says what and where
    │   ├── ParseError           a file that cannot be read (malformed, hostile, wrong format)
    │   └── ValidationError      readable input whose values are wrong (a negative FTE, a bad date)
    └── ScheduleError            a network that cannot be scheduled
        └── CycleError           the links form a cycle; ``tasks`` names the tasks on it

Every error carries a message a council officer can act on. ``where`` names the place in the
input (a row, a field, a task) when there is one.
"""

from __future__ import annotations

__all__ = [
    "CycleError",
    "InputError",
    "OpenPMOError",
    "ParseError",
    "ScheduleError",
    "ValidationError",
]


class OpenPMOError(Exception):
    """Base of every error an OpenPMO engine raises on purpose."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        # A message never carries a whole document back to the user (a value from a hostile
        # file can be megabytes long): anything past MAX_MESSAGE characters is cut.
        message, where = _cut(message), _cut(where) if where is not None else None
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


MAX_MESSAGE = 500


def _cut(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class InputError(OpenPMOError):
    """The input cannot be used."""


class ParseError(InputError):
    """A file could not be read: malformed, hostile or of the wrong kind."""


class ValidationError(InputError):
    """The input was read but a value in it is wrong."""


class ScheduleError(OpenPMOError):
    """The network cannot be scheduled."""


class CycleError(ScheduleError):
    """The links form a cycle; ``tasks`` lists the tasks on it, in order."""

    def __init__(self, tasks: list[str]) -> None:
        self.tasks = list(tasks)
        super().__init__("the links form a cycle: " + " -> ".join([*self.tasks, self.tasks[0]]))
