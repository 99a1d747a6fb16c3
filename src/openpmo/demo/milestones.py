"""Demo milestone achievements (illustrative), relative to the date the demo is loaded as at.

The demo's schedules give every planned work package three milestones. As at the demo's date,
of those already due: most were achieved on time, some late, and some have slipped (not yet
achieved), more so in amber and red packages; the rest are upcoming. Each achievement goes
through the delivery service (``milestone_achieve``, permission-checked and audited), recorded a
few days after it happened, never after the demo's date, so "achieved as at a date" reads the
same history as the pages. Deterministic: each milestone's fate is drawn from a generator seeded
with its work package and task; idempotent: an achieved milestone is left as it is, and one left
slipped draws the same fate on the next run.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from openpmo.common.services import SYSTEM
from openpmo.delivery import services, stored_schedules
from openpmo.delivery.milestones import milestone_counts

# Chance that a due milestone has slipped (not achieved by now), by the package's RAG.
SLIPPED = {"red": 0.5, "amber": 0.3}
SLIPPED_OTHERWISE = 0.1
LATE = 0.25  # chance that an achieved one came late
EVIDENCE = [
    "Illustrative: signed off at the programme board",
    "Illustrative: sponsor's acceptance email on file",
    "Illustrative: go-live checklist completed and filed",
    "Illustrative: decision recorded in the pillar board minutes",
]


def load(context: Any) -> None:
    programme = context.programme
    # Never beyond today: a later run anchored on the 15th of the month it was first loaded in
    # must not record, on the 3rd, what "happened" by the 15th.
    as_of: dt.date = min(context.timeline.as_of, timezone.localdate())
    if stored_schedules.current_fingerprint(programme) is None:
        stored_schedules.refresh(programme)  # the planned dates come from the stored schedule
    now = timezone.now()
    for row in milestone_counts(as_at=as_of, programme=programme).rows:
        task, planned = row.task, row.planned
        if task.achieved_on is not None or planned is None or planned > as_of:
            continue  # already recorded (or corrected in the app), or upcoming
        work_package = task.schedule.work_package
        rng = random.Random(f"milestone:{work_package.reference}:{task.uid}")  # noqa: S311
        draw = rng.random()
        slipped = SLIPPED.get(work_package.rag_status, SLIPPED_OTHERWISE)
        if draw < slipped:
            continue
        if draw < slipped + LATE:
            achieved = planned + dt.timedelta(days=rng.randint(3, 35))
        else:
            achieved = planned - dt.timedelta(days=rng.randint(0, 4))
        if achieved > as_of:
            continue  # late, and not there yet: it has slipped
        recorded_on = min(achieved + dt.timedelta(days=rng.randint(0, 3)), as_of)
        recorded_at = timezone.make_aware(dt.datetime.combine(recorded_on, dt.time(17)))
        if recorded_at > now:
            continue  # a demo dated ahead of the clock cannot have recorded it yet
        services.milestone_achieve(
            actor=SYSTEM,
            task=task,
            achieved_on=achieved,
            evidence=rng.choice(EVIDENCE),
            recorded_at=recorded_at,
        )
        context.report.count("milestones achieved")
