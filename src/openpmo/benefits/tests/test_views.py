"""The benefits pages, as the officers who use them see them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.benefits.models import (
    Benefit,
    BenefitActual,
    BenefitProfile,
    ShortfallExplanation,
    TrackerSettings,
)
from openpmo.benefits.tests.factories import BenefitFactory, give_actuals, give_profile


@pytest.fixture
def benefit(programme_tree):
    benefit = BenefitFactory(
        reference="BEN-T1",
        title="Licence saving",
        pillar=programme_tree.strand.pillar,
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )
    give_profile(benefit, {"2024-04": "100", "2024-05": "100", "2024-06": "100"})
    give_actuals(benefit, {"2024-04": "50", "2024-06": "60"})
    return benefit


def _text(response):
    return response.content.decode()


def test_the_tracker_is_the_benefits_home_with_chart_table_and_missing_actuals(
    client, role_user, benefit
):
    client.force_login(role_user(Role.BOARD_MEMBER))
    html = _text(client.get("/benefits/?as_of=2024-05"))
    assert "Benefits tracker" in html and "May 2024" in html
    # The chart is SVG with its data table beside it
    assert '<svg class="openpmo-chart"' in html and 'aria-details="curve-data"' in html
    assert '<table class="govuk-table openpmo-table--compact" id="curve-data">' in html
    # May has no actual: shown as missing, not as £0
    row = html.split("BEN-T1</a>")[1].split("</tr>")[0]
    assert "Missing" in row
    # Red (50 of 200 to date), so the owner's explanation is required
    assert "Explanation required" in row
    html = _text(client.get("/benefits/?as_of=2024-07"))
    row = html.split("BEN-T1</a>")[1].split("</tr>")[0]
    assert "2 months missing" in row  # May, and July itself (due, not yet late)


def test_the_owner_explains_a_shortfall_and_the_tracker_shows_it(client, benefit):
    client.force_login(benefit.owner)
    response = client.post(
        f"/benefits/register/{benefit.pk}/shortfall/?month=2024-06",
        {"month": "2024-06", "explanation": "Contract ends later", "recovery_action": "Chase"},
    )
    assert response.status_code == 302
    html = _text(client.get("/benefits/?as_of=2024-06"))
    row = html.split("BEN-T1</a>")[1].split("</tr>")[0]
    assert "Contract ends later" in row and "Explanation required" not in row
    assert ShortfallExplanation.objects.get().given_by == benefit.owner


def test_the_owner_records_an_actual_with_an_attachment_and_anyone_signed_in_can_open_it(
    client, role_user, benefit
):
    client.force_login(benefit.owner)
    form = client.get(f"/benefits/register/{benefit.pk}/actuals/?month=2024-05")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in _text(form)
    response = client.post(
        f"/benefits/register/{benefit.pk}/actuals/",
        {
            "month": "2024-05",
            "value": "1,234.50",
            "evidence": "Invoice 42",
            "attachment": SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 evidence"),
        },
    )
    assert response.status_code == 302
    actual = BenefitActual.objects.get(month="2024-05-01")
    assert (actual.value, actual.recorded_by) == (Decimal("1234.50"), benefit.owner)
    client.force_login(role_user(Role.VIEWER))
    page = _text(client.get(f"/benefits/register/{benefit.pk}/"))
    assert f"/benefits/actuals/{actual.pk}/evidence/" in page and "Invoice 42" in page
    download = client.get(f"/benefits/actuals/{actual.pk}/evidence/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 evidence"
    # The owner corrects it: the page says so and links to the actual's history
    client.force_login(benefit.owner)
    response = client.post(
        f"/benefits/register/{benefit.pk}/actuals/?month=2024-05",
        {
            "month": "2024-05",
            "value": "1,200",
            "evidence": "Invoice 42 (credit note)",
            "correction_reason": "A credit note reduced the invoice",
            "version": 1,
        },
    )
    assert response.status_code == 302
    page = _text(client.get(f"/benefits/register/{benefit.pk}/"))
    assert f"/audit/benefits/benefitactual/{actual.pk}/" in page and "corrected" in page
    history = _text(client.get(f"/audit/benefits/benefitactual/{actual.pk}/"))
    assert "Benefit actual corrected" in history
    assert "Value changed from 1234.50 to 1200.00" in history


def test_a_viewer_cannot_record_actuals_or_edit_profiles(client, role_user, benefit):
    client.force_login(role_user(Role.VIEWER))
    for url in (
        f"/benefits/register/{benefit.pk}/actuals/",
        f"/benefits/register/{benefit.pk}/profile/",
        f"/benefits/register/{benefit.pk}/edit/",
        f"/benefits/register/{benefit.pk}/shortfall/",
        "/benefits/register/new/",
        "/benefits/import/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/benefits/register/{benefit.pk}/actuals/",
        {"month": "2024-05", "value": "5", "evidence": "x"},
    )
    assert response.status_code == 403
    assert BenefitActual.objects.count() == 2
    assert not AuditRecord.objects.exists()


def test_an_actual_form_with_errors_shows_the_summary_and_saves_nothing(client, benefit):
    client.force_login(benefit.owner)
    response = client.post(
        f"/benefits/register/{benefit.pk}/actuals/",
        {"month": "2024-13", "value": "-5", "evidence": ""},
    )
    html = _text(response)
    assert response.status_code == 400
    assert "There is a problem" in html and 'href="#id_month"' in html
    assert BenefitActual.objects.count() == 2 and not AuditRecord.objects.exists()


def test_the_sponsor_pastes_a_profile_from_a_spreadsheet_and_the_original_is_kept(client, benefit):
    client.force_login(benefit.pillar.sponsor)
    pasted = "Month\tPlanned\n2024-05\t150\n2024-06\t1,150.50\n"
    response = client.post(
        f"/benefits/register/{benefit.pk}/profile/",
        {"how": "pasted", "pasted-text": pasted, "pasted-reason": "New contract dates"},
    )
    assert response.status_code == 302
    current = BenefitProfile.objects.get(benefit=benefit, is_current=True)
    assert current.number == 2 and current.method == "pasted"
    assert dict(current.months.values_list("month", "value")) == {
        __import__("datetime").date(2024, 5, 1): Decimal("150.00"),
        __import__("datetime").date(2024, 6, 1): Decimal("1150.50"),
    }
    page = _text(client.get(f"/benefits/register/{benefit.pk}/"))
    assert "Original plan (v1)" in page and "New contract dates" in page


def test_profile_forms_refuse_bad_input_and_save_nothing(client, benefit):
    client.force_login(benefit.pillar.sponsor)
    response = client.post(
        f"/benefits/register/{benefit.pk}/profile/",
        {"how": "pasted", "pasted-text": "2024-05\tlots\n2024-06\t-3", "pasted-reason": "x"},
    )
    html = _text(response)
    assert response.status_code == 400
    assert "Line 1" in html and "Line 2" in html
    response = client.post(
        f"/benefits/register/{benefit.pk}/profile/",
        {
            "how": "generated",
            "generated-shape": "s-curve",
            "generated-total": "1000",
            "generated-first": "2024-04",
            "generated-last": "2025-03",
        },
    )
    assert response.status_code == 400  # a re-baseline needs its reason
    assert "Say why the profile is being re-baselined" in _text(response)
    assert BenefitProfile.objects.count() == 1 and not AuditRecord.objects.exists()


def test_the_pmo_enters_a_profile_month_by_month_and_generates_one(client, role_user, benefit):
    client.force_login(role_user(Role.PMO))
    url = f"/benefits/register/{benefit.pk}/profile/?first=2024-04&last=2024-06"
    form = _text(client.get(url))
    assert 'name="entered-m_2024_04"' in form and 'name="entered-m_2024_06"' in form
    response = client.post(
        url,
        {
            "how": "entered",
            "entered-m_2024_04": "10",
            "entered-m_2024_05": "",
            "entered-m_2024_06": "30",
            "entered-reason": "Typed",
        },
    )
    assert response.status_code == 302
    entered = BenefitProfile.objects.get(is_current=True)
    assert sorted(entered.months.values_list("value", flat=True)) == [Decimal(10), Decimal(30)]
    response = client.post(
        url,
        {
            "how": "generated",
            "generated-shape": "linear-ramp",
            "generated-total": "999.99",
            "generated-first": "2024-04",
            "generated-last": "2025-03",
            "generated-reason": "Full year",
        },
    )
    assert response.status_code == 302
    generated = BenefitProfile.objects.get(is_current=True)
    assert sum(generated.months.values_list("value", flat=True)) == Decimal("999.99")
    assert generated.months.count() == 12


def test_a_sponsor_adds_a_benefit_to_their_pillar(client, benefit, programme_tree):
    sponsor = benefit.pillar.sponsor
    client.force_login(sponsor)
    data = {
        "reference": "BEN-NEW",
        "title": "Fewer printers",
        "category": "cashable",
        "measure": "Print spend",
        "unit": "£",
        "owner": programme_tree.owner.pk,
        "pillar": benefit.pillar.pk,
        "work_packages": [programme_tree.pk],
        "confidence": "high",
        "target_value": "5000",
    }
    response = client.post("/benefits/register/new/", data)
    assert response.status_code == 302
    created = Benefit.objects.get(reference="BEN-NEW")
    assert AuditRecord.objects.for_object(created).get().actor == sponsor
    response = client.post("/benefits/register/new/", {**data, "reference": "BEN-NEW"})
    assert response.status_code == 400 and "There is a problem" in _text(response)
    assert Benefit.objects.count() == 2


def test_settings_pmo_sets_thresholds_finance_sets_the_mtfs_line(client, role_user, benefit):
    programme = benefit.pillar.programme
    client.force_login(role_user(Role.FINANCE))
    response = client.post(
        "/benefits/settings/",
        {
            "form": "thresholds",
            "thresholds-green_percent": "90",
            "thresholds-amber_percent": "70",
            "thresholds-grace_months": "1",
        },
    )
    assert response.status_code == 403 and not TrackerSettings.objects.exists()
    response = client.post(
        "/benefits/settings/",
        {"form": "savings", "savings-financial_year": "2024/25", "savings-planned_savings": "1000"},
    )
    assert response.status_code == 302
    assert programme.mtfs_savings.get().planned_savings == Decimal(1000)
    client.force_login(role_user(Role.PMO))
    response = client.post(
        "/benefits/settings/",
        {
            "form": "thresholds",
            "thresholds-green_percent": "90",
            "thresholds-amber_percent": "95",
            "thresholds-grace_months": "1",
        },
    )
    assert response.status_code == 400 and not TrackerSettings.objects.exists()
    response = client.post(
        "/benefits/settings/",
        {
            "form": "thresholds",
            "thresholds-green_percent": "90",
            "thresholds-amber_percent": "70",
            "thresholds-grace_months": "2",
        },
    )
    assert response.status_code == 302
    saved = TrackerSettings.objects.get()
    assert (saved.green_threshold, saved.amber_threshold) == (Decimal("0.9"), Decimal("0.7"))
    assert "Green at 90% of plan" in _text(client.get("/benefits/?as_of=2024-06"))


def test_register_and_carbon_pages_list_benefits(client, role_user, benefit):
    client.force_login(role_user(Role.VIEWER))
    assert "Licence saving" in _text(client.get("/benefits/register/?category=cashable"))
    assert "Licence saving" not in _text(client.get("/benefits/register/?category=dis-benefit"))
    assert "No carbon benefits yet" in _text(client.get("/benefits/carbon/"))


def test_pages_work_before_any_benefit_is_recorded(client, role_user, programme_tree):
    client.force_login(role_user(Role.VIEWER))
    for url in (
        "/benefits/",
        "/benefits/?as_of=not-a-month",
        "/benefits/carbon/",
        "/benefits/register/",
        "/benefits/settings/",
        "/benefits/export/tracker.xlsx",
    ):
        assert client.get(url).status_code == 200, url
    html = _text(client.get("/benefits/"))
    assert "No benefits in the register yet" in html and "No £ benefits profiled yet" in html


def test_re_entering_a_recorded_month_on_the_form_asks_for_the_reason_and_saves_nothing(
    client, benefit
):
    # Given May recorded, when the owner enters May again from a blank form (no ?month=),
    give_actuals(benefit, {"2024-05": "500"})
    client.force_login(benefit.owner)
    audit = AuditRecord.objects.count()
    url = f"/benefits/register/{benefit.pk}/actuals/"
    response = client.post(url, {"month": "2024-05", "value": "900", "evidence": "Again"})
    # then it is not overwritten: the form asks why the recorded figure is corrected
    html = _text(response)
    assert response.status_code == 400 and "There is a problem" in html
    assert "already recorded" in html and "Why is the recorded figure corrected?" in html
    assert BenefitActual.objects.get(month="2024-05-01").value == Decimal("500")
    assert AuditRecord.objects.count() == audit
    # and with the reason it is corrected, the page showing the month's history.
    reason = {"correction_reason": "Supplier re-issued the invoice"}
    response = client.post(url, {"month": "2024-05", "value": "900", "evidence": "Again"} | reason)
    assert response.status_code == 302
    assert BenefitActual.objects.get(month="2024-05-01").value == Decimal("900")
    html = _text(client.get(url + "?month=2024-05"))
    assert "History of this month" in html and "Supplier re-issued the invoice" in html


def test_the_mtfs_line_takes_a_year_written_any_way_and_refuses_a_non_year_by_name(
    client, role_user, benefit
):
    # Given Finance on the settings page
    programme = benefit.pillar.programme
    client.force_login(role_user(Role.FINANCE))
    # when the year is not one, the form says so against the field and nothing is saved
    response = client.post(
        "/benefits/settings/",
        {"form": "savings", "savings-financial_year": "2024/26", "savings-planned_savings": "10"},
    )
    assert response.status_code == 400 and "There is a problem" in _text(response)
    assert "Financial year must be a financial year, like 2023/24" in _text(response)
    assert not programme.mtfs_savings.exists()
    # and a year written 2024-25 is kept as 2024/25
    response = client.post(
        "/benefits/settings/",
        {"form": "savings", "savings-financial_year": "2024-25", "savings-planned_savings": "10"},
    )
    assert response.status_code == 302
    assert programme.mtfs_savings.get().financial_year == "2024/25"
