"""The programme schedule at scale: summary first (pillars and strands), then the work packages
a page at a time, read from the stored schedule without running the engine on view."""

from __future__ import annotations

import datetime as dt

import pytest

from openpmo.delivery import stored_schedules
from openpmo.delivery.views import GANTT_PAGE_ROWS
from openpmo.portfolio.tests.factories import PillarFactory, StrandFactory, WorkPackageFactory

PACKAGES = 60


@pytest.fixture
def big_programme(programme_tree):
    """60 work packages with register dates, in two pillars of two and one strands."""
    programme = programme_tree.strand.pillar.programme
    first = PillarFactory(programme=programme, name="Alpha pillar", order=1)
    second = PillarFactory(programme=programme, name="Beta pillar", order=2)
    strands = [
        StrandFactory(pillar=first, name="Alpha one"),
        StrandFactory(pillar=first, name="Alpha two"),
        StrandFactory(pillar=second, name="Beta only"),
    ]
    for i in range(PACKAGES - 1):
        WorkPackageFactory(
            strand=strands[i % 3],
            reference=f"BIG-{i:02d}",
            baseline_start=dt.date(2024, 1, 1) + dt.timedelta(days=7 * i),
            baseline_end=dt.date(2024, 6, 1) + dt.timedelta(days=7 * i),
        )
    stored_schedules.refresh(programme)  # as the background worker does after a change
    return programme


def _table(html: str, table_id: str) -> str:
    return html.split(f'id="{table_id}"')[1].split("</table>")[0]


def test_pillars_and_strands_come_first_then_a_page_of_work_packages(client, pmo, big_programme):
    client.force_login(pmo)
    html = client.get(f"/delivery/?programme={big_programme.pk}").content.decode()
    summary = _table(html, "summary-table")
    for name in ("Alpha pillar", "Alpha one", "Alpha two", "Beta pillar", "Beta only"):
        assert name in summary
    assert summary.index("Alpha pillar") < summary.index("Alpha one") < summary.index("Beta pillar")
    assert '<title id="programme-summary-gantt-title">' in html
    assert html.index('id="summary-table"') < html.index('id="schedule-table"')
    first = _table(html, "schedule-table")
    assert first.count('scope="row"') == GANTT_PAGE_ROWS
    assert f"1 to {GANTT_PAGE_ROWS} of {PACKAGES}" in html
    assert 'class="govuk-pagination"' in html and "page=2" in html
    second = client.get(f"/delivery/?programme={big_programme.pk}&page=2").content.decode()
    rows = _table(second, "schedule-table")
    assert rows.count('scope="row"') == PACKAGES - GANTT_PAGE_ROWS
    assert not set(first.split("BIG-")[1:]) & set(rows.split("BIG-")[1:])
    # a page number that is not one shows the first page, never an error
    odd = client.get(f"/delivery/?programme={big_programme.pk}&page=abc")
    assert odd.status_code == 200 and f"1 to {GANTT_PAGE_ROWS} of" in odd.content.decode()


def test_viewing_reads_the_stored_schedule_without_running_the_engine(
    client, pmo, big_programme, monkeypatch
):
    client.force_login(pmo)

    def no_engine(*args, **kwargs):
        raise AssertionError("the engine ran on a page view")

    monkeypatch.setattr(stored_schedules, "refresh", no_engine)
    for page in (1, 2):
        response = client.get(f"/delivery/?programme={big_programme.pk}&page={page}")
        assert response.status_code == 200 and "Alpha pillar" in response.content.decode()


def test_a_changed_schedule_renders_its_first_page_ahead_of_the_first_view(
    client, pmo, big_programme, monkeypatch, django_capture_on_commit_callbacks
):
    from openpmo.delivery.views import programme as page

    # given the schedule stored again after a change (the moment it commits)
    with django_capture_on_commit_callbacks(execute=True):
        stored_schedules.refresh(big_programme)
    rendered = []
    real = page._schedule_body
    monkeypatch.setattr(page, "_schedule_body", lambda *a: rendered.append(a) or real(*a))
    client.force_login(pmo)
    # the first page is read as rendered ahead: nothing is rendered on view
    first = client.get(f"/delivery/?programme={big_programme.pk}")
    assert first.status_code == 200 and "Alpha pillar" in first.content.decode()
    assert rendered == []
    # a later page was not rendered ahead: it renders on its first view
    second = client.get(f"/delivery/?programme={big_programme.pk}&page=2")
    assert second.status_code == 200 and len(rendered) == 1


def test_a_schedule_refreshed_by_a_page_view_is_not_rendered_twice(
    client, pmo, big_programme, monkeypatch, django_capture_on_commit_callbacks
):
    from openpmo.delivery.models import StoredProgrammeSchedule

    monkeypatch.setattr(stored_schedules, "BACKGROUND_FROM", 10**6)  # scheduled on the page
    StoredProgrammeSchedule.objects.filter(programme=big_programme).delete()
    client.force_login(pmo)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(f"/delivery/?programme={big_programme.pk}")
    assert response.status_code == 200 and "Alpha pillar" in response.content.decode()
    assert callbacks == []  # the page shows what it stored: no render ahead queued
