"""Portfolio planning: which candidates to fund, and when, within the money and the team.

Pure Python (no Django). A :class:`PlanningProblem` holds budgets by financial year, optional role
capacity by year, and the candidates with their cost and demand profiles, allowed start years and
links (needs, excludes, at most k of a group, force in or out). :func:`optimise` solves the
mixed-integer programme with HiGHS and explains every candidate it leaves out; :func:`frontier`
traces value against total budget; :func:`greedy_selection` and :func:`exhaustive_best` are the
yardsticks; :mod:`~openpmo.core.planning.weights` turns pairwise judgements of business drivers
into weights and ratings into strategic scores; :mod:`~openpmo.core.planning.files` reads YAML and
.xlsx.
"""

from openpmo.core.planning._baselines import exhaustive_best, greedy_selection, violations
from openpmo.core.planning._frontier import Frontier, FrontierPoint, frontier
from openpmo.core.planning._model import Candidate, Force, Group, PlanningProblem
from openpmo.core.planning._optimise import evaluate, optimise
from openpmo.core.planning._result import (
    CapacityUse,
    Exclusion,
    ForceConflict,
    PlanningResult,
    Selection,
    YearUse,
    short_money,
)
from openpmo.core.planning.files import load_problem, problem_from_mapping
from openpmo.core.planning.weights import (
    RATINGS,
    PairwiseWeights,
    pairwise_weights,
    strategic_score,
)

__all__ = [
    "RATINGS",
    "Candidate",
    "CapacityUse",
    "Exclusion",
    "Force",
    "ForceConflict",
    "Frontier",
    "FrontierPoint",
    "Group",
    "PairwiseWeights",
    "PlanningProblem",
    "PlanningResult",
    "Selection",
    "YearUse",
    "evaluate",
    "exhaustive_best",
    "frontier",
    "greedy_selection",
    "load_problem",
    "optimise",
    "pairwise_weights",
    "problem_from_mapping",
    "short_money",
    "strategic_score",
    "violations",
]
