"""What a planned test would show, by simulation: what "80% power" means in results.

``simulate_test`` runs the planned test many times on a known truth. Control converts at
``baseline``, every variant at ``baseline × (1 + relative_effect)``; each trial draws each
arm's conversions ~ Binomial(visitors, rate) and reads the trial as the planner plans it
(``planner.abtests.sizing``): each variant against control by the two-sided z-test for two
proportions with the variance pooled,

    p̂ = (x₁ + x₂) ÷ (n₁ + n₂),   z = (x₂/n₂ − x₁/n₁) ÷ √(p̂(1 − p̂)(1/n₁ + 1/n₂)),

at α ÷ k for k variants (Bonferroni): a variant is *significantly better* when its
two-sided p-value 2·Φ(−|z|) is below α ÷ k and z > 0, *significantly worse* when z < 0.
Two arms with no spread between them (no conversion at all, or every visitor converting)
give z = 0: nothing significant.

What it reports (``PowerResult``), each as a share of variant comparisons, the variants
being alike and all counted:

- ``share_better``, which is the **power** when the effect is positive: the chance that a
  variant with that effect is declared the better;
- ``share_worse``: declared worse;
- ``share_any_better``: trials in which at least one variant is declared better;
- the **false winner chance**: the same test run on a truth with no effect (an A/A/…
  test), the share of trials in which some variant is declared better all the same. For
  ``relative_effect`` 0 it is the run itself; otherwise it is a second run, on its own
  random stream;
- the **chance of a wrong winner** when the effect is negative: trials in which a variant
  that is in truth worse is declared better;
- the observed relative lift (x₂/n₂ ÷ x₁/n₁ − 1) of every comparison: a histogram of at
  most ``MAX_BINS`` bins, its 5th, 50th and 95th percentiles, and the median among the
  comparisons declared better (a winner's observed lift overstates the truth when power is
  low). A comparison whose control converted nobody has no lift; it is counted
  (``lift_undefined``), not binned.

Randomness: one ``numpy`` generator per run, from ``SeedSequence(seed).spawn(2)``: the first
draws the planned truth, the second the no-effect truth; each run draws a (trials × arms)
array of conversions, ``CHUNK_TRIALS`` trials at a time. The same inputs and seed give the
same result; without a seed one is drawn and reported.

Degenerate inputs are refused with a ``PlanInvalid`` naming the argument: ``baseline`` in
(0, 1); ``relative_effect`` a number whose variant rate stays in (0, 1); ``per_arm`` two to
``MAX_ARMS`` whole numbers of visitors (control first), each from 1 to ``MAX_VISITORS``;
``alpha`` in (0, 0.5] and at least 1e-10; ``trials`` from 1 to ``MAX_TRIALS``; ``seed`` from
0 to 2⁶³ − 1.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field
from scipy.special import ndtr  # type: ignore[import-untyped]

from planner.abtests.arms import MAX_VARIANTS
from planner.abtests.checks import (
    range_problem,
    whole_problems,
)
from planner.base import Model
from planner.errors import RULE, FieldProblem, PlanInvalid
from planner.types import format_number

MAX_ARMS = MAX_VARIANTS + 1
MAX_VISITORS = 10**12
"""The most visitors one arm may have (the largest count a plan holds)."""
DEFAULT_TRIALS = 10_000
MAX_TRIALS = 200_000
"""Enough for a power of 80% within ±0.2 points (two standard errors)."""
MAX_SEED = 2**63 - 1
MIN_ALPHA = 1e-10
MAX_BINS = 60
CHUNK_TRIALS = 20_000
"""Trials drawn at once: bounds the (trials × arms) temporaries at a few MB."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Histogram(Model):
    """Counts between edges: bin i holds edges[i] ≤ x < edges[i + 1] (the last bin closed)."""

    edges: tuple[float, ...]
    counts: tuple[int, ...]


class LiftSpread(Model):
    """Where the observed relative lifts fall."""

    p5: float
    p50: float
    p95: float


class PowerResult(Model):
    """What the planned test shows on the simulated truth; shares are fractions."""

    baseline: float = Field(description="Control's true conversion rate.")
    relative_effect: float = Field(description="Each variant's true rate ÷ baseline − 1.")
    variant_rate: float = Field(description="Each variant's true conversion rate.")
    per_arm: tuple[int, ...] = Field(description="Visitors in each arm, control first.")
    alpha: float = Field(description="Significance level of the whole test (two-sided).")
    alpha_per_comparison: float = Field(description="alpha ÷ variants (Bonferroni).")
    trials: int
    seed: int = Field(description="Repeats the run.")
    power: float | None = Field(
        description="Chance a variant with the effect is declared better; effect > 0 only."
    )
    share_better: float = Field(description="Comparisons declared significantly better.")
    share_worse: float = Field(description="Comparisons declared significantly worse.")
    share_any_better: float = Field(description="Trials with at least one winner declared.")
    false_winner_chance: float = Field(
        description="With no true effect, trials in which some variant is declared better."
    )
    chance_of_wrong_winner: float | None = Field(
        description="Effect < 0: trials in which a worse variant is declared better."
    )
    lift_histogram: Histogram = Field(description="Observed relative lifts, ≤ 60 bins.")
    lift_spread: LiftSpread | None = Field(description="None when no lift is defined.")
    median_winning_lift: float | None = Field(
        description="Median observed lift of the comparisons declared better."
    )
    lift_undefined: int = Field(description="Comparisons whose control converted nobody.")


