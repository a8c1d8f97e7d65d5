"""What-if analyses on a plan: how likely it is to reach its target, by Monte Carlo (issue 7).

Import from here: ``simulate`` (the summary), ``run_simulation`` (the per-trial arrays, for a
histogram), ``SimulationResult`` and ``TrialInputs``; inputs drawn per trial (``Uncertain``
with a ``Range`` or ``Observed`` counts, ``draw``); what-if scenarios (``Override``,
``Scenario``, ``apply_scenario``, ``forward_amounts``, ``evaluate``) and sensitivity
(``sensitivity``, ``Lever``, ``drop_off_losses``).
"""

from planner.scenarios.overrides import (
    MAX_OVERRIDES,
    Override,
    Scenario,
    ScenarioDifference,
    ScenarioFigures,
    ScenarioOutcome,
    apply_scenario,
    evaluate,
    forward_amounts,
)
from planner.scenarios.sensitivity import (
    DropOff,
    Lever,
    LeverMove,
    drop_off_losses,
    sensitivity,
)
from planner.scenarios.simulation import (
    CONFIDENCE_LEVELS,
    DEFAULT_TRIALS,
    MAX_SEED,
    MAX_TRIALS,
    SimulationResult,
    SimulationRun,
    Spread,
    TrafficForConfidence,
    TrialInputs,
    run_simulation,
    simulate,
)
from planner.scenarios.uncertainty import Observed, Range, Uncertain, draw

__all__ = [
    "CONFIDENCE_LEVELS",
    "DEFAULT_TRIALS",
    "MAX_OVERRIDES",
    "MAX_SEED",
    "MAX_TRIALS",
    "DropOff",
    "Lever",
    "LeverMove",
    "Observed",
    "Override",
    "Range",
    "Scenario",
    "ScenarioDifference",
    "ScenarioFigures",
    "ScenarioOutcome",
    "SimulationResult",
    "SimulationRun",
    "Spread",
    "TrafficForConfidence",
    "TrialInputs",
    "Uncertain",
    "apply_scenario",
    "draw",
    "drop_off_losses",
    "evaluate",
    "forward_amounts",
    "run_simulation",
    "sensitivity",
    "simulate",
]
