"""``openpmo schedule FILE.xml [--json]`` as a user runs it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from tests.shared_data import shared_file

from openpmo.cli import main
from openpmo.core.schedule import read_mspdi

SCHEDULES = shared_file("schedules")
FILE = SCHEDULES / "MPSPLIBtoMPP_2_mp_j30_a10_nr2.mspdi.xml"
FIELDS = [
    "uid",
    "name",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_slack_days",
    "free_slack_days",
    "critical",
]


def test_json_lists_every_task_with_projects_dates(capsys: pytest.CaptureFixture[str]):
    # Given a file Microsoft Project scheduled, when it is run with --json,
    assert main(["schedule", str(FILE), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # then each task has the nine fields, with Project's values from the expected CSV.
    expected = {
        int(row["uid"]): row
        for row in csv.DictReader(
            FILE.with_name(FILE.name.replace(".mspdi.xml", ".expected.csv")).open()
        )
    }
    assert len(report["tasks"]) == len(expected) == 321
    for task in report["tasks"]:
        assert list(task) == FIELDS
        row = expected[task["uid"]]
        assert task["early_start"] == row["early_start"]
        assert task["late_finish"] == row["late_finish"]
        assert task["total_slack_days"] == float(row["total_slack_days"])
        assert task["free_slack_days"] == float(row["free_slack_days"])
        assert task["critical"] == (row["critical"] == "True")
    assert report["project_finish"] == "2026-05-05T19:00"


def test_table_shows_a_header_and_one_line_per_task(capsys: pytest.CaptureFixture[str]):
    assert main(["schedule", str(SCHEDULES / "mpxj_mspdirelations.xml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "6 tasks" in lines[0] and "2006-09-25T17:00" in lines[0]
    assert lines[1].split()[:3] == ["uid", "name", "early"]
    # task 5 is the SF successor: finish at 08:00 of the next working day, 1 day of slack
    task5 = next(line for line in lines if line.strip().startswith("5 "))
    assert "2006-09-25T08:00" in task5 and task5.split()[-1] == "no"
    assert len(lines) == 2 + 1 + 6


def test_export_writes_a_file_that_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "out.xml"
    assert (
        main(["schedule", str(SCHEDULES / "mpxj_sample.xml"), "--json", "--export", str(out)]) == 0
    )
    capsys.readouterr()
    assert read_mspdi(out).network == read_mspdi(SCHEDULES / "mpxj_sample.xml").network


def test_bad_files_give_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    hostile = tmp_path / "bomb.xml"
    hostile.write_text('<!DOCTYPE Project [<!ENTITY a "aaaa">]><Project>&a;</Project>')
    assert main(["schedule", str(hostile)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("openpmo: error: MSPDI: refused") and error.count("\n") == 1
    assert main(["schedule", str(tmp_path / "missing.xml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_json_output_is_exactly_what_json_dumps_writes(capsys: pytest.CaptureFixture[str]):
    # Given every shared MS Project file, the command's JSON (written by a faster formatter) is
    # character for character the standard library's json.dumps(indent=2, ensure_ascii=False).
    from openpmo.cli.schedule import as_json
    from openpmo.core.schedule import schedule_project

    checked = 0
    for path in sorted(SCHEDULES.glob("*.xml")):
        try:
            project = read_mspdi(path)
            result = schedule_project(project)
        except Exception:  # noqa: BLE001, S112 - files the engine refuses are tested elsewhere
            continue
        assert main(["schedule", str(path), "--json"]) == 0
        expected = json.dumps(as_json(project.name, result), ensure_ascii=False, indent=2)
        assert capsys.readouterr().out == expected + "\n", path.name
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize(
    "value",
    [
        'quote " back \\ slash',
        "line\nbreak\ttab\x01\x1f",
        "ünïcödé – ✓ 𝄞 \u2028",
        "",
        0,
        -3,
        2.5,
        1e-05,
        12345678.1234,
        float("nan"),
        float("inf"),
        True,
        False,
        None,
    ],
)
def test_json_formatter_writes_awkward_values_as_json_dumps(value: object):
    from openpmo.cli.schedule import dumps_json

    document = {"project": value, "tasks": [{"uid": 1, "name": value, "critical": value}]}
    assert dumps_json(document) == json.dumps(document, ensure_ascii=False, indent=2)
    empty = {"project": value, "tasks": []}
    assert dumps_json(empty) == json.dumps(empty, ensure_ascii=False, indent=2)


def test_the_result_and_each_task_serialise_to_one_shape():
    # The result's columns-fast to_dict holds exactly each task's own to_dict, and the CLI's
    # --json is that shape with the project's name in front.
    from openpmo.cli.schedule import as_json
    from openpmo.core.schedule import schedule_project

    project = read_mspdi(FILE)
    result = schedule_project(project)
    document = result.to_dict()
    assert document["tasks"] == [task.to_dict() for task in result.tasks]
    assert list(document) == ["project_start", "project_finish", "tasks"]
    assert as_json(project.name, result) == {"project": project.name, **document}
    late = max(result.tasks, key=lambda task: task.total_slack_minutes)
    assert late.to_dict()["total_slack_days"] == round(late.total_slack_days, 4) > 0
