"""The live board pack preview at scale: summary-first tables, kept for a short time, refreshed
on request or after any recorded change; the governed pack and its downloads stay whole."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from openpmo.portfolio.services import work_package_update
from openpmo.portfolio.tests.factories import WorkPackageFactory
from openpmo.reports import services
from openpmo.reports.views import PREVIEW_ROWS

URL = "/reports/board-pack/?period=2024-03"
UNFORECAST = 30  # work packages without a forecast: one row each in a finance table


@pytest.fixture
def many(programme_tree):
    strand = programme_tree.strand
    return [
        WorkPackageFactory(strand=strand, name=f"Package number {i:02d}") for i in range(UNFORECAST)
    ]


def _names_shown(html: str) -> int:
    return sum(f"Package number {i:02d}<" in html for i in range(UNFORECAST))


def test_long_tables_show_their_first_rows_with_a_link_to_all(client, people, many):
    client.force_login(people["viewer"])
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    # the fixture's own work package (no forecast either) is the first row, then ours
    assert _names_shown(html) == PREVIEW_ROWS - 1
    assert f"Showing the first {PREVIEW_ROWS} of" in html
    assert "rows=all" in html and "Show all" in html
    every = client.get(URL + "&rows=all").content.decode()
    assert _names_shown(every) == UNFORECAST
    assert "Showing the first" not in every


def test_the_preview_is_kept_until_a_recorded_change_or_a_refresh(client, people, many):
    client.force_login(people["viewer"])
    first = client.get(URL).content.decode()
    many[0].name = "Renamed quietly"
    many[0].save()  # not through a service: nothing audited
    kept = client.get(URL).content.decode()
    assert "Renamed quietly" not in kept and "Package number 00<" in kept
    refreshed = client.get(URL + "&refresh=1").content.decode()
    assert "Renamed quietly" in refreshed
    assert first.count("<tr") == refreshed.count("<tr")
    # a governed write (audited) makes the next view build the preview again
    work_package_update(actor=people["pmo"], work_package=many[1], name="Renamed and recorded")
    assert "Renamed and recorded" in client.get(URL).content.decode()


def test_the_governed_board_pack_and_downloads_stay_whole(client, people, many):
    pack = services.report_create(
        actor=people["pmo"],
        kind="board_pack",
        programme=many[0].strand.pillar.programme,
        period=dt.date(2024, 3, 1),
    )
    client.force_login(people["viewer"])
    page = client.get(URL, follow=True)
    html = page.content.decode()
    assert page.redirect_chain and page.redirect_chain[-1][0].endswith(f"/reports/{pack.pk}/")
    assert _names_shown(html) == UNFORECAST and "Showing the first" not in html
    book = load_workbook(io.BytesIO(client.get(URL + "&format=xlsx").content))
    cells = " | ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    assert all(f"Package number {i:02d}" in cells for i in range(UNFORECAST))
