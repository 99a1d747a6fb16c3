"""The team cost model: roles x FTE x annual cost x inflation, prorated by days (seed §6.1.1-6.1.2).

A role costs ``fte x annual cost per FTE`` a year in base-year prices. The annual cost per FTE is
given directly (``annual_cost``) or built from a salary: ``salary x (1 + on_cost_rate) +
fixed_on_costs`` (on-costs such as employer NI and pension as a rate; IT and licences as a
fixed sum).
Each financial year after the base year uplifts prices by its inflation rate, compounding from the
start of that year. A role in post for part of a year costs that year's annual cost times the days
in post (start and end inclusive) over the days in the year (365, or 366 with a 29 February).

Amounts are exact ``Decimal`` pounds; round them only to show them (``money.pounds``). Flexing a
profile (§6.1.2) is recomputing: ``compute_team_cost(model.with_role("PMO Manager", fte=...))``.
Posts that run for more than two years carry a redundancy exposure (§6.1.8), listed in the result.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpmo.core import xlsx
from openpmo.core.errors import ValidationError
from openpmo.core.finance import _inputs
from openpmo.core.money import FinancialYear, pounds

__all__ = [
    "RedundancyExposure",
    "Role",
    "RoleCost",
    "TeamCostModel",
    "TeamCostResult",
    "compute_team_cost",
    "days_by_financial_year",
    "load_team",
    "load_team_xlsx",
    "load_team_yaml",
    "post_exceeds_two_years",
    "team_model_from_mapping",
]

ZERO = Decimal(0)
ROLE_COLUMNS = (
    "name",
    "fte",
    "annual_cost",
    "salary",
    "on_cost_rate",
    "fixed_on_costs",
    "start",
    "end",
)


@dataclass(frozen=True, slots=True)
class Role:
    """A post (or several identical posts, ``fte`` > 1) in the team, in post ``start``..``end``."""

    name: str
    fte: Decimal
    start: dt.date
    end: dt.date
    annual_cost: Decimal | None = None
    salary: Decimal | None = None
    on_cost_rate: Decimal = ZERO
    fixed_on_costs: Decimal = ZERO

    def __post_init__(self) -> None:
        where = f"role {self.name!r}"
        if self.fte < 0:
            raise ValidationError(f"fte must not be negative, got {self.fte}", where=where)
        if self.end < self.start:
            raise ValidationError(
                f"end {self.end} is before start {self.start}", where=f"{where} end"
            )
        if (self.annual_cost is None) == (self.salary is None):
            raise ValidationError("give either annual_cost or salary (not both)", where=where)
        if self.annual_cost is not None and self.annual_cost < 0:
            raise ValidationError("annual_cost must not be negative", where=where)
        if self.salary is not None and self.salary < 0:
            raise ValidationError("salary must not be negative", where=where)
        if self.on_cost_rate < 0 or self.fixed_on_costs < 0:
            raise ValidationError("on-costs must not be negative", where=where)
        if self.annual_cost is not None and (self.on_cost_rate or self.fixed_on_costs):
            raise ValidationError(
                "on_cost_rate and fixed_on_costs go with salary, not with annual_cost",
                where=where,
            )

    @property
    def cost_per_fte(self) -> Decimal:
        """The annual cost of one FTE in base-year prices, on-costs included."""
        if self.annual_cost is not None:
            return self.annual_cost
        assert self.salary is not None  # guaranteed by __post_init__
        return self.salary * (1 + self.on_cost_rate) + self.fixed_on_costs

    @property
    def annual_cost_of_post(self) -> Decimal:
        """``fte x cost_per_fte``: what a full year of this role costs in base-year prices."""
        return self.fte * self.cost_per_fte


@dataclass(frozen=True, slots=True)
class TeamCostModel:
    """The team, the base year its prices are in, the inflation rates and the optional cap."""

    base_year: FinancialYear
    inflation: Mapping[FinancialYear, Decimal]
    roles: tuple[Role, ...]
    cap: Decimal | None = None

    def __post_init__(self) -> None:
        for year, rate in self.inflation.items():
            if year <= self.base_year:
                raise ValidationError(
                    f"{year} is not after the base year {self.base_year}; prices are already "
                    "in base-year terms",
                    where=f"inflation.{year}",
                )
            if rate <= -1:
                raise ValidationError(f"rate {rate} is not above -1", where=f"inflation.{year}")
        if self.cap is not None and self.cap < 0:
            raise ValidationError("must not be negative", where="cap")
        for index, role in enumerate(self.roles):
            first = FinancialYear.containing(role.start)
            if first < self.base_year:
                raise ValidationError(
                    f"{role.name!r} starts in {first}, before the base year {self.base_year}",
                    where=f"roles[{index}].start",
                )
            last = FinancialYear.containing(role.end)
            for year in FinancialYear.span(self.base_year.next(), last):
                if year not in self.inflation:
                    raise ValidationError(
                        f"no inflation rate for {year}, which role {role.name!r} reaches",
                        where="inflation",
                    )

    def with_role(self, name: str, **changes: Any) -> TeamCostModel:
        """A copy with the role called ``name`` changed (``fte=``, ``start=``, ``end=``...)."""
        roles = list(self.roles)
        for index, role in enumerate(roles):
            if role.name == name:
                roles[index] = dataclasses.replace(role, **changes)
                return dataclasses.replace(self, roles=tuple(roles))
        raise ValidationError(f"no role called {name!r}", where="roles")

    def price_index(self, year: FinancialYear) -> Decimal:
        """Prices in ``year`` relative to the base year (1 in the base year), compounded."""
        index = Decimal(1)
        for step in FinancialYear.span(self.base_year.next(), year):
            index *= 1 + self.inflation[step]
        return index


@dataclass(frozen=True, slots=True)
class RoleCost:
    """One role's cost in each financial year of the table (zero where not in post)."""

    role: Role
    by_year: dict[FinancialYear, Decimal]
    days: dict[FinancialYear, int]
    total: Decimal


