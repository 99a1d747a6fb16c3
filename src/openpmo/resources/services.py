"""Every write to resources. Views, the API and the Excel import all call these.

Each function checks permission, locks what it changes, validates, saves and writes the audit
record in one transaction; a refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from openpmo.audit.services import audit_record, snapshot
from openpmo.common.audited import audited_create, audited_update
from openpmo.common.services import require, save_validated
from openpmo.portfolio.models import Programme, WorkPackage
from openpmo.resources.choices import DemandSource
from openpmo.resources.models import (
    Absence,
    Contract,
    Demand,
    PackageSourcing,
    Person,
    ResourceRole,
    Supplier,
)


@transaction.atomic
def resource_role_create(*, actor: Any, programme: Programme, **data: Any) -> ResourceRole:
    return audited_create(
        actor=actor,
        instance=ResourceRole(programme=programme),
        data=data,
        perm="resources.manage_pool",
        perm_object=programme,
        action="resource_role.created",
    )


@transaction.atomic
def person_create(*, actor: Any, programme: Programme, **data: Any) -> Person:
    return audited_create(
        actor=actor,
        instance=Person(programme=programme),
        data=data,
        perm="resources.manage_pool",
        perm_object=programme,
        action="person.created",
    )


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, expected_version: int | None = None, **data: Any
) -> Person:
    return audited_update(
        actor=actor,
        model=Person,
        pk=person.pk,
        data=data,
        perm="resources.manage_pool",
        action="person.updated",
        expected_version=expected_version,
    )


@transaction.atomic
def absence_create(*, actor: Any, person: Person, **data: Any) -> Absence:
    return audited_create(
        actor=actor,
        instance=Absence(person=person),
        data=data,
        perm="resources.manage_pool",
        perm_object=person,
        action="absence.created",
    )


@transaction.atomic
def supplier_create(*, actor: Any, programme: Programme, **data: Any) -> Supplier:
    return audited_create(
        actor=actor,
        instance=Supplier(programme=programme),
        data=data,
        perm="resources.manage_suppliers",
        perm_object=programme,
        action="supplier.created",
    )


@transaction.atomic
def contract_create(*, actor: Any, supplier: Supplier, **data: Any) -> Contract:
    work_packages = data.get("work_packages") or []
    if any(wp.strand.pillar.programme_id != supplier.programme_id for wp in work_packages):
        raise ValidationError({"work_packages": "A work package belongs to another programme."})
    return audited_create(
        actor=actor,
        instance=Contract(supplier=supplier),
        data=data,
        perm="resources.manage_suppliers",
        perm_object=supplier,
        action="contract.created",
    )


def _month(value: dt.date) -> dt.date:
    return value.replace(day=1)


@transaction.atomic
def demand_set(
    *,
    actor: Any,
    work_package: WorkPackage,
    rows: Iterable[tuple[ResourceRole, dt.date, Decimal]],
    source: str = DemandSource.TYPED,
    replace: bool = False,
    replace_source: str | None = None,
) -> list[Demand]:
    """Set the package's FTE by role and month (a zero removes the month); one audit record.

    ``replace`` clears the package's other months first (an import of its whole profile);
    ``replace_source`` clears only the months that came from that source (a re-import that leaves
    typed demand alone).
    """
    WorkPackage.objects.select_for_update().get(pk=work_package.pk)
    require(actor, "resources.change_demand", work_package)
    programme_id = work_package.strand.pillar.programme_id
    before = _demand_snapshot(work_package)
    if replace:
        Demand.objects.filter(work_package=work_package).delete()
        saved = _demand_replace(work_package, programme_id, rows, source)
    else:
        if replace_source is not None:
            Demand.objects.filter(work_package=work_package, source=replace_source).delete()
        saved = _demand_rows(work_package, programme_id, rows, source)
    audit_record(
        actor=actor,
        action="demand.set",
        obj=work_package,
        before=before,
        after=_demand_snapshot(work_package),
    )
    return saved


def _check_row(number: int, role: ResourceRole, fte: Decimal, programme_id: int) -> None:
    if role.programme_id != programme_id:
        raise ValidationError(f"Row {number}: the role {role} belongs to another programme.")
    if fte < 0:
        raise ValidationError(f"Row {number}: FTE cannot be negative ({fte}).")


def _demand_rows(
    work_package: WorkPackage,
    programme_id: int,
    rows: Iterable[tuple[ResourceRole, dt.date, Decimal]],
    source: str,
) -> list[Demand]:
    saved = []
    for number, (role, month, fte) in enumerate(rows, start=1):
        _check_row(number, role, fte, programme_id)
        if fte == 0:
            Demand.objects.filter(
                work_package=work_package, role=role, month=_month(month)
            ).delete()
            continue
        demand, _ = Demand.objects.get_or_create(
            work_package=work_package,
            role=role,
            month=_month(month),
            defaults={"fte": fte, "source": source},
        )
        demand.fte, demand.source = fte, source
        demand.full_clean()
        demand.save()
        saved.append(demand)
    return saved


def _demand_replace(
    work_package: WorkPackage,
    programme_id: int,
    rows: Iterable[tuple[ResourceRole, dt.date, Decimal]],
    source: str,
) -> list[Demand]:
    """The package's whole profile (its old months already deleted), saved in one statement:
    each row checked as the row-by-row path checks it (a later row for the same role and month
    wins), without a query per row."""
    wanted: dict[tuple[int, dt.date], Demand] = {}
    for number, (role, month, fte) in enumerate(rows, start=1):
        _check_row(number, role, fte, programme_id)
        key = (role.pk, _month(month))
        if fte == 0:
            wanted.pop(key, None)
            continue
        demand = Demand(
            work_package=work_package, role=role, month=_month(month), fte=fte, source=source
        )
        try:
            demand.clean_fields()
        except ValidationError as error:
            raise ValidationError(f"Row {number}: {' '.join(error.messages)}") from error
        wanted[key] = demand
    return Demand.objects.bulk_create(wanted.values())


def _demand_snapshot(work_package: WorkPackage) -> dict[str, Any]:
    return {
        f"{row.role_id}:{row.month.isoformat()}": str(row.fte)
        for row in Demand.objects.filter(work_package=work_package)
    }


@transaction.atomic
def sourcing_set(
    *, actor: Any, work_package: WorkPackage, mode: str, partner_share: Decimal = Decimal(0)
) -> PackageSourcing:
    WorkPackage.objects.select_for_update().get(pk=work_package.pk)
    require(actor, "resources.change_demand", work_package)
    sourcing, created = PackageSourcing.objects.get_or_create(work_package=work_package)
    before = None if created else snapshot(sourcing)
    sourcing.mode, sourcing.partner_share = mode, partner_share
    save_validated(sourcing)
    audit_record(
        actor=actor, action="sourcing.set", obj=sourcing, before=before, after=snapshot(sourcing)
    )
    return sourcing
