"""The benefits register, benefit profiles (versioned), actuals with evidence, shortfall
explanations, and each programme's tracker settings and MTFS savings line.

Months are stored as the first day of the month (``DateField``), values as ``Decimal`` in the
benefit's own unit, always positive: a dis-benefit is recorded as the size of the harm, and the
tracker counts it against the totals (see ``openpmo.core.benefits._tracker``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from openpmo.benefits.choices import CarbonScope, Category, Confidence, ProfileMethod, Unit
from openpmo.common.fields import FinancialYearField, MoneyField
from openpmo.common.models import Illustrative, Versioned
from openpmo.common.validators import no_control_characters
from openpmo.core.benefits import Month


def month_of(day: object) -> Month:
    """The ``Month`` of a stored first-of-month date."""
    return Month.of(day)  # type: ignore[arg-type]


def _first_of_month(value: object) -> None:
    if value is not None and getattr(value, "day", 1) != 1:
        raise ValidationError("Enter a month (the first day of the month).")


# A benefit's figures are in its own unit (pounds, hours, tCO2e...), so not ``MoneyField``.
_VALUE = {"max_digits": 14, "decimal_places": 2}


class Benefit(Illustrative, Versioned):
    """One benefit (or dis-benefit) in the register (§3.11)."""

    reference = models.CharField(
        max_length=30,
        unique=True,
        help_text="e.g. BEN-DATA-001",
        validators=[no_control_characters],
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    measure = models.CharField(
        max_length=200, help_text="What is measured, e.g. 'Annual licence spend'"
    )
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.POUNDS)
    baseline_value = models.DecimalField(**_VALUE, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(
        **_VALUE, null=True, blank=True, help_text="The total benefit planned, in the unit"
    )
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_benefits",
        help_text="Records the actuals and explains any shortfall",
    )
    steady_state_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="steady_state_benefits",
        help_text="Who owns the benefit in business as usual, after handover (§3.11)",
    )
    pillar = models.ForeignKey(
        "portfolio.Pillar", on_delete=models.PROTECT, related_name="benefits"
    )
    work_packages = models.ManyToManyField(
        "portfolio.WorkPackage", blank=True, related_name="benefits"
    )
    strategic_objective = models.ForeignKey(
        "portfolio.StrategicPriority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="benefits",
    )
    confidence = models.CharField(
        max_length=10, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    evidence_required = models.TextField(
        blank=True, help_text="What evidence each actual must carry"
    )
    carbon_scope = models.CharField(
        max_length=10,
        choices=CarbonScope.choices,
        blank=True,
        help_text="Only for benefits measured in tCO2e",
    )
    carbon_method = models.TextField(
        blank=True, help_text="How the tCO2e change is estimated and measured"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__isnull=True)
                | Q(baseline_date__isnull=True)
                | Q(target_date__gte=F("baseline_date")),
                name="benefit_target_after_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:benefit-detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.unit == Unit.TONNES_CO2E:
            if not self.carbon_scope:
                errors["carbon_scope"] = "Give the scope (1, 2 or 3) of a carbon benefit."
            if not self.carbon_method.strip():
                errors["carbon_method"] = "Say how the carbon change is estimated."
        elif self.carbon_scope:
            errors["carbon_scope"] = "Only a benefit measured in tCO2e has a carbon scope."
        if self.target_value is not None and self.target_value < 0:
            errors["target_value"] = (
                "Record the size of the benefit (a dis-benefit too) as a positive number."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def current_profile(self) -> BenefitProfile | None:
        """The current profile version (from ``current_profiles`` when prefetched)."""
        prefetched = getattr(self, "current_profiles", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.profiles.filter(is_current=True).first()

    @property
    def is_dis_benefit(self) -> bool:
        return self.category == Category.DIS_BENEFIT

    @property
    def is_carbon(self) -> bool:
        return self.unit == Unit.TONNES_CO2E


class BenefitProfile(Illustrative):
    """One version of a benefit's planned profile. Version 1 is the original baseline; a
    re-baseline adds a version and keeps every earlier one for comparison."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="profiles")
    number = models.PositiveIntegerField()
    method = models.CharField(max_length=20, choices=ProfileMethod.choices)
    reason = models.TextField(blank=True, help_text="Why the profile was set or re-baselined")
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["benefit", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["benefit", "number"], name="profile_number_unique_per_benefit"
            ),
            models.UniqueConstraint(
                fields=["benefit"],
                condition=Q(is_current=True),
                name="one_current_profile_per_benefit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.benefit.reference} profile v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:benefit-detail", args=[self.benefit_id])

    @property
    def is_original(self) -> bool:
        return self.number == 1


class ProfileMonth(models.Model):
    """The planned value of one month of one profile version."""

    profile = models.ForeignKey(BenefitProfile, on_delete=models.CASCADE, related_name="months")
    month = models.DateField(validators=[_first_of_month])
    value = models.DecimalField(**_VALUE, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["profile", "month"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "month"], name="profile_month_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="profile_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.value}"


class BenefitActual(Illustrative, Versioned):
    """What a benefit actually delivered in a month, with its evidence and who recorded it."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="actuals")
    month = models.DateField(validators=[_first_of_month])
    value = models.DecimalField(**_VALUE, validators=[MinValueValidator(0)])
    evidence = models.TextField(help_text="What shows the figure is real")
    attachment = models.FileField(upload_to="benefits/evidence/%Y/%m/", blank=True, max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recorded_benefit_actuals",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["benefit", "month"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "month"], name="actual_month_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="actual_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.benefit.reference} actual {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:benefit-detail", args=[self.benefit_id])


class ShortfallExplanation(Illustrative, Versioned):
    """The owner's account of why a benefit is Amber or Red in a month, and what is being done."""

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="explanations")
    month = models.DateField(validators=[_first_of_month])
    explanation = models.TextField()
    recovery_action = models.TextField(blank=True, help_text="What will bring it back on track")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["benefit", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["benefit", "month"], name="explanation_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.benefit.reference} shortfall {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:benefit-detail", args=[self.benefit_id])


class TrackerSettings(Versioned):
    """A programme's RAG thresholds and grace for late actuals. Without a row, the defaults."""

    programme = models.OneToOneField(
        "portfolio.Programme", on_delete=models.CASCADE, related_name="benefit_tracker_settings"
    )
    green_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.95"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Share of plan a benefit must reach to be Green (0.95 = 95%, boundary Green)",
    )
    amber_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.80"),
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Share of plan a benefit must reach to be Amber (0.80 = 80%, boundary Amber)",
    )
    grace_months = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(12)],
        help_text="Months after a month ends before its missing actual counts as late",
    )
    carbon_contribution_target = models.DecimalField(
        **_VALUE,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="tCO2e the programme aims to cut, net, by March 2030 (net-zero ambition)",
    )

    class Meta:
        verbose_name_plural = "tracker settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(amber_threshold__lte=F("green_threshold")),
                name="tracker_amber_not_above_green",
            )
        ]

    def __str__(self) -> str:
        return f"Benefits tracker settings of {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:settings")


class SavingsLine(Illustrative, Versioned):
    """The cashable savings a programme has put into the MTFS for a financial year (§3.13)."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.CASCADE, related_name="mtfs_savings"
    )
    financial_year = FinancialYearField(help_text="e.g. 2024/25")
    planned_savings = MoneyField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["programme", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "financial_year"], name="savings_line_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"MTFS savings {self.financial_year}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:settings")
