"""Issue 11 item 11: an imported Microsoft Project plan keeps the file's own calendar (so its
dates are Project's, 1 January 2026 worked), and applying the council calendar is an explicit,
previewed, reversible, audited choice of the PMO or the package's manager."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from tests.shared_data import shared_file

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.delivery import own_calendars, selectors, services
from openpmo.delivery.models import ScheduleLink, ScheduleTask, WorkPackageSchedule
from openpmo.portfolio.tests.factories import WorkPackageFactory

SHARED = shared_file("schedules")
PLAN = "MPSPLIBtoMPP_6_mp_j30_a2_nr1"


def _project_dates() -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """UID -> (start, finish) as Microsoft Project computed them (tasks, not summaries)."""
    with (SHARED / f"{PLAN}.expected.csv").open(newline="", encoding="utf-8") as handle:
        return {
            int(row["uid"]): (
                dt.datetime.fromisoformat(row["start"]),
                dt.datetime.fromisoformat(row["finish"]),
            )
            for row in csv.DictReader(handle)
            if row["summary"] == "False"
        }


def _import(actor, work_package):
    return services.schedule_import_mspdi(
        actor=actor,
        work_package=work_package,
        data=(SHARED / f"{PLAN}.mspdi.xml").read_bytes(),
        file_name=f"{PLAN}.mspdi.xml",
    )


def _shown(work_package) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """UID -> (start, finish) as the work package's schedule page shows them."""
    view = selectors.work_package_schedule(work_package)
    assert not view.error
    return {
        row.task.uid: (row.computed.early_start, row.computed.early_finish)
        for row in view.rows
        if row.computed is not None
    }


def _state(work_package):
    schedule = WorkPackageSchedule.objects.get(work_package=work_package)
    return (
        schedule.uses_own_calendar,
        schedule.version,
        sorted(ScheduleTask.objects.values_list("uid", "duration_minutes")),
        sorted(ScheduleLink.objects.values_list("pk", "lag_minutes")),
        AuditRecord.objects.count(),
        _shown(work_package),
    )


@pytest.fixture
def imported(pmo, programme_tree):
    _import(pmo, programme_tree)
    return programme_tree


def test_an_imported_plan_shows_the_dates_microsoft_project_computed(imported):
    expected = _project_dates()
    assert expected[2][0] == dt.datetime(2026, 1, 1, 9)  # the file works on 1 January
    # every task's start and finish on the package page are Project's own
    assert _shown(imported) == expected
    # and the programme schedule (the Gantt chart, reports, API) gives the same finish
    programme = selectors.programme_schedule(imported.strand.pillar.programme)
    row = programme.row_for(imported.pk)
    assert row is not None
    assert row.start == dt.datetime(2026, 1, 1, 9)
    assert row.finish == max(finish for _start, finish in expected.values())
    assert row.finish == dt.datetime(2026, 3, 19, 19)
    # the file's calendar is kept, durations as the file gave them (8-hour days)
    schedule = WorkPackageSchedule.objects.get(work_package=imported)
    assert schedule.uses_own_calendar
    assert schedule.own_calendar["name"] == "Estándar"
    assert schedule.own_calendar["week"][0] == [["09:00", "13:00"], ["15:00", "19:00"]]
    assert ScheduleTask.objects.get(uid=2).duration_minutes == 6 * 480


def test_the_preview_lists_what_the_council_calendar_would_move_and_changes_nothing(imported):
    before = _state(imported)
    choice = own_calendars.choice_of(imported)
    assert choice.available and choice.uses_own and choice.target == own_calendars.PROGRAMME
    assert choice.current_name == "Estándar"
    moved = {move.task.uid: move for move in choice.moves}
    expected = _project_dates()
    # task 2 starts on the bank holiday in Project; on the council calendar it starts the day after
    assert moved[2].old_start == dt.datetime(2026, 1, 1, 9)
    assert moved[2].new_start == dt.datetime(2026, 1, 2, 9)
    for uid, move in moved.items():
        assert (move.old_start, move.old_finish) == expected[uid]
        assert move.new_finish > move.old_finish
    assert choice.new_finish is not None and choice.old_finish == dt.datetime(2026, 3, 19, 19)
    assert choice.new_finish > choice.old_finish
    assert _state(imported) == before


