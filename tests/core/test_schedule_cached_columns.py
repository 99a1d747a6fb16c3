"""A network of objects is turned into columns once and reused while it lives: scheduling it
again (another start, another calendar) gives what a network never scheduled gives, and no
other network, even one that takes its place in memory, is given its columns."""

from __future__ import annotations

import gc
from datetime import datetime

import numpy as np
import pytest

from openpmo.core.schedule import Calendar, Link, Network, Task, schedule
from openpmo.core.schedule._table import cached_table_of

START = datetime(2026, 1, 5, 9, 0)


def chain(days: list[int]) -> Network:
    tasks = tuple(
        Task(uid=i + 1, name=f"T{i + 1}", duration_minutes=d * 480) for i, d in enumerate(days)
    )
    links = tuple(Link(i, i + 1) for i in range(1, len(days)))
    return Network(tasks=tasks, links=links)


def finishes(network: Network, start: datetime = START) -> list[datetime]:
    return [t.early_finish for t in schedule(network, Calendar.standard(), start).tasks]


def test_scheduling_a_network_again_gives_what_a_fresh_copy_gives() -> None:
    network = chain([1, 2, 3])
    first = finishes(network)
    later = datetime(2026, 2, 2, 9, 0)
    again = finishes(network, later)
    fresh = finishes(Network(tasks=network.tasks, links=network.links), later)
    assert again == fresh
    assert again != first  # a later start moved every date: nothing stale was kept
    assert finishes(network) == first


def test_a_network_taking_the_place_of_one_gone_gets_its_own_columns() -> None:
    results = []
    for days in ([1, 1, 1], [5, 5, 5], [2, 9, 6]):
        network = chain(days)  # the previous network is gone: the same memory is often reused
        results.append(finishes(network)[-1])
        del network
        gc.collect()
    assert results == [finishes(chain(d))[-1] for d in ([1, 1, 1], [5, 5, 5], [2, 9, 6])]
    assert len(set(results)) == 3


def test_the_kept_columns_cannot_be_changed() -> None:
    table = cached_table_of(chain([1, 2]))
    assert isinstance(table.durations, np.ndarray)
    with pytest.raises(ValueError, match="read-only"):
        table.durations[0] = 0
