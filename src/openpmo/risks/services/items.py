"""RAID items and their actions: raised, updated, escalated, an issue raised from a risk."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from openpmo.audit.services import audit_change, audit_record, snapshot
from openpmo.common.services import (
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage
from openpmo.risks import delivery_link, scoring
from openpmo.risks.choices import (
    LEVEL_ORDER,
    REFERENCE_PREFIX,
    ItemKind,
    ItemStatus,
    Level,
    Trend,
)
from openpmo.risks.models import (
    Escalation,
    RaidItem,
    TaskHit,
)

# Fields an update may change; kind, reference, programme and level move only by their own
# services (escalation moves the level).
ITEM_FIELDS = {
    "title",
    "description",
    "category",
    "owner",
    "status",
    "raised_on",
    "proximity_date",
    "target_date",
    "closed_on",
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
    "response",
    "mitigation",
    "decision",
    "chance",
    "cost_min",
    "cost_likely",
    "cost_max",
    "delay_min",
    "delay_likely",
    "delay_max",
    "is_illustrative",
}


Hit = tuple[WorkPackage, int | None]


def _place(
    item: RaidItem,
    level: str,
    *,
    work_package: WorkPackage | None,
    strand: Strand | None,
    pillar: Pillar | None,
) -> Any:
    """Set the item's level rows (a lower row fills in those above it); return the level's row."""
    if work_package is not None:
        strand = work_package.strand
    if strand is not None:
        pillar = strand.pillar
    item.level = level
    item.work_package = work_package
    item.strand = strand
    item.pillar = pillar
    return {
        Level.WORK_PACKAGE: work_package,
        Level.STRAND: strand,
        Level.PILLAR: pillar,
        Level.PROGRAMME: item.programme,
    }.get(level)


def _in_programme(item: RaidItem) -> None:
    pillar = item.pillar
    if pillar is not None and pillar.programme_id != item.programme_id:
        raise ValidationError({"pillar": "That part of the programme is in another programme."})


def _next_reference(programme: Programme, kind: str) -> str:
    prefix = REFERENCE_PREFIX[ItemKind(kind)]
    numbers = [
        int(ref.rsplit("-", 1)[1])
        for ref in RaidItem.objects.filter(programme=programme, kind=kind).values_list(
            "reference", flat=True
        )
        if ref.rsplit("-", 1)[-1].isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


def _set_hits(item: RaidItem, hits: Iterable[Hit] | None) -> list[str]:
    """Replace the item's task hits; return them in words for the audit record."""
    TaskHit.objects.filter(item=item).delete()
    names = dict()
    written = []
    for work_package, uid in hits or ():
        if work_package.strand.pillar.programme_id != item.programme_id:
            raise ValidationError({"hits": "A risk can only hit work packages of its programme."})
        if uid is not None:
            if work_package.pk not in names:
                names[work_package.pk] = dict(delivery_link.schedule_tasks_of(work_package))
            if uid not in names[work_package.pk]:
                raise ValidationError(
                    {"hits": f"{work_package.reference} has no task with UID {uid}."}
                )
        hit = TaskHit(
            item=item,
            work_package=work_package,
            task_uid=uid,
            task_name=names.get(work_package.pk, {}).get(uid, "") if uid is not None else "",
        )
        hit.full_clean(exclude=["item"])
        hit.save()
        written.append(str(hit))
    return sorted(written)


def _item_snapshot(item: RaidItem) -> dict[str, Any]:
    data = snapshot(item)
    data["hits"] = sorted(str(hit) for hit in item.hits.select_related("work_package"))
    return data


@transaction.atomic
def raid_item_create(
    *,
    actor: Any,
    programme: Programme,
    kind: str,
    level: str,
    work_package: WorkPackage | None = None,
    strand: Strand | None = None,
    pillar: Pillar | None = None,
    hits: Iterable[Hit] | None = None,
    raised_from: RaidItem | None = None,
    **data: Any,
) -> RaidItem:
    """Add a risk, assumption or issue at a level of the programme; its reference is the next
    free one of its kind (R-001, A-001, I-001)."""
    programme = lock_for_update(Programme, programme.pk)  # one reference at a time
    item = RaidItem(programme=programme, kind=kind)
    target = _place(item, level, work_package=work_package, strand=strand, pillar=pillar)
    require(
        actor,
        "risks.add_raiditem",
        target or programme,
        message="Only the PMO, or the sponsor of this pillar, can add items here.",
    )
    if kind not in ItemKind.values:
        raise ValidationError({"kind": "Choose risk, assumption or issue."})
    apply_fields(item, {k: v for k, v in data.items() if k in ITEM_FIELDS})
    if kind == ItemKind.ISSUE:
        item.inherent_probability = 5  # it has happened
    item.reference = _next_reference(programme, kind)
    item.trend = Trend.NEW
    item.raised_from = raised_from
    _in_programme(item)
    save_validated(item)
    hits = list(hits or ())
    if not hits and item.has_impacts and item.work_package is not None:
        hits = [(item.work_package, None)]
    _set_hits(item, hits)
    audit_record(
        actor=actor, action="raid_item.created", obj=item, before=None, after=_item_snapshot(item)
    )
    return item


