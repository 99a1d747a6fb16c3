"""Milestones marked achieved (day and evidence, audited, by UI and API, permission in the
service), and counted achieved / due / slipped as at a date for a programme, pillar or package."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.delivery import selectors, services
from openpmo.delivery.models import ScheduleTask
from openpmo.delivery.tests.factories import ScheduleFactory, TaskFactory
from openpmo.portfolio.tests.factories import WorkPackageFactory

TODAY = timezone.localdate()


def _days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def milestone(programme_tree):
    schedule = ScheduleFactory(work_package=programme_tree)
    return TaskFactory(
        schedule=schedule,
        kind="milestone",
        duration_minutes=0,
        name="Go live",
        baseline_date=_days(-3),
    )


def _unchanged(task: ScheduleTask) -> None:
    task.refresh_from_db()
    assert task.achieved_on is None and task.achieved_evidence == ""
    assert not AuditRecord.objects.filter(action__startswith="milestone.").exists()


def test_the_work_package_manager_records_a_milestone_achieved_with_evidence(milestone):
    manager = milestone.schedule.work_package.owner
    manager.groups.get_or_create(name=Role.WORK_PACKAGE_MANAGER.value)
    task = services.milestone_achieve(
        actor=manager, task=milestone, achieved_on=_days(-1), evidence="Go-live sign-off, board"
    )
    assert task.achieved_on == _days(-1) and task.achieved_recorded_by == manager
    record = AuditRecord.objects.get(action="milestone.achieved")
    assert record.after["achieved_on"] == _days(-1).isoformat()
    assert record.after["achieved_evidence"] == "Go-live sign-off, board"
    services.milestone_achieve(
        actor=manager, task=task, achieved_on=_days(-2), evidence="Sign-off dated a day earlier"
    )
    assert AuditRecord.objects.filter(action="milestone.achievement_corrected").count() == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FINANCE, Role.BOARD_MEMBER])
def test_other_roles_cannot_record_a_milestone_achieved(role, role_user, milestone):
    with pytest.raises(PermissionDenied):
        services.milestone_achieve(
            actor=role_user(role), task=milestone, achieved_on=_days(-1), evidence="x"
        )
    _unchanged(milestone)


def test_a_day_to_come_no_evidence_or_a_task_that_is_not_a_milestone_are_refused(
    role_user, milestone
):
    pmo = role_user(Role.PMO)
    with pytest.raises(ValidationError) as future:
        services.milestone_achieve(actor=pmo, task=milestone, achieved_on=_days(1), evidence="x")
    assert "future" in str(future.value)
    with pytest.raises(ValidationError) as bare:
        services.milestone_achieve(actor=pmo, task=milestone, achieved_on=_days(-1), evidence=" ")
    assert "achieved_evidence" in bare.value.message_dict
    task = TaskFactory(schedule=milestone.schedule, name="Build")
    with pytest.raises(ValidationError) as not_one:
        services.milestone_achieve(actor=pmo, task=task, achieved_on=_days(-1), evidence="x")
    assert "not a milestone" in str(not_one.value)
    _unchanged(milestone)
    _unchanged(task)


def test_the_page_and_the_api_record_it_through_the_service(client, role_user, milestone):
    client.force_login(role_user(Role.VIEWER))
    url = f"/delivery/tasks/{milestone.pk}/achieved/"
    data = {"achieved_on": _days(-1).isoformat(), "achieved_evidence": "Sign-off"}
    assert client.post(url, data).status_code == 403
    assert (
        client.post(
            f"/api/schedule-tasks/{milestone.pk}/achieved/",
            {"achieved_on": _days(-1).isoformat(), "evidence": "Sign-off"},
            content_type="application/json",
        ).status_code
        == 403
    )
    _unchanged(milestone)
    client.force_login(role_user(Role.PMO))
    bad = client.post(url, {**data, "achieved_on": _days(5).isoformat()})
    assert bad.status_code == 400 and "cannot be in the future" in bad.content.decode()
    _unchanged(milestone)
    assert client.post(url, data).status_code == 302
    page = client.get(f"/delivery/work-packages/{milestone.schedule.work_package_id}/")
    assert f"Achieved {_days(-1):%-d %b %Y}" in page.content.decode()
    api = client.post(
        f"/api/schedule-tasks/{milestone.pk}/achieved/",
        {"achieved_on": _days(-2).isoformat(), "evidence": "Corrected"},
        content_type="application/json",
    )
    assert api.status_code == 200
    milestone.refresh_from_db()
    assert milestone.achieved_on == _days(-2) and milestone.achieved_evidence == "Corrected"


def test_milestones_are_counted_achieved_due_and_slipped_as_at_a_date(role_user, programme_tree):
    pmo = role_user(Role.PMO)
    schedule = ScheduleFactory(work_package=programme_tree)

    def make(baseline: int, achieved: int | None = None) -> ScheduleTask:
        task = TaskFactory(
            schedule=schedule, kind="milestone", duration_minutes=0, baseline_date=_days(baseline)
        )
        if achieved is not None:
            services.milestone_achieve(
                actor=pmo, task=task, achieved_on=_days(achieved), evidence="seen"
            )
        return task

    make(-30, achieved=-31)  # on time
    make(-20, achieved=-10)  # late
    make(-5)  # slipped
    make(30)  # still to come
    elsewhere = WorkPackageFactory(strand__pillar__programme=programme_tree.strand.pillar.programme)
    TaskFactory(
        schedule=ScheduleFactory(work_package=elsewhere),
        kind="milestone",
        duration_minutes=0,
        baseline_date=_days(-1),
    )
    programme = programme_tree.strand.pillar.programme
    now = selectors.milestone_counts(as_at=TODAY, work_package=programme_tree)
    assert (now.total, now.achieved, now.achieved_late, now.due, now.slipped, now.upcoming) == (
        4,
        2,
        1,
        3,
        1,
        1,
    )
    pillar = selectors.milestone_counts(as_at=TODAY, pillar=programme_tree.strand.pillar)
    assert pillar.total == 4
    whole = selectors.milestone_counts(as_at=TODAY, programme=programme)
    assert (whole.total, whole.slipped) == (5, 2)
    # Two weeks ago, as then known: nothing had been recorded yet, so two were slipping.
    then = selectors.milestone_counts(as_at=_days(-15), work_package=programme_tree)
    assert (then.achieved, then.due, then.slipped) == (0, 2, 2)
    # Two weeks ago, as known now: the first was achieved on time, the second not yet.
    known = selectors.milestone_counts(
        as_at=_days(-15), work_package=programme_tree, known_at=timezone.now()
    )
    assert (known.achieved, known.due, known.slipped) == (1, 2, 1)


def test_history_loaded_after_the_fact_keeps_when_it_was_recorded(role_user, milestone):
    # The demo loads a past: an achievement recorded on the day after it happened counts as
    # known then; one "recorded" before it happened, or in the future, is refused.
    pmo = role_user(Role.PMO)
    for recorded in (_days(-5), _days(2)):
        with pytest.raises(ValidationError, match="on or after the day it was achieved"):
            services.milestone_achieve(
                actor=pmo,
                task=milestone,
                achieved_on=_days(-3),
                evidence="Sign-off",
                recorded_at=timezone.make_aware(dt.datetime.combine(recorded, dt.time(12))),
            )
    _unchanged(milestone)
    recorded_at = timezone.make_aware(dt.datetime.combine(_days(-2), dt.time(12)))
    task = services.milestone_achieve(
        actor=pmo,
        task=milestone,
        achieved_on=_days(-3),
        evidence="Sign-off",
        recorded_at=recorded_at,
    )
    assert task.achieved_recorded_at == recorded_at
    counts = selectors.milestone_counts(as_at=_days(-2), work_package=task.schedule.work_package)
    assert counts.achieved == 1
