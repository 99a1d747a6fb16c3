"""Choices of the delivery app. Link and constraint codes are Microsoft Project's (MSPDI)."""

from django.db import models


class TaskKind(models.TextChoices):
    TASK = "task", "Task"
    MILESTONE = "milestone", "Milestone"
    SUMMARY = "summary", "Summary task"


class LinkType(models.TextChoices):
    """How a successor depends on its predecessor."""

    FS = "FS", "Finish to start"
    SS = "SS", "Start to start"
    FF = "FF", "Finish to finish"
    SF = "SF", "Start to finish"


class Constraint(models.TextChoices):
    """Date constraints, as Microsoft Project names them."""

    AS_SOON_AS_POSSIBLE = "asap", "As soon as possible"
    START_NO_EARLIER_THAN = "snet", "Start no earlier than"
    START_NO_LATER_THAN = "snlt", "Start no later than"
    FINISH_NO_EARLIER_THAN = "fnet", "Finish no earlier than"
    FINISH_NO_LATER_THAN = "fnlt", "Finish no later than"
    MUST_START_ON = "mso", "Must start on"
    MUST_FINISH_ON = "mfo", "Must finish on"


# Constraints that hold a finish (their date is read as the end of the working day).
FINISH_CONSTRAINTS = {
    Constraint.FINISH_NO_EARLIER_THAN,
    Constraint.FINISH_NO_LATER_THAN,
    Constraint.MUST_FINISH_ON,
}


class InterdependencyType(models.TextChoices):
    """What one work package needs from another. Every type feeds the programme schedule as a
    finish-to-start link: the dependent work package cannot start until the other one (or the
    named milestone of it) is finished."""

    FINISH_TO_START = "finish_to_start", "Finish to start"
    NEEDS_OUTPUT = "needs_output", "Needs an output"
    SHARED_PLATFORM = "shared_platform", "Shared platform"


class InterdependencyStatus(models.TextChoices):
    OPEN = "open", "Open"
    AT_RISK = "at_risk", "At risk"
    MET = "met", "Met"
    CLOSED = "closed", "Closed"


# A closed interdependency no longer applies (withdrawn or superseded): it leaves the schedule.
SCHEDULED_STATUSES = (
    InterdependencyStatus.OPEN,
    InterdependencyStatus.AT_RISK,
    InterdependencyStatus.MET,
)
