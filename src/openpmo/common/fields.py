"""The model fields every app stores money and financial years in, so a year is ``2023/24`` and
an amount is pounds to the penny wherever it is kept.

``FinancialYearField`` reads what ``openpmo.core.money.FinancialYear`` reads (``2023/24``,
``2023-24``, ``2023/2024``) and stores the one written form, ``2023/24``: a model's
``full_clean`` and a form both write it back that way, and a save stores it that way whatever
path the value came by. ``MoneyField`` makes the ``DecimalField`` of pounds, 14 digits with 2
after the point unless a column says otherwise; its form field is Django's decimal field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from openpmo.common.engine_errors import as_validation_error
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.core.money import FinancialYear

__all__ = ["FinancialYearField", "FinancialYearFormField", "MoneyField", "validate_financial_year"]

YEAR_EXAMPLE = "2023/24"


def _written(value: str) -> str | None:
    """``value`` as ``2023/24``, or None when it is not a financial year."""
    try:
        return str(FinancialYear.parse(value))
    except CoreValidationError:
        return None


def validate_financial_year(value: str) -> None:
    """A financial year the core can read (``2023/24``; the field stores it written that way)."""
    try:
        FinancialYear.parse(value)
    except CoreValidationError as error:
        raise as_validation_error(error, with_where=False) from None


class FinancialYearFormField(forms.CharField):
    """A financial year typed on a form: ``2023/24`` (or ``2023-24``, ``2023/2024``), cleaned to
    ``2023/24``; anything else is refused with the field's name and an example."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)  # "2023/2024" is longer than what is stored
        kwargs.setdefault("help_text", f"For example, {YEAR_EXAMPLE}")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if text in self.empty_values:
            return text
        written = _written(text)
        if written is None:
            name = str(self.label or "The financial year")
            raise ValidationError(
                f"{capfirst(name)} must be a financial year, like {YEAR_EXAMPLE}",
                code="financial_year",
            )
        return written


class FinancialYearField(models.CharField):
    """A financial year, stored ``2023/24``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("validators", [validate_financial_year])
        kwargs.setdefault("help_text", f"A financial year, like {YEAR_EXAMPLE}")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        # Always said: without it, a field made with no help text would come back with the default.
        kwargs["help_text"] = self.help_text
        return name, path, args, kwargs

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        """Written ``2023/24`` before it is checked (``full_clean`` keeps what this returns)."""
        value = self.to_python(value)
        if value:
            value = _written(value) or value
        return super().clean(value, model_instance)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        """Whatever path the value came by, the database gets ``2023/24``."""
        value = super().pre_save(model_instance, add)
        written = _written(value) if value else None
        if written is not None and written != value:
            setattr(model_instance, self.attname, written)
            return written
        return value

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": FinancialYearFormField, **kwargs})


def MoneyField(*args: Any, **kwargs: Any) -> models.DecimalField:
    """An amount of money in pounds: a ``DecimalField`` of 14 digits, 2 of them pence, unless the
    column says other.

    A plain ``DecimalField``, not a subclass: Django refuses to guess the type of an expression
    that mixes a subclass with a plain decimal (``Case(When(..., then=-F("amount")),
    default=F("amount"))``: "mixed types: DecimalField, MoneyField"), and the database and the
    migrations see exactly the column they had, so moving a column onto it needs no migration."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(*args, **kwargs)
