"""Revenue per visitor: each arm's sufficient statistics, and Welch's t-test between two arms.

Every visitor counts, buyer or not: a visitor who bought nothing brings 0. An arm is summed
up by ``RevenueStats``: its visitors n, their mean revenue and its sample variance
(ddof = 1), which is all Welch's test needs. They are built

- from the raw values (``RevenueStats.of``): numpy's pairwise-summed mean and two-pass
  variance, the most accurate;
- for many arms at once from one column of values and one of arm numbers
  (``RevenueStats.of_groups``): the same two passes, each a ``numpy.bincount``;
- from running sums n, Σx, Σx² (``RevenueStats.from_sums``), as a database or a stream
  gives them. The sum of squared deviations is then Σx² − Σx·x̄, which cancels: it loses
  about log₁₀(x̄² ÷ s²) of float64's ~16 significant digits (two for a mean ten times the
  spread). Revenue per visitor, mostly zeros, has a spread larger than its mean, so nothing
  of note is lost; a result a hair below zero is rounded to zero, one clearly below zero
  (sums no data can have) is refused;
- by adding two arms' (or two chunks') statistics (``a + b``): Chan, Golub & LeVeque's
  pairwise update, M₂ = M₂ₐ + M₂ᵦ + δ² nₐ nᵦ ÷ n with δ the difference of the means
  ("Algorithms for computing the sample variance: analysis and recommendations",
  *The American Statistician* 37 (1983), 242–247), which keeps the two-pass accuracy.

``welch`` compares a variant with control: the difference of the means (variant − control),
its standard error √(s₁²/n₁ + s₂²/n₂), the Welch–Satterthwaite degrees of freedom
(s₁²/n₁ + s₂²/n₂)² ÷ [(s₁²/n₁)²/(n₁ − 1) + (s₂²/n₂)²/(n₂ − 1)], the two-sided p-value of
t = difference ÷ standard error on those degrees of freedom, the confidence interval
difference ± t_(1+c)/2 · standard error, and the relative lift difference ÷ control's mean
(Welch, "The generalization of 'Student's' problem when several different population
variances are involved", *Biometrika* 34 (1947), 28–35). It is what
``scipy.stats.ttest_ind(a, b, equal_var=False)`` computes from the raw values.

Assumptions: visitors are independent, and each arm's mean is close enough to normal for
its size. Revenue is skewed (most visitors spend nothing, a few spend a lot), so a small
arm's interval is less trustworthy than it looks; with hundreds of buyers per arm it holds.

Expected degeneracies are a status, never NaN: an arm with fewer than two visitors has no
variance (``too_few_visitors``), and two arms whose every visitor spent the same have no
spread to test against (``no_variance``). The means and their difference are still given
where they exist; the test's numbers are none.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator
from scipy.stats import t as student_t  # type: ignore[import-untyped]

from planner.base import Model, RuleProblem, rules_error
from planner.errors import FieldProblem, PlanInvalid
from planner.types import OUT_OF_RANGE, Count, format_number

RevenueStatus = Literal["ok", "too_few_visitors", "no_variance"]
"""``ok``; an arm with fewer than two visitors; no visitor in either arm spent differently."""

SUMS_TOLERANCE = 1e-9
"""How far below zero Σx² − Σx·x̄ may round (as a share of Σx²) before the sums are refused."""
DEFAULT_CONFIDENCE = 0.95

FloatArray = npt.NDArray[np.float64]


class RevenueStats(Model):
    """One arm's revenue per visitor: visitors, mean and sample variance (ddof = 1).

    ``mean`` is none without visitors, ``variance`` none with fewer than two.
    """

    n: Count = Field(description="Visitors in the arm, buyers or not.")
    mean: float | None = Field(description="Mean revenue per visitor; none without visitors.")
    variance: float | None = Field(
        ge=0, description="Sample variance (ddof = 1); none with fewer than two visitors."
    )

    @model_validator(mode="after")
    def _present_when_defined(self) -> RevenueStats:
        problems = []
        if (self.mean is None) != (self.n == 0):
            message = "must be given exactly when the arm has visitors"
            problems.append(RuleProblem("mean", "mean_with_visitors", message, {"n": self.n}))
        if (self.variance is None) != (self.n < 2):
            message = "must be given exactly when the arm has two visitors or more"
            problems.append(
                RuleProblem("variance", "variance_with_visitors", message, {"n": self.n})
            )
        if problems:
            raise rules_error(problems)
        return self

    @classmethod
    def of(cls, values: npt.ArrayLike) -> RevenueStats:
        """The statistics of one arm's revenue, one value per visitor (0 for non-buyers).

        Raises:
            PlanInvalid: naming ``values`` when it is not one-dimensional or holds a value
                that is not a finite number.
        """
        array = _finite_values(values)
        if array.size == 0:
            return cls(n=0, mean=None, variance=None)
        mean = float(array.mean())
        variance = float(array.var(ddof=1)) if array.size > 1 else None
        return cls(n=array.size, mean=mean, variance=variance)

    @classmethod
    def from_sums(cls, n: int, total: float, total_squares: float) -> RevenueStats:
        """The statistics from running sums: visitors, Σx and Σx² (see the module docstring).

        Raises:
            PlanInvalid: naming ``total_squares`` when Σx² is smaller than any data could
                make it, or ``total``/``total_squares`` when not finite.
        """
        for field, value in (("total", total), ("total_squares", total_squares)):
            if not math.isfinite(value):
                message = f"must be a finite number, got {format_number(value)}"
                raise PlanInvalid([FieldProblem(field, message, "finite_number", {"got": value})])
        if n == 0:
            return cls(n=0, mean=None, variance=None)
        mean = total / n
        squared_deviations = total_squares - total * mean
        if squared_deviations < -SUMS_TOLERANCE * max(total_squares, 1.0):
            message = (
                f"must be at least Σx² ÷ n ({format_number(total * mean)}) for {n:,} values "
                f"summing to {format_number(total)}, got {format_number(total_squares)}"
            )
            raise PlanInvalid(
                [
                    FieldProblem(
                        "total_squares",
                        message,
                        "sums_inconsistent",
                        {"got": total_squares, "least": total * mean, "n": n, "total": total},
                    )
                ]
            )
        return cls.from_moments(n, mean, max(squared_deviations, 0.0))

    @classmethod
    def from_moments(cls, n: int, mean: float, squared_deviations: float) -> RevenueStats:
        """The statistics from n, the mean and M₂ = Σ(x − x̄)² (any mean when n is 0)."""
        if n == 0:
            return cls(n=0, mean=None, variance=None)
        variance = squared_deviations / (n - 1) if n > 1 else None
        return cls(n=n, mean=mean, variance=variance)

    @classmethod
    def of_groups(
        cls, values: npt.ArrayLike, groups: npt.ArrayLike, count: int
    ) -> list[RevenueStats]:
        """The statistics of each of ``count`` arms, ``groups[i]`` naming the arm of visitor i.

        Two vectorised passes (the means, then the squared deviations from each arm's own
        mean), so the variance is as accurate as ``of``'s. Visitors who spent nothing, most
        of them, are counted rather than summed: each adds 0 to the sum and exactly x̄² to
        the squared deviations. ``groups`` holds arm numbers from 0 to ``count`` − 1;
        ``values`` must be finite (``of`` says why not).
        """
        array = _finite_values(values)
        arms = np.asarray(groups, dtype=np.intp)
        visitors = np.bincount(arms, minlength=count)
        spent = np.flatnonzero(array != 0)
        spent_arms, spent_values = arms[spent], array[spent]
        sums = np.bincount(spent_arms, weights=spent_values, minlength=count)
        means = sums / np.maximum(visitors, 1)
        deviations = spent_values - means[spent_arms]
        zeros = visitors - np.bincount(spent_arms, minlength=count)
        spent_squares = np.bincount(spent_arms, weights=deviations * deviations, minlength=count)
        squared = spent_squares + zeros * means * means
        return [
            cls.from_moments(int(n), float(mean), float(m2))
            for n, mean, m2 in zip(visitors, means, squared, strict=True)
        ]

    @property
    def squared_deviations(self) -> float:
        """M₂ = Σ(x − x̄)²: the variance times n − 1 (0 with fewer than two visitors)."""
        return 0.0 if self.variance is None else self.variance * (self.n - 1)

    @property
    def total(self) -> float:
        """Σx: the arm's revenue."""
        return 0.0 if self.mean is None else self.mean * self.n

    @property
    def total_squares(self) -> float:
        """Σx²."""
        return 0.0 if self.mean is None else self.squared_deviations + self.n * self.mean**2

    def __add__(self, other: RevenueStats) -> RevenueStats:
        """The statistics of both sets of visitors together (Chan, Golub & LeVeque)."""
        if self.mean is None:
            return other
        if other.mean is None:
            return self
        n = self.n + other.n
        delta = other.mean - self.mean
        mean = self.mean + delta * other.n / n
        squared = (
            self.squared_deviations
            + other.squared_deviations
            + delta * delta * self.n * other.n / n
        )
        return RevenueStats.from_moments(n, mean, squared)


