"""Recording a decision on a forwarded gate request (see the package docstring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.authority import DecisionAuthority
from openpmo.common.notices import Notice, notice_raise
from openpmo.common.services import (
    ConflictError,
    require,
    save_validated,
)
from openpmo.core.money import FinancialYear
from openpmo.gates import funding, selectors
from openpmo.gates.choices import (
    APPROVALS,
    Outcome,
    RequestStatus,
)
from openpmo.gates.models import (
    ConditionAction,
    Decision,
    EqualityImpactAssessment,
    FundingRelease,
    GateRequest,
)
from openpmo.gates.services._common import _is_system
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.services import separation_of_duties_require, work_package_stage_move


def _decider(actor: Any, decided_by: User | None) -> User:
    """The person whose decision this is: the signed-in actor, or (for the system) the named one."""
    if _is_system(actor):
        if decided_by is None:
            raise ValidationError({"decided_by": "Name the person who made the decision."})
        return decided_by
    if decided_by is not None and decided_by.pk != getattr(actor, "pk", None):
        raise PermissionDenied("You can record only your own decisions.")
    if not isinstance(actor, User):
        raise PermissionDenied("Sign in to record a decision.")
    return actor


def _authority(decider: User, programme: Programme, amount: Decimal) -> selectors.Authority:
    authority = selectors.authority_limit_for(decider, programme)
    if authority is None:
        raise PermissionDenied(
            f"{decider} holds no delegated authority in {programme} to decide at its gates."
        )
    needed = "a Decision maker (the Cabinet Member for Finance, §7.1)"
    if amount > 0 and authority.role != Role.DECISION_MAKER:
        raise PermissionDenied(
            f"Releasing £{amount:,.2f} from the reserve needs {needed}: a {authority.role} "
            "decides stage progress without new money only."
        )
    if not authority.covers(amount):
        raise PermissionDenied(
            f"Releasing £{amount:,.2f} is beyond the delegated authority of a {authority.role} "
            f"(up to £{authority.limit:,.2f}); it needs {needed}."
        )
    return authority


def _clean_conditions(conditions: Iterable[Any], decided_on: dt.date) -> list[dict[str, Any]]:
    cleaned = []
    for index, condition in enumerate(conditions or [], start=1):
        if not isinstance(condition, Mapping):
            raise ValidationError(
                {"conditions": f"Condition {index}: give description, owner and due date."}
            )
        description = str(condition.get("description") or "").strip()
        owner = condition.get("owner")
        if owner is not None and not isinstance(owner, User):
            owner = (
                User.objects.filter(pk=owner, is_active=True).first()
                if str(owner).isdigit()
                else None
            )
        due = condition.get("due_on") or condition.get("due_date")
        if isinstance(due, str):
            try:
                due = dt.date.fromisoformat(due)
            except ValueError:
                due = None
        problems = []
        if not description:
            problems.append("describe it")
        if owner is None:
            problems.append("name an owner who can sign in")
        if not isinstance(due, dt.date):
            problems.append("give a due date (YYYY-MM-DD)")
        elif due < decided_on:
            problems.append("the due date cannot be before the decision")
        if problems:
            raise ValidationError({"conditions": f"Condition {index}: {'; '.join(problems)}."})
        cleaned.append({"description": description, "owner": owner, "due_on": due})
    return cleaned


def _check_dates(decided_on: dt.date, consulted: dict[str, dt.date | None], today: dt.date) -> None:
    errors: dict[str, str] = {}
    if decided_on > today:
        errors["decided_on"] = "A decision cannot be dated in the future."
    for name, day in consulted.items():
        if day is not None and day > decided_on:
            errors[name] = "Consultees sign off before the decision is taken, not after."
    if errors:
        raise ValidationError(errors)


FORWARD_PLAN_NEEDED = (
    "A drawdown from the reserve is a key decision: give its Forward Plan reference "
    "(e.g. FP/527/10/22)."
)


def _authority_of(decision: Decision) -> DecisionAuthority:
    """What the decision hands the services it moves (the stage, the reserve): who decided, in
    which role, which decision."""
    return DecisionAuthority(
        decided_by=decision.decided_by,
        role=decision.authority_role,
        decision_id=decision.pk,
        decision=str(decision),
        decided_on=decision.decided_on,
        forward_plan_reference=decision.forward_plan_reference,
    )


def _write_decision(
    *,
    actor: Any,
    decider: User,
    authority: selectors.Authority,
    programme: Programme,
    outcome: str,
    releases: Mapping[FinancialYear, Decimal],
    conditions: list[dict[str, Any]],
    fields: dict[str, Any],
) -> Decision:
    decision = Decision(
        programme=programme,
        outcome=outcome,
        decided_by=decider,
        authority_role=authority.role,
        released_total=sum(releases.values(), Decimal(0)),
        recorded_by=actor if isinstance(actor, User) else None,
        recorded_at=timezone.now(),
        **fields,
    )
    if not decision.decision_maker_title:
        decision.decision_maker_title = ", ".join(
            part
            for part in (decider.get_full_name() or decider.username, decider.job_title)
            if part
        )
    decision.full_clean(validate_constraints=False)  # the database holds the constraints
    decision.save()
    entries = funding.reserve_drawdowns(
        actor=actor, decision=decision, authority=_authority_of(decision), releases=releases
    )
    for year, amount in releases.items():
        FundingRelease.objects.create(
            decision=decision, year=str(year), amount=amount, reserve_entry=entries.get(year)
        )
    after = snapshot(decision)
    after["released"] = funding.as_json(releases)
    after["reserve_entries"] = {str(year): entry.pk for year, entry in sorted(entries.items())}
    audit_record(actor=actor, action=f"gate.{outcome}", obj=decision, before=None, after=after)
    for condition in conditions:
        action = ConditionAction.objects.create(
            decision=decision, is_illustrative=decision.is_illustrative, **condition
        )
        audit_record(
            actor=actor,
            action="gate.condition_action_created",
            obj=action,
            before=None,
            after=snapshot(action),
        )
    return decision


def decision_record(
    *,
    actor: Any,
    gate_request: GateRequest,
    outcome: str,
    released: Mapping[str, Any] | None = None,
    conditions: Iterable[Any] = (),
    forward_plan_reference: str = "",
    decided_on: dt.date | None = None,
    decided_by: User | None = None,
    decision_maker_title: str = "",
    s151_officer: str = "",
    s151_consulted_on: dt.date | None = None,
    monitoring_officer: str = "",
    monitoring_officer_consulted_on: dt.date | None = None,
    equality_assessment: EqualityImpactAssessment | None = None,
    rationale: str = "",
    is_illustrative: bool = False,
) -> Decision:
    """Record the decision on a forwarded gate request (see the module docstring).

    403 (``PermissionDenied``) if the decider's delegated authority does not cover the money;
    409 (``ConflictError``) if the request is already decided or the reserve cannot cover it;
    400 (``ValidationError``) for anything malformed. Every refusal changes nothing.
    """
    try:
        with transaction.atomic():
            return _decision_record(
                actor=actor,
                gate_request=gate_request,
                outcome=outcome,
                released=released,
                conditions=conditions,
                decided_on=decided_on,
                decided_by=decided_by,
                is_illustrative=is_illustrative,
                fields={
                    "forward_plan_reference": (forward_plan_reference or "").strip(),
                    "decision_maker_title": (decision_maker_title or "").strip(),
                    "s151_officer": (s151_officer or "").strip(),
                    "s151_consulted_on": s151_consulted_on,
                    "monitoring_officer": (monitoring_officer or "").strip(),
                    "monitoring_officer_consulted_on": monitoring_officer_consulted_on,
                    "rationale": (rationale or "").strip(),
                },
                equality_assessment=equality_assessment,
            )
    except IntegrityError as error:
        # Another connection recorded the decision between our lock and our insert (only
        # possible without the row lock); the partial unique constraint kept it to one.
        if Decision.objects.filter(gate_request_id=gate_request.pk, corrects__isnull=True).exists():
            raise ConflictError("This request has already been decided.") from error
        raise


def _decision_record(
    *,
    actor: Any,
    gate_request: GateRequest,
    outcome: str,
    released: Mapping[str, Any] | None,
    conditions: Iterable[Any],
    decided_on: dt.date | None,
    decided_by: User | None,
    is_illustrative: bool,
    fields: dict[str, Any],
    equality_assessment: EqualityImpactAssessment | None,
) -> Decision:
    decider = _decider(actor, decided_by)
    request = _locked_forwarded(actor, decider, gate_request)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": f"Choose one of: {', '.join(Outcome.values)}."})
    releases = funding.parse_funding(released, field="released")
    requested = funding.parse_funding(request.requested, field="requested")
    errors = _release_errors(outcome, releases, requested)
    decided_on = decided_on or timezone.localdate()
    if outcome == Outcome.APPROVED_WITH_CONDITIONS and not list(conditions or []):
        errors["conditions"] = "An approval with conditions needs at least one condition."
    if outcome != Outcome.APPROVED_WITH_CONDITIONS and list(conditions or []):
        errors["conditions"] = "Only an approval with conditions carries conditions."
    if releases and not (fields["s151_officer"] and fields["s151_consulted_on"]):
        errors["s151_consulted_on"] = (
            "A drawdown from the reserve needs the S151 officer's sign-off: name and date."
        )
    if releases and not fields["forward_plan_reference"]:
        errors["forward_plan_reference"] = FORWARD_PLAN_NEEDED
    if errors:
        raise ValidationError(errors)
    programme = request.gate.programme
    total = sum(releases.values(), Decimal(0))
    authority = _authority(decider, programme, total)
    _check_dates(
        decided_on,
        {
            "s151_consulted_on": fields["s151_consulted_on"],
            "monitoring_officer_consulted_on": fields["monitoring_officer_consulted_on"],
        },
        timezone.localdate(),
    )
    cleaned_conditions = _clean_conditions(conditions, decided_on)
    work_package = WorkPackage.objects.select_for_update().get(pk=request.work_package_id)
    stage_before = work_package.stage
    stage_after = selectors.stage_after(request.gate) if outcome in APPROVALS else stage_before
    decision = _write_decision(
        actor=actor,
        decider=decider,
        authority=authority,
        programme=programme,
        outcome=outcome,
        releases=releases,
        conditions=cleaned_conditions,
        fields={
            **fields,
            "gate_request": request,
            "work_package": work_package,
            "gate": request.gate,
            "subject": f"{work_package.reference} {work_package.name}: {request.gate}",
            "decided_on": decided_on,
            "equality_assessment": equality_assessment or request.business_case.equality_assessment,
            "stage_before": stage_before,
            "stage_after": stage_after,
            "is_illustrative": is_illustrative,
        },
    )
    _mark_decided(actor, request, decision, work_package, decider, (stage_before, stage_after))
    return decision


def _locked_forwarded(actor: Any, decider: User, gate_request: GateRequest) -> GateRequest:
    """The request, row-locked, once the actor may decide it and the PMO has forwarded it."""
    request = (
        GateRequest.objects.select_for_update(of=("self",))
        .select_related("gate__programme", "business_case", "work_package")
        .get(pk=gate_request.pk)
    )
    if not _is_system(actor):
        require(actor, "gates.add_decision", request)
    separation_of_duties_require(
        actor=decider,
        programme=request.gate.programme,
        submitters=(request.submitted_by_id, request.business_case.created_by_id),
        doing="decide",
    )
    if request.status == RequestStatus.DECIDED:
        raise ConflictError("This request has already been decided.")
    if request.status != RequestStatus.FORWARDED:
        raise ConflictError(
            f"This request is {request.get_status_display().lower()}: the PMO forwards a request "
            "before it can be decided."
        )
    return request


def _release_errors(
    outcome: str,
    releases: Mapping[FinancialYear, Decimal],
    requested: Mapping[FinancialYear, Decimal],
) -> dict[str, Any]:
    """What is wrong with the money released: only approvals release, only what was asked."""
    errors: dict[str, Any] = {}
    if releases and outcome not in APPROVALS:
        errors["released"] = "Only an approval releases money."
    for year, amount in releases.items():
        if year not in requested:
            errors["released"] = (
                f"{year} was not requested: funding is released for the next stage only."
            )
        elif amount > requested[year]:
            errors["released"] = (
                f"{year}: £{amount:,.2f} is more than the £{requested[year]:,.2f} requested."
            )
    return errors


def _mark_decided(
    actor: Any,
    request: GateRequest,
    decision: Decision,
    work_package: WorkPackage,
    decider: User,
    stages: tuple[str, str],
) -> None:
    """The request is decided; an approval moves the work package to the gate's next stage."""
    before = snapshot(request)
    request.status = RequestStatus.DECIDED
    save_validated(request)
    audit_record(
        actor=actor,
        action="gate_request.decided",
        obj=request,
        before=before,
        after=snapshot(request),
    )
    stage_before, stage_after = stages
    if stage_after != stage_before:
        work_package_stage_move(
            actor=actor,
            work_package=work_package,
            stage=stage_after,
            authority=_authority_of(decision),
        )
        audit_record(
            actor=actor,
            action="gate.stage_moved",
            obj=work_package,
            before={"stage": stage_before},
            after={"stage": stage_after, "decision": decision.pk, "decided_by": decider.pk},
        )
    notice_raise(Notice.DECISION_RECORDED, decision)
