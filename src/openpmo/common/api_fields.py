"""Serializer fields the API's domains share, with the schema they really produce."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2024-04", "description": "YYYY-MM"}
)
class MonthField(serializers.DateField):
    """A calendar month, written ``YYYY-MM`` (a date on the 1st inside)."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("format", "%Y-%m")
        kwargs.setdefault("input_formats", ["%Y-%m", "iso-8601"])
        kwargs.setdefault("help_text", "YYYY-MM")
        super().__init__(**kwargs)  # type: ignore[arg-type]