def test_applying_the_council_calendar_moves_what_the_preview_said_and_revert_restores(imported):
    preview = own_calendars.choice_of(imported)
    original = _state(imported)
    owner = imported.owner
    services.schedule_calendar_apply(actor=owner, work_package=imported, use="programme")
    shown = _shown(imported)
    for move in preview.moves:
        assert shown[move.task.uid] == (move.new_start, move.new_finish)
    assert shown[2][0] == dt.datetime(2026, 1, 2, 9)
    schedule = WorkPackageSchedule.objects.get(work_package=imported)
    assert not schedule.uses_own_calendar
    # working days kept: a 6-day task is 6 council days of 7.5 hours
    assert ScheduleTask.objects.get(uid=2).duration_minutes == 6 * 450
    record = AuditRecord.objects.get(action="schedule.programme_calendar_applied")
    assert record.after["previous_calendar"] == "Estándar"
    assert {m["uid"] for m in record.after["moved"]} == {m.task.uid for m in preview.moves}
    # going back to the file's calendar restores Project's dates and the file's durations
    back = own_calendars.choice_of(imported)
    assert back.target == own_calendars.FILE
    services.schedule_calendar_apply(actor=owner, work_package=imported, use="file")
    assert _shown(imported) == _project_dates()
    restored = _state(imported)
    assert restored[0] is True
    assert restored[2:4] == original[2:4]
    assert AuditRecord.objects.filter(action="schedule.own_calendar_restored").count() == 1


@pytest.mark.parametrize("who", ["viewer", "other manager", "sponsor"])
def test_only_the_pmo_or_the_packages_manager_may_apply_it_and_a_refusal_changes_nothing(
    who, role_user, imported
):
    if who == "viewer":
        actor = role_user(Role.VIEWER)
    elif who == "other manager":
        actor = role_user(Role.WORK_PACKAGE_MANAGER)
        WorkPackageFactory(strand=imported.strand, owner=actor, reference="WP-THEIRS")
    else:
        actor = imported.strand.pillar.sponsor
    before = _state(imported)
    with pytest.raises(PermissionDenied):
        services.schedule_calendar_apply(actor=actor, work_package=imported, use="programme")
    assert _state(imported) == before


def test_a_schedule_without_a_calendar_of_its_own_or_already_on_it_is_refused(pmo, imported):
    from django.core.exceptions import ValidationError

    before = _state(imported)
    with pytest.raises(ValidationError, match="already runs on its file's own calendar"):
        services.schedule_calendar_apply(actor=pmo, work_package=imported, use="file")
    with pytest.raises(ValidationError, match="Choose"):
        services.schedule_calendar_apply(actor=pmo, work_package=imported, use="council")
    assert _state(imported) == before
    other = WorkPackageFactory(strand=imported.strand, reference="WP-HAND")
    services.schedule_task_create(
        actor=pmo, work_package=other, name="By hand", duration_minutes=900
    )
    with pytest.raises(ValidationError, match="no calendar of its own"):
        services.schedule_calendar_apply(actor=pmo, work_package=other, use="programme")


def test_an_interdependency_lag_counts_working_days_of_the_imported_plans_own_calendar(
    pmo, imported
):
    from openpmo.delivery.tests.factories import InterdependencyFactory, chain

    provider = WorkPackageFactory(strand=imported.strand, reference="WP-FIRST")
    # three council days: Monday 29 to Wednesday 31 December 2025, 17:30
    chain(provider, 3, start=dt.date(2025, 12, 29))
    InterdependencyFactory(from_work_package=provider, to_work_package=imported, lag_days=1)
    programme = selectors.programme_schedule(imported.strand.pillar.programme)
    assert programme.row_for(provider.pk).finish == dt.datetime(2025, 12, 31, 17, 30)
    # one working day of the file's calendar (8 hours, 1 January worked) after Wednesday 17:30
    assert programme.row_for(imported.pk).start == dt.datetime(2026, 1, 1, 17, 30)
    assert _shown(imported)[1][0] == dt.datetime(2026, 1, 1, 17, 30)


