"""Stage gates (seed §3.10, §3.16, §7; SPEC feature 2).

A programme has its own sequence of :class:`Gate` s, each held at the end of a stage, each with
an evidence checklist. A work package's sponsor or analyst drafts a versioned
:class:`BusinessCase`, then submits a :class:`GateRequest` at the work package's next gate; the
PMO quality-assures it (returns it or forwards it) and someone holding enough
:class:`DelegatedAuthority` records the :class:`Decision`, which releases funding for the next
stage only (:class:`FundingRelease`, drawn from the reserve in the same transaction) and moves the
work package on. Conditions become :class:`ConditionAction` s. Decisions are immutable: a
correction is a new decision that names the one it corrects.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from openpmo.common.fields import FinancialYearField, MoneyField
from openpmo.common.models import Created, Illustrative, Versioned
from openpmo.common.validators import no_control_characters
from openpmo.gates.choices import (
    OPEN_STATUSES,
    ActionStatus,
    AssessmentOutcome,
    BusinessCaseStatus,
    Outcome,
    RequestStatus,
)
from openpmo.portfolio.choices import Stage


class ImmutableRecord(Exception):
    """Raised when code tries to change or remove a recorded decision or release."""


class _ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecord("decisions cannot be changed; record a correction instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("decisions cannot be deleted; record a correction instead")


class _Immutable(models.Model):
    objects = _ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecord("decisions cannot be changed; record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("decisions cannot be deleted; record a correction instead")


class Gate(Illustrative, Versioned):
    """A gate held at the end of ``stage``; passing it moves a work package to the next gate's stage."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="gates"
    )
    name = models.CharField(max_length=100)
    stage = models.CharField(
        max_length=20, choices=Stage.choices, help_text="The stage this gate closes"
    )
    order = models.PositiveSmallIntegerField()
    purpose = models.TextField(blank=True)
    requires_equality_assessment = models.BooleanField(
        default=True, help_text="A request must link an equality impact assessment (§8)"
    )

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "stage"], name="gate_stage_unique"),
            models.UniqueConstraint(fields=["programme", "order"], name="gate_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} gate"


class ChecklistItem(Versioned):
    """A piece of evidence a gate asks for; a mandatory one must be met before submission."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(max_length=300)
    mandatory = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["gate", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["gate", "text"], name="checklist_text_unique_in_gate")
        ]

    def __str__(self) -> str:
        return self.text


class DelegatedAuthority(Versioned):
    """Holders of ``role`` may record decisions releasing up to ``limit`` (no limit when empty).

    Default (§7.1): a Decision maker without limit; a Board member with a limit of £0, i.e. stage
    progress without new money. Deferring or rejecting needs a row of any limit.
    """

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="delegated_authorities"
    )
    role = models.CharField(max_length=50)
    limit = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Most a decision may release in total (£); empty for no limit",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "role"]
        verbose_name_plural = "delegated authorities"
        constraints = [
            models.UniqueConstraint(fields=["programme", "role"], name="authority_role_unique"),
            models.CheckConstraint(
                condition=Q(limit__isnull=True) | Q(limit__gte=0),
                name="authority_limit_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {'no limit' if self.limit is None else f'up to £{self.limit:,.0f}'}"


class EqualityImpactAssessment(Illustrative, Versioned):
    """An Equalities Comprehensive Impact Assessment (seed §8, Appendix 2)."""

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="equality_assessments"
    )
    reference = models.CharField(
        max_length=40,
        unique=True,
        help_text="e.g. ECIA458492761",
        validators=[no_control_characters],
    )
    title = models.CharField(max_length=300)
    assessed_on = models.DateField()
    characteristics = models.JSONField(
        default=list, help_text="The protected characteristics considered (§8.2)"
    )
    outcome = models.CharField(max_length=30, choices=AssessmentOutcome.choices)
    mitigations = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("gates:assessment-detail", args=[self.pk])


class BusinessCase(Created, Illustrative, Versioned):
    """One version of a work package's business case for a gate; frozen once submitted."""

    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.PROTECT, related_name="business_cases"
    )
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="business_cases")
    number = models.PositiveIntegerField(help_text="Version number, 1 upwards per work package")
    status = models.CharField(
        max_length=12, choices=BusinessCaseStatus.choices, default=BusinessCaseStatus.DRAFT
    )
    title = models.CharField(max_length=300)
    strategic_case = models.TextField(blank=True, help_text="Why: fit with strategy and need")
    benefits_summary = models.TextField(blank=True)
    risks = models.TextField(blank=True, help_text="The main risks and their mitigations")
    base_year = FinancialYearField(help_text="Base year of the appraisal, e.g. 2023/24 (year 0)")
    requested_funding = models.JSONField(
        default=dict,
        blank=True,
        help_text="Funding for the next stage only: {'2023/24': '150000.00'}",
    )
    checklist_answers = models.JSONField(
        default=dict, blank=True, help_text="{checklist item id: {'met': bool, 'evidence': text}}"
    )
    equality_assessment = models.ForeignKey(
        EqualityImpactAssessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="business_cases",
    )
    appraisal = models.JSONField(
        null=True, blank=True, help_text="The Green Book appraisal, frozen at submission"
    )

    class Meta:
        ordering = ["work_package", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_package", "number"], name="business_case_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.work_package.reference} business case v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("gates:business-case-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == BusinessCaseStatus.DRAFT


class BusinessCaseOption(models.Model):
    """An option of a business case: cost and benefit lines by financial year (Green Book)."""

    business_case = models.ForeignKey(
        BusinessCase, on_delete=models.CASCADE, related_name="options"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_do_nothing = models.BooleanField(default=False)
    is_recommended = models.BooleanField(default=False)
    costs = models.JSONField(default=dict, blank=True, help_text="{line: {'2023/24': '1000.00'}}")
    benefits = models.JSONField(default=dict, blank=True, help_text="{line: {year: amount}}")
    optimism_bias = models.JSONField(
        default=dict, blank=True, help_text="{cost line: uplift as a fraction, e.g. '0.24'}"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["business_case", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["business_case", "name"], name="option_name_unique_in_case"
            ),
            models.UniqueConstraint(
                fields=["business_case"],
                condition=Q(is_do_nothing=True),
                name="one_do_nothing_option_per_case",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GateRequest(Illustrative, Versioned):
    """A request to pass a gate, with a business case version and the funding asked for."""

    work_package = models.ForeignKey(
        "portfolio.WorkPackage", on_delete=models.PROTECT, related_name="gate_requests"
    )
    gate = models.ForeignKey(Gate, on_delete=models.PROTECT, related_name="requests")
    business_case = models.ForeignKey(
        BusinessCase, on_delete=models.PROTECT, related_name="gate_requests"
    )
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    requested = models.JSONField(default=dict, blank=True, help_text="{'2023/24': '150000.00'}")
    requested_total = MoneyField(default=0)
    checklist_answers = models.JSONField(default=dict, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    quality_assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quality_assured_at = models.DateTimeField(null=True, blank=True)
    quality_comments = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One open request per work package: a second is refused by the database too.
            models.UniqueConstraint(
                fields=["work_package"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_gate_request_per_work_package",
            ),
            models.CheckConstraint(
                condition=Q(requested_total__gte=0), name="gate_request_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work_package.reference} at the {self.gate}"

    def get_absolute_url(self) -> str:
        return reverse("gates:request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Decision(_Immutable, Illustrative):
    """A recorded decision: immutable. ``corrects`` names the decision this one corrects.

    A gate decision belongs to a gate request (at most one original decision per request, held
    by a partial unique constraint); a programme funding decision (such as the core team's
    drawdown, FP/527/10/22) has no request.
    """

    programme = models.ForeignKey(
        "portfolio.Programme", on_delete=models.PROTECT, related_name="decisions"
    )
    gate_request = models.ForeignKey(
        GateRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    work_package = models.ForeignKey(
        "portfolio.WorkPackage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gate_decisions",
    )
    gate = models.ForeignKey(
        Gate, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    subject = models.CharField(max_length=300)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gate_decisions"
    )
    decision_maker_title = models.CharField(
        max_length=300, blank=True, help_text="Name and title as the decision record shows them"
    )
    authority_role = models.CharField(
        max_length=50, help_text="The role whose delegated authority covered this decision"
    )
    decided_on = models.DateField()
    forward_plan_reference = models.CharField(max_length=40, blank=True)
    s151_officer = models.CharField("S151 officer", max_length=200, blank=True)
    s151_consulted_on = models.DateField("S151 officer consulted on", null=True, blank=True)
    monitoring_officer = models.CharField(max_length=200, blank=True)
    monitoring_officer_consulted_on = models.DateField(null=True, blank=True)
    equality_assessment = models.ForeignKey(
        EqualityImpactAssessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    rationale = models.TextField(blank=True)
    released_total = MoneyField(default=0)
    stage_before = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    stage_after = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    correction_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gate_request"],
                condition=Q(corrects__isnull=True, gate_request__isnull=False),
                name="one_decision_per_gate_request",
            ),
            models.CheckConstraint(
                condition=Q(released_total__gte=0), name="decision_released_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""),
                name="correction_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.subject} ({self.decided_on:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("gates:decision-detail", args=[self.pk])

    @property
    def is_approval(self) -> bool:
        return self.outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS)


class FundingRelease(_Immutable):
    """Money a decision released for one financial year (drawn from the reserve)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="releases")
    year = FinancialYearField(help_text="Financial year, e.g. 2023/24")
    amount = MoneyField()
    reserve_entry = models.OneToOneField(
        "finance.ReserveEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="gate_release",
        help_text="The drawdown in the reserve ledger that paid this release",
    )

    class Meta:
        ordering = ["decision", "year"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "year"], name="one_release_per_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="release_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: £{self.amount:,.2f}"


class ConditionAction(Illustrative, Versioned):
    """A condition of an approval, tracked as an action with an owner and a due date."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gate_actions"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(blank=True)

    class Meta:
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.description[:80]
