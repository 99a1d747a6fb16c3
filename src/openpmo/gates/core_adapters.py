"""Business case rows -> the Green Book engine (``openpmo.core.finance.appraisal``), in one place.

The engine does the arithmetic; this module only reads the options' JSON lines into its frozen
dataclasses and turns its result into JSON-ready figures (pence, BCR to two places).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from openpmo.common.engine_errors import as_validation_error
from openpmo.core.errors import ValidationError as EngineValidationError
from openpmo.core.finance.appraisal import Appraisal, Option, appraise
from openpmo.core.money import FinancialYear, parse_money, pounds


def _lines(value: Mapping[str, Any], where: str) -> dict[str, dict[FinancialYear, Decimal]]:
    lines: dict[str, dict[FinancialYear, Decimal]] = {}
    for line, amounts in (value or {}).items():
        if not isinstance(amounts, Mapping):
            raise EngineValidationError(
                "expected amounts by financial year", where=f"{where}.{line}"
            )
        lines[str(line)] = {
            FinancialYear.parse(year, where=f"{where}.{line}"): parse_money(
                amount, where=f"{where}.{line}.{year}"
            )
            for year, amount in amounts.items()
        }
    return lines


def option_to_core(option: Any) -> Option:
    """One ``BusinessCaseOption`` as the engine's ``Option``."""
    return Option(
        name=option.name,
        costs=_lines(option.costs, f"{option.name}.costs"),
        benefits=_lines(option.benefits, f"{option.name}.benefits"),
        optimism_bias={
            str(line): parse_money(rate, where=f"{option.name}.optimism_bias.{line}")
            for line, rate in (option.optimism_bias or {}).items()
        },
    )


def appraisal_of(base_year: str, options: Iterable[Any]) -> dict[str, Any]:
    """Appraise the options; the figures as JSON-ready text. Refusals are Django ValidationErrors."""
    try:
        appraisal = Appraisal(
            base_year=FinancialYear.parse(base_year, where="base_year"),
            options=tuple(option_to_core(option) for option in options),
        )
        result = appraise(appraisal)
    except EngineValidationError as error:
        field = "base_year" if error.where == "base_year" else "options"
        raise as_validation_error(error, field) from None
    return {
        "base_year": str(result.base_year),
        "preferred": result.preferred,
        "options": [
            {
                "name": figures.name,
                "whole_life_cost": str(pounds(figures.tco_real)),
                "pv_costs": str(pounds(figures.pv_costs)),
                "pv_benefits": str(pounds(figures.pv_benefits)),
                "npsv": str(pounds(figures.npsv)),
                "bcr": None if figures.bcr is None else str(figures.bcr.quantize(Decimal("0.01"))),
                "payback_year": None
                if figures.discounted_payback_year is None
                else str(figures.discounted_payback_year),
            }
            for figures in result.options
        ],
    }


def parse_lines(value: Mapping[str, Any], where: str) -> dict[str, dict[str, str]]:
    """Check cost or benefit lines and return them in canonical JSON form (years '2023/24', pence)."""
    try:
        lines = _lines(value, where)
    except EngineValidationError as error:
        raise as_validation_error(error, where.split(".")[-1]) from None
    return {
        line: {str(year): str(pounds(amount)) for year, amount in sorted(amounts.items())}
        for line, amounts in lines.items()
    }
