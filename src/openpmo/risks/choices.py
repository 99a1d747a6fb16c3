"""The fixed vocabularies of the RAID register and of simulation runs."""

from django.db import models


class ItemKind(models.TextChoices):
    """The kinds of RAID item this app holds. Dependencies are the delivery app's interdependency
    register and decisions are the gates app's decision log: linked, not copied."""

    RISK = "risk", "Risk"
    ASSUMPTION = "assumption", "Assumption"
    ISSUE = "issue", "Issue"


REFERENCE_PREFIX = {ItemKind.RISK: "R", ItemKind.ASSUMPTION: "A", ItemKind.ISSUE: "I"}


class Level(models.TextChoices):
    """Where an item is owned, lowest first; escalation moves it one step up."""

    WORK_PACKAGE = "work_package", "Work package"
    STRAND = "strand", "Strand"
    PILLAR = "pillar", "Pillar"
    PROGRAMME = "programme", "Programme"


LEVEL_ORDER = [Level.WORK_PACKAGE, Level.STRAND, Level.PILLAR, Level.PROGRAMME]


class ItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    OCCURRED = "occurred", "Occurred (issue raised)"


class Category(models.TextChoices):
    """The categories the programme states its risk appetite for."""

    FINANCIAL = "financial", "Financial"
    DELIVERY = "delivery", "Delivery"
    REPUTATIONAL = "reputational", "Reputational"
    COMPLIANCE = "compliance", "Compliance"
    TECHNOLOGY = "technology", "Technology"


class Response(models.TextChoices):
    """The response to a risk (the "four Ts")."""

    TREAT = "treat", "Treat"
    TOLERATE = "tolerate", "Tolerate"
    TRANSFER = "transfer", "Transfer"
    TERMINATE = "terminate", "Terminate"


class Trend(models.TextChoices):
    """How the residual score moved at its last change."""

    NEW = "new", "New"
    IMPROVING = "improving", "Improving"
    STABLE = "stable", "Stable"
    WORSENING = "worsening", "Worsening"


class Proximity(models.TextChoices):
    """How soon the item would bite, from its proximity date."""

    PASSED = "passed", "Date passed"
    IMMINENT = "imminent", "Within 1 month"
    NEAR = "near", "1 to 3 months"
    MEDIUM = "medium", "3 to 6 months"
    FAR = "far", "More than 6 months"
    NOT_SET = "", "Not set"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class BandColour(models.TextChoices):
    """Colours a score band may take (GOV.UK tag colours; the band's label always shows too)."""

    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    ORANGE = "orange", "Orange"
    RED = "red", "Red"
    PURPLE = "purple", "Purple"
