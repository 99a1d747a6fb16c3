"""Business case appraisal after HM Treasury's Green Book (seed §3.10, §5).

Costs and benefits are in real base-year prices (or nominal, converted with a GDP deflator
series). Year 0 is the base year and is not discounted; each later year is discounted at the
Green Book rate for its band: 3.5% for years 1-30, 3.0% for 31-75, 2.5% for 76-125, 2.0% for
126-200, 1.5% for 201-300 and 1.0% after. The factors chain across bands, so year 31's factor is
year 30's divided by 1.03. Optimism bias uplifts cost lines: a rate per line, or a project type's
upper bound reduced by a mitigation factor as risks are managed (never below the lower bound).

Per option: whole-life cost (TCO, undiscounted, nominal and real, before the optimism-bias
uplift), present value of costs (uplift included), present value of benefits, net present social
value (NPSV = PV benefits - PV costs), benefit-cost ratio (BCR) and the discounted payback year.
The preferred option has the highest NPSV (the first listed on a tie).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from openpmo.core.errors import ValidationError
from openpmo.core.finance import _inputs
from openpmo.core.money import FinancialYear, pounds

__all__ = [
    "DISCOUNT_BANDS",
    "OPTIMISM_BIAS",
    "Appraisal",
    "AppraisalResult",
    "Option",
    "OptionAppraisal",
    "OptimismBiasRange",
    "appraisal_from_mapping",
    "appraise",
    "discount_factor",
    "discount_rate",
    "load_appraisal_yaml",
    "optimism_bias_rate",
]

ZERO = Decimal(0)
ONE = Decimal(1)
Prices = Literal["real", "nominal"]
BiasCategory = Literal["capital", "duration", "operating"]

#: (last year of the band, rate); the last band has no end.
DISCOUNT_BANDS: tuple[tuple[int | None, Decimal], ...] = (
    (30, Decimal("0.035")),
    (75, Decimal("0.030")),
    (125, Decimal("0.025")),
    (200, Decimal("0.020")),
    (300, Decimal("0.015")),
    (None, Decimal("0.010")),
)


def discount_rate(year: int) -> Decimal:
    """The rate that discounts year ``year - 1`` to year ``year`` (``year`` >= 1)."""
    if year < 1:
        raise ValidationError(f"year {year} is not discounted; years start at 1", where="year")
    for last, rate in DISCOUNT_BANDS:
        if last is None or year <= last:
            return rate
    raise AssertionError("unreachable: the last band is open")  # pragma: no cover


@lru_cache(maxsize=8)
def _factors(count: int) -> tuple[Decimal, ...]:
    factors = [ONE]
    for year in range(1, count):
        factors.append(factors[-1] / (1 + discount_rate(year)))
    return tuple(factors)


def discount_factor(year: int) -> Decimal:
    """The Green Book discount factor for ``year`` (1 for year 0), chained across bands."""
    if year < 0:
        raise ValidationError(f"year {year} is before the base year", where="year")
    size = 64
    while size <= year:
        size *= 2
    return _factors(size)[year]


@dataclass(frozen=True, slots=True)
class OptimismBiasRange:
    """The optimism bias range for one project type and category (Green Book guidance)."""

    project_type: str
    category: BiasCategory
    upper: Decimal
    lower: Decimal


def _range(project_type: str, category: BiasCategory, upper: str, lower: str) -> OptimismBiasRange:
    return OptimismBiasRange(project_type, category, Decimal(upper), Decimal(lower))


#: The Green Book's default optimism bias table (supplementary guidance), as fractions.
OPTIMISM_BIAS: tuple[OptimismBiasRange, ...] = (
    _range("Standard buildings", "duration", "0.04", "0.01"),
    _range("Standard buildings", "capital", "0.24", "0.02"),
    _range("Non-standard buildings", "duration", "0.39", "0.02"),
    _range("Non-standard buildings", "capital", "0.51", "0.04"),
    _range("Standard civil engineering", "duration", "0.20", "0.01"),
    _range("Standard civil engineering", "capital", "0.44", "0.03"),
    _range("Non-standard civil engineering", "duration", "0.25", "0.03"),
    _range("Non-standard civil engineering", "capital", "0.66", "0.06"),
    _range("Equipment/development", "duration", "0.54", "0.10"),
    _range("Equipment/development", "capital", "2.00", "0.10"),
    _range("Outsourcing", "operating", "0.41", "0.00"),
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def optimism_bias_rate(
    project_type: str,
    category: BiasCategory,
    *,
    mitigation: Decimal = ZERO,
    table: tuple[OptimismBiasRange, ...] = OPTIMISM_BIAS,
) -> Decimal:
    """The uplift: the upper bound reduced by ``mitigation`` (0..1), not below the lower bound."""
    if not ZERO <= mitigation <= ONE:
        raise ValidationError(f"must be between 0 and 1, got {mitigation}", where="mitigation")
    for entry in table:
        if _key(entry.project_type) == _key(project_type) and entry.category == category:
            return max(entry.lower, entry.upper * (1 - mitigation))
    known = sorted({f"{entry.project_type} ({entry.category})" for entry in table})
    raise ValidationError(
        f"no optimism bias for {project_type!r} ({category}); known: {', '.join(known)}",
        where="optimism_bias",
    )


@dataclass(frozen=True, slots=True)
class Option:
    """An option: cost lines and benefit lines by year, and the uplift on each cost line."""

    name: str
    costs: Mapping[str, Mapping[FinancialYear, Decimal]] = field(default_factory=dict)
    benefits: Mapping[str, Mapping[FinancialYear, Decimal]] = field(default_factory=dict)
    optimism_bias: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for line, rate in self.optimism_bias.items():
            if line not in self.costs:
                raise ValidationError(
                    "names no cost line of this option", where=f"{self.name}.optimism_bias.{line}"
                )
            if rate < 0:
                raise ValidationError(
                    "must not be negative", where=f"{self.name}.optimism_bias.{line}"
                )


@dataclass(frozen=True, slots=True)
class Appraisal:
    base_year: FinancialYear
    options: tuple[Option, ...]
    prices: Prices = "real"
    gdp_deflator: Mapping[FinancialYear, Decimal] | None = None

    def __post_init__(self) -> None:
        if not self.options:
            raise ValidationError("list at least one option", where="options")
        names = [option.name for option in self.options]
        if len(set(names)) != len(names):
            raise ValidationError("two options have the same name", where="options")
        if self.prices == "nominal" and self.gdp_deflator is None:
            raise ValidationError("nominal prices need a gdp_deflator series", where="prices")
        for option in self.options:
            for group, lines in (("costs", option.costs), ("benefits", option.benefits)):
                for line, amounts in lines.items():
                    for year in amounts:
                        where = f"{option.name}.{group}.{line}.{year}"
                        if year < self.base_year:
                            raise ValidationError(
                                f"is before the base year {self.base_year}", where=where
                            )
                        if self.gdp_deflator is not None and year not in self.gdp_deflator:
                            raise ValidationError(
                                f"gdp_deflator has no index for {year}", where=where
                            )
        if self.gdp_deflator is not None:
            if self.base_year not in self.gdp_deflator:
                raise ValidationError(
                    f"has no index for the base year {self.base_year}", where="gdp_deflator"
                )
            for year, index in self.gdp_deflator.items():
                if index <= 0:
                    raise ValidationError("must be more than zero", where=f"gdp_deflator.{year}")


@dataclass(frozen=True, slots=True)
class OptionAppraisal:
    name: str
    tco_real: Decimal
    tco_nominal: Decimal | None
    pv_costs: Decimal
    pv_benefits: Decimal
    npsv: Decimal
    bcr: Decimal | None
    discounted_payback_year: FinancialYear | None
    net_present_value_by_year: dict[FinancialYear, Decimal]


@dataclass(frozen=True, slots=True)
class AppraisalResult:
    base_year: FinancialYear
    options: tuple[OptionAppraisal, ...]
    preferred: str

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data, the one shape ``openpmo appraise --json`` prints and the
        API returns: amounts as strings of pounds and pence rounded half up (``pounds``), a year
        as ``2023/24``, nothing missing as ``None``."""

        def amount(value: Decimal | None) -> str | None:
            return None if value is None else str(pounds(value))

        return {
            "base_year": str(self.base_year),
            "options": [
                {
                    "name": option.name,
                    "tco_real": amount(option.tco_real),
                    "tco_nominal": amount(option.tco_nominal),
                    "pv_costs": amount(option.pv_costs),
                    "pv_benefits": amount(option.pv_benefits),
                    "npsv": amount(option.npsv),
                    "bcr": amount(option.bcr),
                    "discounted_payback_year": None
                    if option.discounted_payback_year is None
                    else str(option.discounted_payback_year),
                }
                for option in self.options
            ],
            "preferred": self.preferred,
        }


