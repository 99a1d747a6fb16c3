"""Every write at the gates. Views, the API and the demo loader all call these.

Each function checks the actor's permission, validates, saves and writes the audit record in one
transaction: a refusal (``PermissionDenied`` → 403, ``ValidationError`` → 400,
``ConflictError`` → 409) changes nothing. A busy SQLite database or a PostgreSQL deadlock is a
``ConflictError`` too ("try again"), never a server error.

Recording a decision (``decision_record``) is the heart of it. In one transaction it row-locks
the gate request (so two approvals of the same request queue, and the second finds it decided),
checks the decider's delegated authority against the money, writes the decision and its releases
(a partial unique constraint allows one original decision per request, whatever the locks do),
draws the money from the reserve (``funding.reserve_drawdowns``), moves the work package to its
next stage, turns conditions into actions, and audits each step.

The work package's stage belongs to the portfolio app: the gate service hands
``work_package_stage_move`` the decision's authority (``openpmo.common.authority``: who
decided, in which role, which decision), as it hands the finance app's drawdown, so the
register, the ledger and the audit trail all name the real decision maker, never "System".
Any money released needs the Cabinet Member for Finance (the Decision maker role, §7.1).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.authority import DecisionAuthority
from openpmo.common.services import (
    SYSTEM,
    ConflictError,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.core.money import FinancialYear
from openpmo.gates import core_adapters, funding, selectors
from openpmo.gates.choices import (
    APPROVALS,
    ActionStatus,
    BusinessCaseStatus,
    Outcome,
    ProtectedCharacteristic,
    RequestStatus,
)
from openpmo.gates.models import (
    BusinessCase,
    BusinessCaseOption,
    ChecklistItem,
    ConditionAction,
    Decision,
    DelegatedAuthority,
    EqualityImpactAssessment,
    FundingRelease,
    Gate,
    GateRequest,
)
from openpmo.portfolio.choices import Stage
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.portfolio.services import separation_of_duties_require, work_package_stage_move
from openpmo.work import notifications as work_notifications

P = ParamSpec("P")
R = TypeVar("R")

BUSY = "The database is busy with another change, so nothing was saved. Try again in a moment."


def _refuse_when_busy(function: Callable[P, R]) -> Callable[P, R]:
    """A locked SQLite database or a PostgreSQL deadlock becomes a clean ``ConflictError``."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            text = str(error).lower()
            if "locked" in text or "busy" in text or "deadlock" in text:
                raise ConflictError(BUSY) from error
            raise

    return wrapper


def _is_system(actor: Any) -> bool:
    return actor is SYSTEM


def _programme_of(work_package: WorkPackage) -> Programme:
    return work_package.strand.pillar.programme


# --- configuration: gates, checklists, delegated authority ------------------------------------

