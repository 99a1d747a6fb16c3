"""``openpmo schedule FILE.xml``: schedule a Microsoft Project XML file and print every task."""

from __future__ import annotations

import argparse
import json
from json.encoder import encode_basestring as _string  # the C encoder of a str, as json.dumps
from pathlib import Path

from openpmo import limits
from openpmo.core.schedule import ScheduleResult, read_mspdi, schedule_project
from openpmo.core.schedule import write_mspdi as _write_mspdi

COLUMNS = (
    "uid",
    "name",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_slack_days",
    "free_slack_days",
    "critical",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schedule",
        help="schedule a Microsoft Project XML file: early/late dates, slack, critical path",
        description="Reads a Microsoft Project XML (MSPDI) file, computes every task's early and "
        "late dates, total and free slack and whether it is critical, as Microsoft Project "
        "does, and prints them (times are local, ISO 8601).",
    )
    parser.add_argument("file", help="a Microsoft Project XML file (File > Save As > XML)")
    parser.add_argument("--json", action="store_true", help="print JSON for machines")
    parser.add_argument(
        "--export", metavar="OUT.xml", help="also write the scheduled project as MSPDI to OUT.xml"
    )
    parser.set_defaults(handler=handle)


def as_json(name: str, result: ScheduleResult) -> dict[str, object]:
    """The project's name and the result's own shape (``ScheduleResult.to_dict``, which the API
    gives too)."""
    return {"project": name, **result.to_dict()}


def _scalar(value: object) -> str:
    """One JSON value as ``json.dumps`` writes it (``ensure_ascii=False``)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return json.dumps(value)  # NaN and infinities as json writes them
    return json.dumps(value, ensure_ascii=False)


def dumps_json(document: dict[str, object]) -> str:
    """``json.dumps(document, ensure_ascii=False, indent=2)``, character for character, for the
    document :func:`as_json` makes. With ``indent`` the standard library falls back to its pure
    Python encoder, which took longer than scheduling the 2,441-task file; here each record is
    one template filled with the C string encoder's output."""
    parts = []
    for key, value in document.items():
        if not isinstance(value, list):
            parts.append(f"  {_string(key)}: {_scalar(value)}")
        elif not value:
            parts.append(f"  {_string(key)}: []")
        else:
            rows = []
            for record in value:
                fields = ",\n".join(
                    f"      {_string(name)}: {_scalar(field)}" for name, field in record.items()
                )
                rows.append(f"    {{\n{fields}\n    }}")
            parts.append(f"  {_string(key)}: [\n" + ",\n".join(rows) + "\n  ]")
    return "{\n" + ",\n".join(parts) + "\n}"


def render_table(records: list[dict[str, object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    rows = [[cell(record[column]) for column in COLUMNS] for record in records]
    header = [column.replace("_", " ") for column in COLUMNS]
    widths = [
        min(max(len(row[k]) for row in [header, *rows]), 40 if k == 1 else 10_000)
        for k in range(len(COLUMNS))
    ]
    numeric = {0, 6, 7}
    lines = []
    for row in [header, *rows]:
        cells = []
        for k, text in enumerate(row):
            text = text if len(text) <= widths[k] else text[: widths[k] - 1] + "…"
            cells.append(text.rjust(widths[k]) if k in numeric else text.ljust(widths[k]))
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    path = Path(args.file)
    project = read_mspdi(limits.read_file(path, limits.SCHEDULE))
    limits.check_task_count(path.name, len(project.network.tasks))
    result = schedule_project(project)
    if args.export:
        Path(args.export).write_bytes(_write_mspdi(project, result=result))
    document = as_json(project.name, result)
    if args.json:
        print(dumps_json(document))
        return 0
    table = result.columns
    critical = int((table.critical & ~table.summary).sum())
    print(
        f"{project.name}: {len(table)} tasks, "
        f"{result.project_start.isoformat(timespec='minutes')} to "
        f"{result.project_finish.isoformat(timespec='minutes')}, {critical} critical"
    )
    tasks = document["tasks"]
    print(render_table(tasks if isinstance(tasks, list) else []))
    return 0
