"""Importing a programme register: preview (kept, nothing changed) then commit, all or nothing.

The commit re-reads the stored file, refuses if anything is wrong, and makes every change
through the portfolio's services (``pillar_create``, ``strand_create``, ``work_package_create``,
``work_package_update``…) inside one transaction, so each is permission-checked, validated and
audited as if made on its page, and one failure leaves the register as it was. A work package
already there is matched by its reference and only changed where the file differs: importing the
same file twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openpmo.audit.services import audit_record, snapshot
from openpmo.common import spreadsheets
from openpmo.common.services import ConflictError, lock_for_update, require
from openpmo.core.errors import InputError
from openpmo.delivery.services import schedule_import_mspdi
from openpmo.exchange import project_online
from openpmo.exchange.choices import BatchStatus
from openpmo.exchange.importer import Plan, RowPlan, plan_register
from openpmo.exchange.models import ImportBatch
from openpmo.portfolio import services as portfolio
from openpmo.portfolio.models import Pillar, Programme, Strand, StrategicPriority, WorkPackage
from openpmo.resources import services as resources
from openpmo.resources.choices import DemandSource
from openpmo.resources.models import Demand, ResourceRole
from openpmo.resources.msproject import work_from_mspdi


def plan_of(batch: ImportBatch) -> Plan:
    return plan_register(spreadsheets.rows_of_upload(batch.filename, bytes(batch.content)))


@transaction.atomic
def register_import_preview(*, actor: Any, filename: str, data: bytes) -> tuple[ImportBatch, Plan]:
    """Keep the upload and say what importing it would do. Changes nothing in the register.

    ``SpreadsheetError`` if the file cannot be read at all (wrong type, too large, a bomb)."""
    require(actor, "exchange.add_importbatch", message="Only the PMO can import a register.")
    rows = spreadsheets.rows_of_upload(filename, data)
    plan = plan_register(rows)
    batch = ImportBatch.objects.create(
        filename=filename[:255],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        summary={**plan.summary(), "errors": len(plan.errors)},
    )
    return batch, plan


def _pillar(actor: Any, row: RowPlan) -> Pillar:
    pillar = Pillar.objects.filter(programme=row.programme, name=row.pillar).first()
    if pillar is None:
        pillar = portfolio.pillar_create(
            actor=actor,
            programme=row.programme,
            name=row.pillar,
            objective=row.pillar_objective,
            sponsor=row.pillar_sponsor,
        )
    return pillar


def _strand(actor: Any, row: RowPlan) -> Strand:
    pillar = _pillar(actor, row)
    strand = Strand.objects.filter(pillar=pillar, name=row.strand).first()
    return strand or portfolio.strand_create(actor=actor, pillar=pillar, name=row.strand)


def _priorities(actor: Any, row: RowPlan) -> list[StrategicPriority]:
    found = []
    for title in row.priorities:
        priority = StrategicPriority.objects.filter(programme=row.programme, title=title).first()
        found.append(
            priority
            or portfolio.strategic_priority_create(
                actor=actor, programme=row.programme, title=title
            )
        )
    return found


def _apply(actor: Any, row: RowPlan) -> None:
    if row.action == "unchanged":
        return
    strand = _strand(actor, row)
    values = {**row.values, "strategic_priorities": _priorities(actor, row)}
    if row.action == "create":
        portfolio.work_package_create(
            actor=actor,
            strand=strand,
            reference=row.reference,
            from_existing_register=True,
            **values,
        )
        return
    existing = WorkPackage.objects.get(reference=row.reference)
    changed = {name: values[name] for name in row.changes if name != "strand"}
    if "strand" in row.changes:
        changed["strand"] = strand
    portfolio.work_package_update(actor=actor, work_package=existing, **changed)


def _carry_out(actor: Any, plan: Plan) -> None:
    for row in plan.rows:
        _apply(actor, row)


@transaction.atomic
def register_import_commit(*, actor: Any, batch: ImportBatch) -> dict[str, int]:
    """Import a previewed register: every row or none (``ValidationError`` lists the problems)."""
    require(actor, "exchange.add_importbatch", message="Only the PMO can import a register.")
    locked = lock_for_update(ImportBatch, batch.pk)
    if locked.status == BatchStatus.COMMITTED:
        raise ConflictError("This file has already been imported. Upload it again to re-import.")
    plan = plan_of(locked)
    if plan.errors:
        raise ValidationError([f"Row {e.row}, {e.column}: {e.message}" for e in plan.errors[:50]])
    _carry_out(actor, plan)
    before = snapshot(locked, exclude=("content",))
    locked.status = BatchStatus.COMMITTED
    locked.committed_at = timezone.now()
    locked.summary = plan.summary()
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="register.imported",
        obj=locked,
        before=before,
        after=snapshot(locked, exclude=("content",)),
    )
    return plan.summary()


# --- Project Online / Project Server ----------------------------------------------------------


@dataclass
class ProjectOnlineReport:
    plan: Plan
    translation: project_online.Translation
    schedules: dict[str, str] = field(default_factory=dict)  # file -> reference
    unmatched_files: list[str] = field(default_factory=list)
    committed: bool = False
    # Role names of the mapping's resources -> the programme's roles (missing: a problem).
    roles: dict[str, ResourceRole] = field(default_factory=dict)
    role_problems: list[str] = field(default_factory=list)
    # Typed (or otherwise entered) demand the import left alone where it had a figure too.
    kept: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [
            *(f"Row {e.row}, {e.column}: {e.message}" for e in self.plan.errors),
            *self.translation.problems,
            *self.role_problems,
        ]

    def demand(self) -> list[tuple[str, str, dt.date, Decimal]]:
        """(reference, role, month, FTE) for every package the import brings demand for."""
        return [
            (reference, role, month, fte)
            for reference in sorted(self.translation.work)
            for (role, month), fte in self.translation.fte(reference).items()
        ]


def _schedule_files(
    schedules: dict[str, bytes], translation: project_online.Translation
) -> tuple[dict[str, str], list[str]]:
    """Each MSPDI file by its name (ProjectName or ProjectId, with .xml) to a reference."""
    matched: dict[str, str] = {}
    unmatched: list[str] = []
    for name in sorted(schedules):
        stem = name.rsplit("/", 1)[-1].removesuffix(".xml").removesuffix(".mspdi")
        reference = translation.references.get(stem)
        if reference is None:
            unmatched.append(name)
        else:
            matched[name] = reference
    return matched, unmatched


def project_online_import(
    *,
    actor: Any,
    mapping_text: str,
    projects: tuple[str, bytes],
    resources: tuple[str, bytes] | None = None,
    assignments: tuple[str, bytes] | None = None,
    tasks: tuple[str, bytes] | None = None,
    schedules: dict[str, bytes] | None = None,
    commit: bool = False,
) -> ProjectOnlineReport:
    """Translate a Project Online export into the register and, with ``commit``, import it:
    work packages (through the register import), then each project's schedule from its MSPDI
    file (through the delivery service), all in one transaction. ``MappingError`` or
    ``SpreadsheetError`` for an unusable file; ``ValidationError`` if any row or schedule is
    wrong, and then nothing is imported."""
    require(actor, "exchange.add_importbatch", message="Only the PMO can import a register.")

    def rows(upload: tuple[str, bytes] | None) -> list[list[Any]]:
        return spreadsheets.rows_of_upload(*upload) if upload else []

    mapping = project_online.read_mapping(mapping_text)
    schedules = schedules or {}
    stems = {n.rsplit("/", 1)[-1].removesuffix(".xml").removesuffix(".mspdi") for n in schedules}
    translation = project_online.translate(
        mapping,
        rows(projects),
        rows(resources),
        rows(assignments),
        rows(tasks),
        scheduled=stems,
    )
    plan = plan_register(translation.register())
    matched, unmatched = _schedule_files(schedules, translation)
    report = ProjectOnlineReport(plan, translation, matched, unmatched)
    _mspdi_work(report, mapping, schedules)
    _resolve_roles(report, mapping)
    if commit and not report.problems:
        _project_online_commit(actor, report, projects, schedules)
    return report


def _mspdi_work(
    report: ProjectOnlineReport, mapping: project_online.Mapping, schedules: dict[str, bytes]
) -> None:
    """Demand from the MSPDI assignments of the projects with none in the Assignments export."""
    translation = report.translation
    for name, reference in report.schedules.items():
        if reference in translation.assigned:
            continue
        try:
            minutes, _ = work_from_mspdi(schedules[name])
        except InputError as error:
            translation.problems.append(f"{name} ({reference}): {error}")
            continue
        hours = {
            resource: {month: value / 60 for month, value in months.items()}
            for resource, months in minutes.items()
        }
        translation.add_work(mapping.resources, reference, hours, where=f", {name}")


def _resolve_roles(report: ProjectOnlineReport, mapping: project_online.Mapping) -> None:
    """Every role the demand names must be a role of the programme (it is never created)."""
    needed = sorted({role for work in report.translation.work.values() for role, _ in work})
    if not needed:
        return
    programme = Programme.objects.filter(
        Q(name__iexact=mapping.programme) | Q(short_name__iexact=mapping.programme)
    ).first()
    if programme is None:
        return  # the register rows already say there is no such programme
    roles = {r.name.casefold(): r for r in ResourceRole.objects.filter(programme=programme)}
    for name in needed:
        role = roles.get(name.casefold())
        if role is None:
            report.role_problems.append(
                f"resources: “{name}” is not a resource role of {programme.short_name or programme}"
                " (add it under Resources, or map the resource to an existing role)"
            )
        else:
            report.roles[name] = role


@transaction.atomic
def _project_online_commit(
    actor: Any,
    report: ProjectOnlineReport,
    projects: tuple[str, bytes],
    schedules: dict[str, bytes],
) -> None:
    _carry_out(actor, report.plan)
    for name, reference in report.schedules.items():
        work_package = WorkPackage.objects.get(reference=reference)
        try:
            schedule_import_mspdi(
                actor=actor, work_package=work_package, data=schedules[name], file_name=name
            )
        except ValidationError as error:
            raise ValidationError(f"{name} ({reference}): {' '.join(error.messages)}") from error
    _demand_commit(actor, report)
    demand = [
        {
            "work_package": d.reference,
            "resource": d.resource,
            "email": d.email,
            "hours": str(d.hours),
            "start": d.start.isoformat() if d.start else None,
            "finish": d.finish.isoformat() if d.finish else None,
        }
        for d in report.translation.demand
    ]
    batch = ImportBatch.objects.create(
        filename=f"Project Online: {projects[0]}"[:255],
        content=projects[1],
        sha256=hashlib.sha256(projects[1]).hexdigest(),
        uploaded_by=actor,
        status=BatchStatus.COMMITTED,
        committed_at=timezone.now(),
        summary={
            **report.plan.summary(),
            "schedules": report.schedules,
            "resource_demand": demand,
            "demand_fte": [
                {"work_package": ref, "role": role, "month": month.isoformat(), "fte": str(fte)}
                for ref, role, month, fte in report.demand()
            ],
            "demand_kept": report.kept,
            "unmapped_resources": report.translation.unmapped_resources,
            "unmapped_columns": report.translation.unmapped_columns,
            "unmapped_values": report.translation.unmapped_values,
        },
    )
    audit_record(
        actor=actor,
        action="project_online.imported",
        obj=batch,
        before=None,
        after=snapshot(batch, exclude=("content",)),
    )
    report.committed = True


def _demand_commit(actor: Any, report: ProjectOnlineReport) -> None:
    """Each imported package's demand from Project Online replaced by this export's (typed or
    otherwise entered demand is left alone, also where this export has a figure for its month)."""
    translation = report.translation
    references = [row[project_online.FIELD_INDEX["reference"]] for row in translation.rows]
    for reference in references:
        work_package = WorkPackage.objects.select_related("strand__pillar").get(reference=reference)
        fte = translation.fte(reference)
        entered = {
            (d.role_id, d.month): d.get_source_display()
            for d in Demand.objects.filter(work_package=work_package).exclude(
                source=DemandSource.PROJECT_ONLINE
            )
        }
        rows = []
        for (role_name, month), value in fte.items():
            role = report.roles[role_name]
            if (role.pk, month) in entered:
                report.kept.append(
                    f"{reference} {role.name} {month:%b %Y}: kept the "
                    f"{entered[role.pk, month].lower()} demand (Project Online says {value} FTE)"
                )
                continue
            rows.append((role, month, value))
        had = Demand.objects.filter(
            work_package=work_package, source=DemandSource.PROJECT_ONLINE
        ).exists()
        if not rows and not had:
            continue
        resources.demand_set(
            actor=actor,
            work_package=work_package,
            rows=rows,
            source=DemandSource.PROJECT_ONLINE,
            replace_source=DemandSource.PROJECT_ONLINE,
        )
