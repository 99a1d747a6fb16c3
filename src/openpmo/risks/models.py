"""The RAID register (risks, assumptions, issues), its matrix and appetite, and simulation runs.

Dependencies are the delivery app's interdependency register and decisions the gates app's
decision log; an item may link to a decision (``decision``) but neither is copied here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from openpmo.common.fields import MoneyField
from openpmo.common.models import Illustrative, Versioned
from openpmo.common.validators import no_control_characters
from openpmo.risks import scoring
from openpmo.risks.choices import (
    ActionStatus,
    Category,
    ItemKind,
    ItemStatus,
    Level,
    Response,
    RunStatus,
    Trend,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


def _default_probability_labels() -> list[str]:
    return list(scoring.DEFAULT_PROBABILITY_LABELS)


def _default_impact_labels() -> list[str]:
    return list(scoring.DEFAULT_IMPACT_LABELS)


def _default_bands() -> list[dict[str, object]]:
    return [dict(band) for band in scoring.DEFAULT_BANDS]


class RiskMatrix(Versioned):
    """The programme's 5 x 5 probability-impact matrix: its labels and score bands."""

    programme = models.OneToOneField(
        "portfolio.Programme", on_delete=models.CASCADE, related_name="risk_matrix"
    )
    probability_labels = models.JSONField(default=_default_probability_labels)
    impact_labels = models.JSONField(default=_default_impact_labels)
    bands = models.JSONField(
        default=_default_bands, help_text="Score bands: each up to a score, with label and colour"
    )

    def __str__(self) -> str:
        return f"Risk matrix of {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("risks:matrix")

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in ("probability_labels", "impact_labels"):
            value = getattr(self, name)
            if (
                not isinstance(value, list)
                or len(value) != 5
                or not all(isinstance(v, str) and v.strip() for v in value)
            ):
                errors[name] = ["Give five labels, lowest first."]
        band_problems = scoring.band_errors(self.bands)
        if band_problems:
            errors["bands"] = band_problems
        if errors:
            raise ValidationError(errors)

    @property
    def score_bands(self) -> list[scoring.Band]:
        return scoring.bands_of(self.bands)


