"""Gate requests: submitted by the work package's owner, quality-assured by the PMO."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.notices import Notice, notice_raise
from openpmo.common.services import (
    ConflictError,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.core.money import FinancialYear
from openpmo.gates import core_adapters, funding, selectors
from openpmo.gates.choices import (
    BusinessCaseStatus,
    RequestStatus,
)
from openpmo.gates.models import (
    BusinessCase,
    Gate,
    GateRequest,
)
from openpmo.gates.services._common import _is_system, _programme_of
from openpmo.gates.services.business_cases import _clean_answers
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.services import separation_of_duties_require


def _unmet_mandatory(gate: Gate, answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [
        item.text
        for item in gate.checklist.all()
        if item.mandatory and not answers.get(str(item.pk), {}).get("met")
    ]


def _locked_case_for_next_gate(
    work_package: WorkPackage, gate: Gate, business_case: BusinessCase
) -> tuple[BusinessCase, dict[str, list[str]]]:
    """The business case, row-locked, and what is wrong if ``gate`` is not the package's next
    gate or the case was not written for it."""
    errors: dict[str, list[str]] = {}
    expected = selectors.next_gate_for(work_package)
    if gate.programme_id != _programme_of(work_package).pk:
        errors["gate"] = ["That gate belongs to another programme."]
    elif expected is None:
        errors["gate"] = [f"{work_package} has passed every gate."]
    elif gate.pk != expected.pk:
        errors["gate"] = [
            f"{work_package.reference} is at the {work_package.get_stage_display()} stage: its next "
            f"gate is the {expected}. Gates cannot be skipped or repeated."
        ]
    case = BusinessCase.objects.select_for_update().get(pk=business_case.pk)
    if case.work_package_id != work_package.pk:
        errors["business_case"] = ["That business case belongs to another work package."]
    elif case.gate_id != gate.pk:
        errors["business_case"] = [
            f"Version {case.number} was written for the {case.gate}, not this one."
        ]
    return case, errors


def _submit_case(actor: Any, case: BusinessCase, appraisal: Any) -> None:
    """A draft business case is submitted with its gate request, its appraisal fixed."""
    if case.is_draft:
        before = snapshot(case)
        case.status = BusinessCaseStatus.SUBMITTED
        case.appraisal = appraisal
        save_validated(case)
        audit_record(
            actor=actor,
            action="business_case.submitted",
            obj=case,
            before=before,
            after=snapshot(case),
        )


def _has_waiting_request(work_package: WorkPackage) -> bool:
    return GateRequest.objects.filter(
        work_package=work_package, status__in=[RequestStatus.SUBMITTED, RequestStatus.FORWARDED]
    ).exists()


def _checked_submission(
    *,
    gate: Gate,
    case: BusinessCase,
    requested: Mapping[str, Any] | None,
    checklist_answers: Mapping[str, Any] | None,
    when: dt.datetime,
) -> tuple[dict[FinancialYear, Decimal], dict[str, dict[str, Any]], list[Any]]:
    """The funding asked for, the checklist answers and the case's options; a ValidationError
    with everything wrong if the funding reaches into past years, mandatory evidence is unmet,
    a needed equality assessment is missing or the case has no Do nothing option."""
    errors: dict[str, list[str]] = {}
    money = funding.parse_funding(
        case.requested_funding if requested is None else requested, field="requested"
    )
    this_year = FinancialYear.containing(timezone.localtime(when).date())
    past = [str(year) for year in money if year < this_year]
    if past:
        errors["requested"] = [
            f"Funding can only be asked for from {this_year} on, not {', '.join(past)}."
        ]
    answers = _clean_answers(gate, {**case.checklist_answers, **dict(checklist_answers or {})})
    unmet = _unmet_mandatory(gate, answers)
    if unmet:
        errors["checklist_answers"] = [f"Mandatory evidence not met: {text}" for text in unmet]
    if gate.requires_equality_assessment and case.equality_assessment_id is None:
        errors.setdefault("business_case", []).append(
            f"The {gate} needs the business case to link an equality impact assessment."
        )
    options = list(case.options.all())
    if not any(option.is_do_nothing for option in options):
        errors.setdefault("business_case", []).append(
            "The business case must keep a Do nothing option."
        )
    if errors:
        raise ValidationError(errors)
    return money, answers, options


def _request_save(request: GateRequest, work_package: WorkPackage) -> None:
    """Save the new request; one that lost a race with another submission is a conflict."""
    try:
        with transaction.atomic():
            save_validated(request)
    except (IntegrityError, ValidationError) as error:
        if _has_waiting_request(work_package):
            raise ConflictError(f"{work_package} already has a gate request waiting.") from error
        raise


@transaction.atomic
def gate_request_submit(
    *,
    actor: Any,
    work_package: WorkPackage,
    gate: Gate,
    business_case: BusinessCase,
    requested: Mapping[str, Any] | None = None,
    checklist_answers: Mapping[str, Any] | None = None,
    submitted_at: dt.datetime | None = None,
    is_illustrative: bool = False,
) -> GateRequest:
    """Ask to pass ``gate``. Refused if it skips a gate, if a mandatory checklist item is unmet,
    if the business case is not this work package's for this gate, or if a request is open."""
    work_package = (
        WorkPackage.objects.select_for_update()
        .select_related("strand__pillar")
        .get(pk=work_package.pk)
    )
    require(actor, "gates.add_gaterequest", work_package)
    if submitted_at is not None and not _is_system(actor):
        raise PermissionDenied("Only the system may record a request at another time.")
    when = submitted_at or timezone.now()
    if _has_waiting_request(work_package):
        raise ConflictError(f"{work_package} already has a gate request waiting.")
    case, errors = _locked_case_for_next_gate(work_package, gate, business_case)
    if errors:
        raise ValidationError(errors)
    money, answers, options = _checked_submission(
        gate=gate,
        case=case,
        requested=requested,
        checklist_answers=checklist_answers,
        when=when,
    )
    _submit_case(actor, case, core_adapters.appraisal_of(case.base_year, options))
    request = GateRequest(
        work_package=work_package,
        gate=gate,
        business_case=case,
        requested=funding.as_json(money),
        requested_total=sum(money.values(), Decimal(0)),
        checklist_answers=answers,
        submitted_by=actor if isinstance(actor, User) else None,
        submitted_at=when,
        is_illustrative=is_illustrative,
    )
    _request_save(request, work_package)
    audit_record(
        actor=actor,
        action="gate_request.submitted",
        obj=request,
        before=None,
        after=snapshot(request),
    )
    notice_raise(Notice.GATE_REQUEST_SUBMITTED, request)
    return request


