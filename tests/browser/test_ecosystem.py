"""In a real browser (Debian's Chromium): My work, inviting someone who then chooses a password,
and importing a register that has errors, then the corrected file."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from tests.chromium import needs_chromium, serious_violations

from openpmo.accounts.roles import Role

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "correct horse battery staple"


def _sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("main")


def test_my_work_counts_and_links_to_an_overdue_action(page, live_server, role_user):
    from openpmo.portfolio.tests.factories import WorkPackageFactory
    from openpmo.risks.tests.factories import RaidActionFactory

    # Given a manager with an action that was due three days ago
    owner = role_user(Role.WORK_PACKAGE_MANAGER, username="manager")
    action = RaidActionFactory(
        item__work_package=WorkPackageFactory(),
        owner=owner,
        due_on=dt.date.today() - dt.timedelta(days=3),
        description="Send the data protection impact assessment",
    )
    # When they sign in, the header says one thing waits for them
    _sign_in(page, live_server, "manager")
    assert page.inner_text(".openpmo-account__work .openpmo-count") == "1"
    # And My work shows it as overdue, with no accessibility failures
    page.click("a.openpmo-account__work:has-text('My work')")
    page.wait_for_selector("h1:has-text('My work')")
    row = page.locator("#my-work tbody tr").first
    assert "Send the data protection impact assessment" in row.inner_text()
    assert "Overdue" in row.inner_text()
    assert serious_violations(page) == []
    # And its link opens the page where the action is updated
    row.locator("a").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/risks/actions/{action.pk}/edit/")


def test_the_pmo_invites_someone_who_chooses_a_password_and_signs_in(
    page,
    live_server,
    role_user,
):
    from openpmo.portfolio.tests.factories import PillarFactory

    role_user(Role.PMO, username="pmo")
    PillarFactory(name="Citizen Engagement")
    _sign_in(page, live_server, "pmo")
    page.click("a:has-text('People')")
    page.click("a:has-text('Invite someone')")
    assert serious_violations(page) == []
    page.fill("#id_email", "sam.jones@council.gov.uk")
    page.fill("#id_first_name", "Sam")
    page.fill("#id_last_name", "Jones")
    page.check("input[value='Pillar sponsor']")
    page.check("label:has-text('Citizen Engagement')")
    page.click("button:has-text('Send invitation')")
    page.wait_for_selector("text=Invitation sent to sam.jones@council.gov.uk")
    assert "Pillar sponsor" in page.inner_text("main")

    # The email arrived with a link; Sam opens it, chooses a password and signs in
    [message] = mail.outbox
    path = re.search(r"https?://[^/]+(/accounts/invitation/\S+/)", message.body).group(1)
    page.click("button:has-text('Sign out')")
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("h1:has-text('Choose your password')")
    assert serious_violations(page) == []
    page.fill("#id_new_password1", "a long and private phrase")
    page.fill("#id_new_password2", "a long and private phrase")
    page.click("button:has-text('Set password')")
    page.wait_for_selector("text=Your password is set")
    _sign_in(page, live_server, "sam.jones@council.gov.uk", "a long and private phrase")
    assert "Sam Jones" in page.inner_text(".openpmo-account__name")


def test_an_excel_import_with_errors_then_a_clean_reimport(
    page,
    live_server,
    role_user,
    tmp_path,
):
    from openpmo.exchange.tests.factories import register_row, register_xlsx
    from openpmo.portfolio.models import WorkPackage
    from openpmo.portfolio.tests.factories import ProgrammeFactory

    ProgrammeFactory(short_name="ETP")
    role_user(Role.PMO, username="pmo")
    good = {
        "Programme": "ETP",
        "Pillar": "Platforms for Data",
        "Pillar objective": "Data for residents",
        "Strand": "Data platform",
        "Reference": "ETP-DATA-001",
        "Name": "Data warehouse",
        "RAG": "Green",
        "Budget": "250000",
    }
    bad_file = tmp_path / "register-with-errors.xlsx"
    bad_file.write_bytes(
        register_xlsx([register_row(**{**good, "RAG": "Purple", "Budget": "lots"})])
    )
    good_file = tmp_path / "register.xlsx"
    good_file.write_bytes(register_xlsx([register_row(**good)]))

    _sign_in(page, live_server, "pmo")
    page.click("a:has-text('Registers in and out of Excel')")
    page.click("a:has-text('Import a register')")
    page.set_input_files("#id_file", str(bad_file))
    page.click("button:has-text('Preview the import')")
    page.wait_for_selector("#import-errors")
    errors = page.inner_text("#import-errors")
    assert "RAG" in errors and "Budget" in errors and "Purple" in errors
    assert page.locator("button:has-text('Import')").count() == 0
    assert serious_violations(page) == []
    assert WorkPackage.objects.count() == 0

    page.click("a:has-text('Upload another file')")
    page.set_input_files("#id_file", str(good_file))
    page.click("button:has-text('Preview the import')")
    page.wait_for_selector("#import-summary")
    assert "1 to create" in page.inner_text("#import-summary")
    page.click("button:has-text('Import 1 work packages')")
    page.wait_for_selector("text=Register imported: 1 work packages created")
    assert WorkPackage.objects.get(reference="ETP-DATA-001").name == "Data warehouse"


def test_signing_in_with_the_organisation_account_through_a_real_provider(
    page,
    live_server,
    settings,
):
    from oidc_provider_mock import run_server_in_thread

    from openpmo.accounts.models import User
    from openpmo.accounts.tests.factories import configure_oidc, oidc_people

    with run_server_in_thread(user_claims=oidc_people()) as provider:
        configure_oidc(settings, provider.server_port)
        page.goto(f"{live_server.url}/accounts/login/")
        assert serious_violations(page) == []
        page.click("a:has-text('Sign in with Microsoft Entra ID')")
        # At the provider: choose Alice
        page.click("button[value='alice']")
        page.wait_for_selector(".openpmo-account__name")
        assert "Alice Smith (Pillar sponsor)" in page.inner_text(".openpmo-account__name")
        assert User.objects.get(email="alice.smith@council.gov.uk").role_names == ["Pillar sponsor"]
        # Signing out returns to the sign-in page
        page.click("button:has-text('Sign out')")
        page.wait_for_selector("h1:has-text('Sign in to OpenPMO')")
        # Someone whose groups OpenPMO does not let in is refused
        page.click("a:has-text('Sign in with Microsoft Entra ID')")
        page.click("button[value='mallory']")
        page.wait_for_selector("text=You could not be signed in")
