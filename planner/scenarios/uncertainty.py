"""Inputs known only roughly: as a range, or as counts observed, drawn afresh in every trial.

An ``Uncertain`` input replaces one of the plan's values in the Monte Carlo
(``planner.scenarios.simulation``) with a draw per trial:

- a ``Range`` (low, likely, high) with a shape:

  - ``pert`` (the default): low + (high − low) × Beta(α, β), α = 1 + 4(m − a) ÷ (b − a),
    β = 1 + 4(b − m) ÷ (b − a), for a = low, m = likely, b = high. This is the standard PERT
    distribution (λ = 4) of Malcolm, Roseboom, Clark and Fazar, "Application of a technique
    for research and development program evaluation", Operations Research 7(5), 1959, as
    given by Vose, "Risk Analysis: A Quantitative Guide" (3rd ed., 2008), §9.1. Its mean is
    (a + 4m + b) ÷ 6;
  - ``triangular``: mean (a + m + b) ÷ 3;
  - ``uniform``: every value between low and high equally likely, mean (a + b) ÷ 2;

  a range with low = high is that value in every trial, whatever its shape;
- ``Observed`` counts (successes out of trials) for a rate: the rate is drawn from
  Beta(successes + 1, trials − successes + 1), what the counts say about it starting from a
  uniform prior (every rate equally likely before counting).

``target`` names the input as a scenario's ``Override`` does, except traffic and budget (the
amounts a simulation starts from, not inputs a trial draws). Bounds follow the plan's own:
a rate in (0, 1] (a stage's rate and the click-through rate) or [0, 1] (margin, repeat
purchase rate), orders per customer at least 1, money above 0 (a cost at least 0), whole
customers at least 0. The models live in ``planner.scenarios.inputs``, as the plan file holds
them; every problem names its field and a rule (``RuleProblem``), worded in ``i18n``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from planner.scenarios.inputs import (  # noqa: F401  (re-exported: the models live in inputs)
    BOUNDS,
    RATE_TARGETS,
    Observed,
    Range,
    Shape,
    Uncertain,
)

PERT_LAMBDA = 4  # the weight of the most likely value in standard PERT (Malcolm et al. 1959)


def draw(uncertain: Uncertain, trials: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """``trials`` values of the input, one per trial, from ``rng``.

    Draws are kept within the range (a float step never carries a rate past its high).
    """
    if uncertain.observed is not None:
        seen = uncertain.observed
        return rng.beta(seen.successes + 1, seen.trials - seen.successes + 1, size=trials)
    values = uncertain.range
    if values is None:  # the model holds exactly one of range and observed
        raise ValueError("an uncertain input needs a range or counts observed")
    low, likely, high = values.low, values.likely, values.high
    if low == high:
        return np.full(trials, low, dtype=np.float64)
    if values.shape == "uniform":
        drawn = rng.uniform(low, high, size=trials)
    elif values.shape == "triangular":
        drawn = rng.triangular(low, likely, high, size=trials)
    else:
        width = high - low
        alpha = 1 + PERT_LAMBDA * (likely - low) / width
        beta = 1 + PERT_LAMBDA * (high - likely) / width
        drawn = low + width * rng.beta(alpha, beta, size=trials)
    return np.clip(drawn, low, high)