# The default sequence (Five Case Model, IPA gateway) with illustrative evidence checklists:
# (stage, name, purpose, needs an equality impact assessment, [(item, mandatory)]).
DEFAULT_GATES: list[tuple[str, str, str, bool, list[tuple[str, bool]]]] = [
    (
        Stage.DISCOVERY,
        "Discovery",
        "Is the problem understood well enough to write a Strategic Outline Case?",
        False,
        [
            ("Problem statement and scope agreed with the pillar sponsor", True),
            ("Users and stakeholders identified", True),
            ("Initial options listed, including do nothing", True),
            ("Dependencies on other work packages recorded", False),
        ],
    ),
    (
        Stage.STRATEGIC_OUTLINE_CASE,
        "Strategic Outline Case",
        "Is there a case for change, and a preferred way forward from the long list?",
        True,
        [
            ("Strategic fit with Everyone's Essex and the Technology Strategy", True),
            ("Long list of options appraised, including do nothing", True),
            ("Indicative costs and benefits", True),
            ("Equality impact assessment screening", True),
            ("Carbon impact considered (§4.9)", False),
        ],
    ),
    (
        Stage.OUTLINE_BUSINESS_CASE,
        "Outline Business Case",
        "Does the preferred option offer value for money, and can it be bought and delivered?",
        True,
        [
            ("Short list appraised (Green Book NPSV and BCR)", True),
            ("Commercial case: the sourcing route", True),
            ("Total cost of ownership including run costs", True),
            ("Benefit profiles with owners and baselines", True),
            ("Risks with owners and mitigations", True),
        ],
    ),
    (
        Stage.FULL_BUSINESS_CASE,
        "Full Business Case",
        "Is the contract or build ready to commit to, at a price the reserve can fund?",
        True,
        [
            ("Procurement outcome and contract price", True),
            ("Financial case signed off by the Finance business partner", True),
            ("Delivery plan and baselined schedule", True),
            ("Benefits realisation plan", True),
            ("Legal implications reviewed", True),
        ],
    ),
    (
        Stage.DELIVERY,
        "Delivery",
        "Is the change ready for service, with benefit owners in steady state?",
        False,
        [
            ("Acceptance into service", True),
            ("Benefit ownership handed over to steady state (§3.11)", True),
            ("Lessons learned recorded", False),
        ],
    ),
    (
        Stage.CLOSURE,
        "Closure and benefits review",
        "Were the benefits realised, and is any unspent money going back to the reserve?",
        False,
        [
            ("Benefits realised against plan, with evidence", True),
            ("Unspent funds identified for return to the reserve (§6.1.5)", True),
            ("Closure report", True),
        ],
    ),
]

# §7.1: every drawdown from the reserve needs the Cabinet Member for Finance; the board may
# approve stage progress without new money.
DEFAULT_AUTHORITY = [
    ("Decision maker", None, "All drawdowns from reserves (§7.1)"),
    ("Board member", Decimal("0"), "Stage progress without new money"),
]


@_refuse_when_busy
@transaction.atomic
def gates_create_defaults(*, actor: Any, programme: Programme) -> list[Gate]:
    """Give ``programme`` the default gates, checklists and delegated authority it lacks."""
    require(actor, "gates.change_gate", programme)
    Programme.objects.select_for_update().get(pk=programme.pk)
    gates = []
    for order, (stage, name, purpose, needs_eqia, items) in enumerate(DEFAULT_GATES, start=1):
        gate = Gate.objects.filter(programme=programme, stage=stage).first()
        if gate is None:
            if Gate.objects.filter(programme=programme, order=order).exists():
                raise ConflictError(
                    f"{programme} already has gate number {order}; edit its gates instead."
                )
            gate = save_validated(
                Gate(
                    programme=programme,
                    stage=stage,
                    name=name,
                    order=order,
                    purpose=purpose,
                    requires_equality_assessment=needs_eqia,
                    is_illustrative=True,
                )
            )
            audit_record(
                actor=actor, action="gate.created", obj=gate, before=None, after=snapshot(gate)
            )
            for position, (text, mandatory) in enumerate(items, start=1):
                item = save_validated(
                    ChecklistItem(gate=gate, text=text, mandatory=mandatory, order=position)
                )
                audit_record(
                    actor=actor,
                    action="gate.checklist_item_created",
                    obj=item,
                    before=None,
                    after=snapshot(item),
                )
        gates.append(gate)
    if not DelegatedAuthority.objects.filter(programme=programme).exists():
        for role, limit, note in DEFAULT_AUTHORITY:
            row = save_validated(
                DelegatedAuthority(programme=programme, role=role, limit=limit, note=note)
            )
            audit_record(
                actor=actor,
                action="delegated_authority.set",
                obj=row,
                before=None,
                after=snapshot(row),
            )
    return gates


def _check_sequence(programme: Programme) -> None:
    """Gates in order must close stages in order, so no gate can be reached out of turn."""
    stages = [
        selectors.STAGE_INDEX[stage]
        for stage in Gate.objects.filter(programme=programme)
        .order_by("order")
        .values_list("stage", flat=True)
    ]
    if stages != sorted(stages):
        raise ValidationError(
            {"order": "Gates must follow the stages in order: Discovery first, Closure last."}
        )


