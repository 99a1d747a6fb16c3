"""Every write to benefits data. Pages, the API, the Excel import and the demo loader call these.

Each function checks the actor's permission, validates, saves and writes the audit record in one
transaction: a refusal (``PermissionDenied``, ``ValidationError``, ``ConflictError``) changes
nothing in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from openpmo.audit.services import audit_change, audit_record, snapshot
from openpmo.benefits.choices import GENERATED_SHAPES, ProfileMethod
from openpmo.benefits.core_adapters import quantum_for
from openpmo.benefits.models import (
    Benefit,
    BenefitActual,
    BenefitProfile,
    ProfileMonth,
    SavingsLine,
    ShortfallExplanation,
    TrackerSettings,
)
from openpmo.common import uploads
from openpmo.common.engine_errors import as_validation_error
from openpmo.common.services import (
    ConflictError,
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.core.benefits import Month, generate_profile
from openpmo.core.errors import ValidationError as CoreValidationError
from openpmo.portfolio.models import Pillar, Programme

ATTACHMENT_TYPES = {
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".xlsx",
    ".xls",
    ".csv",
    ".docx",
    ".doc",
    ".txt",
    ".msg",
    ".eml",
    ".odt",
    ".ods",
}


def _day(month: Month) -> dt.date:
    return month.first_day


def _as_month(value: Month | dt.date | str) -> Month:
    if isinstance(value, Month):
        return value
    if isinstance(value, dt.date):
        return Month.of(value)
    try:
        return Month.parse(value)
    except CoreValidationError as error:
        raise as_validation_error(error, "month", with_where=False) from None


def _check(benefit: Benefit, work_packages: Any) -> None:
    """Every error of the register entry at once: its own rules, and its links (work packages
    belong to the benefit's pillar; the objective to its programme)."""
    errors: dict[str, list[str]] = {}
    try:
        benefit.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        _check_links(benefit, work_packages)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _check_links(benefit: Benefit, work_packages: Any) -> None:
    errors = {}
    if work_packages is not None:
        strays = [
            wp.reference
            for wp in work_packages
            if wp.strand.pillar_id != benefit.pillar_id  # type: ignore[union-attr]
        ]
        if strays:
            errors["work_packages"] = (
                f"{', '.join(strays)} {'is' if len(strays) == 1 else 'are'} not in the pillar "
                f"{benefit.pillar}; link work packages of the benefit's own pillar."
            )
    objective = benefit.strategic_objective
    if objective is not None and objective.programme_id != benefit.pillar.programme_id:
        errors["strategic_objective"] = "Choose a strategic objective of this programme."
    if errors:
        raise ValidationError(errors)


# -- the register ---------------------------------------------------------------------------


@transaction.atomic
def benefit_create(*, actor: Any, pillar: Pillar, **data: Any) -> Benefit:
    require(actor, "benefits.add_benefit", pillar)
    benefit = Benefit(pillar=pillar)
    many_to_many = apply_fields(benefit, data)
    _check(benefit, many_to_many.get("work_packages"))
    save_validated(benefit, many_to_many=many_to_many)
    benefit.refresh_from_db()  # values as stored (Decimal places), for the audit record
    audit_record(
        actor=actor, action="benefit.created", obj=benefit, before=None, after=snapshot(benefit)
    )
    return benefit


@transaction.atomic
def benefit_update(
    *, actor: Any, benefit: Benefit, expected_version: int | None = None, **data: Any
) -> Benefit:
    instance = lock_for_update(Benefit, benefit.pk, expected_version=expected_version)
    require(actor, "benefits.change_benefit", instance)
    before = snapshot(instance)
    many_to_many = apply_fields(instance, data)
    require(
        actor,
        "benefits.change_benefit",
        instance,
        message="You cannot move a benefit to a pillar you do not manage.",
    )
    links = many_to_many.get("work_packages")
    if links is None and "pillar" in data:
        links = list(instance.work_packages.select_related("strand"))
    _check(instance, links)
    save_validated(instance, many_to_many=many_to_many)
    instance.refresh_from_db()
    after = snapshot(instance)
    audit_change(actor=actor, action="benefit.updated", obj=instance, before=before, after=after)
    return instance


# -- profiles ---------------------------------------------------------------------------------


def _profile_data(profile: BenefitProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "number": profile.number,
        "method": profile.method,
        "reason": profile.reason,
        "months": {
            f"{row.month:%Y-%m}": str(row.value) for row in profile.months.order_by("month")
        },
    }


@transaction.atomic
def profile_set(
    *,
    actor: Any,
    benefit: Benefit,
    months: Mapping[Month, Decimal],
    method: str,
    reason: str = "",
    is_illustrative: bool = False,
) -> BenefitProfile:
    """Give ``benefit`` a new current profile. The first is the original baseline; each later one
    is a re-baseline, which needs a reason, and every earlier version is kept for comparison."""
    locked = lock_for_update(Benefit, benefit.pk)
    require(actor, "benefits.change_benefitprofile", locked)
    if method not in ProfileMethod.values:
        raise ValidationError({"method": f"“{method}” is not a way of making a profile."})
    if not months:
        raise ValidationError({"months": "Give a planned value for at least one month."})
    previous = BenefitProfile.objects.filter(benefit=locked, is_current=True).first()
    if previous is not None and not reason.strip():
        raise ValidationError(
            {"reason": "Say why the profile is being re-baselined (the original is kept)."}
        )
    profile = BenefitProfile(
        benefit=locked,
        number=(previous.number + 1) if previous else 1,
        method=method,
        reason=reason.strip(),
        is_current=True,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        is_illustrative=is_illustrative,
    )
    rows = [ProfileMonth(month=_day(month), value=value) for month, value in sorted(months.items())]
    errors = []
    for row in rows:
        try:
            # Months are the keys of a mapping, so unique; the value rules are field validators.
            row.full_clean(exclude=["profile"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.append(f"{row.month:%Y-%m}: {' '.join(error.messages)}")
    if errors:
        raise ValidationError({"months": errors})
    before = _profile_data(previous)
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    profile.full_clean()
    profile.save()
    for row in rows:
        row.profile = profile
    ProfileMonth.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="benefit_profile.rebaselined" if previous else "benefit_profile.created",
        obj=locked,
        before=before,
        after=_profile_data(profile),
    )
    return profile


def profile_generate(
    *,
    actor: Any,
    benefit: Benefit,
    shape: str,
    total: Decimal,
    first: Month,
    last: Month,
    reason: str = "",
    is_illustrative: bool = False,
) -> BenefitProfile:
    """A linear ramp, S-curve or step of ``total`` from ``first`` to ``last`` (the engine's
    generators: the months add up to ``total`` exactly)."""
    if shape not in {str(s) for s in GENERATED_SHAPES}:
        raise ValidationError({"shape": f"“{shape}” is not a profile shape."})
    if total < 0:
        raise ValidationError({"total": "The total is positive, for a dis-benefit too."})
    try:
        months = generate_profile(shape, total, first, last, quantum=quantum_for(benefit.unit))
    except CoreValidationError as error:
        field = {"last": "last", "target": "total", "shape": "shape"}.get(
            error.where or "", "total"
        )
        raise as_validation_error(error, field, with_where=False) from None
    return profile_set(
        actor=actor,
        benefit=benefit,
        months=months,
        method=shape,
        reason=reason,
        is_illustrative=is_illustrative,
    )


# -- actuals and explanations -----------------------------------------------------------------


def _actual_snapshot(actual: BenefitActual) -> dict[str, Any]:
    data = snapshot(actual, exclude=("attachment",))
    data["attachment"] = actual.attachment.name or ""
    return data


def _check_attachment(attachment: UploadedFile | None) -> None:
    if attachment is None:
        return
    suffix = PurePath(attachment.name or "").suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError(
            {
                "attachment": "Attach a document, spreadsheet, image or email ("
                + ", ".join(sorted(ATTACHMENT_TYPES))
                + ")."
            }
        )
    uploads.checked(uploads.EVIDENCE, attachment, field="attachment")


@transaction.atomic
def actual_record(
    *,
    actor: Any,
    benefit: Benefit,
    month: Month | dt.date | str,
    value: Decimal,
    evidence: str,
    attachment: UploadedFile | None = None,
    expected_version: int | None = None,
    correction_reason: str = "",
    is_illustrative: bool = False,
    today: dt.date | None = None,
) -> BenefitActual:
    """Record what ``benefit`` delivered in ``month``, or correct a month already recorded.

    A month cannot be recorded before it has begun. Entering a recorded month again is a
    correction: it needs ``correction_reason`` (never a silent overwrite), keeps the earlier
    figure in the audit trail (``benefit_actual.corrected``, with the reason) and refuses a
    stale ``expected_version``. The same figure and evidence again changes nothing."""
    locked = lock_for_update(Benefit, benefit.pk)
    require(
        actor,
        "benefits.record_actual",
        locked,
        message="Only the benefit's owner (or the PMO) can record its actuals.",
    )
    chosen = _as_month(month)
    if chosen > Month.of(today or timezone.localdate()):
        raise ValidationError({"month": f"{chosen} has not started yet: record it once it has."})
    _check_attachment(attachment)
    actual = (
        BenefitActual.objects.select_for_update().filter(benefit=locked, month=_day(chosen)).first()
    )
    if actual is not None:
        _check_correction(locked, chosen, actual, expected_version)
        if attachment is None and (actual.value, actual.evidence) == (value, evidence):
            return actual  # the same figure again: nothing to correct
        reason = (correction_reason or "").strip()
        if not reason:
            raise ValidationError(
                {
                    "correction_reason": f"{chosen} of {locked.reference} is already recorded "
                    f"({actual.value}). To correct it, say why the figure changes: the earlier "
                    "figure stays in the history."
                }
            )
    before = _actual_snapshot(actual) if actual is not None else None
    if actual is None:
        actual = BenefitActual(benefit=locked, month=_day(chosen))
    actual.value = value
    actual.evidence = evidence
    actual.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    actual.is_illustrative = is_illustrative
    actual.recorded_at = timezone.now()
    if attachment is not None:
        actual.attachment = attachment
    actual.full_clean(exclude=["attachment"])
    if before is not None:
        actual.version += 1
    actual.save()
    actual.refresh_from_db()
    after = _actual_snapshot(actual)
    if before is not None:
        after["correction_reason"] = reason
    audit_record(
        actor=actor,
        action="benefit_actual.corrected" if before else "benefit_actual.recorded",
        obj=actual,
        before=before,
        after=after,
    )
    return actual


def _check_correction(
    benefit: Benefit, month: Month, actual: BenefitActual, expected_version: int | None
) -> None:
    if expected_version is not None and actual.version != expected_version:
        raise ConflictError(
            f"The {month} actual of {benefit.reference} was changed by someone else while you "
            "were editing it. Reload the page to see it, then make your change again."
        )


@transaction.atomic
def actuals_record_many(
    *,
    actor: Any,
    benefit: Benefit,
    values: Mapping[Month, tuple[Decimal, str]],
    is_illustrative: bool = False,
    today: dt.date | None = None,
) -> list[BenefitActual]:
    """Record several months' actuals of one benefit at once (a year's returns, demo data):
    the same rules as ``actual_record`` for months not yet recorded, one audit record each.
    A month already recorded is refused (correct it with ``actual_record``)."""
    locked = lock_for_update(Benefit, benefit.pk)
    require(
        actor,
        "benefits.record_actual",
        locked,
        message="Only the benefit's owner (or the PMO) can record its actuals.",
    )
    current = Month.of(today or timezone.localdate())
    taken = {Month.of(d) for d in locked.actuals.values_list("month", flat=True)}
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    rows, errors = [], []
    for month, (value, evidence) in sorted(values.items()):
        if month > current:
            errors.append(f"{month} has not started yet: record it once it has.")
        elif month in taken:
            errors.append(f"{month} is already recorded; correct it on its own.")
        row = BenefitActual(
            benefit=locked,
            month=_day(month),
            value=value,
            evidence=evidence,
            recorded_by=recorder,
            recorded_at=timezone.now(),
            is_illustrative=is_illustrative,
        )
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors.extend(f"{month}: {message}" for message in error.messages)
        rows.append(row)
    if errors:
        raise ValidationError({"month": errors})
    created = BenefitActual.objects.bulk_create(rows)
    for actual in BenefitActual.objects.filter(
        benefit=locked, month__in=[row.month for row in created]
    ).order_by("month"):
        audit_record(
            actor=actor,
            action="benefit_actual.recorded",
            obj=actual,
            before=None,
            after=_actual_snapshot(actual),
        )
    return created


@transaction.atomic
def shortfall_explain(
    *,
    actor: Any,
    benefit: Benefit,
    month: Month | dt.date | str,
    explanation: str,
    recovery_action: str = "",
    is_illustrative: bool = False,
) -> ShortfallExplanation:
    """The owner's explanation of a shortfall (Amber or Red) in ``month``; a second explanation
    for the same month replaces the first, which stays in the audit trail."""
    locked = lock_for_update(Benefit, benefit.pk)
    require(
        actor,
        "benefits.explain_shortfall",
        locked,
        message="Only the benefit's owner (or the PMO) can explain its shortfall.",
    )
    chosen = _as_month(month)
    record = ShortfallExplanation.objects.filter(benefit=locked, month=_day(chosen)).first()
    before = snapshot(record) if record is not None else None
    if record is None:
        record = ShortfallExplanation(benefit=locked, month=_day(chosen))
    record.explanation = explanation.strip()
    record.recovery_action = recovery_action.strip()
    record.given_by = actor if getattr(actor, "is_authenticated", False) else None
    record.is_illustrative = is_illustrative
    if before is not None:
        record.version += 1
    record.full_clean()
    record.save()
    after = snapshot(record)
    audit_change(
        actor=actor,
        action="shortfall_explanation.updated" if before else "shortfall_explanation.given",
        obj=record,
        before=before,
        after=after,
    )
    return record


# -- programme settings -----------------------------------------------------------------------


@transaction.atomic
def tracker_settings_update(
    *, actor: Any, programme: Programme, expected_version: int | None = None, **data: Any
) -> TrackerSettings:
    """Change a programme's RAG thresholds, grace for late actuals or carbon target."""
    require(actor, "benefits.change_trackersettings", programme)
    existing = TrackerSettings.objects.filter(programme=programme).first()
    if existing is None:
        settings = TrackerSettings(programme=programme)
        apply_fields(settings, data)
        save_validated(settings)
        settings.refresh_from_db()
        audit_record(
            actor=actor,
            action="tracker_settings.created",
            obj=settings,
            before=None,
            after=snapshot(settings),
        )
        return settings
    settings = lock_for_update(TrackerSettings, existing.pk, expected_version=expected_version)
    before = snapshot(settings)
    apply_fields(settings, data)
    save_validated(settings)
    settings.refresh_from_db()
    after = snapshot(settings)
    audit_change(
        actor=actor, action="tracker_settings.updated", obj=settings, before=before, after=after
    )
    return settings


@transaction.atomic
def savings_line_set(
    *,
    actor: Any,
    programme: Programme,
    financial_year: str,
    planned_savings: Decimal,
    is_illustrative: bool = False,
) -> SavingsLine:
    """Set the cashable savings put into the MTFS for one financial year."""
    require(actor, "benefits.change_savingsline", programme)
    line = SavingsLine(
        programme=programme, financial_year=financial_year, planned_savings=planned_savings
    )
    line.clean_fields()  # the year written 2023/24 (or refused, the field named) before the lookup
    existing = (
        SavingsLine.objects.select_for_update()
        .filter(programme=programme, financial_year=line.financial_year)
        .first()
    )
    before = snapshot(existing) if existing is not None else None
    if existing is not None:
        line = existing
    line.planned_savings = planned_savings
    line.is_illustrative = is_illustrative
    save_validated(line)
    line.refresh_from_db()
    after = snapshot(line)
    audit_change(
        actor=actor,
        action="savings_line.updated" if before else "savings_line.created",
        obj=line,
        before=before,
        after=after,
    )
    return line