class RevenueComparison(Model):
    """A variant's revenue per visitor against control's, by Welch's t-test.

    Fields that need the test are none unless ``status`` is ``ok``; the means, their
    difference and the lift are given wherever the arms have visitors (the lift also needs
    control's mean to be other than 0).
    """

    status: RevenueStatus
    confidence: float = Field(description="Level of the interval, e.g. 0.95.")
    control_mean: float | None = Field(description="Control's revenue per visitor.")
    variant_mean: float | None = Field(description="The variant's revenue per visitor.")
    difference: float | None = Field(description="variant_mean − control_mean, per visitor.")
    relative_lift: float | None = Field(description="difference ÷ control_mean.")
    standard_error: float | None = Field(description="√(s₁²/n₁ + s₂²/n₂).")
    ci_low: float | None = Field(description="Lower end of the difference's interval.")
    ci_high: float | None = Field(description="Upper end of the difference's interval.")
    t_statistic: float | None = Field(description="difference ÷ standard_error.")
    df: float | None = Field(description="Welch–Satterthwaite degrees of freedom.")
    p_value: float | None = Field(description="Two-sided p-value of t on df.")


def welch(
    control: RevenueStats, variant: RevenueStats, *, confidence: float = DEFAULT_CONFIDENCE
) -> RevenueComparison:
    """Welch's t-test of the variant's mean revenue per visitor against control's.

    See the module docstring for the formulas and their source.

    Raises:
        PlanInvalid: naming ``confidence`` unless it is a number above 0 and below 1.
    """
    _check_confidence(confidence)
    described = _described(control, variant, confidence)
    if control.variance is None or variant.variance is None:
        return RevenueComparison(status="too_few_visitors", **described, **_NO_TEST)
    first, second = control.variance / control.n, variant.variance / variant.n
    standard_error = math.sqrt(first + second)
    difference = described["difference"]
    statistic = difference / standard_error if standard_error else math.inf
    if not math.isfinite(statistic):  # no spread, or one too small to divide by
        return RevenueComparison(status="no_variance", **described, **_NO_TEST)
    df = _welch_df(first, control.n, second, variant.n)
    margin = float(student_t.isf((1 - confidence) / 2, df)) * standard_error
    return RevenueComparison(
        status="ok",
        **described,
        standard_error=standard_error,
        ci_low=difference - margin,
        ci_high=difference + margin,
        t_statistic=statistic,
        df=df,
        p_value=float(min(1.0, 2 * student_t.sf(abs(statistic), df))),
    )


