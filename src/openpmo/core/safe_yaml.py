"""Read YAML that a stranger may have written, without letting it grow in memory.

``yaml.safe_load`` builds no objects but it still expands aliases: a few hundred bytes of nested
``&a``/``*a`` references unfold into gigabytes ("billion laughs"). Every YAML reader in OpenPMO
goes through :func:`load`, which refuses anchors and aliases outright (none of our formats needs
them), caps the size of the text and the depth of nesting, and never puts the document itself
in its error message.
"""

from __future__ import annotations

from typing import Any

import yaml

from openpmo.core.errors import ParseError

__all__ = ["MAX_DEPTH", "MAX_YAML_CHARS", "load"]

MAX_YAML_CHARS = 5_000_000
MAX_DEPTH = 100


class _Refused(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _StrictLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type hints
    """PyYAML's pure-Python safe loader that stops at the first anchor or alias and at deep
    nesting. (``CSafeLoader`` composes nodes in C, where these checks cannot be added.)"""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("uses an alias (*name); aliases are not accepted", line)
        if getattr(event, "anchor", None) is not None:
            raise _Refused("uses an anchor (&name); anchors are not accepted", line)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(f"is nested more than {MAX_DEPTH} levels deep", line)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str, *, where: str | None = None) -> Any:
    """The YAML document in ``text`` as plain Python data; a ``ParseError`` if it is malformed,
    too large, too deep, or uses anchors or aliases."""
    if len(text) > MAX_YAML_CHARS:
        raise ParseError(f"is longer than {MAX_YAML_CHARS:,} characters", where=where)
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as refused:
        raise ParseError(refused.message, where=_at(where, refused.line)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "malformed YAML"
        line = mark.line + 1 if mark is not None else None
        raise ParseError(f"is not valid YAML ({problem})", where=_at(where, line)) from None
    except RecursionError:
        raise ParseError(f"is nested more than {MAX_DEPTH} levels deep", where=where) from None
    finally:
        loader.dispose()


def _at(where: str | None, line: int | None) -> str | None:
    if line is None:
        return where
    return f"{where}, line {line}" if where else f"line {line}"
