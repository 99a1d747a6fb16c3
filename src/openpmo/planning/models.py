"""Portfolio planning: business drivers and their weights, ratings of work packages against them,
scenarios (inputs frozen when saved, with the optimiser's answer) and the funding decisions a
committed scenario records against each work package."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from openpmo.common.fields import FinancialYearField
from openpmo.common.models import Created, Versioned
from openpmo.planning.choices import (
    FundingOutcome,
    Objective,
    Rating,
    ScenarioStatus,
    Underway,
)


class BusinessDriver(Versioned):
    """Something the programme is for (a council priority, cashable savings, carbon, …)."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="business_drivers"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = models.DecimalField(
        max_digits=7,
        decimal_places=6,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of the strategic score, 0 to 1 (the weights add up to 1)",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="driver_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DriverComparison(models.Model):
    """One pairwise judgement: how much more important ``first`` is than ``second`` (Saaty 1-9)."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.CASCADE, related_name="driver_comparisons"
    )
    first = models.ForeignKey(BusinessDriver, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(BusinessDriver, on_delete=models.CASCADE, related_name="+")
    judgement = models.CharField(max_length=5, help_text="1 to 9, or 1/2 to 1/9")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_judgement_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.first} against {self.second}: {self.judgement}"


class DriverRating(models.Model):
    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.CASCADE, related_name="driver_ratings"
    )
    driver = models.ForeignKey(BusinessDriver, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(max_length=10, choices=Rating.choices, default=Rating.NONE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work_package", "driver"], name="one_rating_per_driver")
        ]

    def __str__(self) -> str:
        return f"{self.work_package} against {self.driver}: {self.rating}"


class Scenario(Created, Versioned):
    """A named what-if: its inputs are frozen when saved, so it can be re-read years later."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="scenarios"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    objective = models.CharField(max_length=10, choices=Objective.choices, default=Objective.SCORE)
    inputs = models.JSONField(help_text="The problem as solved: budgets, candidates, forces")
    result = models.JSONField(help_text="The optimiser's answer")
    frontier = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="scenario_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:scenario-detail", args=[self.pk])


class FundingDecision(models.Model):
    """What a committed scenario decided for one work package; the latest one is current."""

    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.PROTECT, related_name="funding_decisions"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=10, choices=FundingOutcome.choices)
    start_year = FinancialYearField(blank=True, help_text="")
    underway = models.CharField(
        max_length=10, choices=Underway.choices, blank=True, default=Underway.NOT_UNDERWAY
    )
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["work_package", "-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.work_package.reference}: {self.get_outcome_display()}"
