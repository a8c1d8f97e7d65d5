"""What-if analyses on a plan: how likely it is to reach its target, by Monte Carlo (issue 7).

Import from here: ``simulate`` (the summary), ``run_simulation`` (the per-trial arrays, for a
histogram), ``SimulationResult`` and ``TrialInputs``.
"""

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

__all__ = [
    "CONFIDENCE_LEVELS",
    "DEFAULT_TRIALS",
    "MAX_SEED",
    "MAX_TRIALS",
    "SimulationResult",
    "SimulationRun",
    "Spread",
    "TrafficForConfidence",
    "TrialInputs",
    "run_simulation",
    "simulate",
]