def _real_and_nominal(
    appraisal: Appraisal, year: FinancialYear, amount: Decimal
) -> tuple[Decimal, Decimal | None]:
    deflator = appraisal.gdp_deflator
    if deflator is None:
        return amount, None
    ratio = deflator[year] / deflator[appraisal.base_year]
    if appraisal.prices == "nominal":
        return amount / ratio, amount
    return amount, amount * ratio


def _appraise_option(appraisal: Appraisal, option: Option) -> OptionAppraisal:
    base = appraisal.base_year.start_year
    tco_real = ZERO
    tco_nominal: Decimal | None = ZERO if appraisal.gdp_deflator is not None else None
    pv_costs = ZERO
    pv_benefits = ZERO
    cost_by_year: dict[FinancialYear, Decimal] = {}
    benefit_by_year: dict[FinancialYear, Decimal] = {}
    for line, amounts in option.costs.items():
        uplift = 1 + option.optimism_bias.get(line, ZERO)
        for year, amount in amounts.items():
            real, nominal = _real_and_nominal(appraisal, year, amount)
            tco_real += real
            if tco_nominal is not None and nominal is not None:
                tco_nominal += nominal
            present = real * uplift * discount_factor(year.start_year - base)
            pv_costs += present
            cost_by_year[year] = cost_by_year.get(year, ZERO) + present
    for amounts in option.benefits.values():
        for year, amount in amounts.items():
            real, _ = _real_and_nominal(appraisal, year, amount)
            present = real * discount_factor(year.start_year - base)
            pv_benefits += present
            benefit_by_year[year] = benefit_by_year.get(year, ZERO) + present
    years = sorted(set(cost_by_year) | set(benefit_by_year))
    net_by_year: dict[FinancialYear, Decimal] = {}
    payback: FinancialYear | None = None
    cumulative_net = ZERO
    cumulative_benefit = ZERO
    for year in years:
        net = benefit_by_year.get(year, ZERO) - cost_by_year.get(year, ZERO)
        net_by_year[year] = net
        cumulative_net += net
        cumulative_benefit += benefit_by_year.get(year, ZERO)
        if payback is None and cumulative_benefit > 0 and cumulative_net >= 0:
            payback = year
    return OptionAppraisal(
        name=option.name,
        tco_real=tco_real,
        tco_nominal=tco_nominal,
        pv_costs=pv_costs,
        pv_benefits=pv_benefits,
        npsv=pv_benefits - pv_costs,
        bcr=pv_benefits / pv_costs if pv_costs > 0 else None,
        discounted_payback_year=payback,
        net_present_value_by_year=net_by_year,
    )


