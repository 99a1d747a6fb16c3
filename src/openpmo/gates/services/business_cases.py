"""Business cases and their options, drafted before a gate request."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openpmo.accounts.models import User
from openpmo.audit.services import audit_record, snapshot
from openpmo.common.services import (
    ConflictError,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.core.money import FinancialYear
from openpmo.gates import core_adapters, funding, selectors
from openpmo.gates.models import (
    BusinessCase,
    BusinessCaseOption,
    Gate,
)
from openpmo.portfolio.models import WorkPackage

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
