"""Notifications and reminders go through a real SMTP server (aiosmtpd) started by the test, and
the test reads what arrived."""

from __future__ import annotations

import datetime as dt
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import PermissionDenied

from openpmo.accounts.roles import Role
from openpmo.benefits.tests.factories import BenefitFactory, give_profile
from openpmo.common.services import ConflictError
from openpmo.gates import services as gate_services
from openpmo.gates.tests.conftest import ready_case
from openpmo.reports import services as report_services
from openpmo.work import services
from openpmo.work.choices import Frequency
from openpmo.work.models import Notification
from openpmo.work.tasks import daily_notifications, next_run
from openpmo.work.tests.factories import NotificationSettingFactory
from openpmo.work.tests.test_my_work import RaidActionFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if address in rcpt]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(settings):
    """A real SMTP server on a free local port, and Django configured to send through it."""
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.OPENPMO_BASE_URL = "https://pmo.example.gov.uk"
    yield handler
    controller.stop()


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_the_pmo_is_emailed_when_a_gate_request_is_submitted(
    gated, pmo, inbox, django_capture_on_commit_callbacks
):
    # Given a PMO officer with an email address, and the sponsor who submits
    pmo.email = "pmo@example.gov.uk"
    pmo.save()
    sponsor = gated.strand.pillar.sponsor
    sponsor.email = "sponsor@example.gov.uk"
    sponsor.save()
    case = ready_case(gated, actor=sponsor)

    # When the sponsor submits a gate request (and the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        request = gate_services.gate_request_submit(
            actor=sponsor, work_package=gated, gate=case.gate, business_case=case
        )

    # Then the PMO got one email linking to the quality assurance page; the sponsor none
    [message] = inbox.to("pmo@example.gov.uk")
    assert "Gate request to quality-assure" in message["Subject"]
    assert f"https://pmo.example.gov.uk/gates/requests/{request.pk}/quality-assurance/" in _body(
        message
    )
    assert inbox.to("sponsor@example.gov.uk") == []


def test_a_refused_submission_mails_nobody(gated, pmo, inbox, django_capture_on_commit_callbacks):
    pmo.email = "pmo@example.gov.uk"
    pmo.save()
    case = ready_case(gated)
    gate_services.gate_request_submit(
        actor=pmo, work_package=gated, gate=case.gate, business_case=case
    )
    # When a second request is refused (one is already waiting)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConflictError):
        gate_services.gate_request_submit(
            actor=pmo, work_package=gated, gate=case.gate, business_case=case
        )
    # Then nobody is told anything
    assert inbox.messages == [] and Notification.objects.count() == 0