@dataclass(frozen=True, slots=True)
class RedundancyExposure:
    """A post that runs for more than two years, so its holder may qualify for redundancy pay."""

    role: str
    fte: Decimal
    start: dt.date
    end: dt.date
    days_in_post: int


@dataclass(frozen=True, slots=True)
class TeamCostResult:
    """Cost by role and financial year, totals, and the position against the cap."""

    financial_years: tuple[FinancialYear, ...]
    roles: tuple[RoleCost, ...]
    totals_by_year: dict[FinancialYear, Decimal]
    total: Decimal
    total_fte: Decimal
    cap: Decimal | None
    redundancy_exposure: tuple[RedundancyExposure, ...] = field(default=())

    @property
    def headroom(self) -> Decimal | None:
        """``cap - total``: positive is headroom, negative is the excess over the cap."""
        return None if self.cap is None else self.cap - self.total

    @property
    def within_cap(self) -> bool | None:
        return None if self.cap is None else self.total <= self.cap

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data, the one shape ``openpmo team-cost --json`` prints and
        the API returns: amounts as strings of pounds and pence rounded half up (``pounds``), FTE
        as a decimal string, a year as ``2023/24``, a day as ISO 8601, no cap as ``None``. A post
        at risk of redundancy names its role under both ``name`` (as the CLI printed it) and
        ``role`` (as the API did)."""

        def amount(value: Decimal | None) -> str | None:
            return None if value is None else str(pounds(value))

        def by_year(values: Mapping[FinancialYear, Decimal]) -> dict[str, str | None]:
            return {str(year): amount(value) for year, value in values.items()}

        return {
            "financial_years": [str(year) for year in self.financial_years],
            "roles": [
                {
                    "name": cost.role.name,
                    "fte": str(cost.role.fte),
                    "start": cost.role.start.isoformat(),
                    "end": cost.role.end.isoformat(),
                    "by_year": by_year(cost.by_year),
                    "total": amount(cost.total),
                }
                for cost in self.roles
            ],
            "totals": {
                "fte": str(self.total_fte),
                "by_year": by_year(self.totals_by_year),
                "total": amount(self.total),
            },
            "cap": amount(self.cap),
            "headroom": amount(self.headroom),
            "redundancy_exposure": [
                {
                    "name": item.role,
                    "role": item.role,
                    "fte": str(item.fte),
                    "start": item.start.isoformat(),
                    "end": item.end.isoformat(),
                    "days_in_post": item.days_in_post,
                }
                for item in self.redundancy_exposure
            ],
        }


def days_by_financial_year(start: dt.date, end: dt.date) -> dict[FinancialYear, int]:
    """Days from ``start`` to ``end`` inclusive that fall in each financial year they touch."""
    if end < start:
        raise ValidationError(f"end {end} is before start {start}", where="end")
    days: dict[FinancialYear, int] = {}
    year = FinancialYear.containing(start)
    while True:
        first = max(start, dt.date(year.start_year, 4, 1))
        last = min(end, dt.date(year.start_year + 1, 3, 31))
        days[year] = (last - first).days + 1
        if last == end:
            return days
        year = FinancialYear(year.start_year + 1)


def post_exceeds_two_years(start: dt.date, end: dt.date) -> bool:
    """True when a post from ``start`` to ``end`` (inclusive) runs for more than two years."""
    try:
        second_anniversary = start.replace(year=start.year + 2)
    except ValueError:  # 29 February: the anniversary falls on 1 March
        second_anniversary = dt.date(start.year + 2, 3, 1)
    return end >= second_anniversary


def compute_team_cost(model: TeamCostModel) -> TeamCostResult:
    """Cost every role in every financial year from the base year to the last year in post."""
    if model.roles:
        last = max(FinancialYear.containing(role.end) for role in model.roles)
        years = tuple(FinancialYear.span(model.base_year, last))
    else:
        years = ()
    index = {year: model.price_index(year) for year in years[:1]}
    for previous, year in zip(years, years[1:], strict=False):
        index[year] = index[previous] * (1 + model.inflation[year])
    year_days = {year: Decimal(year.days) for year in years}

    totals = dict.fromkeys(years, ZERO)
    role_costs: list[RoleCost] = []
    exposure: list[RedundancyExposure] = []
    for role in model.roles:
        annual = role.annual_cost_of_post
        days = days_by_financial_year(role.start, role.end)
        by_year = dict.fromkeys(years, ZERO)
        for year, in_post in days.items():
            cost = annual * index[year] * in_post / year_days[year]
            by_year[year] = cost
            totals[year] += cost
        role_costs.append(RoleCost(role, by_year, days, sum(by_year.values(), ZERO)))
        if post_exceeds_two_years(role.start, role.end):
            span = (role.end - role.start).days + 1
            exposure.append(RedundancyExposure(role.name, role.fte, role.start, role.end, span))
    return TeamCostResult(
        financial_years=years,
        roles=tuple(role_costs),
        totals_by_year=totals,
        total=sum(totals.values(), ZERO),
        total_fte=sum((role.fte for role in model.roles), ZERO),
        cap=model.cap,
        redundancy_exposure=tuple(exposure),
    )


# --- loading ---------------------------------------------------------------------------------


def _namer(where: str, separator: str) -> Callable[[str], str]:
    """Names a field of a role: ``roles[2].fte`` or ``sheet Roles, row 4, column fte``."""

    def name(key: str) -> str:
        return f"{where}{separator}{key}"

    return name


def _require(fields: Mapping[str, Any], key: str, at: Callable[[str], str]) -> Any:
    value = fields.get(key)
    if value is None or value == "":
        raise ValidationError("is missing", where=at(key))
    return value


def _role_from_fields(fields: Mapping[str, Any], where: str, at: Callable[[str], str]) -> Role:
    """A role from its fields; ``where`` names the role and ``at(field)`` one of its fields."""

    name = _inputs.as_text(_require(fields, "name", at), at("name"))
    fte = _inputs.as_number(_require(fields, "fte", at), at("fte"), minimum=ZERO)
    start = _inputs.as_date(_require(fields, "start", at), at("start"))
    end = _inputs.as_date(_require(fields, "end", at), at("end"))
    if end < start:
        raise ValidationError(f"end {end} is before start {start}", where=at("end"))
    given = {key for key in ("annual_cost", "salary") if fields.get(key) not in (None, "")}
    if given == {"annual_cost", "salary"}:
        raise ValidationError("give annual_cost or salary, not both", where=where)
    if not given:
        raise ValidationError("is missing (or give salary and on-costs)", where=at("annual_cost"))
    if "annual_cost" in given:
        for key in ("on_cost_rate", "fixed_on_costs"):
            if fields.get(key) not in (None, ""):
                raise ValidationError("goes with salary, not with annual_cost", where=at(key))
        annual = _inputs.as_money(fields["annual_cost"], at("annual_cost"), minimum=ZERO)
        return Role(name, fte, start, end, annual_cost=annual)
    salary = _inputs.as_money(fields["salary"], at("salary"), minimum=ZERO)
    rate = fields.get("on_cost_rate")
    fixed = fields.get("fixed_on_costs")
    return Role(
        name,
        fte,
        start,
        end,
        salary=salary,
        on_cost_rate=ZERO
        if rate in (None, "")
        else _inputs.as_number(rate, at("on_cost_rate"), minimum=ZERO),
        fixed_on_costs=ZERO
        if fixed in (None, "")
        else _inputs.as_money(fixed, at("fixed_on_costs"), minimum=ZERO),
    )


def _assumptions(
    document: Mapping[str, Any],
) -> tuple[FinancialYear, dict[FinancialYear, Decimal], Decimal | None]:
    base_year = _inputs.as_year(_inputs.require(document, "base_year", ""), "base_year")
    inflation: dict[FinancialYear, Decimal] = {}
    raw_inflation = document.get("inflation")
    if raw_inflation is not None:
        for key, rate in _inputs.as_mapping(raw_inflation, "inflation").items():
            year = _inputs.as_year(key, f"inflation.{key}")
            inflation[year] = _inputs.as_number(rate, f"inflation.{key}")
    cap_value = document.get("cap")
    cap = None if cap_value in (None, "") else _inputs.as_money(cap_value, "cap", minimum=ZERO)
    return base_year, inflation, cap


def team_model_from_mapping(document: Mapping[str, Any]) -> TeamCostModel:
    """A model from the YAML shape: ``base_year``, ``inflation``, optional ``cap``, ``roles``."""
    base_year, inflation, cap = _assumptions(document)
    raw_roles = _inputs.as_list(_inputs.require(document, "roles", ""), "roles")
    roles: list[Role] = []
    for index, raw in enumerate(raw_roles):
        where = f"roles[{index}]"
        fields = _inputs.as_mapping(raw, where)
        for key in fields:
            if key not in ROLE_COLUMNS:
                raise ValidationError(
                    f"unknown field; expected {', '.join(ROLE_COLUMNS)}", where=f"{where}.{key}"
                )
        roles.append(_role_from_fields(fields, where, _namer(where, ".")))
    return TeamCostModel(base_year=base_year, inflation=inflation, roles=tuple(roles), cap=cap)


def load_team_yaml(path: str | Path) -> TeamCostModel:
    """Read a team cost model from YAML (the shape of ``examples/etp/team.yaml``)."""
    return team_model_from_mapping(_inputs.load_yaml_mapping(path))


def load_team_xlsx(path: str | Path) -> TeamCostModel:
    """Read a team cost model from an .xlsx workbook.

    The roles are on a sheet called ``Roles`` (or the first sheet), one row each under a header
    row with the YAML field names (``name``, ``fte``, ``annual_cost`` or ``salary``,
    ``on_cost_rate``, ``fixed_on_costs``, ``start``, ``end``). The assumptions are on a sheet
    called ``Assumptions``, a field name in column A and its value in column B: ``base_year``,
    ``cap`` and one ``inflation 2023/24`` row per year.
    """
    data = _inputs.read_bytes(path)
    workbook = xlsx.open_workbook(data, where=str(path))
    try:
        sheet_names = workbook.sheetnames
        if "Assumptions" not in sheet_names:
            raise ValidationError("needs a sheet called Assumptions", where=str(path))
        document: dict[str, Any] = {}
        inflation: dict[str, Any] = {}
        for number, row in enumerate(xlsx.read_rows(workbook["Assumptions"], where=str(path)), 1):
            if not row or row[0] in (None, ""):
                continue
            key = str(row[0]).strip()
            value = row[1] if len(row) > 1 else None
            if key.lower().startswith("inflation"):
                year_text = key[len("inflation") :].strip()
                if not year_text:
                    raise ValidationError(
                        "write the year after 'inflation', like 'inflation 2023/24'",
                        where=f"sheet Assumptions, row {number}",
                    )
                inflation[year_text] = value
            elif key in ("base_year", "cap"):
                document[key] = value
            else:
                raise ValidationError(
                    f"unknown field {key!r}; expected base_year, cap or inflation YEAR",
                    where=f"sheet Assumptions, row {number}",
                )
        document["inflation"] = inflation
        roles_sheet = workbook["Roles"] if "Roles" in sheet_names else workbook.worksheets[0]
        rows = xlsx.read_rows(roles_sheet, where=str(path))
        header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
        unknown = [name for name in header if name and name not in ROLE_COLUMNS]
        if unknown:
            raise ValidationError(
                f"unknown column {unknown[0]!r}; expected {', '.join(ROLE_COLUMNS)}",
                where=f"sheet {roles_sheet.title}, row 1",
            )
        roles: list[Role] = []
        for number, row in enumerate(rows, 2):
            if all(cell in (None, "") for cell in row):
                continue
            fields = {name: cell for name, cell in zip(header, row, strict=False) if name}
            where = f"sheet {roles_sheet.title}, row {number}"
            roles.append(_role_from_fields(fields, where, _namer(where, ", column ")))
    finally:
        workbook.close()
    base_year, rates, cap = _assumptions(document)
    return TeamCostModel(base_year=base_year, inflation=rates, roles=tuple(roles), cap=cap)


def load_team(path: str | Path) -> TeamCostModel:
    """Read YAML or .xlsx, chosen by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return load_team_xlsx(path)
    return load_team_yaml(path)