@_refuse_when_busy
@transaction.atomic
def gate_create(
    *,
    actor: Any,
    programme: Programme,
    stage: str,
    name: str,
    order: int | None = None,
    purpose: str = "",
    requires_equality_assessment: bool = True,
) -> Gate:
    """Add a gate at the end of ``stage`` (e.g. put back a gate a programme left out)."""
    require(actor, "gates.change_gate", programme)
    Programme.objects.select_for_update().get(pk=programme.pk)
    if order is None:
        order = (
            Gate.objects.filter(programme=programme)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
            or 0
        ) + 1
    gate = save_validated(
        Gate(
            programme=programme,
            stage=stage,
            name=name,
            order=order,
            purpose=purpose,
            requires_equality_assessment=requires_equality_assessment,
        )
    )
    _check_sequence(programme)
    audit_record(actor=actor, action="gate.created", obj=gate, before=None, after=snapshot(gate))
    return gate


@_refuse_when_busy
@transaction.atomic
def gate_remove(*, actor: Any, gate: Gate) -> None:
    """Take a gate out of the programme's sequence; refused once any request has used it."""
    instance = lock_for_update(Gate, gate.pk)
    require(actor, "gates.change_gate", instance)
    if instance.requests.exists() or instance.business_cases.exists():
        raise ConflictError(
            f"The {instance} has business cases or requests, so it stays in the record."
        )
    before = snapshot(instance)
    audit_record(actor=actor, action="gate.removed", obj=instance, before=before, after=None)
    instance.checklist.all().delete()
    instance.delete()


@_refuse_when_busy
@transaction.atomic
def gate_update(
    *, actor: Any, gate: Gate, expected_version: int | None = None, **data: Any
) -> Gate:
    instance = lock_for_update(Gate, gate.pk, expected_version=expected_version)
    require(actor, "gates.change_gate", instance)
    unknown = set(data) - {"name", "purpose", "requires_equality_assessment"}
    if unknown:
        raise ValidationError(
            {"__all__": f"These cannot be changed here: {', '.join(sorted(unknown))}."}
        )
    before = snapshot(instance)
    apply_fields(instance, data)
    save_validated(instance)
    audit_record(
        actor=actor, action="gate.updated", obj=instance, before=before, after=snapshot(instance)
    )
    return instance


@_refuse_when_busy
@transaction.atomic
def checklist_item_create(
    *, actor: Any, gate: Gate, text: str, mandatory: bool = True, order: int | None = None
) -> ChecklistItem:
    require(actor, "gates.change_gate", gate)
    if order is None:
        order = ChecklistItem.objects.filter(gate=gate).count() + 1
    item = save_validated(ChecklistItem(gate=gate, text=text, mandatory=mandatory, order=order))
    audit_record(
        actor=actor,
        action="gate.checklist_item_created",
        obj=item,
        before=None,
        after=snapshot(item),
    )
    return item


@_refuse_when_busy
@transaction.atomic
def checklist_item_update(
    *, actor: Any, item: ChecklistItem, expected_version: int | None = None, **data: Any
) -> ChecklistItem:
    instance = lock_for_update(ChecklistItem, item.pk, expected_version=expected_version)
    require(actor, "gates.change_gate", instance.gate)
    before = snapshot(instance)
    apply_fields(instance, {k: v for k, v in data.items() if k in {"text", "mandatory", "order"}})
    save_validated(instance)
    audit_record(
        actor=actor,
        action="gate.checklist_item_updated",
        obj=instance,
        before=before,
        after=snapshot(instance),
    )
    return instance