def _described(control: RevenueStats, variant: RevenueStats, confidence: float) -> dict[str, Any]:
    """The fields known without the test: the means, their difference and the lift."""
    difference = lift = None
    if control.mean is not None and variant.mean is not None:
        difference = variant.mean - control.mean
        lift = difference / control.mean if control.mean else None
    return {
        "confidence": float(confidence),
        "control_mean": control.mean,
        "variant_mean": variant.mean,
        "difference": difference,
        "relative_lift": lift,
    }


_NO_TEST: dict[str, None] = dict.fromkeys(
    ("standard_error", "ci_low", "ci_high", "t_statistic", "df", "p_value")
)


def _welch_df(first: float, n_first: int, second: float, n_second: int) -> float:
    """Welch–Satterthwaite degrees of freedom, scaled so tiny variances don't underflow."""
    scale = max(first, second)
    a, b = first / scale, second / scale
    return (a + b) ** 2 / (a * a / (n_first - 1) + b * b / (n_second - 1))


def _check_confidence(confidence: float) -> None:
    is_number = isinstance(confidence, int | float) and not isinstance(confidence, bool)
    if is_number and math.isfinite(confidence) and 0 < confidence < 1:
        return
    shown = format_number(confidence) if is_number else repr(confidence)
    message = f"must be > 0 and < 1, got {shown}"
    context = {"got": confidence, "rule": "> 0 and < 1", "gt": 0, "lt": 1}
    raise PlanInvalid([FieldProblem("confidence", message, OUT_OF_RANGE, context)])


def _finite_values(values: npt.ArrayLike) -> FloatArray:
    """``values`` as a one-dimensional float64 array, or ``PlanInvalid`` naming ``values``."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        shown = repr(values)[:40]
        message = f"must be numbers, got {shown}"
        raise PlanInvalid([FieldProblem("values", message, "float_type", {"got": shown})]) from None
    if array.ndim != 1:
        message = f"must be one list of values, got {array.ndim} dimensions"
        context = {"dimensions": array.ndim}
        raise PlanInvalid([FieldProblem("values", message, "values_shape", context)])
    finite = np.isfinite(array)
    if not finite.all():
        index = int(np.flatnonzero(~finite)[0])
        bad = float(array[index])
        message = f"must be finite numbers, got {format_number(bad)} at position {index:,}"
        raise PlanInvalid(
            [FieldProblem("values", message, "finite_number", {"got": bad, "index": index})]
        )
    return array
