"""Bank holidays in England and Wales (GOV.UK, https://www.gov.uk/bank-holidays), the default
days off of a new programme calendar. Scotland and Northern Ireland differ: edit the calendar."""

from __future__ import annotations

import datetime as dt

_D = dt.date

ENGLAND_AND_WALES: list[tuple[str, dt.date]] = [
    ("New Year's Day (substitute day)", _D(2022, 1, 3)),
    ("Good Friday", _D(2022, 4, 15)),
    ("Easter Monday", _D(2022, 4, 18)),
    ("Early May bank holiday", _D(2022, 5, 2)),
    ("Spring bank holiday", _D(2022, 6, 2)),
    ("Platinum Jubilee bank holiday", _D(2022, 6, 3)),
    ("Summer bank holiday", _D(2022, 8, 29)),
    ("Bank holiday for the State Funeral of Queen Elizabeth II", _D(2022, 9, 19)),
    ("Boxing Day", _D(2022, 12, 26)),
    ("Christmas Day (substitute day)", _D(2022, 12, 27)),
    ("New Year's Day (substitute day)", _D(2023, 1, 2)),
    ("Good Friday", _D(2023, 4, 7)),
    ("Easter Monday", _D(2023, 4, 10)),
    ("Early May bank holiday", _D(2023, 5, 1)),
    ("Bank holiday for the coronation of King Charles III", _D(2023, 5, 8)),
    ("Spring bank holiday", _D(2023, 5, 29)),
    ("Summer bank holiday", _D(2023, 8, 28)),
    ("Christmas Day", _D(2023, 12, 25)),
    ("Boxing Day", _D(2023, 12, 26)),
    ("New Year's Day", _D(2024, 1, 1)),
    ("Good Friday", _D(2024, 3, 29)),
    ("Easter Monday", _D(2024, 4, 1)),
    ("Early May bank holiday", _D(2024, 5, 6)),
    ("Spring bank holiday", _D(2024, 5, 27)),
    ("Summer bank holiday", _D(2024, 8, 26)),
    ("Christmas Day", _D(2024, 12, 25)),
    ("Boxing Day", _D(2024, 12, 26)),
    ("New Year's Day", _D(2025, 1, 1)),
    ("Good Friday", _D(2025, 4, 18)),
    ("Easter Monday", _D(2025, 4, 21)),
    ("Early May bank holiday", _D(2025, 5, 5)),
    ("Spring bank holiday", _D(2025, 5, 26)),
    ("Summer bank holiday", _D(2025, 8, 25)),
    ("Christmas Day", _D(2025, 12, 25)),
    ("Boxing Day", _D(2025, 12, 26)),
    ("New Year's Day", _D(2026, 1, 1)),
    ("Good Friday", _D(2026, 4, 3)),
    ("Easter Monday", _D(2026, 4, 6)),
    ("Early May bank holiday", _D(2026, 5, 4)),
    ("Spring bank holiday", _D(2026, 5, 25)),
    ("Summer bank holiday", _D(2026, 8, 31)),
    ("Christmas Day", _D(2026, 12, 25)),
    ("Boxing Day (substitute day)", _D(2026, 12, 28)),
]
