"""The core team cost model: plans, roles and flexing a plan."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.engine_errors import as_validation_error
from openpmo.common.services import (
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.core.errors import InputError
from openpmo.finance import core_adapters
from openpmo.finance.models import (
    InflationRate,
    TeamCostPlan,
    TeamRole,
)
from openpmo.portfolio.models import Programme


def _check_team_model(plan: TeamCostPlan, **kwargs: Any) -> None:
    """Let the engine refuse what it cannot cost (a year without inflation, a role before the
    base year); its message names the role and the field."""
    try:
        core_adapters.team_cost(plan, **kwargs)
    except InputError as error:
        raise as_validation_error(error) from None


@transaction.atomic
def team_cost_plan_create(
    *,
    actor: Any,
    programme: Programme,
    inflation: dict[str, Decimal] | None = None,
    **data: Any,
) -> TeamCostPlan:
    """A team cost plan with its inflation rates by financial year (``{"2023/24": 0.05}``)."""
    require(actor, "finance.add_teamcostplan", programme)
    plan = TeamCostPlan(programme=programme)
    apply_fields(plan, data)
    save_validated(plan)
    for year, rate in (inflation or {}).items():
        save_validated(InflationRate(plan=plan, year=str(year), rate=Decimal(str(rate))))
    _check_team_model(plan)
    after = snapshot(plan)
    after["inflation"] = {str(y): str(r) for y, r in (inflation or {}).items()}
    audit_record(actor=actor, action="team_cost_plan.created", obj=plan, before=None, after=after)
    return plan


@transaction.atomic
def team_role_create(*, actor: Any, plan: TeamCostPlan, **data: Any) -> TeamRole:
    plan = lock_for_update(TeamCostPlan, plan.pk)
    require(actor, "finance.change_teamcostplan", plan)
    role = TeamRole(plan=plan)
    apply_fields(role, data)
    save_validated(role)
    _check_team_model(plan)
    plan.version += 1
    plan.save(update_fields=["version"])
    audit_record(
        actor=actor, action="team_role.created", obj=role, before=None, after=snapshot(role)
    )
    return role


FLEXIBLE_FIELDS = ("fte", "start", "end")


@transaction.atomic
def team_plan_flex(
    *,
    actor: Any,
    plan: TeamCostPlan,
    changes: dict[int, dict[str, Any]],
    expected_version: int | None = None,
) -> TeamCostPlan:
    """Flex the team (§6.1.2): new FTE and dates for some roles, saved together or not at all.

    ``changes`` maps role ids to ``{"fte": ..., "start": ..., "end": ...}``. Each changed role is
    audited with its before and after; ``expected_version`` refuses a save over someone else's.
    """
    locked = lock_for_update(TeamCostPlan, plan.pk, expected_version=expected_version)
    require(actor, "finance.change_teamcostplan", locked)
    roles = {role.pk: role for role in locked.roles.select_for_update()}
    unknown = set(changes) - set(roles)
    if unknown:
        raise ValidationError(f"Role {sorted(unknown)[0]} is not in {locked}.")
    changed: list[tuple[TeamRole, dict[str, Any]]] = []
    for role_id, fields in changes.items():
        role = roles[role_id]
        extra = set(fields) - set(FLEXIBLE_FIELDS)
        if extra:
            raise ValidationError(f"Only FTE and dates can be flexed, not {sorted(extra)[0]}.")
        before = snapshot(role)
        apply_fields(role, fields)
        try:
            role.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {f"{role.name}: {k}": v for k, v in error.message_dict.items()}
            ) from None
        role.fte = Decimal(role.fte).quantize(Decimal("0.01"))  # as the database holds it
        if snapshot(role) != before:
            changed.append((role, before))
    before_total = core_adapters.team_cost(locked).total
    _check_team_model(locked, roles=list(roles.values()))
    for role, before in changed:
        role.version += 1
        role.save()
        after = snapshot(role)
        audit_record(actor=actor, action="team_role.flexed", obj=role, before=before, after=after)
    if changed:
        plan_before = snapshot(locked)
        locked.version += 1
        locked.save(update_fields=["version"])
        plan_after = snapshot(locked)
        plan_before["total"] = str(before_total.quantize(Decimal("0.01")))
        plan_after["total"] = str(core_adapters.team_cost(locked).total.quantize(Decimal("0.01")))
        plan_after["flexed"] = sorted(role.name for role, _ in changed)
        audit_record(
            actor=actor,
            action="team_cost_plan.flexed",
            obj=locked,
            before=plan_before,
            after=plan_after,
        )
    plan.version = locked.version
    return locked
