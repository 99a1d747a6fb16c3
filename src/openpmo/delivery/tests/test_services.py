"""The delivery services: every write audited, loops refused by name, nothing saved on refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import ConflictError
from openpmo.delivery import selectors, services
from openpmo.delivery.models import (
    Interdependency,
    ProgrammeCalendar,
    ScheduleLink,
    ScheduleTask,
    WorkPackageSchedule,
)
from openpmo.delivery.tests.factories import DAY, chain


def test_building_a_schedule_is_audited_and_dates_are_computed(pmo, programme_tree):
    # Given the PMO and a work package with no schedule
    wp = programme_tree
    # when they add two tasks, a milestone and links
    design = services.schedule_task_create(
        actor=pmo, work_package=wp, name="Design", duration_minutes=5 * DAY
    )
    build = services.schedule_task_create(
        actor=pmo, work_package=wp, name="Build", duration_minutes=10 * DAY
    )
    live = services.schedule_task_create(
        actor=pmo, work_package=wp, name="Go live", kind="milestone"
    )
    services.schedule_link_create(actor=pmo, predecessor=design, successor=build)
    services.schedule_link_create(actor=pmo, predecessor=build, successor=live)
    # then each write left one audit record, in order
    actions = list(AuditRecord.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "schedule.created",
        "schedule_task.created",
        "schedule_task.created",
        "schedule_task.created",
        "schedule_link.created",
        "schedule_link.created",
    ]
    # and the schedule starts at the work package's forecast (or baseline) start,
    view = selectors.work_package_schedule(wp)
    assert view.schedule.start == dt.date(2023, 4, 1)  # a Saturday
    rows = {row.task.name: row for row in view.rows}
    # The work package's start holds its first task back (a start-no-earlier-than), which
    # Project, like the engine, places at the next working time: Monday 3 April.
    assert rows["Design"].start == dt.date(2023, 4, 3)
    # 5 working days from Monday 3 April 2023: Good Friday and Easter Monday (7, 10 April) are off
    assert rows["Design"].finish == dt.date(2023, 4, 11)
    assert rows["Go live"].finish == dt.date(2023, 4, 25)
    assert all(row.critical for row in view.rows)
    assert [row.task.name for row in view.critical_rows] == ["Design", "Build", "Go live"]


def test_a_link_that_closes_a_loop_is_refused_naming_the_tasks(pmo, programme_tree):
    schedule, (a, b, c) = chain(programme_tree, 2, 3, 4, names=["Alpha", "Beta", "Gamma"])
    links_before = ScheduleLink.objects.count()
    with pytest.raises(ValidationError) as error:
        services.schedule_link_create(actor=pmo, predecessor=c, successor=a)
    message = " ".join(error.value.messages)
    assert "cycle" in message and "Alpha" in message and "Gamma" in message
    assert ScheduleLink.objects.count() == links_before
    assert not AuditRecord.objects.exists()


def test_a_stale_task_edit_is_refused_and_the_first_save_survives(pmo, programme_tree):
    _schedule, (task,) = chain(programme_tree, 2)
    seen = task.version
    services.schedule_task_update(actor=pmo, task=task, expected_version=seen, name="First")
    with pytest.raises(ConflictError):
        services.schedule_task_update(actor=pmo, task=task, expected_version=seen, name="Second")
    task.refresh_from_db()
    assert task.name == "First"
    assert AuditRecord.objects.filter(action="schedule_task.updated").count() == 1


def test_an_invalid_task_is_refused_with_the_field_named(pmo, programme_tree):
    with pytest.raises(ValidationError) as error:
        services.schedule_task_create(
            actor=pmo,
            work_package=programme_tree,
            name="Pinned",
            constraint="snet",
            manual=True,
        )
    assert {"start", "constraint_date"} <= set(error.value.message_dict)
    assert not ScheduleTask.objects.exists()
    assert not WorkPackageSchedule.objects.exists()
    assert not AuditRecord.objects.exists()


def test_a_manually_scheduled_task_keeps_its_dates(pmo, programme_tree):
    task = services.schedule_task_create(
        actor=pmo,
        work_package=programme_tree,
        name="Fixed workshop",
        duration_minutes=2 * DAY,
        manual=True,
        start=dt.date(2023, 6, 5),
        finish=dt.date(2023, 6, 6),
    )
    row = selectors.work_package_schedule(programme_tree).rows[0]
    assert (row.task, row.start, row.finish) == (task, dt.date(2023, 6, 5), dt.date(2023, 6, 6))


def test_a_task_an_interdependency_needs_cannot_be_removed(pmo, two_packages):
    provider, dependent = two_packages
    _s, (work, milestone) = chain(provider, 5, 0)
    chain(dependent, 5)
    services.interdependency_create(
        actor=pmo, from_work_package=provider, from_milestone=milestone, to_work_package=dependent
    )
    with pytest.raises(ValidationError, match="DEP-"):
        services.schedule_task_delete(actor=pmo, task=milestone)
    assert ScheduleTask.objects.filter(pk=milestone.pk).exists()


def test_calendar_is_created_with_uk_bank_holidays_and_changes_are_audited(pmo, programme_tree):
    programme = programme_tree.strand.pillar.programme
    calendar = services.calendar_ensure(actor=pmo, programme=programme)
    assert calendar.minutes_per_day == 450
    assert calendar.exceptions.filter(first=dt.date(2025, 12, 25)).exists()
    services.calendar_update(
        actor=pmo, calendar=calendar, working_days=[0, 1, 2, 3], expected_version=1
    )
    assert selectors.calendar_spec_for(programme).working_days == (0, 1, 2, 3)
    assert list(AuditRecord.objects.order_by("id").values_list("action", flat=True)) == [
        "calendar.created",
        "calendar.updated",
    ]


def test_only_the_pmo_changes_the_calendar(role_user, programme_tree):
    sponsor = programme_tree.strand.pillar.sponsor
    with pytest.raises(PermissionDenied):
        services.calendar_ensure(actor=sponsor, programme=programme_tree.strand.pillar.programme)
    assert not ProgrammeCalendar.objects.exists()
    assert not AuditRecord.objects.exists()


def test_an_interdependency_feeds_the_programme_schedule(pmo, two_packages):
    # Given two work packages that would run side by side
    provider, dependent = two_packages
    chain(provider, 20)
    chain(dependent, 5)
    before = selectors.programme_schedule(provider.strand.pillar.programme)
    assert before.row_for(dependent.pk).start.date() == dt.date(2024, 4, 8)
    # when the dependent one is recorded as needing the other
    services.interdependency_create(
        actor=pmo,
        from_work_package=provider,
        to_work_package=dependent,
        need_by=dt.date(2024, 4, 15),
        type="finish_to_start",
    )
    after = selectors.programme_schedule(provider.strand.pillar.programme)
    # then it starts the working day after the provider finishes (Friday 3 May 2024; Monday 6
    # May is a bank holiday),
    assert after.row_for(provider.pk).finish.date() == dt.date(2024, 5, 3)
    assert after.row_for(dependent.pk).start.date() == dt.date(2024, 5, 7)
    # both are on the critical path, and the register shows the need-by date is missed
    assert {r.work_package for r in after.critical_path} == {provider, dependent}
    check = next(iter(after.checks.values()))
    assert check.late_by_days == 14


def test_an_interdependency_that_makes_a_loop_is_refused(pmo, two_packages):
    first, second = two_packages
    chain(first, 5)
    chain(second, 5)
    services.interdependency_create(actor=pmo, from_work_package=first, to_work_package=second)
    with pytest.raises(ValidationError, match="cycle"):
        services.interdependency_create(actor=pmo, from_work_package=second, to_work_package=first)
    assert Interdependency.objects.count() == 1
    assert AuditRecord.objects.filter(action="interdependency.created").count() == 1


def test_a_closed_interdependency_leaves_the_schedule(pmo, two_packages):
    provider, dependent = two_packages
    chain(provider, 20)
    chain(dependent, 5)
    dependency = services.interdependency_create(
        actor=pmo, from_work_package=provider, to_work_package=dependent
    )
    services.interdependency_update(actor=pmo, interdependency=dependency, status="closed")
    view = selectors.programme_schedule(provider.strand.pillar.programme)
    assert view.row_for(dependent.pk).start.date() == dt.date(2024, 4, 8)
    record = AuditRecord.objects.filter(action="interdependency.updated").get()
    assert (record.before["status"], record.after["status"]) == ("open", "closed")


def test_a_work_package_cannot_depend_on_itself(pmo, programme_tree):
    with pytest.raises(ValidationError):
        services.interdependency_create(
            actor=pmo, from_work_package=programme_tree, to_work_package=programme_tree
        )
    assert not Interdependency.objects.exists()


# Who may record an interdependency between two work packages in different pillars.
INTERDEPENDENCY_MATRIX = [
    (Role.PMO, "unrelated", True),
    (Role.PILLAR_SPONSOR, "sponsor of the dependent pillar", True),
    (Role.PILLAR_SPONSOR, "unrelated", False),
    (Role.WORK_PACKAGE_MANAGER, "owner of the dependent work package", False),
    (Role.FINANCE, "unrelated", False),
    (Role.BOARD_MEMBER, "unrelated", False),
    (Role.DECISION_MAKER, "unrelated", False),
    (Role.VIEWER, "unrelated", False),
]


@pytest.mark.parametrize(("role", "relation", "allowed"), INTERDEPENDENCY_MATRIX)
def test_who_may_record_an_interdependency(role, relation, allowed, role_user, two_packages):
    dependent, provider = two_packages
    if relation == "sponsor of the dependent pillar":
        actor = dependent.strand.pillar.sponsor
    elif relation == "owner of the dependent work package":
        actor = dependent.owner
    else:
        actor = role_user(role)
    if allowed:
        made = services.interdependency_create(
            actor=actor, from_work_package=provider, to_work_package=dependent
        )
        assert AuditRecord.objects.for_object(made).get().actor == actor
    else:
        with pytest.raises(PermissionDenied):
            services.interdependency_create(
                actor=actor, from_work_package=provider, to_work_package=dependent
            )
        assert not Interdependency.objects.exists()
        assert not AuditRecord.objects.exists()


# Who may change a work package's schedule.
SCHEDULE_MATRIX = [
    (Role.PMO, "unrelated", True),
    (Role.PILLAR_SPONSOR, "sponsor of this pillar", True),
    (Role.PILLAR_SPONSOR, "unrelated", False),
    (Role.WORK_PACKAGE_MANAGER, "owner of this work package", True),
    (Role.WORK_PACKAGE_MANAGER, "unrelated", False),
    (Role.FINANCE, "unrelated", False),
    (Role.BOARD_MEMBER, "unrelated", False),
    (Role.DECISION_MAKER, "unrelated", False),
    (Role.VIEWER, "unrelated", False),
]


@pytest.mark.parametrize(("role", "relation", "allowed"), SCHEDULE_MATRIX)
def test_who_may_change_a_schedule(role, relation, allowed, role_user, programme_tree):
    wp = programme_tree
    _schedule, (task,) = chain(wp, 3)
    if relation == "sponsor of this pillar":
        actor = wp.strand.pillar.sponsor
    elif relation == "owner of this work package":
        actor = wp.owner
    else:
        actor = role_user(role)
    if allowed:
        services.schedule_task_update(actor=actor, task=task, name="Renamed")
        services.schedule_task_create(actor=actor, work_package=wp, name="Extra")
        assert ScheduleTask.objects.count() == 2
        assert AuditRecord.objects.count() == 2
    else:
        with pytest.raises(PermissionDenied):
            services.schedule_task_update(actor=actor, task=task, name="Renamed")
        with pytest.raises(PermissionDenied):
            services.schedule_task_create(actor=actor, work_package=wp, name="Extra")
        task.refresh_from_db()
        assert task.name != "Renamed"
        assert ScheduleTask.objects.count() == 1
        assert not AuditRecord.objects.exists()


def test_a_summary_cannot_be_put_under_a_task_that_is_under_it(pmo, programme_tree):
    outer = services.schedule_task_create(
        actor=pmo, work_package=programme_tree, name="Outer", kind="summary"
    )
    inner = services.schedule_task_create(
        actor=pmo, work_package=programme_tree, name="Inner", kind="summary", parent=outer
    )
    services.schedule_task_create(
        actor=pmo, work_package=programme_tree, name="Work", parent=inner, duration_minutes=DAY
    )
    with pytest.raises(ValidationError) as error:
        services.schedule_task_update(actor=pmo, task=outer, parent=inner)
    assert "parent" in error.value.message_dict
    outer.refresh_from_db()
    assert outer.parent is None


def test_the_milestone_and_task_must_belong_to_their_work_packages(pmo, two_packages):
    provider, dependent = two_packages
    _s, (work, milestone) = chain(provider, 5, 0)
    _s, (their_work,) = chain(dependent, 5)
    with pytest.raises(ValidationError) as error:
        services.interdependency_create(
            actor=pmo,
            from_work_package=dependent,
            from_milestone=milestone,
            to_work_package=provider,
        )
    assert "from_milestone" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.interdependency_create(
            actor=pmo, from_work_package=provider, to_work_package=dependent, to_task=work
        )
    assert "to_task" in error.value.message_dict
    assert not Interdependency.objects.exists()
    assert not AuditRecord.objects.exists()
