"""The benefits of given work packages, each with the months its current profile plans value:
what a read above the domains (``openpmo.impact``, benefits at risk from a slip) starts from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from openpmo.benefits.models import Benefit, ProfileMonth
from openpmo.portfolio.models import WorkPackage


@dataclass(frozen=True)
class LinkedBenefit:
    benefit: Benefit
    work_package_ids: tuple[int, ...]
    """those of the work packages asked about that the benefit belongs to, by reference"""
    planned: tuple[tuple[dt.date, Decimal], ...]
    """(month, value) of each month its current profile plans more than nothing, in order"""


def benefits_of_work_packages(work_package_ids: Collection[int]) -> list[LinkedBenefit]:
    """The benefits of the work packages ``work_package_ids`` (by reference), each with the
    months its current profile plans value. Three queries, however many there are."""
    if not work_package_ids:
        return []
    ids = list(work_package_ids)
    benefits = list(
        Benefit.objects.filter(work_packages__in=ids)
        .distinct()
        .prefetch_related(
            Prefetch(
                "work_packages",
                queryset=WorkPackage.objects.filter(pk__in=ids).only("pk"),
                to_attr="linked_work_packages",
            )
        )
    )
    months: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for benefit_id, month, value in ProfileMonth.objects.filter(
        profile__benefit__in=benefits, profile__is_current=True, value__gt=0
    ).values_list("profile__benefit_id", "month", "value"):
        months.setdefault(benefit_id, []).append((month, value))
    return [
        LinkedBenefit(
            benefit=benefit,
            work_package_ids=tuple(wp.pk for wp in benefit.linked_work_packages),
            planned=tuple(sorted(months.get(benefit.pk, []))),
        )
        for benefit in benefits
    ]
