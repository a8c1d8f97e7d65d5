"""What-if analyses on a plan: how likely it is to reach its target, by Monte Carlo (issue 7).

Import from here: ``simulate`` (the summary), ``run_simulation`` (the per-trial arrays, for a
histogram), ``SimulationResult`` and ``TrialInputs``; inputs drawn per trial (``Uncertain``
with a ``Range`` or ``Observed`` counts, ``draw``); what-if scenarios (``Override``,
``Scenario``, ``apply_scenario``, ``forward_amounts``, ``evaluate``) and sensitivity in ``levers``
(``sensitivity``, ``Lever``, ``drop_off_losses``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.scenarios.inputs import (
        MAX_OVERRIDES,
        MAX_SCENARIOS,
        MAX_UNCERTAIN,
        Observed,
        Override,
        Range,
        Scenario,
        Uncertain,
    )
    from planner.scenarios.levers import (
        DropOff,
        Lever,
        LeverMove,
        drop_off_losses,
        sensitivity,
    )
    from planner.scenarios.overrides import (
        ScenarioDifference,
        ScenarioFigures,
        ScenarioOutcome,
        apply_scenario,
        evaluate,
        forward_amounts,
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
    from planner.scenarios.uncertainty import (
        draw,
    )

# Loaded on first use: ``planner.models`` declares a plan's scenarios with
# ``planner.scenarios.inputs``, which must import without the simulation (and numpy).
_HOMES: dict[str, str] = {
    "CONFIDENCE_LEVELS": "simulation",
    "DEFAULT_TRIALS": "simulation",
    "DropOff": "levers",
    "Lever": "levers",
    "LeverMove": "levers",
    "MAX_OVERRIDES": "inputs",
    "MAX_SCENARIOS": "inputs",
    "MAX_SEED": "simulation",
    "MAX_TRIALS": "simulation",
    "MAX_UNCERTAIN": "inputs",
    "Observed": "inputs",
    "Override": "inputs",
    "Range": "inputs",
    "Scenario": "inputs",
    "ScenarioDifference": "overrides",
    "ScenarioFigures": "overrides",
    "ScenarioOutcome": "overrides",
    "SimulationResult": "simulation",
    "SimulationRun": "simulation",
    "Spread": "simulation",
    "TrafficForConfidence": "simulation",
    "TrialInputs": "simulation",
    "Uncertain": "inputs",
    "apply_scenario": "overrides",
    "draw": "uncertainty",
    "drop_off_losses": "levers",
    "evaluate": "overrides",
    "forward_amounts": "overrides",
    "run_simulation": "simulation",
    "sensitivity": "levers",
    "simulate": "simulation",
}


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from the module it lives in."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"planner.scenarios.{home}"), name)


__all__ = [
    "CONFIDENCE_LEVELS",
    "DEFAULT_TRIALS",
    "MAX_OVERRIDES",
    "MAX_SCENARIOS",
    "MAX_SEED",
    "MAX_TRIALS",
    "MAX_UNCERTAIN",
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
