"""MoneySum adds money exactly on every database (SQLite's SUM is floating point)."""

from decimal import Decimal

from django.db.models import Case, F, Sum, When

from openpmo.common.db import MoneySum
from openpmo.portfolio.models import WorkPackage
from openpmo.portfolio.tests.factories import WorkPackageFactory


def test_money_sum_is_exact_where_a_plain_sum_may_not_be(db):
    # Given amounts whose float sum cancels down to a figure floats cannot hold exactly
    # (211.48 + 796.19 - 3,122.17 - 6,983.68 + 8,338.40 in floating point is -759.780000000001)
    for index, amount in enumerate(["211.48", "796.19", "3122.17", "6983.68", "8338.40"]):
        WorkPackageFactory(reference=f"S-{index}", budget_envelope=Decimal(amount))
    negative = ["S-2", "S-3"]
    signed = Case(
        When(reference__in=negative, then=-F("budget_envelope")), default=F("budget_envelope")
    )
    # when they are added in the database,
    total = WorkPackage.objects.aggregate(total=MoneySum(signed))["total"]
    plain = WorkPackage.objects.aggregate(total=Sum(signed))["total"]
    # then MoneySum gives the exact pence, as the Python sum does,
    assert total == Decimal("-759.78")
    assert str(total) == "-759.78"
    # where the plain sum is off in the last places on SQLite (exact on PostgreSQL).
    assert abs(plain - total) < Decimal("0.000001")


def test_money_sum_of_nothing_is_none(db):
    assert WorkPackage.objects.aggregate(total=MoneySum("budget_envelope"))["total"] is None
