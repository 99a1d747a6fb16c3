"""One mapping from the engines' refusals (``openpmo.core.errors``) to what a user sees.

An engine says what is wrong and, when it can, where (``error.where``: a row, a field, a task). A
service turns that into a Django ``ValidationError`` (``as_validation_error``), a page puts it on
its form (``add_to_form``), an API view or serializer into DRF's 400 (``as_api_error``). The API's
exception handler also answers an engine error that reaches it with the same 400, so a view may
simply let it through. The text is the same everywhere: ``"<where>: <message>"``, after an optional
``prefix`` that says what was being done ("The programme could not be scheduled: ").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework import serializers

from openpmo.core.errors import OpenPMOError

__all__ = ["add_to_form", "as_api_error", "as_validation_error", "engine_message"]


def engine_message(error: OpenPMOError, *, prefix: str = "", with_where: bool = True) -> str:
    """The error's text as users read it; ``with_where=False`` when the caller has already used
    ``where`` (to choose the field the message goes on)."""
    text = f"{error.where}: {error.message}" if error.where and with_where else error.message
    return f"{prefix}{text}"


def as_validation_error(
    error: OpenPMOError, field: str | None = None, *, prefix: str = "", with_where: bool = True
) -> ValidationError:
    """The engine's refusal as a Django ``ValidationError``, on ``field`` when one is named."""
    text = engine_message(error, prefix=prefix, with_where=with_where)
    return ValidationError({field: text} if field else text)


def add_to_form(form: Any, error: OpenPMOError, field: str | None = None, **options: Any) -> None:
    """Show the engine's refusal on ``form`` (on ``field``, or above the form)."""
    form.add_error(field, engine_message(error, **options))


def as_api_error(
    error: OpenPMOError, field: str | None = None, **options: Any
) -> serializers.ValidationError:
    """The engine's refusal as the API's 400 (``{field: [message]}``, or a list of one)."""
    text = engine_message(error, **options)
    return serializers.ValidationError({field: [text]} if field else [text])