@transaction.atomic
def raid_item_update(
    *,
    actor: Any,
    item: RaidItem,
    expected_version: int | None = None,
    hits: Iterable[Hit] | None = None,
    **data: Any,
) -> RaidItem:
    """Change an item's text, owner, scores, dates, status or quantification.

    The trend follows the residual score: lower is improving, higher worsening. Closing sets the
    closed date (today unless given); reopening clears it. ``hits``, when given, replace the
    tasks a quantified risk hits.
    """
    item = lock_for_update(RaidItem, item.pk, expected_version=expected_version)
    require(
        actor,
        "risks.change_raiditem",
        item,
        message="Only the PMO, or the sponsor of this item's pillar, can change it.",
    )
    unknown = set(data) - ITEM_FIELDS
    if unknown:
        raise ValidationError({name: "This cannot be changed here." for name in sorted(unknown)})
    before = _item_snapshot(item)
    before_score = item.residual_score
    apply_fields(item, data)
    if item.kind == ItemKind.ISSUE:
        item.inherent_probability = 5
    item.trend = scoring.trend_of(before_score, item.residual_score, item.trend)
    if item.status == ItemStatus.CLOSED and item.closed_on is None:
        item.closed_on = timezone.localdate()
    if item.status == ItemStatus.OPEN:
        item.closed_on = None
    save_validated(item)
    if hits is not None:
        _set_hits(item, hits)
    after = _item_snapshot(item)
    audit_change(actor=actor, action="raid_item.updated", obj=item, before=before, after=after)
    return item


@transaction.atomic
def raid_item_escalate(
    *, actor: Any, item: RaidItem, reason: str, expected_version: int | None = None
) -> Escalation:
    """Move an item one level up (work package -> strand -> pillar -> programme) with a reason.

    The escalation is kept (who, when, from, to, why) and audited; the item keeps the rows
    below its new level as where it came from.
    """
    item = lock_for_update(RaidItem, item.pk, expected_version=expected_version)
    require(
        actor,
        "risks.escalate_raiditem",
        item,
        message="Only the PMO, the pillar's sponsor or the item's owner can escalate it.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the item is escalated."})
    if item.status != ItemStatus.OPEN:
        raise ValidationError({"reason": "Only an open item can be escalated."})
    position = LEVEL_ORDER.index(Level(item.level))
    if position == len(LEVEL_ORDER) - 1:
        raise ValidationError({"reason": "The item is already at programme level."})
    before = _item_snapshot(item)
    from_level, from_name = item.level, str(item.level_object)
    item.level = LEVEL_ORDER[position + 1]
    save_validated(item)
    escalation = Escalation.objects.create(
        item=item,
        from_level=from_level,
        from_name=from_name[:300],
        to_level=item.level,
        to_name=str(item.level_object)[:300],
        reason=reason.strip(),
        escalated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    after = _item_snapshot(item)
    after["escalation_reason"] = escalation.reason
    audit_record(actor=actor, action="raid_item.escalated", obj=item, before=before, after=after)
    return escalation


@transaction.atomic
def issue_raise_from_risk(
    *,
    actor: Any,
    risk: RaidItem,
    expected_version: int | None = None,
    **data: Any,
) -> RaidItem:
    """The risk has happened: raise an issue that keeps the link, and mark the risk as occurred.

    The issue takes the risk's level, category and owner unless ``data`` says otherwise, and its
    impact from the risk's current impact.
    """
    risk = lock_for_update(RaidItem, risk.pk, expected_version=expected_version)
    require(
        actor,
        "risks.change_raiditem",
        risk,
        message="Only the PMO, or the sponsor of this item's pillar, can raise an issue from it.",
    )
    if risk.kind != ItemKind.RISK:
        raise ValidationError({"raised_from": "Only a risk can turn into an issue."})
    if risk.status != ItemStatus.OPEN:
        raise ValidationError({"raised_from": "This risk is not open."})
    before = _item_snapshot(risk)
    issue_data = {
        "title": risk.title,
        "description": f"Raised from {risk.reference} when it happened.",
        "category": risk.category,
        "owner": risk.owner,
        "inherent_impact": risk.residual_impact or risk.inherent_impact,
        "is_illustrative": risk.is_illustrative,
        **data,
    }
    issue = raid_item_create(
        actor=actor,
        programme=risk.programme,
        kind=ItemKind.ISSUE,
        level=risk.level,
        work_package=risk.work_package,
        strand=risk.strand if risk.work_package is None else None,
        pillar=risk.pillar if risk.strand is None else None,
        raised_from=risk,
        **issue_data,
    )
    risk.status = ItemStatus.OCCURRED
    risk.closed_on = timezone.localdate()
    save_validated(risk)
    after = _item_snapshot(risk)
    after["issue_raised"] = issue.reference
    audit_record(actor=actor, action="risk.occurred", obj=risk, before=before, after=after)
    return issue
