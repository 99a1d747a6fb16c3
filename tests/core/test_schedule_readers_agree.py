"""The lxml MSPDI reader gives exactly what the defusedxml reader it replaced gave, on every
shared Microsoft Project file: the same project, tasks, links, calendar and stored dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from schedule_before.mspdi_before import read_mspdi as read_before
from tests.shared_data import shared_files

from openpmo.core.schedule import read_mspdi

FILES = shared_files("schedules", "*.xml")


def test_there_are_files_to_compare():
    assert len(FILES) == 13


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_new_reader_reads_every_shared_file_as_the_old_one_did(path: Path):
    before, now = read_before(path), read_mspdi(path)
    assert now == before  # name, start, calendar, every task and link, day lengths
    assert now.calendar.exceptions == before.calendar.exceptions
    assert dict(now.stored) == dict(before.stored)
    assert [t.parent for t in now.network.tasks] == [t.parent for t in before.network.tasks]