def test_a_file_on_the_programme_calendars_hours_keeps_the_programme_on_one_calendar(
    pmo, programme_tree
):
    """Days off lose their names in MSPDI: a file written on the council calendar (as the demo's
    are) is scheduled on the programme calendar, so the engine keeps its one-calendar path."""
    from openpmo.core.schedule import Network, Project, Task, write_mspdi
    from openpmo.delivery import core_adapters, scheduling

    spec = scheduling.default_calendar_spec()
    project = Project(
        name="Council plan",
        start=spec.day_start(dt.date(2025, 12, 29)),
        calendar=core_adapters.calendar_of(spec),
        network=Network((Task(1, "Work", 3 * 450),)),
        minutes_per_day=450,
    )
    services.schedule_import_mspdi(
        actor=pmo, work_package=programme_tree, data=write_mspdi(project)
    )
    built = scheduling.build(scheduling.load(programme_tree.strand.pillar.programme))
    assert all(task.calendar is None for task in built.network.tasks)
    # Monday 29, Tuesday 30 and Wednesday 31 December, then the bank holiday is not worked
    assert _shown(programme_tree)[1] == (
        dt.datetime(2025, 12, 29, 9),
        dt.datetime(2025, 12, 31, 17, 30),
    )


# -- the page and the API --------------------------------------------------------------------------


def _api(user):
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_the_api_previews_applies_and_reverts(role_user, imported):
    url = f"/api/work-packages/{imported.pk}/schedule/calendar/"
    preview = _api(role_user(Role.VIEWER)).get(url)
    assert preview.status_code == 200
    data = preview.json()
    assert data["calendar"] == "Estándar" and data["uses_own_calendar"] is True
    assert data["target"] == "programme"
    task_two = next(m for m in data["moves"] if m["uid"] == 2)
    assert task_two["old_start"].startswith("2026-01-01T09:00")
    assert task_two["new_start"].startswith("2026-01-02T09:00")
    before = _state(imported)
    refused = _api(role_user(Role.VIEWER)).post(url, {"use": "programme"}, format="json")
    assert refused.status_code == 403
    assert _state(imported) == before
    owner = _api(imported.owner)
    applied = owner.post(url, {"use": "programme"}, format="json")
    assert applied.status_code == 200, applied.json()
    assert applied.json()["uses_own_calendar"] is False
    assert _shown(imported)[2][0] == dt.datetime(2026, 1, 2, 9)
    bad = owner.post(url, {"use": "programme"}, format="json")
    assert bad.status_code == 400
    reverted = owner.post(url, {"use": "file"}, format="json")
    assert reverted.status_code == 200
    assert _shown(imported) == _project_dates()


def test_the_page_says_what_moves_and_the_owner_applies_it(client, role_user, imported):
    url = reverse("delivery:work-package-calendar", args=[imported.pk])
    client.force_login(role_user(Role.VIEWER))
    schedule_page = client.get(reverse("delivery:work-package-schedule", args=[imported.pk]))
    assert "Estándar (the imported file's own calendar)" in schedule_page.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Estándar" in text and "P1-Task 2" in text
    assert "Thu 1 Jan 2026" in text and "Fri 2 Jan 2026" in text
    assert "Apply the programme calendar" not in text  # a viewer sees no button
    refused = client.post(url, {"use": "programme"})
    assert refused.status_code == 403
    assert WorkPackageSchedule.objects.get(work_package=imported).uses_own_calendar
    client.force_login(imported.owner)
    assert "Apply the programme calendar" in client.get(url).content.decode()
    done = client.post(url, {"use": "programme"})
    assert done.status_code == 302
    assert not WorkPackageSchedule.objects.get(work_package=imported).uses_own_calendar
    assert _shown(imported)[2][0] == dt.datetime(2026, 1, 2, 9)


def test_the_calendar_endpoint_is_documented_in_the_openapi_schema(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text(encoding="utf-8")
    at = text.index("/api/work-packages/{id}/schedule/calendar/:")
    entry = text[at : at + 3000]
    assert "get:" in entry and "post:" in entry
    assert "ScheduleCalendarApply" in entry and "ScheduleCalendar'" in entry