def simulate_test(
    baseline: float,
    relative_effect: float,
    per_arm: Sequence[int],
    *,
    alpha: float = 0.05,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = None,
) -> PowerResult:
    """Run the planned test ``trials`` times on the truth given, and summarise what it shows.

    See the module docstring for the test, what is reported and how it is drawn.

    Raises:
        PlanInvalid: naming ``baseline``, ``relative_effect``, ``per_arm`` (or
            ``per_arm[i]``), ``alpha``, ``trials`` or ``seed``.
    """
    sizes = _checked(baseline, relative_effect, per_arm, alpha, trials, seed)
    seed = secrets.randbits(63) if seed is None else int(seed)
    variant_rate = baseline * (1 + relative_effect)
    planned, no_effect = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    run = _run(planned, baseline, variant_rate, sizes, alpha, trials)
    null = run
    if relative_effect != 0:
        null = _run(no_effect, baseline, baseline, sizes, alpha, trials)
    comparisons = trials * (len(sizes) - 1)
    better = int(run.better.sum())
    any_better = float(run.better.any(axis=1).mean())
    return PowerResult(
        baseline=baseline,
        relative_effect=relative_effect,
        variant_rate=variant_rate,
        per_arm=tuple(int(n) for n in sizes),
        alpha=alpha,
        alpha_per_comparison=alpha / (len(sizes) - 1),
        trials=trials,
        seed=seed,
        power=better / comparisons if relative_effect > 0 else None,
        share_better=better / comparisons,
        share_worse=float(run.worse.sum()) / comparisons,
        share_any_better=any_better,
        false_winner_chance=float(null.better.any(axis=1).mean()),
        chance_of_wrong_winner=any_better if relative_effect < 0 else None,
        **_lift_summary(run.lifts, run.better),
    )


# --- The test, vectorised ---------------------------------------------------------------------


def draw_conversions(
    rng: np.random.Generator,
    baseline: float,
    variant_rate: float,
    per_arm: npt.ArrayLike,
    trials: int,
) -> IntArray:
    """A (trials × arms) array: each arm's conversions, control at ``baseline``."""
    sizes = np.asarray(per_arm, dtype=np.int64)
    rates = np.full(sizes.size, variant_rate)
    rates[0] = baseline
    return rng.binomial(sizes, rates, size=(trials, sizes.size))


def z_statistics(conversions: npt.ArrayLike, per_arm: npt.ArrayLike) -> FloatArray:
    """Each variant's pooled two-proportion z against control: (trials × variants).

    ``conversions`` is (trials × arms), control in column 0; z is 0 where the two arms
    have no spread between them (nobody converted, or everybody did).
    """
    counts = np.asarray(conversions, dtype=np.float64)
    sizes = np.asarray(per_arm, dtype=np.float64)
    control, variants = counts[:, :1], counts[:, 1:]
    n_control, n_variants = sizes[0], sizes[1:]
    pooled = (control + variants) / (n_control + n_variants)
    variance = pooled * (1 - pooled) * (1 / n_control + 1 / n_variants)
    difference = variants / n_variants - control / n_control
    spread = np.sqrt(variance)
    safe = np.where(spread > 0, spread, 1.0)
    return np.where(spread > 0, difference / safe, 0.0)


def two_sided_p_values(z: npt.ArrayLike) -> FloatArray:
    """2·Φ(−|z|) for every z."""
    return np.asarray(2 * ndtr(-np.abs(np.asarray(z, dtype=np.float64))), dtype=np.float64)


def significant(
    conversions: npt.ArrayLike, per_arm: npt.ArrayLike, alpha: float
) -> tuple[BoolArray, BoolArray]:
    """(better, worse): each variant significantly above or below control at α ÷ variants."""
    z = z_statistics(conversions, per_arm)
    below = two_sided_p_values(z) < alpha / z.shape[1]
    return below & (z > 0), below & (z < 0)