class RiskAppetite(Illustrative, Versioned):
    """The programme's appetite in one category: the highest residual score it will carry."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.CASCADE, related_name="risk_appetites"
    )
    category = models.CharField(max_length=20, choices=Category.choices)
    max_score = models.PositiveSmallIntegerField(
        "Highest acceptable score",
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="Items scoring above this (1 to 25) are outside appetite",
    )
    statement = models.TextField(blank=True, help_text="The appetite in words")

    class Meta:
        ordering = ["programme", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category"], name="one_appetite_per_category"
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1, max_score__lte=25), name="appetite_score_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} appetite: up to {self.max_score}"

    def get_absolute_url(self) -> str:
        return reverse("risks:matrix")


class RaidItem(Illustrative, Versioned):
    """A risk, assumption or issue, owned at one level of the programme.

    The level's row is held in the matching foreign key (a work package item also records its
    strand and pillar, so a pillar's sponsor finds everything under the pillar in one filter).
    Scores are 1-5 probability x 1-5 impact, before (inherent) and after (residual) the response.
    An issue has happened, so its probability is 5 and its score is 5 x impact.
    """

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="raid_items"
    )
    kind = models.CharField(max_length=12, choices=ItemKind.choices)
    reference = models.CharField(
        max_length=20, help_text="e.g. R-001", validators=[no_control_characters]
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_raid_items",
    )
    level = models.CharField(max_length=15, choices=Level.choices)
    pillar = models.ForeignKey(
        "portfolio.Pillar", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    strand = models.ForeignKey(
        "portfolio.Strand", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raid_items",
    )
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    raised_on = models.DateField(default=dt.date.today)
    proximity_date = models.DateField(
        null=True, blank=True, help_text="When it would happen or bite, for its proximity"
    )
    target_date = models.DateField("Target resolution date", null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    inherent_probability = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE
    )
    inherent_impact = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE
    )
    residual_probability = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE
    )
    residual_impact = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=ONE_TO_FIVE
    )
    response = models.CharField(max_length=10, choices=Response.choices, blank=True)
    mitigation = models.TextField("Response plan", blank=True)
    trend = models.CharField(max_length=10, choices=Trend.choices, default=Trend.NEW)
    raised_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issues_raised",
        help_text="The risk this issue was raised from when it happened",
    )
    decision = models.ForeignKey(
        "gates.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raid_items",
        help_text="The decision in the gate decision log that settled it",
    )
    # Quantification (risks): the chance it happens, and what it adds when it does.
    chance = models.DecimalField(
        "Probability (0 to 1)",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    cost_min = MoneyField(null=True, blank=True)
    cost_likely = MoneyField(null=True, blank=True)
    cost_max = MoneyField(null=True, blank=True)
    delay_min = models.DecimalField(
        "Delay minimum (working days)", max_digits=7, decimal_places=1, null=True, blank=True
    )
    delay_likely = models.DecimalField(
        "Delay most likely (working days)", max_digits=7, decimal_places=1, null=True, blank=True
    )
    delay_max = models.DecimalField(
        "Delay maximum (working days)", max_digits=7, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "kind", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "reference"], name="raid_reference_unique_in_programme"
            ),
            models.CheckConstraint(
                condition=Q(chance__isnull=True) | Q(chance__gte=0, chance__lte=1),
                name="raid_chance_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=Q(cost_min__isnull=True)
                | (Q(cost_min__lte=F("cost_likely")) & Q(cost_likely__lte=F("cost_max"))),
                name="raid_cost_three_points_in_order",
            ),
            models.CheckConstraint(
                condition=Q(delay_min__isnull=True)
                | (
                    Q(delay_min__gte=0)
                    & Q(delay_min__lte=F("delay_likely"))
                    & Q(delay_likely__lte=F("delay_max"))
                ),
                name="raid_delay_three_points_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("risks:item-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        required = {
            Level.WORK_PACKAGE: "work_package",
            Level.STRAND: "strand",
            Level.PILLAR: "pillar",
        }.get(self.level)
        if required and getattr(self, f"{required}_id") is None:
            errors[required] = f"Choose the {required.replace('_', ' ')} this item belongs to."
        if self.kind == ItemKind.RISK:
            if self.inherent_probability is None:
                errors["inherent_probability"] = "Give the risk's probability before its response."
            if self.inherent_impact is None:
                errors["inherent_impact"] = "Give the risk's impact before its response."
        if self.kind == ItemKind.ISSUE and self.inherent_impact is None:
            errors["inherent_impact"] = "Give the issue's impact."
        if (self.residual_probability is None) != (self.residual_impact is None):
            errors["residual_impact"] = "Give both the residual probability and impact, or neither."
        for prefix, unit in (("cost", "cost"), ("delay", "delay")):
            points = [getattr(self, f"{prefix}_{p}") for p in ("min", "likely", "max")]
            if any(p is not None for p in points):
                if any(p is None for p in points):
                    errors[f"{prefix}_likely"] = (
                        f"Give the minimum, most likely and maximum {unit}, or none of them."
                    )
                elif not points[0] <= points[1] <= points[2]:
                    errors[f"{prefix}_likely"] = (
                        f"The {unit} must be minimum ≤ most likely ≤ maximum."
                    )
                elif prefix == "delay" and points[0] < 0:
                    errors["delay_min"] = "A delay cannot be negative."
        if self.is_quantified and self.kind != ItemKind.RISK:
            errors["chance"] = "Only risks are quantified for simulation."
        if self.has_impacts and self.chance is None:
            errors["chance"] = "Give the probability (0 to 1) that the risk happens."
        if self.raised_from_id is not None and self.kind != ItemKind.ISSUE:
            errors["raised_from"] = "Only an issue is raised from a risk."
        if self.decision_id is not None and self.decision.programme_id != self.programme_id:
            errors["decision"] = "Choose a decision of this programme."
        if self.closed_on and self.closed_on < self.raised_on:
            errors["closed_on"] = "It cannot close before it was raised."
        if errors:
            raise ValidationError(errors)

    # -- scores ----------------------------------------------------------------------------

    @property
    def inherent_score(self) -> int | None:
        return scoring.score(self.inherent_probability, self.inherent_impact)

    @property
    def residual_score(self) -> int | None:
        return scoring.score(self.residual_probability, self.residual_impact)

    @property
    def current_score(self) -> int | None:
        """The score the item is judged on: residual when assessed, otherwise inherent."""
        return self.residual_score if self.residual_score is not None else self.inherent_score

    @property
    def has_impacts(self) -> bool:
        return self.cost_min is not None or self.delay_min is not None

    @property
    def is_quantified(self) -> bool:
        return self.chance is not None

    @property
    def level_object(self) -> models.Model | None:
        return {
            Level.WORK_PACKAGE: self.work_package,
            Level.STRAND: self.strand,
            Level.PILLAR: self.pillar,
            Level.PROGRAMME: self.programme,
        }.get(self.level)

    @property
    def is_open(self) -> bool:
        return self.status == ItemStatus.OPEN


class TaskHit(models.Model):
    """A task (or a whole work package) that a quantified risk delays when it happens.

    ``task_uid`` is the UID of a task in the delivery app's schedule of that work package; empty
    means the work package as a whole.
    """

    item = models.ForeignKey(RaidItem, on_delete=models.CASCADE, related_name="hits")
    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.PROTECT, related_name="+"
    )
    task_uid = models.PositiveIntegerField("Task UID", null=True, blank=True)
    task_name = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["item", "work_package__reference", "task_uid"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "work_package", "task_uid"], name="hit_once_per_task"
            ),
            models.UniqueConstraint(
                fields=["item", "work_package"],
                condition=Q(task_uid__isnull=True),
                name="hit_whole_work_package_once",
            ),
        ]

    def __str__(self) -> str:
        what = self.task_name or (f"task {self.task_uid}" if self.task_uid else "whole package")
        return f"{self.work_package.reference}: {what}"


class RaidAction(Illustrative, Versioned):
    """An action on an item, with its owner and due date."""

    item = models.ForeignKey(RaidItem, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raid_actions",
    )
    due_on = models.DateField("Due date", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)
    progress_note = models.TextField(blank=True)

    class Meta:
        ordering = ["item", "due_on", "id"]

    def __str__(self) -> str:
        return f"Action on {self.item.reference}: {self.description[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("risks:item-detail", args=[self.item_id])

    def clean(self) -> None:
        if self.status == ActionStatus.DONE and self.completed_on is None:
            self.completed_on = timezone.localdate()
        if self.status == ActionStatus.OPEN:
            self.completed_on = None

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == ActionStatus.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class Escalation(models.Model):
    """One escalation of an item up a level, with the reason: kept as its history."""

    item = models.ForeignKey(RaidItem, on_delete=models.CASCADE, related_name="escalations")
    from_level = models.CharField(max_length=15, choices=Level.choices)
    from_name = models.CharField(max_length=300)
    to_level = models.CharField(max_length=15, choices=Level.choices)
    to_name = models.CharField(max_length=300)
    reason = models.TextField()
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "escalated_at", "id"]

    def __str__(self) -> str:
        return (
            f"{self.item.reference} escalated from {self.get_from_level_display()} "
            f"to {self.get_to_level_display()}"
        )


class SimulationRun(Illustrative):
    """A Monte Carlo run of a work package or the programme: its inputs, progress and result.

    ``inputs`` holds what was simulated (tasks, estimates, risks, correlation) and ``result`` the
    engine's summary; with ``seed`` and ``iterations`` the run can be repeated exactly.
    """

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="simulation_runs"
    )
    work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="simulation_runs",
        help_text="Empty for a run of the whole programme",
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    percent = models.PositiveSmallIntegerField(default=0)
    iterations = models.PositiveIntegerField(
        validators=[MinValueValidator(100), MaxValueValidator(200_000)]
    )
    seed = models.PositiveBigIntegerField()
    inputs = models.JSONField(default=dict)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True, help_text="The background task's id")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="run_percent_at_most_100")
        ]

    def __str__(self) -> str:
        scope = self.work_package.reference if self.work_package_id else "programme"
        return f"Simulation {self.pk} of {scope} ({self.iterations:,} iterations, seed {self.seed})"

    def get_absolute_url(self) -> str:
        return reverse("risks:run-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.FINISHED, RunStatus.FAILED)