def appraise(appraisal: Appraisal) -> AppraisalResult:
    """Appraise every option and mark the one with the highest NPSV as preferred."""
    results = tuple(_appraise_option(appraisal, option) for option in appraisal.options)
    preferred = results[0]
    for result in results[1:]:
        if result.npsv > preferred.npsv:
            preferred = result
    return AppraisalResult(appraisal.base_year, results, preferred.name)


# --- loading ---------------------------------------------------------------------------------


def _lines(value: object, where: str) -> dict[str, dict[FinancialYear, Decimal]]:
    return {
        _inputs.as_text(name, where): _inputs.money_by_year(amounts, f"{where}.{name}")
        for name, amounts in _inputs.as_mapping(value or {}, where).items()
    }


def _bias(value: object, where: str) -> Decimal:
    if isinstance(value, Mapping):
        project_type = _inputs.as_text(
            _inputs.require(value, "project_type", where), f"{where}.project_type"
        )
        category = _inputs.as_text(value.get("category") or "capital", f"{where}.category")
        if category not in ("capital", "duration", "operating"):
            raise ValidationError(
                f"{category!r} is not capital, duration or operating", where=f"{where}.category"
            )
        mitigation = value.get("mitigation")
        try:
            return optimism_bias_rate(
                project_type,
                category,  # type: ignore[arg-type]  # checked just above
                mitigation=ZERO
                if mitigation is None
                else _inputs.as_number(mitigation, f"{where}.mitigation"),
            )
        except ValidationError as error:
            raise ValidationError(error.message, where=where) from None
    return _inputs.as_number(value, where, minimum=ZERO)


def appraisal_from_mapping(document: Mapping[str, Any]) -> Appraisal:
    """An appraisal from the YAML shape of issue 3 §3."""
    base_year = _inputs.as_year(_inputs.require(document, "base_year", ""), "base_year")
    prices = document.get("prices", "real")
    if prices not in ("real", "nominal"):
        raise ValidationError(f"{prices!r} is not real or nominal", where="prices")
    raw_deflator = document.get("gdp_deflator")
    deflator = (
        None
        if raw_deflator is None
        else {
            _inputs.as_year(key, f"gdp_deflator.{key}"): _inputs.as_number(
                value, f"gdp_deflator.{key}"
            )
            for key, value in _inputs.as_mapping(raw_deflator, "gdp_deflator").items()
        }
    )
    options: list[Option] = []
    for index, raw in enumerate(
        _inputs.as_list(_inputs.require(document, "options", ""), "options")
    ):
        where = f"options[{index}]"
        fields = _inputs.as_mapping(raw, where)
        name = _inputs.as_text(_inputs.require(fields, "name", where), f"{where}.name")
        costs = _lines(fields.get("costs"), f"{where}.costs")
        bias = {
            str(line): _bias(value, f"{where}.optimism_bias.{line}")
            for line, value in _inputs.as_mapping(
                fields.get("optimism_bias") or {}, f"{where}.optimism_bias"
            ).items()
        }
        for line in bias:
            if line not in costs:
                raise ValidationError(
                    "names no cost line of this option", where=f"{where}.optimism_bias.{line}"
                )
        options.append(
            Option(name, costs, _lines(fields.get("benefits"), f"{where}.benefits"), bias)
        )
    return Appraisal(base_year, tuple(options), prices, deflator)


def load_appraisal_yaml(path: str | Path) -> Appraisal:
    """Read an appraisal from YAML."""
    return appraisal_from_mapping(_inputs.load_yaml_mapping(path))