def observed_lifts(conversions: npt.ArrayLike, per_arm: npt.ArrayLike) -> FloatArray:
    """Each variant's observed rate ÷ control's − 1: (trials × variants), NaN where undefined."""
    counts = np.asarray(conversions, dtype=np.float64)
    rates = counts / np.asarray(per_arm, dtype=np.float64)
    control = rates[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        lifts = rates[:, 1:] / control - 1
    return np.where(control > 0, lifts, np.nan)


class _Run:
    """One simulated truth: the decisions and observed lifts of every trial."""

    def __init__(self, better: BoolArray, worse: BoolArray, lifts: FloatArray) -> None:
        self.better, self.worse, self.lifts = better, worse, lifts


def _run(
    rng: np.random.Generator,
    baseline: float,
    variant_rate: float,
    sizes: IntArray,
    alpha: float,
    trials: int,
) -> _Run:
    better, worse, lifts = [], [], []
    for start in range(0, trials, CHUNK_TRIALS):
        chunk = min(CHUNK_TRIALS, trials - start)
        conversions = draw_conversions(rng, baseline, variant_rate, sizes, chunk)
        up, down = significant(conversions, sizes, alpha)
        better.append(up)
        worse.append(down)
        lifts.append(observed_lifts(conversions, sizes))
    return _Run(np.concatenate(better), np.concatenate(worse), np.concatenate(lifts))


# --- The lift's distribution ------------------------------------------------------------------


def lift_histogram(lifts: npt.ArrayLike) -> Histogram:
    """A histogram of the defined lifts: numpy's automatic bins, at most ``MAX_BINS``."""
    values = np.asarray(lifts, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return Histogram(edges=(), counts=())
    edges = np.histogram_bin_edges(values, bins="auto")
    if edges.size - 1 > MAX_BINS:
        edges = np.histogram_bin_edges(values, bins=MAX_BINS)
    counts, edges = np.histogram(values, bins=edges)
    return Histogram(edges=tuple(edges.tolist()), counts=tuple(counts.tolist()))


def _lift_summary(lifts: FloatArray, better: BoolArray) -> dict[str, Any]:
    defined = np.isfinite(lifts)
    values = lifts[defined]
    spread = None
    if values.size:
        p5, p50, p95 = np.percentile(values, [5, 50, 95])
        spread = LiftSpread(p5=float(p5), p50=float(p50), p95=float(p95))
    winners = lifts[better & defined]
    return {
        "lift_histogram": lift_histogram(values),
        "lift_spread": spread,
        "median_winning_lift": float(np.median(winners)) if winners.size else None,
        "lift_undefined": int(lifts.size - values.size),
    }


# --- Checks -----------------------------------------------------------------------------------


def _checked(
    baseline: Any, relative_effect: Any, per_arm: Any, alpha: Any, trials: Any, seed: Any
) -> IntArray:
    """The arms' sizes as an array, or ``PlanInvalid`` listing every argument that is wrong."""
    if isinstance(per_arm, np.ndarray) and per_arm.ndim == 1:
        per_arm = per_arm.tolist()
    problems = [
        range_problem("baseline", baseline, gt=0, lt=1),
        range_problem("relative_effect", relative_effect),
        range_problem("alpha", alpha, gt=0, le=0.5, minimum=MIN_ALPHA),
        *whole_problems("trials", trials, low=1, high=MAX_TRIALS),
        *(whole_problems("seed", seed, low=0, high=MAX_SEED) if seed is not None else []),
        *_per_arm_problems(per_arm),
    ]
    if problems[0] is None and problems[1] is None:
        problems.append(_variant_rate_problem(baseline, relative_effect))
    found = [problem for problem in problems if problem is not None]
    if found:
        raise PlanInvalid(found)
    return np.asarray([int(n) for n in per_arm], dtype=np.int64)


def _per_arm_problems(per_arm: Any) -> list[FieldProblem | None]:
    if isinstance(per_arm, str | bytes) or not isinstance(per_arm, Sequence):
        message = f"must be a list of visitors per arm, control first, got {per_arm!r:.40}"
        return [FieldProblem("per_arm", message, "list_type", {"got": repr(per_arm)[:40]})]
    if not 2 <= len(per_arm) <= MAX_ARMS:
        message = (
            f"must give 2 to {MAX_ARMS} arms (control and 1 to {MAX_VARIANTS} variants), "
            f"got {len(per_arm)}"
        )
        params = {"got": len(per_arm), "low": 2, "high": MAX_ARMS}
        return [FieldProblem("per_arm", message, RULE, {"rule": "arm_count", **params})]
    return [
        problem
        for index, visitors in enumerate(per_arm)
        for problem in whole_problems(f"per_arm[{index}]", visitors, low=1, high=MAX_VISITORS)
    ]


def _variant_rate_problem(baseline: float, relative_effect: float) -> FieldProblem | None:
    """The variant's rate must stay a rate: worded as ``sizing`` words it for ``mde``."""
    rate = baseline * (1 + relative_effect)
    if 0 < rate < 1:
        return None
    message = f"would make the variant's rate {format_number(rate)}; it must be > 0 and < 1"
    params = {
        "rule": "variant_rate_out_of_range",
        "variant_rate": rate,
        "baseline": baseline,
        "mde": relative_effect,
        "gt": 0,
        "lt": 1,
    }
    return FieldProblem("relative_effect", message, RULE, params)
