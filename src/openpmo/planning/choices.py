from django.db import models


class Rating(models.TextChoices):
    """How strongly a work package serves a business driver (points 0 to 4)."""

    NONE = "none", "None"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    STRONG = "strong", "Strong"
    EXTREME = "extreme", "Extreme"


class Objective(models.TextChoices):
    """What the optimiser maximises."""

    SCORE = "score", "Strategic score (weighted drivers)"
    NPSV = "npsv", "Net present social value (Green Book appraisal)"
    BENEFITS = "benefits", "Benefits by year (from the business case)"


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMMITTED = "committed", "Committed"


class FundingOutcome(models.TextChoices):
    FUNDED = "funded", "Funded"
    DEFERRED = "deferred", "Deferred"
    STOPPED = "stopped", "Stopped"


class Underway(models.TextChoices):
    """Appendix 1 of the council report: for work already underway, complete it or stop it."""

    NOT_UNDERWAY = "", "Not underway"
    COMPLETE = "complete", "Complete"
    STOP = "stop", "Stop"
