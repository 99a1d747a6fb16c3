"""The fixed lists of the benefits register. Category values are those of the tracker engine
(``openpmo.core.benefits.BenefitCategory``), so a register row converts to it by value."""

from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    CASHABLE = "cashable", "Cashable"
    NON_CASHABLE = "non-cashable", "Non-cashable financial"
    NON_FINANCIAL = "non-financial", "Non-financial"
    DIS_BENEFIT = "dis-benefit", "Dis-benefit"


class Unit(models.TextChoices):
    """What a benefit is measured in. Totals are never mixed across units."""

    POUNDS = "£", "£ (pounds)"
    HOURS = "hours", "Hours"
    PERCENT = "%", "Percentage points"
    TONNES_CO2E = "tCO2e", "tCO2e (tonnes of carbon dioxide equivalent)"
    COUNT = "count", "Count"
    DAYS = "days", "Days"


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class ProfileMethod(models.TextChoices):
    """How a version of a profile was made."""

    ENTERED = "entered", "Entered month by month"
    PASTED = "pasted", "Pasted from a spreadsheet"
    LINEAR_RAMP = "linear-ramp", "Generated: linear ramp"
    S_CURVE = "s-curve", "Generated: S-curve"
    STEP = "step", "Generated: step between two months"
    IMPORTED = "imported", "Imported"


GENERATED_SHAPES = (ProfileMethod.LINEAR_RAMP, ProfileMethod.S_CURVE, ProfileMethod.STEP)


class CarbonScope(models.TextChoices):
    """Greenhouse Gas Protocol scopes."""

    SCOPE_1 = "scope-1", "Scope 1 (direct emissions)"
    SCOPE_2 = "scope-2", "Scope 2 (purchased electricity and heat)"
    SCOPE_3 = "scope-3", "Scope 3 (supply chain and other indirect)"


# The council's ambition (§4.9): net carbon neutral by 2030. The last financial year that counts
# toward it is the one that ends in March 2030.
NET_ZERO_YEAR = 2030
