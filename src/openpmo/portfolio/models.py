from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from openpmo.common.fields import MoneyField
from openpmo.common.models import Illustrative, Versioned
from openpmo.common.validators import no_control_characters
from openpmo.portfolio.choices import THREE_POINT, DeliveryConfidence, RagStatus, Stage


class Programme(Illustrative, Versioned):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, unique=True, help_text="e.g. ETP")
    organisation = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the facts come from")
    separation_of_duties = models.BooleanField(
        default=True,
        help_text="Whoever submits a gate request, business case or report cannot quality-assure, "
        "approve or decide it. Only the PMO switches it off, and the change is audited.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="programme_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:programme-detail", args=[self.pk])


class StrategicPriority(Illustrative):
    """A priority of the council's organisational strategy that work packages serve (§4.10)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="strategic_priorities"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "title"]
        verbose_name_plural = "strategic priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title"], name="priority_title_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Pillar(Illustrative, Versioned):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="pillars")
    name = models.CharField(max_length=200)
    objective = models.TextField()
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sponsored_pillars",
        help_text="The Change and Delivery Manager who owns the pillar",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="pillar_name_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:pillar-detail", args=[self.pk])


class Strand(Illustrative, Versioned):
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="strands")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_strands",
    )

    class Meta:
        ordering = ["pillar", "name"]
        constraints = [
            models.UniqueConstraint(fields=["pillar", "name"], name="strand_name_unique_in_pillar")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portfolio:strand-detail", args=[self.pk])


class WorkPackage(Versioned):
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="work_packages")
    reference = models.CharField(
        max_length=30,
        unique=True,
        help_text="e.g. ETP-DATA-001",
        validators=[no_control_characters],
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_work_packages",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DISCOVERY)
    rag_status = models.CharField(
        "RAG status", max_length=10, choices=RagStatus.choices, blank=True
    )
    delivery_confidence = models.CharField(
        max_length=12,
        choices=DeliveryConfidence.choices,
        blank=True,
        help_text="Five-point delivery confidence assessment",
    )
    delivery_confidence_reason = models.TextField(blank=True)
    baseline_start = models.DateField(null=True, blank=True)
    baseline_end = models.DateField(null=True, blank=True)
    forecast_start = models.DateField(null=True, blank=True)
    forecast_end = models.DateField(null=True, blank=True)
    budget_envelope = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Pounds",
    )
    strategic_priorities = models.ManyToManyField(
        StrategicPriority, blank=True, related_name="work_packages"
    )
    is_illustrative = models.BooleanField(
        default=False, help_text="Facts the source report does not state (dates, owners, budgets)"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_envelope__isnull=True) | Q(budget_envelope__gte=0),
                name="work_package_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(baseline_end__isnull=True)
                | Q(baseline_start__isnull=True)
                | Q(baseline_end__gte=F("baseline_start")),
                name="work_package_baseline_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(forecast_end__isnull=True)
                | Q(forecast_start__isnull=True)
                | Q(forecast_end__gte=F("forecast_start")),
                name="work_package_forecast_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("portfolio:work-package-detail", args=[self.pk])

    @property
    def pillar(self) -> Pillar:
        return self.strand.pillar

    @property
    def delivery_confidence_rag(self) -> str:
        """The three-point (RAG) reading of the five-point delivery confidence."""
        if not self.delivery_confidence:
            return ""
        return str(THREE_POINT[DeliveryConfidence(self.delivery_confidence)])
