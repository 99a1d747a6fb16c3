"""The delivery pages, as signed-in officers see them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.delivery import services
from openpmo.delivery.models import Interdependency, ScheduleTask
from openpmo.delivery.tests.factories import chain
from openpmo.delivery.tests.test_exchange import HOSTILE, small_project
from openpmo.portfolio.tests.factories import WorkPackageFactory


@pytest.fixture
def pmo_client(client, pmo):
    client.force_login(pmo)
    return client


@pytest.fixture
def linked(pmo, two_packages):
    provider, dependent = two_packages
    chain(provider, 20, 0, names=["Build", "Platform live"])
    chain(dependent, 5, 0, names=["Adopt", "Full Business Case approval"])
    services.interdependency_create(
        actor=pmo,
        from_work_package=provider,
        to_work_package=dependent,
        need_by=dt.date(2024, 4, 15),
    )
    return provider, dependent


def test_the_programme_page_has_an_accessible_gantt_chart_and_its_table(pmo_client, linked):
    provider, dependent = linked
    response = pmo_client.get("/delivery/")
    html = response.content.decode()
    assert response.status_code == 200
    # The chart: SVG with a title and a description, text labels, critical marked in words
    assert '<svg class="openpmo-gantt"' in html and 'role="img"' in html
    assert '<title id="programme-gantt-title">' in html and "<desc " in html
    assert f"{provider.reference} {provider.name} (critical)" in html
    # The table beside it, and the critical path in words
    assert "<caption" in html and "Slack (working days)" in html
    assert "3 May 2024" in html and "Critical path" in html
    # the milestones drawn as diamonds are in a table too, with the gate they mark
    milestones = html.split('id="milestones"')[1].split("</table>")[0]
    assert "Platform live" in milestones and "Full Business Case" in milestones
    assert 'href="/delivery/interdependencies/?programme=' in html
    assert 'action="/delivery/slippage/"' in html


def test_the_programme_page_does_a_fixed_number_of_queries(pmo_client, linked):
    pmo_client.get("/delivery/")
    with CaptureQueriesContext(connection) as few:
        assert pmo_client.get("/delivery/").status_code == 200
    programme = linked[0].strand.pillar.programme
    for index in range(6):
        wp = WorkPackageFactory(strand__pillar__programme=programme, reference=f"MORE-{index}")
        chain(wp, 3, 2, 0)
    pmo_client.get("/delivery/")  # the first view after the change stores the new schedule
    with CaptureQueriesContext(connection) as many:
        assert pmo_client.get("/delivery/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_slippage_form_shows_what_moves(pmo_client, linked):
    provider, dependent = linked
    response = pmo_client.get("/delivery/slippage/", {"work_package": provider.pk, "weeks": 3})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"If {provider.reference}" in html
    assert dependent.reference in html.split('id="moved"')[1].split("</table>")[0]
    assert "Full Business Case" in html.split('id="gates"')[1]


def test_a_bad_slippage_question_is_answered_with_the_error_summary(pmo_client, linked):
    response = pmo_client.get("/delivery/slippage/", {"work_package": linked[0].pk, "weeks": 0})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_the_work_package_schedule_page_lists_tasks_with_dates(pmo_client, linked):
    provider, _ = linked
    html = pmo_client.get(f"/delivery/work-packages/{provider.pk}/").content.decode()
    assert "Platform live" in html and "3 May 2024" in html
    assert '<svg class="openpmo-gantt"' in html


def test_import_through_the_page_replaces_the_schedule(pmo_client, programme_tree):
    upload = SimpleUploadedFile("plan.xml", small_project(), content_type="application/xml")
    response = pmo_client.post(
        f"/delivery/work-packages/{programme_tree.pk}/import/", {"file": upload}
    )
    assert response.status_code == 302
    assert ScheduleTask.objects.filter(schedule__work_package=programme_tree).count() == 7


def test_a_hostile_upload_comes_back_with_the_error_summary_and_saves_nothing(
    pmo_client, programme_tree
):
    chain(programme_tree, 2)
    upload = SimpleUploadedFile("evil.xml", HOSTILE["billion laughs"][0])
    response = pmo_client.post(
        f"/delivery/work-packages/{programme_tree.pk}/import/", {"file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "document type" in html
    assert ScheduleTask.objects.count() == 1
    assert not AuditRecord.objects.exists()


def test_export_downloads_microsoft_project_xml(client, role_user, linked):
    client.force_login(role_user(Role.VIEWER))
    response = client.get(f"/delivery/work-packages/{linked[0].pk}/export.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert b"<Project" in response.content and b"Platform live" in response.content
    programme = client.get("/delivery/export.xml")
    assert programme.status_code == 200 and b"Adopt" in programme.content


def test_a_viewer_reads_but_cannot_change_a_schedule(client, role_user, linked):
    provider, _ = linked
    client.force_login(role_user(Role.VIEWER))
    assert client.get(f"/delivery/work-packages/{provider.pk}/").status_code == 200
    assert client.get(f"/delivery/work-packages/{provider.pk}/tasks/new/").status_code == 403
    response = client.post(
        f"/delivery/work-packages/{provider.pk}/tasks/new/", {"name": "Sneaky", "kind": "task"}
    )
    assert response.status_code == 403
    task = ScheduleTask.objects.filter(schedule__work_package=provider).first()
    assert client.post(f"/delivery/tasks/{task.pk}/delete/").status_code == 403
    assert client.get("/delivery/interdependencies/new/").status_code == 403
    assert not ScheduleTask.objects.filter(name="Sneaky").exists()
    assert ScheduleTask.objects.filter(pk=task.pk).exists()


def test_the_owner_adds_a_milestone_through_the_form(client, programme_tree):
    client.force_login(programme_tree.owner)
    response = client.post(
        f"/delivery/work-packages/{programme_tree.pk}/tasks/new/",
        {
            "name": "Outline Business Case approval",
            "kind": "milestone",
            "constraint": "asap",
            "duration_days": "0",
            "gate_stage": "obc",
        },
    )
    assert response.status_code == 302
    task = ScheduleTask.objects.get(name="Outline Business Case approval")
    assert (task.kind, task.gate_stage) == ("milestone", "obc")
    assert AuditRecord.objects.for_object(task).get().actor == programme_tree.owner


def test_a_task_form_error_is_shown_and_nothing_saved(pmo_client, programme_tree):
    response = pmo_client.post(
        f"/delivery/work-packages/{programme_tree.pk}/tasks/new/",
        {"name": "", "kind": "task", "constraint": "mso", "duration_days": "2"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#id_name"' in html
    assert not ScheduleTask.objects.exists()


def test_a_link_loop_through_the_form_names_the_loop(pmo_client, programme_tree):
    _s, (a, b) = chain(programme_tree, 2, 3, names=["First step", "Second step"])
    response = pmo_client.post(
        f"/delivery/work-packages/{programme_tree.pk}/links/new/",
        {"predecessor": b.pk, "successor": a.pk, "type": "FS", "lag_days": "0"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "cycle" in html and "First step" in html


def test_the_register_shows_late_interdependencies(pmo_client, linked):
    html = pmo_client.get("/delivery/interdependencies/").content.decode()
    assert "Late by 14 working days" in html
    dependency = Interdependency.objects.get()
    detail = pmo_client.get(f"/delivery/interdependencies/{dependency.pk}/").content.decode()
    assert "Interdependency created" in detail


def test_a_sponsor_records_an_interdependency_through_the_form(client, two_packages):
    dependent, provider = two_packages
    sponsor = dependent.strand.pillar.sponsor
    client.force_login(sponsor)
    response = client.post(
        "/delivery/interdependencies/new/",
        {
            "type": "shared_platform",
            "from_work_package": provider.pk,
            "to_work_package": dependent.pk,
            "status": "open",
            "lag_days": "0",
            "need_by": "2024-06-03",
        },
    )
    assert response.status_code == 302, response.content.decode()
    made = Interdependency.objects.get()
    assert AuditRecord.objects.for_object(made).get().actor == sponsor


def test_the_pmo_edits_the_calendar_and_adds_a_closure(pmo_client, programme_tree):
    page = pmo_client.get("/delivery/calendar/")
    assert page.status_code == 200 and "Boxing Day" in page.content.decode()
    response = pmo_client.post(
        "/delivery/calendar/",
        {
            "name": "Council week",
            "working_days": ["0", "1", "2", "3", "4"],
            "morning_start": "08:30",
            "morning_end": "12:30",
            "afternoon_start": "13:30",
            "afternoon_end": "17:00",
        },
    )
    assert response.status_code == 302
    added = pmo_client.post(
        "/delivery/calendar/days-off/",
        {"name": "Christmas closure", "first": "2024-12-27", "last": "2024-12-31"},
    )
    assert added.status_code == 302
    assert list(AuditRecord.objects.order_by("id").values_list("action", flat=True)) == [
        "calendar.created",
        "calendar.updated",
        "calendar.exception_added",
    ]


def test_only_the_pmo_edits_the_calendar(client, programme_tree):
    client.force_login(programme_tree.strand.pillar.sponsor)
    response = client.post("/delivery/calendar/", {"name": "Mine", "working_days": ["0"]})
    assert response.status_code == 403
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize("page", ["register", "work package", "slippage", "api"])
def test_other_pages_do_a_fixed_number_of_queries(pmo_client, pmo, linked, page):
    provider, _dependent = linked
    url = {
        "register": "/delivery/interdependencies/",
        "work package": f"/delivery/work-packages/{provider.pk}/",
        "slippage": f"/delivery/slippage/?work_package={provider.pk}&weeks=2",
        "api": f"/api/work-packages/{provider.pk}/schedule/",
    }[page]
    pmo_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert pmo_client.get(url).status_code == 200
    programme = provider.strand.pillar.programme
    schedule = provider.schedule
    for index in range(5):
        wp = WorkPackageFactory(strand__pillar__programme=programme, reference=f"MORE-{index}")
        chain(wp, 3, 0)
        services.interdependency_create(actor=pmo, from_work_package=provider, to_work_package=wp)
        extra = ScheduleTask.objects.create(
            schedule=schedule, uid=100 + index, position=100 + index, name=f"Extra {index}"
        )
        assert extra.pk
    pmo_client.get(url)  # the first view after the change stores the new schedule
    with CaptureQueriesContext(connection) as many:
        assert pmo_client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_very_large_schedule_charts_its_first_rows_and_tables_them_a_page_at_a_time(
    pmo_client, programme_tree
):
    from openpmo.delivery.tests.factories import DAY, ScheduleFactory

    schedule = ScheduleFactory(work_package=programme_tree)
    ScheduleTask.objects.bulk_create(
        ScheduleTask(schedule=schedule, uid=k, position=k, name=f"Step {k}", duration_minutes=DAY)
        for k in range(1, 311)
    )
    html = pmo_client.get(f"/delivery/work-packages/{programme_tree.pk}/").content.decode()
    assert "300 of 310 tasks" in html
    table = html.split('id="tasks"')[1]
    assert "1 to 200 of 310" in table and "Step 200<" in table and "Step 201<" not in table
    html = pmo_client.get(f"/delivery/work-packages/{programme_tree.pk}/?page=2").content.decode()
    assert "Step 310<" in html.split('id="tasks"')[1]


def test_a_sponsor_cannot_record_one_between_pillars_they_do_not_sponsor(client, two_packages):
    first, second = two_packages
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    third = WorkPackageFactory(strand__pillar__programme=first.strand.pillar.programme)
    client.force_login(first.strand.pillar.sponsor)
    response = client.post(
        "/delivery/interdependencies/new/",
        {
            "type": "finish_to_start",
            "from_work_package": second.pk,
            "to_work_package": third.pk,
            "status": "open",
            "lag_days": "0",
        },
    )
    assert response.status_code == 403
    assert "sponsor of either work package" in response.content.decode()
    assert not Interdependency.objects.exists()
