"""The CLI and the API print one shape (issue 17): each core result serialises itself, the CLI's
``--json`` prints that, and the API gives the same keys and values for the same input (adding
what the database knows, such as ids, never renaming or re-shaping the engine's fields).
Planning's is in ``openpmo/planning/tests/test_api.py`` (beside its fixtures)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from tests.shared_data import shared_file

from openpmo.cli import main
from openpmo.core.schedule import read_mspdi, schedule_project

SCHEDULES = shared_file("schedules")


def _as(user: Any) -> APIClient:
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def _cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(list(args)) in (0, 1)
    return json.loads(capsys.readouterr().out)


def _json_schema(schema: dict[str, Any], component: str) -> dict[str, Any]:
    """An OpenAPI 3.0 component as JSON Schema (``nullable`` as a null type), with the other
    components it refers to."""

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: convert(value) for key, value in node.items()}
        if "$ref" in node:
            node["$ref"] = node["$ref"].replace("#/components/schemas/", "#/$defs/")
        if node.pop("nullable", False):
            if "type" in node:
                node["type"] = [node["type"], "null"]
            else:
                node = {"anyOf": [node, {"type": "null"}]}
        return node

    defs = convert(schema["components"]["schemas"])
    return {"$ref": f"#/$defs/{component}", "$defs": defs}


# --- the schedule ---------------------------------------------------------------------------

SCHEDULE_FILE = SCHEDULES / "MPSPLIBtoMPP_6_mp_j30_a2_nr1.mspdi.xml"


@pytest.fixture
def imported(programme_tree) -> dict[str, Any]:
    """The API's answer to importing the shared file into a work package."""
    response = _as(programme_tree.owner).post(
        f"/api/work-packages/{programme_tree.pk}/schedule/import/",
        {"file": SimpleUploadedFile(SCHEDULE_FILE.name, SCHEDULE_FILE.read_bytes())},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_api_gives_each_task_as_the_cli_prints_it(imported, capsys):
    # Given the same Microsoft Project file, printed by `openpmo schedule --json` and imported
    # through the API,
    printed = _cli_json(capsys, "schedule", str(SCHEDULE_FILE), "--json")
    engine = schedule_project(read_mspdi(SCHEDULE_FILE)).tasks[0].to_dict()
    # then every task the CLI prints comes from the API with the same keys and values,
    assert list(printed["tasks"][0]) == list(engine)
    # (the import keeps the tasks, not the file's project summary, task 0)
    by_uid = {task["uid"]: task for task in imported["tasks"]}
    assert len(by_uid) == 64 and {task["uid"] for task in printed["tasks"]} - set(by_uid) == {0}
    for task in printed["tasks"][1:]:
        assert {key: by_uid[task["uid"]][key] for key in task} == task
    # numbers as numbers, times to the minute: not the strings of a decimal or a zone
    slack = [task["total_slack_days"] for task in imported["tasks"]]
    assert all(isinstance(days, int | float) for days in slack) and any(days > 0 for days in slack)
    assert imported["tasks"][1]["early_start"] == printed["tasks"][1]["early_start"]
    assert len(imported["tasks"][1]["early_start"]) == len("2024-04-08T09:00")


def test_the_schema_describes_the_schedule_the_api_gives(imported):
    # The OpenAPI document's component validates the real answer, and names every engine field.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    Draft202012Validator(_json_schema(schema, "WorkPackageSchedule")).validate(imported)
    task = schema["components"]["schemas"]["ComputedTask"]
    engine = schedule_project(read_mspdi(SCHEDULE_FILE)).tasks[0].to_dict()
    assert set(engine) <= set(task["properties"])
    assert task["properties"]["total_slack_days"]["type"] == "number"
    broken = {**imported, "tasks": [{**imported["tasks"][0], "total_slack_days": "0.00"}]}
    assert not Draft202012Validator(_json_schema(schema, "WorkPackageSchedule")).is_valid(broken)
    # Times have no zone, so they are not OpenAPI's date-time (which needs one: schemathesis
    # refused "2026-10-01T09:00" against it); the schema says the form they take, and a zoned
    # time or one with seconds does not pass it.
    for name in ("early_start", "early_finish", "late_start", "late_finish"):
        assert "date-time" not in str(task["properties"][name]), name
    assert "date-time" not in str(schema["components"]["schemas"]["WorkPackageSchedule"])
    validator = Draft202012Validator(_json_schema(schema, "WorkPackageSchedule"))
    for wrong in ("2024-04-08T09:00:00Z", "2024-04-08T09:00:00", "8 April 2024"):
        zoned = {**imported, "tasks": [{**imported["tasks"][0], "early_start": wrong}]}
        assert not validator.is_valid(zoned), wrong
        assert not validator.is_valid({**imported, "finish": wrong}), wrong


# --- the risk simulation --------------------------------------------------------------------

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_simulation_run_gives_what_the_cli_prints_for_its_inputs(
    settings, programme_tree, tmp_path, capsys
):
    from openpmo.risks.tests.factories import dated_with_a_risk

    settings.TASKS = IMMEDIATE
    package = dated_with_a_risk(programme_tree)
    # Given a run through the API, and `openpmo simulate --json` on the network it stored,
    api = _as(package.owner)
    created = api.post(
        "/api/simulation-runs/",
        {
            "programme": package.strand.pillar.programme.pk,
            "work_package": package.pk,
            "iterations": 2000,
            "seed": 42,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    run = api.get(f"/api/simulation-runs/{created.json()['id']}/").json()
    assert run["status"] == "finished"
    network = tmp_path / "network.yaml"
    network.write_text(json.dumps(run["inputs"]["network"]))  # JSON is YAML
    printed = _cli_json(
        capsys, "simulate", str(network), "--seed", "42", "--iterations", "2000", "--json"
    )
    # then the API's result holds every field the CLI prints, the same (and adds its own).
    assert {key: run["result"][key] for key in printed} == printed
    assert printed["finish_days"]["p90"] > printed["finish_days"]["p10"]
    assert set(run["result"]) - set(printed) == {"histogram", "mean_duration", "names"}
