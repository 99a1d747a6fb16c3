"""Hypothesis strategies the tests share: money, months, financial years, schedule networks,
benefits, planning and levelling problems. Strategies used by one test only stay in its file.

Import with ``from tests.strategies import ...`` (the repository root is on ``sys.path``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from openpmo.core.benefits import Benefit, BenefitCategory, Month
from openpmo.core.levelling import Activity, Precedence, Problem, Resource
from openpmo.core.money import FinancialYear
from openpmo.core.planning import Candidate, Group, PlanningProblem
from openpmo.core.schedule import ConstraintType, Link, LinkType, Network, Task

# -- money, months, financial years ---------------------------------------------------------------


def pounds(lowest_pence: int, highest_pence: int) -> st.SearchStrategy[Decimal]:
    """Money to the penny, as ``Decimal``, from ``lowest_pence`` to ``highest_pence``."""
    return st.integers(lowest_pence, highest_pence).map(lambda p: Decimal(p) / 100)


def months(first_year: int = 2000, last_year: int = 2060) -> st.SearchStrategy[Month]:
    """Calendar months from January ``first_year`` to December ``last_year``."""
    return st.builds(Month, st.integers(first_year, last_year), st.integers(1, 12))


def financial_years(first: int, last: int) -> st.SearchStrategy[FinancialYear]:
    """Financial years starting 1 April ``first`` to 1 April ``last`` (``2023`` is 2023/24)."""
    return st.integers(first, last).map(FinancialYear)


# -- schedule networks ----------------------------------------------------------------------------


@st.composite
def networks(
    draw: st.DrawFn,
    *,
    most: int = 14,
    start_days: int = 4,
    start_hours: tuple[int, ...] = (9, 10, 12),
) -> tuple[Network, datetime]:
    """A programme of up to ``most`` tasks under two summaries: manual tasks, every constraint,
    elapsed durations, every link type with lags, leads and percentages, links into and out of a
    summary; and a project start ``start_days`` days into the week at one of ``start_hours``."""
    n = draw(st.integers(1, most))
    tasks = [Task(0, "Programme", summary=True), Task(100, "Phase", summary=True, parent=0)]
    for uid in range(1, n + 1):
        manual = draw(st.booleans()) and uid % 4 == 0
        constraint = draw(st.sampled_from(list(ConstraintType)))
        day = datetime(2026, 3, 2, 9, 0) + timedelta(
            days=draw(st.integers(0, 20)), minutes=draw(st.sampled_from([0, 30, 240, 600]))
        )
        duration = draw(st.sampled_from([0, 60, 240, 480, 1440, 2400]))
        tasks.append(
            Task(
                uid,
                f"T{uid}",
                duration,
                milestone=duration == 0,
                parent=draw(st.sampled_from([0, 100, None])),
                manual=manual,
                start=day if manual else None,
                finish=day + timedelta(hours=4) if manual else None,
                constraint=constraint,
                constraint_date=None if constraint in (0, 1) else day,
                elapsed=draw(st.booleans()) and uid % 5 == 0,
            )
        )
    links = []
    for successor in range(2, n + 1):
        for predecessor in draw(st.sets(st.integers(1, successor - 1), max_size=3)):
            kind = draw(st.sampled_from(list(LinkType)))
            percent = draw(st.booleans()) and successor % 3 == 0
            links.append(
                Link(
                    predecessor,
                    successor,
                    kind,
                    lag_minutes=0 if percent else draw(st.sampled_from([0, -480, 120, 960])),
                    lag_percent=float(draw(st.integers(0, 100))) if percent else None,
                    lag_elapsed=draw(st.booleans()) and successor % 4 == 1,
                )
            )
    if draw(st.booleans()):
        links.append(Link(100, n, LinkType.FS))  # out of a summary
    if draw(st.booleans()):
        links.append(Link(1, 100, draw(st.sampled_from(list(LinkType)))))  # into one
    start = datetime.combine(
        date(2026, 3, 2) + timedelta(days=draw(st.integers(0, start_days))),
        time(draw(st.sampled_from(start_hours))),
    )
    return Network(tuple(tasks), tuple(links)), start


@st.composite
def array_networks(
    draw: st.DrawFn,
) -> tuple[list[int], list[tuple[int, int, LinkType, int]], list[int]]:
    """Up to 40 tasks as the array engine takes them: durations, links (with lags) and a shuffled
    task order (the order need not be topological)."""
    n = draw(st.integers(1, 40))
    durations = draw(st.lists(st.integers(0, 5).map(lambda d: d * 240), min_size=n, max_size=n))
    links = []
    for s in range(1, n):
        for p in draw(st.sets(st.integers(0, s - 1), max_size=3)):
            links.append(
                (
                    p,
                    s,
                    draw(st.sampled_from(list(LinkType))),
                    draw(st.integers(-2, 3)) * 240,
                )
            )
    permutation = draw(st.permutations(range(n)))  # task order need not be topological
    return durations, links, permutation


# -- benefits -------------------------------------------------------------------------------------

BENEFITS_START = Month(2023, 4)
_benefit_amounts = pounds(0, 10**9)


@st.composite
def benefits(draw: st.DrawFn, reference: str = "B") -> Benefit:
    """A benefit or dis-benefit planned monthly from ``BENEFITS_START`` with some actuals missing."""
    first = BENEFITS_START + draw(st.integers(0, 12))
    length = draw(st.integers(0, 24))
    planned = {first + i: draw(_benefit_amounts) for i in range(length)}
    actual_months = draw(st.sets(st.integers(-2, 30), max_size=30))
    actuals = {first + i: draw(_benefit_amounts) for i in sorted(actual_months)}
    return Benefit(
        reference=reference,
        category=draw(st.sampled_from(list(BenefitCategory))),
        planned=planned,
        actuals=actuals,
        unit=draw(st.sampled_from(["£", "£", "hours"])),
        groups={
            "pillar": draw(st.sampled_from(["P1", "P2", "P3"])),
            "work_package": draw(st.sampled_from(["WP1", "WP2", "WP3", "WP4"])),
        },
    )


@st.composite
def benefit_registers(draw: st.DrawFn) -> list[Benefit]:
    count = draw(st.integers(0, 12))
    return [draw(benefits(reference=f"B{i:02d}")) for i in range(count)]


# -- planning and levelling problems --------------------------------------------------------------

PLANNING_YEARS = (FinancialYear(2026), FinancialYear(2027), FinancialYear(2028))


@st.composite
def planning_problems(draw: st.DrawFn) -> PlanningProblem:
    """Up to 7 candidates over three years with costs, demand, needs, exclusions, forcing and
    sometimes a group; budgets and one role's capacity."""
    count = draw(st.integers(1, 7))
    candidates = []
    for index in range(count):
        ref = f"C{index}"
        length = draw(st.integers(1, 2))
        first = draw(st.integers(0, len(PLANNING_YEARS) - length))
        cost = {
            PLANNING_YEARS[first + k]: Decimal(draw(st.integers(0, 100))) for k in range(length)
        }
        later = draw(st.booleans()) and first + length < len(PLANNING_YEARS)
        starts = (
            (PLANNING_YEARS[first], PLANNING_YEARS[first + 1])
            if later
            else (PLANNING_YEARS[first],)
        )
        earlier = [f"C{i}" for i in range(index)]
        needs = tuple(draw(st.sets(st.sampled_from(earlier), max_size=1))) if earlier else ()
        excludes = tuple(draw(st.sets(st.sampled_from(earlier), max_size=1))) if earlier else ()
        candidates.append(
            Candidate(
                ref,
                Decimal(draw(st.integers(0, 50))),
                cost,
                starts=starts,
                demand={"Analyst": {PLANNING_YEARS[first]: Decimal(draw(st.integers(0, 2)))}},
                needs=needs,
                excludes=tuple(e for e in excludes if e not in needs),
                force=draw(st.sampled_from([None, None, None, None, "in", "out"])),
            )
        )
    refs = [c.ref for c in candidates]
    groups = ()
    if count >= 3 and draw(st.booleans()):
        groups = (Group("G", tuple(draw(st.sets(st.sampled_from(refs), min_size=2))), 1),)
    return PlanningProblem(
        budget={year: Decimal(draw(st.integers(0, 200))) for year in PLANNING_YEARS},
        candidates=tuple(candidates),
        capacity={"Analyst": {PLANNING_YEARS[0]: Decimal(draw(st.integers(0, 4)))}},
        groups=groups,
        cumulative=draw(st.booleans()),
    )


@st.composite
def levelling_problems(draw: st.DrawFn) -> Problem:
    """Up to 12 activities on 1-3 resources (with capacity profiles), releases and lagged links."""
    resource_count = draw(st.integers(1, 3))
    resources = []
    for r in range(resource_count):
        capacity = draw(st.integers(1, 6))
        profile = tuple(draw(st.lists(st.integers(0, 8), max_size=6)))
        resources.append(Resource(id=f"R{r}", capacity=capacity, profile=profile))
    n = draw(st.integers(1, 12))
    activities = []
    for j in range(n):
        demand = {
            res.id: draw(st.integers(0, res.capacity)) for res in resources if draw(st.booleans())
        }
        activities.append(
            Activity(
                id=f"A{j}",
                duration=draw(st.integers(0, 5)),
                demand=demand,
                release=draw(st.integers(0, 3)),
                group=f"P{j % 3}",
            )
        )
    links = []
    for j in range(1, n):
        for i in draw(st.sets(st.integers(0, j - 1), max_size=2)):
            links.append(Precedence(f"A{i}", f"A{j}", draw(st.integers(-2, 3))))
    return Problem(tuple(activities), tuple(links), tuple(resources))