@_refuse_when_busy
@transaction.atomic
def delegated_authority_set(
    *, actor: Any, programme: Programme, role: str, limit: Decimal | None, note: str = ""
) -> DelegatedAuthority:
    """Create or change the row for ``role``: holders may release up to ``limit`` (None: no limit)."""
    require(actor, "gates.change_delegatedauthority", programme)

    if role not in {r.value for r in Role}:
        raise ValidationError({"role": f"{role!r} is not a role."})
    row = (
        DelegatedAuthority.objects.select_for_update()
        .filter(programme=programme, role=role)
        .first()
    )
    before = snapshot(row) if row is not None else None
    if row is None:
        row = DelegatedAuthority(programme=programme, role=role)
    row.limit = limit
    row.note = note
    save_validated(row)
    audit_record(
        actor=actor, action="delegated_authority.set", obj=row, before=before, after=snapshot(row)
    )
    return row


@_refuse_when_busy
@transaction.atomic
def delegated_authority_remove(*, actor: Any, authority: DelegatedAuthority) -> None:
    row = lock_for_update(DelegatedAuthority, authority.pk)
    require(actor, "gates.change_delegatedauthority", row.programme)
    before = snapshot(row)
    audit_record(
        actor=actor, action="delegated_authority.removed", obj=row, before=before, after=None
    )
    row.delete()


# --- equality impact assessments -------------------------------------------------------------


@_refuse_when_busy
@transaction.atomic
def equality_assessment_create(
    *, actor: Any, programme: Programme, **data: Any
) -> EqualityImpactAssessment:
    require(actor, "gates.add_equalityimpactassessment", programme)
    characteristics = list(data.pop("characteristics", []) or [])
    known = {c.value for c in ProtectedCharacteristic}
    unknown = [c for c in characteristics if c not in known]
    if unknown:
        raise ValidationError(
            {"characteristics": f"Not protected characteristics: {', '.join(map(str, unknown))}."}
        )
    if not characteristics:
        raise ValidationError(
            {"characteristics": "Select the protected characteristics the assessment considered."}
        )
    assessment = EqualityImpactAssessment(programme=programme)
    apply_fields(assessment, data)
    # Kept in the order of §8.2, whatever order they were given in.
    assessment.characteristics = [
        c.value for c in ProtectedCharacteristic if c.value in characteristics
    ]
    save_validated(assessment)
    audit_record(
        actor=actor,
        action="equality_assessment.created",
        obj=assessment,
        before=None,
        after=snapshot(assessment),
    )
    return assessment


# --- business cases ----------------------------------------------------------------------------

_CASE_FIELDS = {
    "title",
    "strategic_case",
    "benefits_summary",
    "risks",
    "base_year",
    "requested_funding",
    "checklist_answers",
    "equality_assessment",
    "is_illustrative",
}


