"""Scoring on the programme's 5 x 5 matrix: probability x impact, bands, proximity and trend.

Pure functions (no database): the models, selectors and the API read their answers from here, so
a score means the same thing on every page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpmo.risks.choices import Proximity, Trend

SCALE = range(1, 6)

DEFAULT_PROBABILITY_LABELS = [
    "Very unlikely (under 10%)",
    "Unlikely (10% to 30%)",
    "Possible (30% to 50%)",
    "Likely (50% to 80%)",
    "Almost certain (over 80%)",
]
DEFAULT_IMPACT_LABELS = ["Negligible", "Minor", "Moderate", "Major", "Severe"]
# Each band covers the scores up to and including ``up_to``; the last must reach 25.
DEFAULT_BANDS: list[dict[str, Any]] = [
    {"up_to": 4, "label": "Low", "colour": "green"},
    {"up_to": 9, "label": "Medium", "colour": "yellow"},
    {"up_to": 15, "label": "High", "colour": "orange"},
    {"up_to": 25, "label": "Very high", "colour": "red"},
]


@dataclass(frozen=True)
class Band:
    label: str
    colour: str
    low: int
    high: int


def score(probability: int | None, impact: int | None) -> int | None:
    """Probability x impact, each 1 to 5; ``None`` unless both are given."""
    if probability is None or impact is None:
        return None
    return probability * impact


def bands_of(raw: Sequence[dict[str, Any]]) -> list[Band]:
    """The bands as ranges of scores, lowest first."""
    bands, low = [], 1
    for row in sorted(raw, key=lambda r: int(r["up_to"])):
        bands.append(Band(str(row["label"]), str(row["colour"]), low, int(row["up_to"])))
        low = int(row["up_to"]) + 1
    return bands


def band_errors(raw: Any) -> list[str]:
    """What is wrong with a list of bands, in words (empty when it is sound)."""
    if not isinstance(raw, list) or not raw:
        return ["Give at least one score band."]
    errors = []
    tops = []
    for row in raw:
        if not isinstance(row, dict) or not {"up_to", "label", "colour"} <= set(row):
            return ["Each band needs an upper score, a label and a colour."]
        try:
            tops.append(int(row["up_to"]))
        except (TypeError, ValueError):
            return ["Each band's upper score must be a whole number."]
        if not str(row["label"]).strip():
            errors.append("Each band needs a label.")
    if len(set(tops)) != len(tops):
        errors.append("Two bands end at the same score.")
    if any(t < 1 or t > 25 for t in tops):
        errors.append("Band upper scores must be between 1 and 25.")
    if max(tops) != 25:
        errors.append("The highest band must end at 25, so every score has a band.")
    return errors


def band_for(value: int | None, bands: Sequence[Band]) -> Band | None:
    if value is None:
        return None
    for band in bands:
        if band.low <= value <= band.high:
            return band
    return None


def proximity_of(when: dt.date | None, today: dt.date) -> Proximity:
    """How soon ``when`` is: within a month, one to three, three to six, or further."""
    if when is None:
        return Proximity.NOT_SET
    days = (when - today).days
    if days < 0:
        return Proximity.PASSED
    if days <= 31:
        return Proximity.IMMINENT
    if days <= 92:
        return Proximity.NEAR
    if days <= 183:
        return Proximity.MEDIUM
    return Proximity.FAR


def trend_of(before: int | None, after: int | None, current: str) -> str:
    """The trend after a residual score moved from ``before`` to ``after``."""
    if before is None or after is None or before == after:
        return current if before == after else Trend.STABLE
    return Trend.IMPROVING if after < before else Trend.WORSENING