def test_return_and_approval_of_a_report_reach_its_author(
    programme_tree, role_user, inbox, django_capture_on_commit_callbacks
):
    sponsor = programme_tree.strand.pillar.sponsor
    sponsor.email = "sponsor@example.gov.uk"
    sponsor.save()
    pmo = role_user(Role.PMO, username="pmo-1", email="pmo@example.gov.uk")
    report = report_services.report_create(
        actor=sponsor,
        kind="pillar_highlight",
        programme=programme_tree.strand.pillar.programme,
        period=dt.date(2024, 3, 1),
        pillar=programme_tree.strand.pillar,
        overall_rag="amber",
        progress_this_period="Done",
        next_period="More",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_submit(actor=sponsor, report=report)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_return(
            actor=pmo, report=report, comments="Say why it is amber"
        )

    [to_approve] = inbox.to("pmo@example.gov.uk")
    assert to_approve["Subject"].startswith("[OpenPMO] Report to approve")
    [returned] = inbox.to("sponsor@example.gov.uk")
    assert "returned" in returned["Subject"] and "Say why it is amber" in _body(returned)


def test_daily_reminders_before_and_after_due_dates_are_sent_once_a_day(role_user, inbox):
    # Given an owner with an action due in two days, one overdue, one due in ten days
    owner = role_user(Role.WORK_PACKAGE_MANAGER, email="owner@example.gov.uk")
    RaidActionFactory(owner=owner, due_on=TODAY + dt.timedelta(days=2), description="Soon")
    RaidActionFactory(owner=owner, due_on=TODAY - dt.timedelta(days=1), description="Late")
    RaidActionFactory(owner=owner, due_on=TODAY + dt.timedelta(days=10), description="Later")

    # When the daily job runs twice the same day
    first = daily_notifications.call(reschedule=False)
    second = daily_notifications.call(reschedule=False)

    # Then two reminders arrived (before and after the due date), once each
    subjects = sorted(m["Subject"] for m in inbox.to("owner@example.gov.uk"))
    assert (first, second) == (2, 0)
    assert len(subjects) == 2
    assert any("Due " in s and "Soon" in s for s in subjects)
    assert any("Overdue since" in s and "Late" in s for s in subjects)
    assert Notification.objects.filter(kind="reminder", recipient=owner).count() == 2


def test_an_overdue_benefit_actual_is_reminded(programme_tree, role_user, inbox):
    owner = role_user(Role.WORK_PACKAGE_MANAGER, email="benefits@example.gov.uk")
    benefit = BenefitFactory(owner=owner, pillar=programme_tree.strand.pillar)
    two_back = (TODAY.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    give_profile(benefit, {f"{two_back:%Y-%m}": "100"})

    services.reminders_send(today=TODAY)

    [message] = inbox.to("benefits@example.gov.uk")
    assert "Overdue since" in message["Subject"] and benefit.reference in message["Subject"]


def test_a_daily_digest_person_gets_one_email_and_an_off_person_none(role_user, inbox):
    digest = role_user(Role.WORK_PACKAGE_MANAGER, email="digest@example.gov.uk")
    quiet = role_user(Role.WORK_PACKAGE_MANAGER, email="quiet@example.gov.uk")
    NotificationSettingFactory(person=digest, frequency=Frequency.DAILY)
    NotificationSettingFactory(person=quiet, frequency=Frequency.OFF)
    for person in (digest, quiet):
        RaidActionFactory(owner=person, due_on=TODAY, description="Today's")
        RaidActionFactory(owner=person, due_on=TODAY - dt.timedelta(days=5), description="Old")

    services.reminders_send(today=TODAY)

    [message] = inbox.to("digest@example.gov.uk")
    assert message["Subject"] == "[OpenPMO] Your daily digest: 2 items"
    assert "Today's" in _body(message) and "Old" in _body(message)
    assert inbox.to("quiet@example.gov.uk") == []
    assert Notification.objects.filter(recipient=quiet, skipped=True).count() == 2
    assert not Notification.objects.filter(recipient=digest, sent_at__isnull=True).exists()


def test_mail_held_back_by_an_outage_is_sent_by_the_next_run(role_user, settings, inbox):
    owner = role_user(Role.WORK_PACKAGE_MANAGER, email="owner@example.gov.uk")
    RaidActionFactory(owner=owner, due_on=TODAY, description="Retry me")
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nothing listens there

    services.reminders_send(today=TODAY)
    assert inbox.messages == []
    assert Notification.objects.get(recipient=owner).sent_at is None

    settings.EMAIL_PORT = working_port
    services.digests_send()
    [message] = inbox.to("owner@example.gov.uk")
    assert "Retry me" in message["Subject"]


def test_the_next_run_is_at_seven_tomorrow_after_seven_today():
    from django.utils import timezone

    morning = timezone.make_aware(dt.datetime(2026, 5, 4, 6, 0))
    evening = timezone.make_aware(dt.datetime(2026, 5, 4, 9, 0))
    assert timezone.localtime(next_run(morning)).replace(tzinfo=None) == dt.datetime(
        2026, 5, 4, 7, 0
    )
    assert timezone.localtime(next_run(evening)).replace(tzinfo=None) == dt.datetime(
        2026, 5, 5, 7, 0
    )


def test_a_person_changes_only_their_own_setting(client, role_user):
    person = role_user(Role.VIEWER)
    client.force_login(person)
    response = client.post("/my-work/settings/", {"frequency": "daily"})
    assert response.status_code == 302
    assert person.notification_setting.frequency == "daily"
    other = role_user(Role.VIEWER)
    with pytest.raises(PermissionDenied, match="allow"):
        services.notification_setting_set(actor=other, person=person, frequency="off")
    person.notification_setting.refresh_from_db()
    assert person.notification_setting.frequency == "daily"


def test_in_development_mail_is_kept_in_files_and_listed_for_the_pmo(
    client, role_user, settings, tmp_path
):
    # Given development settings: mail written to files
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    owner = role_user(Role.WORK_PACKAGE_MANAGER, email="owner@example.gov.uk")
    RaidActionFactory(owner=owner, due_on=TODAY, description="Written to a file")
    services.reminders_send(today=TODAY)

    # When the PMO opens the development mailbox, and a viewer tries to
    client.force_login(role_user(Role.PMO))
    listing = client.get("/my-work/dev/mail/")
    [name] = [p.name for p in tmp_path.iterdir()]
    message = client.get(f"/my-work/dev/mail/{name}")
    client.force_login(role_user(Role.VIEWER))
    refused = client.get("/my-work/dev/mail/")

    # Then the PMO reads the reminder; the viewer is refused
    assert name in listing.content.decode()
    assert "Written to a file" in message.content.decode()
    assert refused.status_code == 403


def test_work_listens_to_every_notice_the_domains_raise():
    """Given the apps are ready, every notice gates and reports raise reaches work's listeners;
    one nobody listens to is refused loudly, not dropped."""
    from django.core.exceptions import ImproperlyConfigured

    from openpmo.common import notices
    from openpmo.work import notifications

    assert set(notices._listeners) == set(notices.Notice)
    assert notices._listeners[notices.Notice.DECISION_RECORDED] is notifications.decision_recorded
    saved = notices._listeners.pop(notices.Notice.REPORT_RETURNED)
    try:
        with pytest.raises(ImproperlyConfigured, match="report.returned"):
            notices.notice_raise(notices.Notice.REPORT_RETURNED, object())
    finally:
        notices.notice_listen(notices.Notice.REPORT_RETURNED, saved)
