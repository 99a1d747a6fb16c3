"""Quantitative risk: Monte Carlo simulation of a task network's finish and cost.

- ``Estimate`` (working days) and ``CostEstimate`` (pounds): three-point estimates, read as a
  triangular or PERT-Beta distribution (``Shape``).
- ``SimTask``, ``RiskEvent`` and ``RiskNetwork``: finish-to-start tasks with lags, risk events that
  happen with a probability and add delay and cost, and correlation within strands.
- ``simulate``: vectorised, chunked, reproducible from its seed whatever the chunk size; returns a
  ``SimulationResult`` (finish and cost P10/P50/P80/P90 and mean, criticality and cruciality per
  task, tornado of drivers, S-curves).
- ``network_from_data`` / ``read_network_yaml``: the YAML format of ``openpmo simulate``;
  ``network_from_project``: a Microsoft Project schedule (``read_mspdi``) with a spread.
"""

from openpmo.core.risk._engine import (
    BLOCK,
    CostDistribution,
    CurvePoint,
    Driver,
    FinishDistribution,
    SimulationResult,
    TaskStatistics,
    pert_parameters,
    simulate,
    triangular_ppf,
)
from openpmo.core.risk._files import network_from_data, network_from_project, read_network_yaml
from openpmo.core.risk._model import CostEstimate, Estimate, RiskEvent, RiskNetwork, Shape, SimTask

__all__ = [
    "BLOCK",
    "CostDistribution",
    "CostEstimate",
    "CurvePoint",
    "Driver",
    "Estimate",
    "FinishDistribution",
    "RiskEvent",
    "RiskNetwork",
    "Shape",
    "SimTask",
    "SimulationResult",
    "TaskStatistics",
    "network_from_data",
    "network_from_project",
    "pert_parameters",
    "read_network_yaml",
    "simulate",
    "triangular_ppf",
]
