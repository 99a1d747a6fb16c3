"""The benefits services: every write audited, every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.benefits import services
from openpmo.benefits.models import (
    Benefit,
    BenefitActual,
    BenefitProfile,
    ProfileMonth,
    SavingsLine,
    ShortfallExplanation,
    TrackerSettings,
)
from openpmo.benefits.tests.factories import BenefitFactory
from openpmo.common.services import ConflictError
from openpmo.core.benefits import Month
from openpmo.portfolio.tests.factories import WorkPackageFactory


@pytest.fixture
def pmo(role_user):
    return role_user(Role.PMO)


@pytest.fixture
def benefit(programme_tree):
    return BenefitFactory(
        pillar=programme_tree.strand.pillar,
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )


def _state():
    return {
        model.__name__: model.objects.count()
        for model in (
            Benefit,
            BenefitProfile,
            ProfileMonth,
            BenefitActual,
            ShortfallExplanation,
            SavingsLine,
            TrackerSettings,
            AuditRecord,
        )
    }


def test_every_benefits_write_is_audited_with_its_action_code(
    pmo, programme_tree, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    # Given the PMO, when they build a benefit from nothing and track it
    pillar = programme_tree.strand.pillar
    benefit = services.benefit_create(
        actor=pmo,
        pillar=pillar,
        reference="B-1",
        title="Licence saving",
        category="cashable",
        measure="Spend",
        unit="£",
        owner=programme_tree.owner,
        work_packages=[programme_tree],
    )
    services.benefit_update(actor=pmo, benefit=benefit, title="Licence savings")
    services.profile_generate(
        actor=pmo,
        benefit=benefit,
        shape="step",
        total=Decimal("1200"),
        first=Month(2024, 4),
        last=Month(2024, 6),
    )
    services.profile_set(
        actor=pmo,
        benefit=benefit,
        months={Month(2024, 5): Decimal("600"), Month(2024, 6): Decimal("600")},
        method="pasted",
        reason="Contract notice period",
    )
    actual = services.actual_record(
        actor=pmo, benefit=benefit, month="2024-05", value=Decimal("550"), evidence="Invoice 1"
    )
    services.actual_record(
        actor=pmo,
        benefit=benefit,
        month="2024-05",
        value=Decimal("560"),
        evidence="Invoice 1a",
        correction_reason="Credit note",
    )
    services.shortfall_explain(actor=pmo, benefit=benefit, month="2024-05", explanation="Late")
    services.tracker_settings_update(
        actor=pmo, programme=pillar.programme, green_threshold=Decimal("0.9")
    )
    services.savings_line_set(
        actor=pmo, programme=pillar.programme, financial_year="2024-25", planned_savings=Decimal(5)
    )
    # then each write left exactly one record, in order
    actions = list(AuditRecord.objects.order_by("id").values_list("action", "actor"))
    assert actions == [
        ("benefit.created", pmo.pk),
        ("benefit.updated", pmo.pk),
        ("benefit_profile.created", pmo.pk),
        ("benefit_profile.rebaselined", pmo.pk),
        ("benefit_actual.recorded", pmo.pk),
        ("benefit_actual.corrected", pmo.pk),
        ("shortfall_explanation.given", pmo.pk),
        ("tracker_settings.created", pmo.pk),
        ("savings_line.created", pmo.pk),
    ]
    corrected = AuditRecord.objects.get(action="benefit_actual.corrected")
    assert (corrected.before["value"], corrected.after["value"]) == ("550.00", "560.00")
    rebaselined = AuditRecord.objects.get(action="benefit_profile.rebaselined")
    assert rebaselined.before["months"] == {
        "2024-04": "400.00",
        "2024-05": "400.00",
        "2024-06": "400.00",
    }
    assert rebaselined.after["reason"] == "Contract notice period"
    actual.refresh_from_db()
    assert (actual.value, actual.version, actual.recorded_by) == (Decimal("560.00"), 2, pmo)
    assert SavingsLine.objects.get().financial_year == "2024/25"


def test_a_rebaseline_keeps_the_original_and_needs_a_reason(pmo, benefit):
    services.profile_generate(
        actor=pmo,
        benefit=benefit,
        shape="linear-ramp",
        total=Decimal("1000"),
        first=Month(2024, 4),
        last=Month(2024, 9),
    )
    before = _state()
    with pytest.raises(ValidationError) as error:
        services.profile_generate(
            actor=pmo,
            benefit=benefit,
            shape="step",
            total=Decimal("900"),
            first=Month(2024, 7),
            last=Month(2024, 9),
        )
    assert "reason" in error.value.message_dict
    assert _state() == before
    services.profile_generate(
        actor=pmo,
        benefit=benefit,
        shape="step",
        total=Decimal("900"),
        first=Month(2024, 7),
        last=Month(2024, 9),
        reason="Go-live slipped",
    )
    original, current = benefit.profiles.order_by("number")
    assert (original.is_current, current.is_current) == (False, True)
    assert sum(original.months.values_list("value", flat=True)) == Decimal("1000")
    assert list(current.months.values_list("value", flat=True)) == [Decimal("300.00")] * 3
    assert benefit.current_profile == current


@pytest.mark.parametrize(
    ("shape", "total", "months"),
    [("s-curve", "1000000.01", 36), ("linear-ramp", "7", 5), ("step", "100", 3)],
)
def test_generated_profiles_sum_exactly_to_the_target(pmo, benefit, shape, total, months):
    profile = services.profile_generate(
        actor=pmo,
        benefit=benefit,
        shape=shape,
        total=Decimal(total),
        first=Month(2024, 4),
        last=Month(2024, 4) + (months - 1),
    )
    values = list(profile.months.values_list("value", flat=True))
    assert len(values) == months
    assert sum(values) == Decimal(total)


def test_a_count_benefit_is_profiled_in_whole_items(pmo, benefit):
    benefit.unit = "count"
    benefit.save()
    profile = services.profile_generate(
        actor=pmo,
        benefit=benefit,
        shape="s-curve",
        total=Decimal("100"),
        first=Month(2024, 4),
        last=Month(2024, 10),
    )
    assert all(v == v.to_integral() for v in profile.months.values_list("value", flat=True))


def test_invalid_benefit_is_refused_with_fields_named_and_nothing_saved(pmo, programme_tree):
    elsewhere = WorkPackageFactory()
    before = _state()
    with pytest.raises(ValidationError) as error:
        services.benefit_create(
            actor=pmo,
            pillar=programme_tree.strand.pillar,
            reference="B-2",
            title="Carbon without a scope",
            category="non-financial",
            measure="Emissions",
            unit="tCO2e",
            owner=programme_tree.owner,
            target_value=Decimal("-5"),
            baseline_date=dt.date(2025, 1, 1),
            target_date=dt.date(2024, 1, 1),
            work_packages=[elsewhere],
        )
    assert {"carbon_scope", "carbon_method", "work_packages"} <= set(error.value.message_dict)
    assert _state() == before


def test_actuals_refuse_future_months_wrong_files_and_negative_values(
    pmo, benefit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    before = _state()
    with pytest.raises(ValidationError, match="has not started"):
        services.actual_record(
            actor=pmo,
            benefit=benefit,
            month="2024-07",
            value=Decimal(1),
            evidence="x",
            today=dt.date(2024, 6, 30),
        )
    with pytest.raises(ValidationError) as error:
        services.actual_record(
            actor=pmo,
            benefit=benefit,
            month="2024-05",
            value=Decimal(1),
            evidence="x",
            attachment=SimpleUploadedFile("run.exe", b"MZ"),
        )
    assert "attachment" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.actual_record(
            actor=pmo, benefit=benefit, month="2024-05", value=Decimal(-1), evidence=""
        )
    assert {"value", "evidence"} <= set(error.value.message_dict)
    assert _state() == before
    assert not list(tmp_path.rglob("*.*"))


def test_an_actual_keeps_its_attachment_under_media(pmo, benefit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    actual = services.actual_record(
        actor=pmo,
        benefit=benefit,
        month="2024-05",
        value=Decimal("10.50"),
        evidence="Invoice",
        attachment=SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test"),
    )
    assert actual.attachment.name.startswith("benefits/evidence/")
    assert (tmp_path / actual.attachment.name).read_bytes() == b"%PDF-1.4 test"
    record = AuditRecord.objects.get(action="benefit_actual.recorded")
    assert record.after["attachment"] == actual.attachment.name


def test_a_stale_correction_of_an_actual_is_refused(pmo, benefit):
    first = services.actual_record(
        actor=pmo, benefit=benefit, month="2024-05", value=Decimal(1), evidence="a"
    )
    services.actual_record(
        actor=pmo,
        benefit=benefit,
        month="2024-05",
        value=Decimal(2),
        evidence="b",
        expected_version=first.version,
        correction_reason="Invoice revised",
    )
    before = _state()
    with pytest.raises(ConflictError, match="changed by someone else"):
        services.actual_record(
            actor=pmo,
            benefit=benefit,
            month="2024-05",
            value=Decimal(3),
            evidence="c",
            expected_version=first.version,
            correction_reason="Revised again",
        )
    assert _state() == before
    assert BenefitActual.objects.get().value == Decimal(2)


def test_thresholds_must_keep_amber_at_or_below_green(pmo, programme_tree):
    before = _state()
    with pytest.raises(ValidationError):
        services.tracker_settings_update(
            actor=pmo,
            programme=programme_tree.strand.pillar.programme,
            green_threshold=Decimal("0.7"),
            amber_threshold=Decimal("0.8"),
        )
    assert _state() == before


def test_a_savings_line_needs_a_real_financial_year(pmo, programme_tree):
    before = _state()
    with pytest.raises(ValidationError) as error:
        services.savings_line_set(
            actor=pmo,
            programme=programme_tree.strand.pillar.programme,
            financial_year="2024/26",
            planned_savings=Decimal(1),
        )
    assert "financial_year" in error.value.message_dict
    assert _state() == before


def test_re_entering_a_recorded_month_is_a_correction_with_a_reason_never_silent(pmo, benefit):
    # Given May's actual recorded as 550
    first = services.actual_record(
        actor=pmo, benefit=benefit, month="2024-05", value=Decimal("550"), evidence="Invoice 1"
    )
    before = _state()
    # when May is entered again with another figure and no reason, it is refused, naming it,
    with pytest.raises(ValidationError) as error:
        services.actual_record(
            actor=pmo, benefit=benefit, month="2024-05", value=Decimal("900"), evidence="Invoice 2"
        )
    assert "already recorded (550" in error.value.message_dict["correction_reason"][0]
    assert _state() == before and BenefitActual.objects.get().value == Decimal("550")
    # the same figure again changes nothing,
    again = services.actual_record(
        actor=pmo, benefit=benefit, month="2024-05", value=Decimal("550"), evidence="Invoice 1"
    )
    assert again.version == first.version and _state() == before
    # and with a reason it is corrected, the earlier figure and the reason kept in the history.
    services.actual_record(
        actor=pmo,
        benefit=benefit,
        month="2024-05",
        value=Decimal("900"),
        evidence="Invoice 2",
        correction_reason="The first invoice was for April",
    )
    record = AuditRecord.objects.get(action="benefit_actual.corrected")
    assert (record.before["value"], record.after["value"]) == ("550.00", "900.00")
    assert record.after["correction_reason"] == "The first invoice was for April"
