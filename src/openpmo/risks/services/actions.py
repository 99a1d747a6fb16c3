"""The actions against a RAID item."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openpmo.audit.services import audit_change, audit_record, snapshot
from openpmo.common.services import (
    apply_fields,
    lock_for_update,
    require,
    save_validated,
)
from openpmo.risks.models import (
    RaidAction,
    RaidItem,
)


@transaction.atomic
def raid_action_create(*, actor: Any, item: RaidItem, **data: Any) -> RaidAction:
    require(
        actor,
        "risks.add_raidaction",
        item,
        message="Only the PMO, the pillar's sponsor or the item's owner can add actions.",
    )
    action = RaidAction(item=item)
    apply_fields(
        action,
        {
            k: v
            for k, v in data.items()
            if k in {"description", "owner", "due_on", "status", "progress_note", "is_illustrative"}
        },
    )
    save_validated(action)
    audit_record(
        actor=actor, action="raid_action.created", obj=action, before=None, after=snapshot(action)
    )
    return action


@transaction.atomic
def raid_action_update(
    *, actor: Any, action: RaidAction, expected_version: int | None = None, **data: Any
) -> RaidAction:
    """Update an action: its owner and the item's owner may, as well as those who manage it."""
    action = lock_for_update(RaidAction, action.pk, expected_version=expected_version)
    require(
        actor,
        "risks.change_raidaction",
        action,
        message="Only the action's owner, the item's owner, the pillar's sponsor or the PMO can update it.",
    )
    before = snapshot(action)
    apply_fields(
        action,
        {
            k: v
            for k, v in data.items()
            if k in {"description", "owner", "due_on", "status", "progress_note"}
        },
    )
    save_validated(action)
    after = snapshot(action)
    audit_change(actor=actor, action="raid_action.updated", obj=action, before=before, after=after)
    return action
