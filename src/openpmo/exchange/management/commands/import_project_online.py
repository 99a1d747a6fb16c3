"""Import a Project Online / Project Server export (see docs/project-online.md).

    manage.py import_project_online --as pmo-officer --mapping mapping.yaml \\
        --projects Projects.csv --resources Resources.csv --assignments Assignments.csv \\
        --tasks Tasks.csv --schedules mspdi/ [--commit]

Without ``--commit`` it only reports what it would do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from openpmo.accounts.models import User
from openpmo.common.spreadsheets import SpreadsheetError
from openpmo.exchange import services
from openpmo.exchange.project_online import MappingError


def _file(path: str | None) -> tuple[str, bytes] | None:
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: no such file")
    return file.name, file.read_bytes()


class Command(BaseCommand):
    help = "Import work packages, schedules and resource demand from a Project Online export."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as", dest="actor", required=True, help="the PMO user name")
        parser.add_argument("--mapping", required=True, help="the mapping file (YAML)")
        parser.add_argument("--projects", required=True, help="Projects (.csv or .xlsx)")
        parser.add_argument("--resources", help="Resources (.csv or .xlsx)")
        parser.add_argument("--assignments", help="Assignments (.csv or .xlsx)")
        parser.add_argument("--tasks", help="Tasks (.csv or .xlsx)")
        parser.add_argument("--schedules", help="a folder of MSPDI files, one per project")
        parser.add_argument("--commit", action="store_true", help="import (else only report)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {options['actor']}")
        folder = Path(options["schedules"]) if options["schedules"] else None
        schedules = {p.name: p.read_bytes() for p in sorted(folder.glob("*.xml"))} if folder else {}
        try:
            report = services.project_online_import(
                actor=actor,
                mapping_text=Path(options["mapping"]).read_text(encoding="utf-8"),
                projects=_file(options["projects"]),  # type: ignore[arg-type]
                resources=_file(options["resources"]),
                assignments=_file(options["assignments"]),
                tasks=_file(options["tasks"]),
                schedules=schedules,
                commit=options["commit"],
            )
        except (MappingError, SpreadsheetError, PermissionDenied, OSError) as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("Nothing imported: " + " ".join(error.messages)) from error
        self._print(report)
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems: nothing imported")

    def _print(self, report: services.ProjectOnlineReport) -> None:
        out = self.stdout.write
        summary = report.plan.summary()
        verb = "Imported" if report.committed else "Would import"
        out(
            f"{verb}: {summary['created']} work packages created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged; {len(report.schedules)} schedules"
        )
        for problem in report.problems:
            out(f"  problem  {problem}")
        for column in report.translation.unmapped_columns:
            out(f"  not mapped  column {column} (add it to the mapping's fields to keep it)")
        for value in report.translation.unmapped_values:
            out(f"  not mapped  {value}")
        for name in report.unmatched_files:
            out(f"  not mapped  {name}: no project of that name or id")
        for reference, count in report.translation.tasks_without_schedule.items():
            out(f"  not mapped  {reference}: {count} tasks but no MSPDI file (schedule not loaded)")
        for name in report.translation.unmapped_resources:
            out(f"  not mapped  resource {name}")
        for d in report.translation.demand:
            out(
                f"  demand  {d.reference}  {d.resource}  {d.hours} h  "
                f"{d.start or ''} to {d.finish or ''}"
            )
        verb = "set" if report.committed else "would set"
        for reference, role, month, fte in report.demand():
            out(f"  demand {verb}  {reference}  {role}  {month:%Y-%m}  {fte} FTE")
        for line in report.kept:
            out(f"  demand kept  {line}")
