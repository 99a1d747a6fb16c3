from django.db import models


class Stage(models.TextChoices):
    """The default gate sequence (Five Case Model / IPA gateway), in order."""

    DISCOVERY = "discovery", "Discovery"
    STRATEGIC_OUTLINE_CASE = "soc", "Strategic Outline Case"
    OUTLINE_BUSINESS_CASE = "obc", "Outline Business Case"
    FULL_BUSINESS_CASE = "fbc", "Full Business Case"
    DELIVERY = "delivery", "Delivery"
    CLOSURE = "closure", "Closure and benefits review"


class RagStatus(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class DeliveryConfidence(models.TextChoices):
    """The five-point delivery confidence assessment of the Infrastructure and Projects Authority."""

    GREEN = "green", "Green"
    AMBER_GREEN = "amber_green", "Amber/Green"
    AMBER = "amber", "Amber"
    AMBER_RED = "amber_red", "Amber/Red"
    RED = "red", "Red"


# The three-point reading of the five-point scale: Amber/Green counts as Green and Amber/Red as
# Red, so a board that reads RAG sees which side of Amber each assessment leans.
THREE_POINT = {
    DeliveryConfidence.GREEN: RagStatus.GREEN,
    DeliveryConfidence.AMBER_GREEN: RagStatus.GREEN,
    DeliveryConfidence.AMBER: RagStatus.AMBER,
    DeliveryConfidence.AMBER_RED: RagStatus.RED,
    DeliveryConfidence.RED: RagStatus.RED,
}