def _clean_case_data(case: BusinessCase, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - _CASE_FIELDS
    if unknown:
        raise ValidationError({"__all__": f"Unknown fields: {', '.join(sorted(unknown))}."})
    cleaned = dict(data)
    if "base_year" in cleaned:
        try:
            cleaned["base_year"] = str(FinancialYear.parse(cleaned["base_year"]))
        except Exception:  # noqa: BLE001 - the engine's error names the problem
            raise ValidationError({"base_year": "Write the base year like 2023/24."}) from None
    if "requested_funding" in cleaned:
        cleaned["requested_funding"] = funding.as_json(
            funding.parse_funding(cleaned["requested_funding"], field="requested_funding")
        )
    if "checklist_answers" in cleaned:
        cleaned["checklist_answers"] = _clean_answers(case.gate, cleaned["checklist_answers"])
    assessment = cleaned.get("equality_assessment")
    if assessment is not None and assessment.programme_id != case.gate.programme_id:
        raise ValidationError(
            {"equality_assessment": "That assessment belongs to another programme."}
        )
    return cleaned


def _clean_answers(gate: Gate, answers: Any) -> dict[str, dict[str, Any]]:
    """Answers keyed by checklist item id (as text): ``{"met": bool, "evidence": text}``."""
    if not answers:
        return {}
    if not isinstance(answers, Mapping):
        raise ValidationError({"checklist_answers": "Give answers by checklist item."})
    items = {str(pk) for pk in gate.checklist.values_list("pk", flat=True)}
    cleaned: dict[str, dict[str, Any]] = {}
    for key, answer in answers.items():
        if str(key) not in items:
            raise ValidationError(
                {"checklist_answers": f"Item {key} is not on the checklist of the {gate}."}
            )
        if isinstance(answer, bool):
            answer = {"met": answer}
        if not isinstance(answer, Mapping):
            raise ValidationError({"checklist_answers": f"Item {key}: give met and evidence."})
        cleaned[str(key)] = {
            "met": bool(answer.get("met")),
            "evidence": str(answer.get("evidence") or "").strip(),
        }
    return cleaned


@_refuse_when_busy
@transaction.atomic
def business_case_create(
    *, actor: Any, work_package: WorkPackage, copy_from: BusinessCase | None = None, **data: Any
) -> BusinessCase:
    """A new version of the work package's business case, for its next gate.

    It starts as a copy of ``copy_from`` (default: the latest version), options included, or,
    for a first version, with the "Do nothing" option every case must keep.
    """
    work_package = WorkPackage.objects.select_for_update().get(pk=work_package.pk)
    require(actor, "gates.add_businesscase", work_package)
    gate = selectors.next_gate_for(work_package)
    if gate is None:
        raise ConflictError(
            f"{work_package} has no gate left to pass (or its programme has no gates)."
        )
    latest = BusinessCase.objects.filter(work_package=work_package).order_by("-number").first()
    source = copy_from or latest
    if source is not None and source.work_package_id != work_package.pk:
        raise ValidationError({"copy_from": "That business case belongs to another work package."})
    case = BusinessCase(
        work_package=work_package,
        gate=gate,
        number=(latest.number + 1) if latest else 1,
        created_by=actor if isinstance(actor, User) else None,
        title=f"{work_package.name}: business case",
        base_year=str(FinancialYear.containing(timezone.localdate())),
    )
    if source is not None:
        for name in (
            "title",
            "strategic_case",
            "benefits_summary",
            "risks",
            "base_year",
            "equality_assessment_id",
            "is_illustrative",
        ):
            setattr(case, name, getattr(source, name))
        if source.gate_id == gate.pk:
            case.requested_funding = dict(source.requested_funding)
            case.checklist_answers = dict(source.checklist_answers)
    apply_fields(case, _clean_case_data(case, data))
    save_validated(case)
    options = list(source.options.all()) if source is not None else []
    if not any(o.is_do_nothing for o in options):
        options.insert(
            0,
            BusinessCaseOption(
                name="Do nothing",
                description="Carry on as now: the baseline every other option is compared with.",
                is_do_nothing=True,
            ),
        )
    for position, option in enumerate(options):
        BusinessCaseOption.objects.create(
            business_case=case,
            name=option.name,
            description=option.description,
            is_do_nothing=option.is_do_nothing,
            is_recommended=option.is_recommended,
            costs=option.costs,
            benefits=option.benefits,
            optimism_bias=option.optimism_bias,
            order=position,
        )
    after = snapshot(case)
    after["options"] = [o.name for o in case.options.all()]
    audit_record(actor=actor, action="business_case.created", obj=case, before=None, after=after)
    return case


def _lock_draft(business_case: BusinessCase, expected_version: int | None) -> BusinessCase:
    case = lock_for_update(BusinessCase, business_case.pk, expected_version=expected_version)
    if not case.is_draft:
        raise ConflictError(
            f"{case} was submitted and is frozen. Start a new version to change it."
        )
    return case


@_refuse_when_busy
@transaction.atomic
def business_case_update(
    *, actor: Any, business_case: BusinessCase, expected_version: int | None = None, **data: Any
) -> BusinessCase:
    case = _lock_draft(business_case, expected_version)
    require(actor, "gates.change_businesscase", case)
    before = snapshot(case)
    apply_fields(case, _clean_case_data(case, data))
    save_validated(case)
    after = snapshot(case)
    if {k: v for k, v in before.items() if k != "version"} != {
        k: v for k, v in after.items() if k != "version"
    }:
        audit_record(
            actor=actor, action="business_case.updated", obj=case, before=before, after=after
        )
    return case


def _touch(case: BusinessCase) -> None:
    """Bump the case's version: its options changed, so an editor's stale form is refused."""
    case.version += 1
    case.save(update_fields=["version"])


@_refuse_when_busy
@transaction.atomic
def business_case_option_save(
    *,
    actor: Any,
    business_case: BusinessCase,
    option: BusinessCaseOption | None = None,
    **data: Any,
) -> BusinessCaseOption:
    """Add an option to a draft case, or change one. Lines are checked by the appraisal engine."""
    case = _lock_draft(business_case, None)
    require(actor, "gates.change_businesscase", case)
    unknown = set(data) - {
        "name",
        "description",
        "is_recommended",
        "costs",
        "benefits",
        "optimism_bias",
    }
    if unknown:
        raise ValidationError({"__all__": f"Unknown fields: {', '.join(sorted(unknown))}."})
    if option is None:
        instance = BusinessCaseOption(business_case=case, order=case.options.count())
        before = None
    else:
        instance = BusinessCaseOption.objects.select_for_update().get(
            pk=option.pk, business_case=case
        )
        before = snapshot(instance)
    for name in ("costs", "benefits"):
        if name in data:
            data[name] = core_adapters.parse_lines(data[name] or {}, name)
    if "optimism_bias" in data:
        bias = data["optimism_bias"] or {}
        costs = data.get("costs", instance.costs) or {}
        unknown_lines = [line for line in bias if line not in costs]
        if unknown_lines:
            raise ValidationError(
                {"optimism_bias": f"No cost line called {', '.join(unknown_lines)} in this option."}
            )
        try:
            data["optimism_bias"] = {line: str(Decimal(str(rate))) for line, rate in bias.items()}
        except ArithmeticError:
            raise ValidationError(
                {"optimism_bias": "Give each uplift as a fraction, e.g. 0.24."}
            ) from None
        if any(Decimal(rate) < 0 for rate in data["optimism_bias"].values()):
            raise ValidationError({"optimism_bias": "An uplift cannot be negative."})
    apply_fields(instance, data)
    save_validated(instance)
    if instance.is_recommended:
        BusinessCaseOption.objects.filter(business_case=case, is_recommended=True).exclude(
            pk=instance.pk
        ).update(is_recommended=False)
    # The options together must still appraise (years after the base year, and so on).
    core_adapters.appraisal_of(case.base_year, case.options.all())
    _touch(case)
    audit_record(
        actor=actor,
        action="business_case.option_created" if before is None else "business_case.option_updated",
        obj=case,
        before=before,
        after=snapshot(instance),
    )
    return instance


@_refuse_when_busy
@transaction.atomic
def business_case_option_remove(*, actor: Any, option: BusinessCaseOption) -> None:
    case = _lock_draft(option.business_case, None)
    require(actor, "gates.change_businesscase", case)
    instance = BusinessCaseOption.objects.get(pk=option.pk, business_case=case)
    if instance.is_do_nothing:
        raise ValidationError({"__all__": "Every business case keeps its Do nothing option."})
    before = snapshot(instance)
    instance.delete()
    _touch(case)
    audit_record(
        actor=actor, action="business_case.option_removed", obj=case, before=before, after=None
    )


# --- gate requests -----------------------------------------------------------------------------


def _unmet_mandatory(gate: Gate, answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [
        item.text
        for item in gate.checklist.all()
        if item.mandatory and not answers.get(str(item.pk), {}).get("met")
    ]


@_refuse_when_busy
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
    if GateRequest.objects.filter(
        work_package=work_package, status__in=[RequestStatus.SUBMITTED, RequestStatus.FORWARDED]
    ).exists():
        raise ConflictError(f"{work_package} already has a gate request waiting.")
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
    if errors:
        raise ValidationError(errors)
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
    appraisal = core_adapters.appraisal_of(case.base_year, options)
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
    try:
        with transaction.atomic():
            save_validated(request)
    except (IntegrityError, ValidationError) as error:
        if GateRequest.objects.filter(
            work_package=work_package, status__in=[RequestStatus.SUBMITTED, RequestStatus.FORWARDED]
        ).exists():
            raise ConflictError(f"{work_package} already has a gate request waiting.") from error
        raise
    audit_record(
        actor=actor,
        action="gate_request.submitted",
        obj=request,
        before=None,
        after=snapshot(request),
    )
    work_notifications.gate_request_submitted(request)
    return request


@_refuse_when_busy
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
    work_notifications.gate_request_quality_assured(request)
    return request


# --- decisions ---------------------------------------------------------------------------------


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


@_refuse_when_busy
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
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": f"Choose one of: {', '.join(Outcome.values)}."})
    releases = funding.parse_funding(released, field="released")
    requested = funding.parse_funding(request.requested, field="requested")
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
    work_notifications.decision_recorded(decision)
    return decision


@_refuse_when_busy
@transaction.atomic
def funding_decision_record(
    *,
    actor: Any,
    programme: Programme,
    subject: str,
    released: Mapping[str, Any],
    decided_on: dt.date,
    decided_by: User | None = None,
    forward_plan_reference: str = "",
    decision_maker_title: str = "",
    s151_officer: str = "",
    s151_consulted_on: dt.date | None = None,
    monitoring_officer: str = "",
    monitoring_officer_consulted_on: dt.date | None = None,
    equality_assessment: EqualityImpactAssessment | None = None,
    rationale: str = "",
    is_illustrative: bool = False,
) -> Decision:
    """A drawdown approved for the programme as a whole, outside any gate (e.g. FP/527/10/22,
    the core programme team): the recorded standalone decision, with its decision maker, date,
    Forward Plan reference and S151 sign-off. Same authority and reserve rules as a gate
    approval; it draws the money from the reserve itself.
    """
    decider = _decider(actor, decided_by)
    Programme.objects.select_for_update().get(pk=programme.pk)
    releases = funding.parse_funding(released, field="released")
    if not releases:
        raise ValidationError({"released": "A funding decision releases money: give it by year."})
    if not (s151_officer and s151_consulted_on):
        raise ValidationError(
            {
                "s151_consulted_on": "A drawdown from the reserve needs the S151 officer's sign-off: name and date."
            }
        )
    if not subject.strip():
        raise ValidationError({"subject": "Say what the decision is about."})
    if not forward_plan_reference.strip():
        raise ValidationError({"forward_plan_reference": FORWARD_PLAN_NEEDED})
    authority = _authority(decider, programme, sum(releases.values(), Decimal(0)))
    _check_dates(
        decided_on,
        {
            "s151_consulted_on": s151_consulted_on,
            "monitoring_officer_consulted_on": monitoring_officer_consulted_on,
        },
        timezone.localdate(),
    )
    return _write_decision(
        actor=actor,
        decider=decider,
        authority=authority,
        programme=programme,
        outcome=Outcome.APPROVED,
        releases=releases,
        conditions=[],
        fields={
            "subject": subject.strip(),
            "decided_on": decided_on,
            "forward_plan_reference": forward_plan_reference.strip(),
            "decision_maker_title": decision_maker_title.strip(),
            "s151_officer": s151_officer.strip(),
            "s151_consulted_on": s151_consulted_on,
            "monitoring_officer": monitoring_officer.strip(),
            "monitoring_officer_consulted_on": monitoring_officer_consulted_on,
            "equality_assessment": equality_assessment,
            "rationale": rationale.strip(),
            "is_illustrative": is_illustrative,
        },
    )


CORRECTABLE = {
    "subject",
    "decided_on",
    "forward_plan_reference",
    "decision_maker_title",
    "s151_officer",
    "s151_consulted_on",
    "monitoring_officer",
    "monitoring_officer_consulted_on",
    "equality_assessment",
    "rationale",
}


@_refuse_when_busy
def decision_correct(
    *, actor: Any, decision: Decision, correction_reason: str, **changes: Any
) -> Decision:
    """Correct a recorded decision's particulars with a new decision that names it.

    The original is never changed. The outcome and the money cannot be corrected: they moved a
    work package and the reserve, so changing them is a new request and a new decision.
    """
    try:
        with transaction.atomic():
            return _decision_correct(
                actor=actor, decision=decision, correction_reason=correction_reason, changes=changes
            )
    except IntegrityError as error:
        if Decision.objects.filter(corrects_id=decision.pk).exists():
            raise ConflictError("This decision has just been corrected by someone else.") from error
        raise


def _decision_correct(
    *, actor: Any, decision: Decision, correction_reason: str, changes: dict[str, Any]
) -> Decision:
    original = Decision.objects.select_for_update().get(pk=decision.pk)
    fixed = {"outcome", "released", "released_total", "gate_request", "work_package", "gate"}
    if set(changes) & fixed:
        raise ValidationError(
            {
                "__all__": "The outcome and the money released cannot be corrected: they moved the "
                "work package and the reserve. Submit a new gate request for a new decision."
            }
        )
    unknown = set(changes) - CORRECTABLE
    if unknown:
        raise ValidationError({"__all__": f"Unknown fields: {', '.join(sorted(unknown))}."})
    if Decision.objects.filter(corrects=original).exists():
        raise ConflictError(
            "This decision has already been corrected: correct the latest correction."
        )
    if not (correction_reason or "").strip():
        raise ValidationError({"correction_reason": "Say what was wrong and why it is corrected."})
    if not isinstance(actor, User):
        raise PermissionDenied("Sign in to correct a decision.")
    authority = _authority(actor, original.programme, original.released_total)
    values = {name: getattr(original, name) for name in CORRECTABLE}
    values.update({k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()})
    if values == {name: getattr(original, name) for name in CORRECTABLE}:
        raise ValidationError({"__all__": "Nothing was changed, so there is nothing to correct."})
    _check_dates(
        values["decided_on"],
        {
            "s151_consulted_on": values["s151_consulted_on"],
            "monitoring_officer_consulted_on": values["monitoring_officer_consulted_on"],
        },
        timezone.localdate(),
    )
    correction = Decision(
        programme=original.programme,
        gate_request=original.gate_request,
        work_package=original.work_package,
        gate=original.gate,
        outcome=original.outcome,
        decided_by=original.decided_by,
        authority_role=original.authority_role,
        released_total=original.released_total,
        stage_before=original.stage_before,
        stage_after=original.stage_after,
        corrects=original,
        correction_reason=correction_reason.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
        is_illustrative=original.is_illustrative,
        **values,
    )
    correction.full_clean(validate_constraints=False)
    correction.save()
    audit_record(
        actor=actor,
        action="gate.decision_corrected",
        obj=correction,
        before=snapshot(original),
        after={**snapshot(correction), "corrected_with_authority_of": authority.role},
    )
    return correction


# --- condition actions ----------------------------------------------------------------------


@_refuse_when_busy
@transaction.atomic
def condition_action_complete(
    *, actor: Any, action: ConditionAction, note: str = "", expected_version: int | None = None
) -> ConditionAction:
    instance = lock_for_update(ConditionAction, action.pk, expected_version=expected_version)
    require(actor, "gates.change_conditionaction", instance)
    if instance.status == ActionStatus.DONE:
        raise ConflictError("This action is already done.")
    before = snapshot(instance)
    instance.status = ActionStatus.DONE
    instance.completed_at = timezone.now()
    instance.completed_by = actor if isinstance(actor, User) else None
    instance.completion_note = (note or "").strip()
    save_validated(instance)
    audit_record(
        actor=actor,
        action="gate.condition_action_completed",
        obj=instance,
        before=before,
        after=snapshot(instance),
    )
    return instance
