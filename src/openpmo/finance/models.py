"""Money of a programme: the team cost plan, the earmarked reserve ledger, Green Book appraisals,
and each work package's spend and forecast. Amounts are pounds (``Decimal``); financial years are
written ``2023/24`` (1 April to 31 March). The arithmetic is done by ``openpmo.core.finance``
through ``core_adapters``; these models only hold the inputs."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from openpmo.common.fields import FinancialYearField, MoneyField, validate_financial_year
from openpmo.common.models import Created, Illustrative, Versioned
from openpmo.common.services import ConflictError
from openpmo.core.money import FinancialYear
from openpmo.finance.choices import (
    EntryKind,
    LineGroup,
    SpendSource,
    SpendType,
    StatedFigureKind,
)

# Re-exported: the migrations of finance and planning name them here.
__all__ = ["FinancialYearField", "validate_financial_year"]

# --- team cost model (seed §6.1.1-6.1.2, Table 1) --------------------------------------------


class TeamCostPlan(Illustrative, Versioned):
    """A programme's core team: the prices' base year, inflation by year, the approved cap."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="team_cost_plans"
    )
    name = models.CharField(max_length=200)
    base_year = FinancialYearField(help_text="The year whose prices the annual costs are in")
    cap = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The approved envelope in pounds (e.g. £2.304m)",
    )
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="team_cost_plan_name_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:team-cost-plan", args=[self.pk])


class InflationRate(models.Model):
    """The price uplift of one financial year after the base year (0.05 is 5%)."""

    plan = models.ForeignKey(TeamCostPlan, on_delete=models.CASCADE, related_name="inflation")
    year = FinancialYearField()
    rate = models.DecimalField(max_digits=7, decimal_places=4)

    class Meta:
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="inflation_year_unique_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.rate:%}"


class TeamRole(Illustrative, Versioned):
    """A post (or ``fte`` identical posts) in the team, in post from ``start`` to ``end``.

    The cost of one FTE for a year in base-year prices is ``annual_cost``, or ``salary x (1 +
    on_cost_rate) + fixed_on_costs`` (employer NI and pension as a rate; IT and licences fixed).
    """

    plan = models.ForeignKey(TeamCostPlan, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=200)
    fte = models.DecimalField(
        "FTE", max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    annual_cost = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Per FTE a year, on-costs included; or give a salary instead",
    )
    salary = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Per FTE a year",
    )
    on_cost_rate = models.DecimalField(
        max_digits=6, decimal_places=4, default=0, validators=[MinValueValidator(0)]
    )
    fixed_on_costs = MoneyField(
        default=0, validators=[MinValueValidator(0)], help_text="Per FTE a year"
    )
    start = models.DateField()
    end = models.DateField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="team_role_name_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="team_role_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(fte__gte=0), name="team_role_fte_not_negative"),
            models.CheckConstraint(
                condition=Q(annual_cost__isnull=True, salary__isnull=False)
                | Q(annual_cost__isnull=False, salary__isnull=True),
                name="team_role_annual_cost_or_salary",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = "The end date must be on or after the start date."
        if (self.annual_cost is None) == (self.salary is None):
            errors["annual_cost"] = "Give either an annual cost per FTE or a salary, not both."
        elif self.annual_cost is not None and (self.on_cost_rate or self.fixed_on_costs):
            errors["on_cost_rate"] = "On-costs go with a salary, not with an annual cost."
        if errors:
            raise ValidationError(errors)


# --- the earmarked reserve (seed §3.3, §6.1.5-6.1.6, Table 2) ---------------------------------


class Reserve(Illustrative, Versioned):
    """An earmarked reserve (e.g. the Technology and Digitisation Reserve) over its years.

    ``opening_balance`` is the first year's; ``balance`` is always ``opening_balance`` plus the
    signed amounts of every entry (the services keep it so, under a row lock). Balances are held
    as negatives, as council reports print them in brackets.
    """

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="reserves"
    )
    name = models.CharField(max_length=200)
    first_year = FinancialYearField()
    last_year = FinancialYearField()
    opening_balance = MoneyField(
        help_text="At the start of the first year; a reserve holding money is negative"
    )
    balance = MoneyField(editable=False)
    reporting_unit = MoneyField(
        max_digits=10,
        default=1000,
        validators=[MinValueValidator(0)],
        help_text="The unit the report prints in (1000 for £'000); the rounding unit of its figures",
    )
    opening_label = models.CharField(max_length=100, default="Opening reserve balance")
    subtotal_label = models.CharField(max_length=100, default="Current planned balance")
    closing_label = models.CharField(max_length=100, default="Residual balance")
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="reserve_name_unique_in_programme"
            ),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")), name="reserve_last_year_after_first"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:reserve", args=[self.pk])

    def clean(self) -> None:
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": "The last year must not be before the first."})

    @property
    def years(self) -> list[FinancialYear]:
        return FinancialYear.span(
            FinancialYear.parse(self.first_year), FinancialYear.parse(self.last_year)
        )


