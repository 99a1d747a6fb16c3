"""The core team against Table 1: vacancies, start dates, actual cost by year, money to return.

For each post of finance's team cost plan, the people filling it (``Person.team_role``) as at a
date give the FTE in post and the date the first of them started. The actual cost by year is the
team cost model run with those (the posts' own cost per FTE and inflation); where Table 1 drew
more than that for a year, the difference is flagged for return to the reserve (§6.1.5).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpmo.audit.selectors import as_at_copies
from openpmo.finance.models import TeamCostPlan, TeamRole
from openpmo.finance.selectors import ROLE_AS_AT_FIELDS, team_cost_view
from openpmo.resources.models import Person

ZERO = Decimal(0)


@dataclass(frozen=True)
class PostPosition:
    role: TeamRole
    planned_fte: Decimal
    filled_fte: Decimal
    planned_start: dt.date
    actual_start: dt.date | None
    people: list[Person]
    planned_by_year: list[Decimal]
    actual_by_year: list[Decimal]

    @property
    def vacant_fte(self) -> Decimal:
        return max(self.planned_fte - self.filled_fte, ZERO)

    @property
    def started_late(self) -> bool:
        return self.actual_start is not None and self.actual_start > self.planned_start


@dataclass(frozen=True)
class TeamPosition:
    plan: TeamCostPlan
    as_at: dt.date
    years: list[str]
    posts: list[PostPosition]
    planned_by_year: list[Decimal]
    actual_by_year: list[Decimal]

    @property
    def beyond_need_by_year(self) -> list[Decimal]:
        """Table 1's money each year beyond what the team in post costs (to return)."""
        return [
            max(p - a, ZERO) for p, a in zip(self.planned_by_year, self.actual_by_year, strict=True)
        ]

    @property
    def to_return(self) -> Decimal:
        return sum(self.beyond_need_by_year, ZERO)

    @property
    def vacancies(self) -> list[PostPosition]:
        return [post for post in self.posts if post.vacant_fte > 0]


def team_position(plan: TeamCostPlan, *, as_at: dt.date) -> TeamPosition:
    """The core team as at ``as_at`` against the plan as it stood then (people recorded later do
    not count, and a later flex of the plan does not move it)."""
    roles = as_at_copies(list(plan.roles.all()), ROLE_AS_AT_FIELDS, as_at)
    people = list(
        Person.objects.filter(team_role__plan=plan, available_from__lte=as_at).select_related(
            "team_role"
        )
    )
    changes: dict[int, dict[str, Any]] = {}
    filled: dict[int, list[Person]] = {role.pk: [] for role in roles}
    for person in people:
        if person.available_to is None or person.available_to >= as_at:
            filled[person.team_role_id].append(person)  # type: ignore[index]
    for role in roles:
        in_post = filled[role.pk]
        fte = min(sum((p.fte for p in in_post), ZERO), Decimal(role.fte))
        start = max(min((p.available_from for p in in_post), default=role.start), role.start)
        changes[role.pk] = {"fte": fte, "start": min(start, role.end)}
    planned = team_cost_view(plan, as_at=as_at)
    actual = team_cost_view(plan, changes=changes, as_at=as_at)
    posts = [
        PostPosition(
            role=role,
            planned_fte=Decimal(role.fte),
            filled_fte=changes[role.pk]["fte"],
            planned_start=role.start,
            actual_start=min((p.available_from for p in filled[role.pk]), default=None),
            people=filled[role.pk],
            planned_by_year=plan_row.by_year,
            actual_by_year=actual_row.by_year,
        )
        for role, plan_row, actual_row in zip(roles, planned.rows, actual.rows, strict=True)
    ]
    return TeamPosition(
        plan=plan,
        as_at=as_at,
        years=planned.years,
        posts=posts,
        planned_by_year=planned.totals_by_year,
        actual_by_year=actual.totals_by_year,
    )
