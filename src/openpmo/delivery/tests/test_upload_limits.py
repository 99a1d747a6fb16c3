"""One limit per kind of upload, the same on the page, the API and the command line, set from the
environment; a schedule longer than a page is shown a page at a time."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from openpmo.audit.models import AuditRecord
from openpmo.cli import main
from openpmo.delivery.models import ScheduleLink, ScheduleTask, WorkPackageSchedule
from openpmo.delivery.tests.factories import chain
from openpmo.delivery.tests.test_exchange import small_project

pytestmark = pytest.mark.django_db

LIMIT_KB = 20


def _oversize() -> bytes:
    """A good schedule file padded (after its root element) to 30 KB."""
    data = small_project()
    return data + b"\n" * (30 * 1024 - len(data))


def _saved():
    return (
        WorkPackageSchedule.objects.count(),
        ScheduleTask.objects.count(),
        ScheduleLink.objects.count(),
        AuditRecord.objects.count(),
    )


def _via_page(client, work_package, name: str, data: bytes):
    client.force_login(work_package.owner)
    response = client.post(
        f"/delivery/work-packages/{work_package.pk}/import/",
        {"file": SimpleUploadedFile(name, data, content_type="application/xml")},
    )
    return response.status_code, response.context["form"].errors.get("file", [""])[0]


def _via_api(work_package, name: str, data: bytes):
    api = APIClient()
    api.force_authenticate(work_package.owner)
    response = api.post(
        f"/api/work-packages/{work_package.pk}/schedule/import/",
        {"file": SimpleUploadedFile(name, data, content_type="application/xml")},
        format="multipart",
    )
    return response.status_code, response.json().get("file", [""])[0]


def _via_cli(tmp_path, capsys, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    code = main(["schedule", str(path)])
    return code, capsys.readouterr().err.strip().removeprefix("openpmo: error: ")


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setenv("OPENPMO_MAX_SCHEDULE_MB", str(LIMIT_KB / 1024))


def test_the_same_oversize_schedule_is_refused_by_page_api_and_cli_with_one_message(
    small_limit, client, programme_tree, tmp_path, capsys
):
    before = _saved()
    page = _via_page(client, programme_tree, "big-plan.xml", _oversize())
    api = _via_api(programme_tree, "big-plan.xml", _oversize())
    cli = _via_cli(tmp_path, capsys, "big-plan.xml", _oversize())
    message = "big-plan.xml is 30 KB: the largest schedule file accepted is 20 KB."
    assert page == api == (400, message)
    assert cli == (2, message)
    assert _saved() == before


def test_the_limit_follows_the_environment(monkeypatch, client, programme_tree, tmp_path, capsys):
    monkeypatch.setenv("OPENPMO_MAX_SCHEDULE_MB", "0.01")
    assert _via_api(programme_tree, "plan.xml", _oversize())[0] == 400
    assert not ScheduleTask.objects.exists()
    monkeypatch.setenv("OPENPMO_MAX_SCHEDULE_MB", "1")
    assert _via_api(programme_tree, "plan.xml", _oversize())[0] == 200
    assert ScheduleTask.objects.filter(schedule__work_package=programme_tree).count() == 7
    assert _via_cli(tmp_path, capsys, "plan.xml", _oversize())[0] == 0


def test_the_message_names_the_file_and_the_limit(monkeypatch, programme_tree):
    monkeypatch.setenv("OPENPMO_MAX_SCHEDULE_MB", "2.5")
    big = small_project() + b" " * (3 * 1024 * 1024)
    assert _via_api(programme_tree, "Estates plan.xml", big) == (
        400,
        "Estates plan.xml is 3 MB: the largest schedule file accepted is 2.5 MB.",
    )


def test_a_schedule_with_more_tasks_than_allowed_is_refused_everywhere(
    monkeypatch, client, programme_tree, tmp_path, capsys
):
    monkeypatch.setenv("OPENPMO_MAX_SCHEDULE_TASKS", "5")
    before = _saved()
    expected = "plan.xml holds 8 tasks: the largest schedule accepted holds 5."
    assert _via_page(client, programme_tree, "plan.xml", small_project()) == (400, expected)
    assert _via_api(programme_tree, "plan.xml", small_project()) == (400, expected)
    assert _via_cli(tmp_path, capsys, "plan.xml", small_project()) == (2, expected)
    assert _saved() == before


def test_a_setting_that_is_not_a_number_is_named(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("OPENPMO_MAX_SCHEDULE_MB", "lots")
    code, message = _via_cli(tmp_path, capsys, "plan.xml", small_project())
    assert code == 2 and message.startswith("OPENPMO_MAX_SCHEDULE_MB:")


def test_a_long_schedule_is_shown_a_page_at_a_time(monkeypatch, client, programme_tree):
    from openpmo.delivery.views import schedule

    monkeypatch.setattr(schedule, "ROWS_PER_PAGE", 4)
    chain(programme_tree, *([1] * 10), names=[f"Step {n:02d}" for n in range(1, 11)])
    client.force_login(programme_tree.owner)
    url = f"/delivery/work-packages/{programme_tree.pk}/"
    first = _table(client.get(url))
    assert "Step 01" in first and "Step 04" in first and "Step 05" not in first
    assert "1 to 4 of 10" in first and "Page 1 of 3" in first
    last = _table(client.get(url + "?page=3"))
    assert "Step 09" in last and "Step 10" in last and "Step 04" not in last


def _table(response) -> str:
    """The task table and its page links (the Gantt chart above it summarises the schedule)."""
    page = response.content.decode()
    start = page.index('id="tasks"')
    return page[start : page.index("</nav>", start)]
