from django.db import models


class ReportKind(models.TextChoices):
    """The governed reports of a programme (seed §2.2, §3.12-3.13, §3.20, §3.23)."""

    PILLAR_HIGHLIGHT = "pillar_highlight", "Pillar highlight report"
    WORK_PACKAGE_HIGHLIGHT = "work_package_highlight", "Work package highlight report"
    BOARD_PACK = "board_pack", "Investment board pack"
    CABINET_UPDATE = "cabinet_update", "Cabinet Member update"
    TWELVE_MONTH_REVIEW = "twelve_month_review", "12-month review"
    HALFWAY_REVIEW = "halfway_review", "Halfway review"


# Reports about one pillar or one work package; the rest are about the whole programme.
PILLAR_KINDS = (ReportKind.PILLAR_HIGHLIGHT,)
WORK_PACKAGE_KINDS = (ReportKind.WORK_PACKAGE_HIGHLIGHT,)
PROGRAMME_KINDS = (
    ReportKind.BOARD_PACK,
    ReportKind.CABINET_UPDATE,
    ReportKind.TWELVE_MONTH_REVIEW,
    ReportKind.HALFWAY_REVIEW,
)
HIGHLIGHT_KINDS = (*PILLAR_KINDS, *WORK_PACKAGE_KINDS)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved (frozen)"


# The states in which the author may still change the narrative and refresh the figures.
EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class Rag(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


# Days after the end of the month by which a monthly report is due (the PMO's reporting cycle).
DUE_DAYS_AFTER_MONTH_END = 10


class PdfStatus(models.TextChoices):
    """Where a PDF rendered in the background has got to."""

    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
