"""The API's JSON parser: DRF's, with a document nested too deep answered as a 400."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_BODY_DEPTH = 50


class JSONBodyParser(JSONParser):
    """Python's json module recurses once per level of nesting, so 100,000 nested arrays raise
    RecursionError (a 500). No OpenPMO request nests more than a few levels: refuse deeper."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON nested more than {MAX_BODY_DEPTH} levels deep") from None
        if _depth(data) > MAX_BODY_DEPTH:
            raise ParseError(f"JSON nested more than {MAX_BODY_DEPTH} levels deep")
        return data


def _depth(value: Any) -> int:
    deepest = 0
    level = [value]
    while level:
        containers = [item for item in level if isinstance(item, dict | list)]
        if not containers:
            break
        deepest += 1
        if deepest > MAX_BODY_DEPTH:
            return deepest
        level = [
            child
            for item in containers
            for child in (item.values() if isinstance(item, dict) else item)
        ]
    return deepest
