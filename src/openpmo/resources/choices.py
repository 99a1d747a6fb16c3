from django.db import models


class Employment(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed-term"
    PARTNER = "partner", "Partner"
    CONTRACTOR = "contractor", "Contractor"
    SME_BACKFILL = "sme_backfill", "SME backfill"


class SupplierKind(models.TextChoices):
    PARTNER = "partner", "Delivery partner"
    CONTRACTOR = "contractor", "Contractor or agency"
    SPECIALIST = "specialist", "Specialist expertise"


class Sourcing(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    PARTNER = "partner", "Partner"
    HYBRID = "hybrid", "Hybrid"


class DemandSource(models.TextChoices):
    TYPED = "typed", "Typed"
    EXCEL = "excel", "Excel import"
    MS_PROJECT = "ms_project", "Microsoft Project"
    PROJECT_ONLINE = "project_online", "Project Online"
