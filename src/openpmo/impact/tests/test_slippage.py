"""The benefits at risk when a work package slips: delivery says what moves, the benefits
register what each moved work package plans; the page and the API show both."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from openpmo.benefits import selectors as benefit_selectors
from openpmo.benefits.models import Benefit, BenefitProfile, ProfileMonth
from openpmo.delivery.tests.factories import chain
from openpmo.delivery.tests.test_programme import _three_in_a_row
from openpmo.impact import selectors
from openpmo.portfolio.tests.factories import WorkPackageFactory


def _benefits_of_the_hub(pmo, hub, loner):
    """BEN-1 (the hub's, planning May and June 2024) and BEN-2 (the hub's and the loner's,
    planning January 2025), £1,000 a month each."""
    early = Benefit.objects.create(
        reference="BEN-1",
        title="Hub savings",
        category="cashable",
        measure="Annual spend",
        owner=pmo,
        pillar=hub.strand.pillar,
    )
    late = Benefit.objects.create(
        reference="BEN-2",
        title="Next year's savings",
        category="cashable",
        measure="Annual spend",
        owner=pmo,
        pillar=hub.strand.pillar,
    )
    early.work_packages.set([hub])
    late.work_packages.set([hub, loner])
    for benefit, months in ((early, ["2024-05-01", "2024-06-01"]), (late, ["2025-01-01"])):
        profile = BenefitProfile.objects.create(benefit=benefit, number=1, method="entered")
        ProfileMonth.objects.bulk_create(
            ProfileMonth(profile=profile, month=dt.date.fromisoformat(m), value=Decimal(1000))
            for m in months
        )


def test_benefits_of_moved_work_packages_are_listed(pmo, programme_tree):
    programme, platform, hub, reports, loner = _three_in_a_row(pmo, programme_tree)
    _benefits_of_the_hub(pmo, hub, loner)
    impact = selectors.slippage_impact(programme, platform, 2)
    # The hub now finishes 4 June: its May profile falls before that, next year's does not
    assert [(b.benefit.reference, b.work_package.reference) for b in impact.benefits] == [
        ("BEN-1", "HUB")
    ]
    assert impact.benefits[0].value_at_risk == Decimal(1000)  # June (after 20 May, by 4 June)


@pytest.fixture
def slip(pmo, programme_tree, client):
    """The platform slipping 2 weeks, BEN-1 at risk: (the page's query, the API's, a client)."""
    _programme, platform, hub, _reports, loner = _three_in_a_row(pmo, programme_tree)
    _benefits_of_the_hub(pmo, hub, loner)
    client.force_login(pmo)
    api = APIClient()
    api.force_authenticate(pmo)
    return {"work_package": platform.pk, "weeks": 2}, client, api


def test_the_page_and_the_api_show_the_benefit_at_risk(slip):
    query, client, api = slip
    page = client.get("/delivery/slippage/", query)
    assert page.status_code == 200
    benefits = page.content.decode().split('id="benefits"')[1].split("</table>")[0]
    assert "BEN-1" in benefits and "HUB" in benefits and "BEN-2" not in benefits
    assert "£1,000" in benefits
    answer = api.get("/api/slippage-impact/", query).json()
    assert [(b["reference"], b["value_at_risk"]) for b in answer["benefits"]] == [
        ("BEN-1", "1000.00")
    ]


def test_a_slip_that_cannot_be_computed_lists_no_benefits(pmo, programme_tree):
    undated = WorkPackageFactory(
        strand__pillar__programme=programme_tree.strand.pillar.programme,
        reference="NODATES",
        baseline_start=None,
        baseline_end=None,
    )
    chain(programme_tree, 5)
    api = APIClient()
    api.force_authenticate(pmo)
    answer = api.get("/api/slippage-impact/", {"work_package": undated.pk, "weeks": 4}).json()
    assert "no schedule" in answer["error"] and answer["benefits"] is None


def test_a_broken_benefits_read_fails_loudly_rather_than_showing_no_benefits(slip, monkeypatch):
    query, client, api = slip

    def broken(work_package_ids):
        raise RuntimeError("the benefits register cannot be read")

    monkeypatch.setattr(benefit_selectors, "benefits_of_work_packages", broken)
    for answer in (
        lambda: client.get("/delivery/slippage/", query),
        lambda: api.get("/api/slippage-impact/", query),
    ):
        with pytest.raises(RuntimeError, match="cannot be read"):
            answer()
