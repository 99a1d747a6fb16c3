"""The MSPDI reader hands the columns it read to the engine, so that the first schedule of a
file read does not turn its objects into columns again: those columns must be exactly what
``table_of`` makes of the network read, on every shared file, whichever way it was read, and
must belong to that network object only (a network rebuilt or changed gets its own)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tests.shared_data import shared_file

from openpmo.core.schedule import Network, Project, _table, read_mspdi, schedule_project
from openpmo.core.schedule._mspdi import _read_tree
from openpmo.core.schedule._table import NetworkArrays, cached_table_of, table_of

SCHEDULES = shared_file("schedules")

FILES = sorted([*SCHEDULES.glob("*.mspdi.xml"), *SCHEDULES.glob("mpxj_*.xml")])
LARGEST = SCHEDULES / "MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml"
NOT_PLAIN = SCHEDULES / "mpxj_sample.xml"  # constraints, lags: read field by field


def kept(project: Project) -> NetworkArrays | None:
    found = _table._TABLES.get(id(project.network))
    return found[1] if found is not None and found[0]() is project.network else None


def assert_same_columns(given: NetworkArrays, made: NetworkArrays) -> None:
    assert given.names == made.names
    for name in NetworkArrays.__dataclass_fields__:
        if name == "names":
            continue
        ours, theirs = getattr(given, name), getattr(made, name)
        assert ours.dtype == theirs.dtype, name
        assert np.array_equal(ours, theirs, equal_nan=name == "lag_percent"), name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("reader", [read_mspdi, _read_tree], ids=["read_mspdi", "tree"])
def test_the_columns_handed_over_are_what_table_of_makes(path: Path, reader: object) -> None:
    project = reader(path.read_bytes())  # type: ignore[operator]
    given = kept(project)
    if given is None:  # not every task plain: columns are made from the objects when scheduled
        return
    assert_same_columns(given, table_of(project.network))


def test_the_largest_file_and_most_others_hand_over_their_columns() -> None:
    assert kept(read_mspdi(LARGEST)) is not None
    assert kept(read_mspdi(LARGEST.read_bytes())) is not None
    handed = [path.name for path in FILES if kept(read_mspdi(path)) is not None]
    assert len(handed) >= len(FILES) // 2, handed


def test_a_file_not_plain_hands_nothing_over_and_is_scheduled_as_before() -> None:
    project = read_mspdi(NOT_PLAIN)
    assert kept(project) is None
    fresh = replace(project, network=Network(project.network.tasks, project.network.links))
    assert schedule_project(project).tasks == schedule_project(fresh).tasks


def test_the_first_schedule_of_a_file_read_uses_the_columns_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = read_mspdi(LARGEST)
    copy = replace(project, network=Network(project.network.tasks, project.network.links))
    expected = schedule_project(copy).tasks  # columns made from the objects

    def refuse(network: Network) -> NetworkArrays:
        raise AssertionError("columns made again from the objects")

    monkeypatch.setattr(_table, "table_of", refuse)
    assert schedule_project(project).tasks == expected


def test_a_network_rebuilt_from_a_file_read_gets_its_own_columns() -> None:
    project = read_mspdi(LARGEST)
    given = kept(project)
    assert given is not None
    tasks = list(project.network.tasks)
    row = next(k for k, t in enumerate(tasks) if not t.summary and t.duration_minutes)
    tasks[row] = replace(tasks[row], duration_minutes=tasks[row].duration_minutes + 10 * 480)
    changed = replace(project, network=Network(tuple(tasks), project.network.links))
    table = cached_table_of(changed.network)
    assert table is not given
    assert int(table.durations[row]) == int(given.durations[row]) + 10 * 480
    before = schedule_project(project).tasks[row]
    after = schedule_project(changed).tasks[row]
    assert after.early_finish > before.early_finish  # the change is seen: no stale columns


def test_the_columns_handed_over_cannot_be_changed() -> None:
    given = kept(read_mspdi(LARGEST))
    assert given is not None
    with pytest.raises(ValueError, match="read-only"):
        given.durations[0] = 0
    with pytest.raises(ValueError, match="read-only"):
        given.predecessors[0] = 0
