"""The resource pool (roles, people, absences), suppliers and their contracts, and the demand of
each work package by role and month, with how the package is sourced (in-house, partner, hybrid).

Capacity and demand are in FTE (1.00 is one full-time person for the month). Money is pounds
(``Decimal``). Months are stored as their first day.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from openpmo.common.fields import MoneyField
from openpmo.common.models import Versioned
from openpmo.resources.choices import DemandSource, Employment, Sourcing, SupplierKind

FTE = {"max_digits": 6, "decimal_places": 2, "validators": [MinValueValidator(0)]}


def validate_first_of_month(value: object) -> None:
    if getattr(value, "day", 1) != 1:
        raise ValidationError("Give the first day of the month.")


class ResourceRole(Versioned):
    """A role that work needs and people fill (business analyst, developer...)."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="resource_roles"
    )
    name = models.CharField(max_length=120)
    partner_day_rate = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="What a partner charges a day for this role (for the hybrid comparison)",
    )

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="resource_role_name_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Supplier(Versioned):
    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="suppliers"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SupplierKind.choices)
    contact = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="supplier_name_unique_in_programme"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contract(Versioned):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts")
    reference = models.CharField(max_length=60)
    value = MoneyField(validators=[MinValueValidator(0)])
    start = models.DateField()
    end = models.DateField()
    deliverables = models.TextField(blank=True)
    work_packages = models.ManyToManyField(
        "portfolio.WorkPackage", blank=True, related_name="contracts"
    )

    class Meta:
        ordering = ["supplier", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "reference"], name="contract_reference_unique_for_supplier"
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="contract_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="contract_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} {self.reference}"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end date must be on or after the start date."})


class Person(Versioned):
    """Someone in the pool: in-house, fixed-term, partner, contractor or SME backfill.

    Cost: the Table 1 post they fill (salary with on-costs, from finance's team cost model), or a
    day rate.
    """

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(max_length=200)
    role = models.ForeignKey(ResourceRole, on_delete=models.PROTECT, related_name="people")
    employment = models.CharField(max_length=20, choices=Employment.choices)
    fte = models.DecimalField("FTE", **FTE, default=1)
    available_from = models.DateField()
    available_to = models.DateField(null=True, blank=True)
    team_role = models.ForeignKey(
        "finance.TeamRole",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The core team post (Table 1) this person fills",
    )
    day_rate = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    skills = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "role", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gte=0), name="person_fte_not_negative"),
            models.CheckConstraint(
                condition=Q(available_to__isnull=True) | Q(available_to__gte=F("available_from")),
                name="person_available_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.available_to and self.available_from and self.available_to < self.available_from:
            errors["available_to"] = "Available to must be on or after available from."
        if self.role_id and self.programme_id and self.role.programme_id != self.programme_id:
            errors["role"] = "The role belongs to another programme."
        if self.fte is not None and self.fte > 1:
            errors["fte"] = "FTE is at most 1.00 (one full-time person)."
        if errors:
            raise ValidationError(errors)


class Absence(models.Model):
    """Holidays and leave: days the person is not available (their working calendar)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField()
    end = models.DateField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["person", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.start} to {self.end}"


class Demand(models.Model):
    """FTE of a role a work package needs in a month."""

    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.CASCADE, related_name="resource_demand"
    )
    role = models.ForeignKey(ResourceRole, on_delete=models.PROTECT, related_name="demand")
    month = models.DateField(validators=[validate_first_of_month])
    fte = models.DecimalField("FTE", **FTE)
    source = models.CharField(
        max_length=20, choices=DemandSource.choices, default=DemandSource.TYPED
    )

    class Meta:
        ordering = ["work_package", "role", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_package", "role", "month"], name="demand_unique_per_role_month"
            ),
            models.CheckConstraint(condition=Q(fte__gte=0), name="demand_fte_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.work_package} {self.role} {self.month:%b %Y}: {self.fte}"


class PackageSourcing(Versioned):
    """How a work package is delivered: in-house, by a partner, or a hybrid share."""

    work_package = models.OneToOneField(
        "portfolio.WorkPackage", on_delete=models.CASCADE, related_name="sourcing"
    )
    mode = models.CharField(max_length=20, choices=Sourcing.choices, default=Sourcing.IN_HOUSE)
    partner_share = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="The share of the work a partner does (0 to 1) when hybrid",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(partner_share__gte=0) & Q(partner_share__lte=1),
                name="sourcing_partner_share_between_0_and_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_package}: {self.get_mode_display()}"