@transaction.atomic
def gate_request_quality_assure(
    *,
    actor: Any,
    gate_request: GateRequest,
    forward: bool,
    comments: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> GateRequest:
    """The PMO forwards the request to the decision maker, or returns it with comments."""
    request = lock_for_update(GateRequest, gate_request.pk, expected_version=expected_version)
    require(actor, "gates.quality_assure_gaterequest", request)
    separation_of_duties_require(
        actor=actor,
        programme=request.gate.programme,
        submitters=(request.submitted_by_id, request.business_case.created_by_id),
        doing="quality-assure",
    )
    if at is not None and not _is_system(actor):
        raise PermissionDenied("Only the system may record quality assurance at another time.")
    if request.status != RequestStatus.SUBMITTED:
        raise ConflictError(
            f"This request is {request.get_status_display().lower()}: only a newly submitted "
            "request can be quality-assured."
        )
    comments = (comments or "").strip()
    if not forward and not comments:
        raise ValidationError(
            {"comments": "Say what needs to change before the request can go on."}
        )
    before = snapshot(request)
    request.status = RequestStatus.FORWARDED if forward else RequestStatus.RETURNED
    request.quality_assured_by = actor if isinstance(actor, User) else None
    request.quality_assured_at = at or timezone.now()
    request.quality_comments = comments
    save_validated(request)
    audit_record(
        actor=actor,
        action="gate_request.forwarded" if forward else "gate_request.returned",
        obj=request,
        before=before,
        after=snapshot(request),
    )
    notice_raise(Notice.GATE_REQUEST_QUALITY_ASSURED, request)
    return request
