"""The ETP demo's benefits: a credible set for every pillar, loaded once however often the loader
runs, and a tracker whose totals are the sums of the benefits' own figures in every month."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from openpmo.accounts.models import User
from openpmo.benefits import selectors
from openpmo.benefits.models import (
    Benefit,
    BenefitActual,
    BenefitProfile,
    ProfileMonth,
    SavingsLine,
    ShortfallExplanation,
)
from openpmo.core.benefits import Month, Rag
from openpmo.portfolio.models import Pillar, Programme


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Benefit,
            BenefitProfile,
            ProfileMonth,
            BenefitActual,
            ShortfallExplanation,
            SavingsLine,
        )
    }


@pytest.fixture
def demo(db, tmp_path, settings, monkeypatch):
    settings.ENV = settings.ENV.__class__(**{**settings.ENV.__dict__, "var_dir": tmp_path})
    # The register, the finance demo (the reserve), the gates demo (its decision FP/527/10/22
    # draws the money ROI reads: no drawdown without a decision) and ours: other domains' demos
    # are theirs to test, and may be half-built at any moment.
    monkeypatch.setattr("openpmo.demo.load.DOMAIN_DEMOS", ["finance", "gates", "benefits"])
    call_command("load_demo", verbosity=0)
    return Programme.objects.get(short_name="ETP")


def _own_figures():
    """Each benefit's current profile and actuals straight from the tables, with its sign."""
    sign = {b.pk: (-1 if b.category == "dis-benefit" else 1) for b in Benefit.objects.all()}
    planned: dict[int, dict[Month, Decimal]] = defaultdict(dict)
    for benefit_id, day, value in ProfileMonth.objects.filter(profile__is_current=True).values_list(
        "profile__benefit_id", "month", "value"
    ):
        planned[benefit_id][Month.of(day)] = value
    actual: dict[int, dict[Month, Decimal]] = defaultdict(dict)
    for benefit_id, day, value in BenefitActual.objects.values_list("benefit_id", "month", "value"):
        actual[benefit_id][Month.of(day)] = value
    return sign, planned, actual


def test_the_demo_loads_once_and_tells_a_story(demo, client):
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    # Every pillar has benefits with profiles and actuals; all of it marked illustrative.
    for pillar in Pillar.objects.filter(programme=demo):
        benefits = Benefit.objects.filter(pillar=pillar)
        assert benefits.exists(), pillar.name
        assert BenefitActual.objects.filter(benefit__pillar=pillar).exists(), pillar.name
    assert not Benefit.objects.filter(is_illustrative=False).exists()
    assert not BenefitActual.objects.filter(is_illustrative=False).exists()
    # 18 months of actuals, April 2023 to September 2024
    months = sorted({Month.of(d) for d in BenefitActual.objects.values_list("month", flat=True)})
    assert (months[0], months[-1], len(months)) == (Month(2023, 4), Month(2024, 9), 18)
    # Dis-benefits, carbon in and out, a re-baselined profile
    assert Benefit.objects.filter(category="dis-benefit").count() >= 2
    carbon = Benefit.objects.filter(unit="tCO2e")
    assert (
        carbon.filter(category="dis-benefit").exists()
        and carbon.exclude(category="dis-benefit").exists()
    )
    assert BenefitProfile.objects.filter(number=2, is_current=True).exists()
    # Some ahead, some behind, in September 2024
    view = selectors.tracker(demo, as_of=Month(2024, 9))
    rags = [line.position.rag for line in view.benefits]
    assert rags.count(Rag.GREEN) >= 5 and rags.count(Rag.RED) >= 2 and Rag.AMBER in rags
    assert any(line.position.variance > 0 for line in view.benefits)
    assert any(line.explanation for line in view.benefits)
    assert view.roi is not None and view.drawn and view.drawn > 0
    assert len(view.savings) == 3
    _dis_benefits_count_against_the_total(view, demo)
    _a_missing_actual_is_shown_as_missing_not_zero(view, client)


def test_tracker_totals_are_the_sums_of_the_benefits_own_figures_in_every_month(demo):
    sign, planned, actual = _own_figures()
    benefits = {b.pk: b for b in Benefit.objects.select_related("pillar")}
    register = selectors.register_load(demo)
    first, last = register.first_month, register.last_month
    assert first is not None and last is not None
    checked = 0
    for as_of in Month.span(first, last):
        view = selectors.tracker(demo, as_of=as_of, register=register)
        expected: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
        for pk, benefit in benefits.items():
            s = sign[pk]
            own_planned = planned.get(pk, {})
            own_actual = actual.get(pk, {})
            row = [
                s * sum((v for m, v in own_planned.items() if m <= as_of), Decimal(0)),
                s * sum((v for m, v in own_actual.items() if m <= as_of), Decimal(0)),
                s * own_planned.get(as_of, Decimal(0)),
                s * own_actual.get(as_of, Decimal(0)),
            ]
            for key in ((str(benefit.pillar_id), benefit.unit), ("programme", benefit.unit)):
                expected[key] = [a + b for a, b in zip(expected[key], row, strict=True)]
        found = {
            (g.roll_up.key, g.roll_up.unit): [
                g.roll_up.planned_cumulative,
                g.roll_up.actual_cumulative,
                g.roll_up.planned_in_month,
                g.roll_up.actual_in_month,
            ]
            for g in view.by_pillar
        }
        found.update(
            {
                ("programme", g.roll_up.unit): [
                    g.roll_up.planned_cumulative,
                    g.roll_up.actual_cumulative,
                    g.roll_up.planned_in_month,
                    g.roll_up.actual_in_month,
                ]
                for g in view.programme_totals
            }
        )
        assert found == dict(expected), as_of
        for group in [*view.by_pillar, *view.programme_totals]:
            r = group.roll_up
            assert r.variance == r.actual_cumulative - r.planned_cumulative
        checked += 1
    assert checked >= 36


def _dis_benefits_count_against_the_total(view, demo):
    pillar = Pillar.objects.get(programme=demo, name="Citizen Engagement")
    lines = [
        line
        for line in view.benefits
        if line.benefit.pillar_id == pillar.pk and line.position.unit == "£"
    ]
    harm = sum(
        line.position.actual_cumulative for line in lines if line.benefit.category == "dis-benefit"
    )
    good = sum(
        line.position.actual_cumulative for line in lines if line.benefit.category != "dis-benefit"
    )
    assert harm > 0
    total = next(g.roll_up for g in view.by_pillar if g.pillar == pillar and g.roll_up.unit == "£")
    assert total.actual_cumulative == good - harm


def _a_missing_actual_is_shown_as_missing_not_zero(view, client):
    client.force_login(User.objects.get(username="board"))
    august = client.get("/benefits/?as_of=2024-08").content.decode()
    row = august.split("BEN-AE-002</a>")[1].split("</tr>")[0]
    assert "Missing" in row and "£0" not in row.split("</td>")[1]
    september = client.get("/benefits/?as_of=2024-09").content.decode()
    row = september.split("BEN-AE-002</a>")[1].split("</tr>")[0]
    assert "1 month missing" in row
    row = september.split("BEN-PD-004</a>")[1].split("</tr>")[0]
    assert "Missing" in row
    position = next(
        line.position for line in view.benefits if line.benefit.reference == "BEN-AE-002"
    )
    assert position.late_months == (Month(2024, 8),)
