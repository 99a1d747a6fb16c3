from django.db import models


class RequestStatus(models.TextChoices):
    """Where a gate request stands. Only ``submitted`` and ``forwarded`` are open."""

    SUBMITTED = "submitted", "Awaiting PMO quality assurance"
    RETURNED = "returned", "Returned by the PMO with comments"
    FORWARDED = "forwarded", "Awaiting decision"
    DECIDED = "decided", "Decided"


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.FORWARDED)


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    DEFERRED = "deferred", "Deferred"
    REJECTED = "rejected", "Rejected"


APPROVALS = (Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS)


class BusinessCaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted (frozen)"


class ProtectedCharacteristic(models.TextChoices):
    """The nine protected characteristics of the Equality Act 2010 (seed §8.2)."""

    AGE = "age", "Age"
    DISABILITY = "disability", "Disability"
    GENDER_REASSIGNMENT = "gender_reassignment", "Gender reassignment"
    PREGNANCY_AND_MATERNITY = "pregnancy_and_maternity", "Pregnancy and maternity"
    MARRIAGE_AND_CIVIL_PARTNERSHIP = (
        "marriage_and_civil_partnership",
        "Marriage and civil partnership",
    )
    RACE = "race", "Race"
    RELIGION_OR_BELIEF = "religion_or_belief", "Religion or belief"
    SEX = "sex", "Sex"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"


class AssessmentOutcome(models.TextChoices):
    """The outcome of an equality impact assessment (the four outcomes councils use)."""

    NO_DISPROPORTIONATE_IMPACT = (
        "no_disproportionate_impact",
        "No disproportionately adverse impact on any people with a particular characteristic",
    )
    ADJUSTED = "adjusted", "Adjust the proposal to remove barriers or better advance equality"
    CONTINUE_JUSTIFIED = (
        "continue_justified",
        "Continue despite a potential adverse impact (justified)",
    )
    STOP = "stop", "Stop and rethink: unlawful discrimination is possible"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