class ReserveEntry(Illustrative):
    """One movement of the reserve in a financial year. Entries are never changed or removed.

    ``amount`` is what was paid in or taken out (more than zero); ``ledger_amount`` is the same
    with the sign it moves the balance by. Money taken out names the decision that authorised it
    (who decided, in which role, which decision: ``authorised_by``, ``authority_role``,
    ``authority``) and, when it took the balance past zero, the Decision maker's reason for
    overriding. The gates app's ``FundingRelease.reserve_entry`` links a release to its entry.
    """

    reserve = models.ForeignKey(Reserve, on_delete=models.PROTECT, related_name="entries")
    year = FinancialYearField()
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = MoneyField(validators=[MinValueValidator(0)])
    ledger_amount = MoneyField(editable=False)
    reason = models.TextField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who decided to take the money out (the Cabinet Member for Finance, §7.1)",
    )
    authority_role = models.CharField(
        max_length=50, blank=True, help_text="The role they decided in (delegated authority)"
    )
    authority = models.CharField(
        max_length=300, blank=True, help_text="The decision that authorised it, as printed"
    )
    work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reserve_entries",
        help_text="The work package the money was released to or returned from",
    )
    override_reason = models.TextField(
        blank=True, help_text="Why a Decision maker let this drawdown take the balance past zero"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["reserve", "year", "id"]
        verbose_name_plural = "reserve entries"
        indexes = [models.Index(fields=["reserve", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reserve_entry_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} £{self.amount:,.2f}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ConflictError("A reserve entry is never changed: record a return or a new entry.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ConflictError("A reserve entry is never removed: record a return or a new entry.")

    @property
    def source_object(self) -> str:
        """What released the money, as the ledger and the board pack print it."""
        return self.authority


class ReserveStatedFigure(models.Model):
    """A figure as a report prints it (a balance, a line total), to be checked against the ledger."""

    reserve = models.ForeignKey(Reserve, on_delete=models.CASCADE, related_name="stated_figures")
    figure = models.CharField(max_length=20, choices=StatedFigureKind.choices)
    year = FinancialYearField(blank=True, help_text="Blank for a line total")
    line = models.CharField(
        max_length=20, choices=EntryKind.choices, blank=True, help_text="For a line total"
    )
    amount = MoneyField()
    rounding_unit = MoneyField(
        null=True,
        blank=True,
        help_text="For a total quoted in the text (e.g. 100000 for '£28.4m')",
    )
    source = models.CharField(max_length=200, blank=True, help_text="Where it is printed")

    class Meta:
        ordering = ["reserve", "figure", "year", "id"]

    def __str__(self) -> str:
        return f"{self.get_figure_display()} {self.year or self.line} {self.amount}"


# --- Green Book appraisal (seed §3.10, §5) ----------------------------------------------------


class Appraisal(Created, Illustrative, Versioned):
    """A business case's options appraised after the Green Book, in real base-year prices."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="appraisals"
    )
    work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    name = models.CharField(max_length=200)
    base_year = FinancialYearField(help_text="Year 0: not discounted")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="appraisal_name_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:appraisal", args=[self.pk])


class AppraisalDeflator(models.Model):
    """A GDP deflator index for a year, to show whole-life cost in nominal prices too."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="deflators")
    year = FinancialYearField()
    index = models.DecimalField(max_digits=12, decimal_places=4, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["appraisal", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "year"], name="deflator_year_unique_in_appraisal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.index}"


class AppraisalOption(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="options")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appraisal", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "name"], name="option_name_unique_in_appraisal"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AppraisalLine(models.Model):
    """A cost or benefit line of an option; a cost line may carry an optimism bias uplift."""

    option = models.ForeignKey(AppraisalOption, on_delete=models.CASCADE, related_name="lines")
    group = models.CharField(max_length=10, choices=LineGroup.choices)
    name = models.CharField(max_length=100)
    optimism_bias = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Uplift on a cost line, 0.25 for 25%",
    )

    class Meta:
        ordering = ["option", "group", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "group", "name"], name="line_name_unique_in_option_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.option} {self.group} {self.name}"


class AppraisalAmount(models.Model):
    line = models.ForeignKey(AppraisalLine, on_delete=models.CASCADE, related_name="amounts")
    year = FinancialYearField()
    amount = MoneyField()

    class Meta:
        ordering = ["line", "year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="amount_year_unique_in_line")
        ]

    def __str__(self) -> str:
        return f"{self.line} {self.year}: {self.amount}"


# --- work package money -----------------------------------------------------------------------


class WorkPackageSpend(Illustrative, Versioned):
    """Actual spend of a work package in a month, capital or revenue (entered or imported)."""

    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.PROTECT, related_name="spend"
    )
    month = models.DateField(help_text="The first day of the month")
    spend_type = models.CharField(max_length=10, choices=SpendType.choices)
    amount = MoneyField(help_text="Pounds; a credit is negative")
    entered_as = models.CharField(
        max_length=10, choices=SpendSource.choices, default=SpendSource.ENTERED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["work_package", "month", "spend_type"]
        verbose_name_plural = "work package spend"
        constraints = [
            models.UniqueConstraint(
                fields=["work_package", "month", "spend_type"], name="spend_unique_per_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="spend_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.work_package.reference} {self.month:%B %Y} {self.spend_type}"

    @property
    def financial_year(self) -> str:
        return str(FinancialYear.containing(self.month))


class WorkPackageForecast(Illustrative, Versioned):
    """Spend still expected in a financial year (not yet incurred), capital or revenue."""

    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.PROTECT, related_name="forecasts"
    )
    year = FinancialYearField()
    spend_type = models.CharField(max_length=10, choices=SpendType.choices)
    amount = MoneyField(validators=[MinValueValidator(0)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["work_package", "year", "spend_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_package", "year", "spend_type"], name="forecast_unique_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="forecast_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.work_package.reference} {self.year} {self.spend_type}"
