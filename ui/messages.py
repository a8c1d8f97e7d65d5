"""What the domain reports, worded for the screen in the reader's language.

The planner addresses a problem by its plan-file path (``stages[2].conversion_rate``) and
speaks in codes and fractions; the page names the field as it is labelled (``Conversion from
'Product views' to 'Add to cart'``), in percent, and says which tab holds it. Every label the
inputs draw comes from here, so a message and its field never disagree.

A thin adapter over ``i18n.domain``, which words problems, benchmark warnings and infeasible
requests: this module adds the page's labels and tabs, and the session's language and digits
(``ui.i18n``). Labels and tab names are page strings (the ``app`` catalogue); the messages
come from the ``planner`` catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from i18n import domain
from i18n.catalogue import N_
from planner.benchmarks import BenchmarkRange, BenchmarkWarning, Verdict
from planner.errors import FieldProblem, PlannerError
from ui.draft import is_percent_key, paid_stage_name, stage_names, widget_key_for
from ui.i18n import formats, t

# The tabs by their English names (the session remembers the open tab by these); what the
# page shows is ``tab_labels``.
GOAL_TAB, COSTS_TAB, RETURNING_TAB = TABS = (
    N_("Goal & funnel"),
    N_("Costs"),
    N_("Returning customers"),
)
TAB_MARK = " ⚠"

SOURCE_LABELS = {
    "name": N_("Plan name"),
    "description": N_("Notes on this plan"),
    "currency": N_("Currency"),
    "revenue_target": N_("Revenue target"),
    "average_order_value": N_("Average order value"),
    "orders_per_customer": N_("Orders per new customer"),
    "gross_margin": N_("Gross margin %"),
    "period": N_("Period"),
    "period.start": N_("Start"),
    "period.end": N_("End"),
    "year": N_("Year"),
    "budget": N_("Marketing budget for the period"),
    "stages": N_("Stages"),
    "acquisition_cost": N_("Costs"),
    "acquisition_cost.stage": N_("Paid stage"),
    "acquisition_cost.cost_per_mille": N_("Cost per 1,000 impressions"),
    "returning_customers": N_("Returning customers"),
    "returning_customers.active_customers": N_("Active customers at start"),
    "returning_customers.repeat_purchase_rate": N_("Buying again %"),
    "returning_customers.orders_per_customer": N_("Orders per returning buyer"),
    "returning_customers.average_order_value": N_("Their order value"),
}
"""The fixed labels by plan-file field, in English (the catalogue's source)."""


class _Labels(Mapping[str, str]):
    """``SOURCE_LABELS`` read in the session's language: ``LABELS["currency"]``."""

    def __getitem__(self, field: str) -> str:
        return t(SOURCE_LABELS[field])

    def __iter__(self) -> Iterator[str]:
        return iter(SOURCE_LABELS)

    def __len__(self) -> int:
        return len(SOURCE_LABELS)


LABELS: Mapping[str, str] = _Labels()
"""The fixed labels by plan-file field, in the reader's language."""

_STAGE_PATH = re.compile(r"\bstages\[(\d+)\]")
_STAGE_FIELD = re.compile(r"^stages\[(\d+)\]\.(name|conversion_rate)$")


def _number(value: int) -> str:
    return formats().count(value)


def traffic_label(draft: Mapping[str, Any]) -> str:
    """The forward traffic field: '<first stage> in the period'."""
    first = next(iter(stage_names(draft).values()), None) or t("Traffic")
    return t("{stage} in the period", stage=first)


def cost_label(draft: Mapping[str, Any]) -> str:
    """The unit price field: ``Cost per 'Sessions'``."""
    return t("Cost per '{stage}'", stage=paid_stage_name(draft))


def click_through_label(draft: Mapping[str, Any]) -> str:
    """The click-through field: ``Click-through % into 'Sessions'``."""
    return t("Click-through % into '{stage}'", stage=paid_stage_name(draft))


def stage_name_label(position: int) -> str:
    """A stage's name field, numbered from 1 as on screen."""
    return t("Stage {number} name", number=_number(position + 1))


def stage_rate_label(draft: Mapping[str, Any], position: int) -> str:
    """A stage's rate field: ``Conversion from 'Product views' to 'Add to cart'``."""
    names = list(stage_names(draft).values())
    if not 0 < position < len(names):
        return t("Stage {number} rate", number=_number(position + 1))
    return t(
        "Conversion from '{before}' to '{stage}'", before=names[position - 1], stage=names[position]
    )


def label_for(field: str, draft: Mapping[str, Any]) -> str:
    """The on-screen label of a plan-file field (or of a page input such as the Year)."""
    dynamic = {
        "traffic": traffic_label,
        "acquisition_cost.cost_per_unit": cost_label,
        "acquisition_cost.click_through_rate": click_through_label,
    }
    if field in dynamic:
        return dynamic[field](draft)
    if field in SOURCE_LABELS:
        return LABELS[field]
    match = _STAGE_FIELD.match(field)
    if match:
        position = int(match.group(1))
        if match.group(2) == "name":
            return stage_name_label(position)
        return stage_rate_label(draft, position)
    return on_screen(field).capitalize()


def tab_of(field: str) -> str:
    """The input tab that holds the field (one of ``TABS``, by its English name)."""
    if field.startswith("acquisition_cost") or field == "gross_margin":
        return COSTS_TAB
    if field.startswith("returning_customers"):
        return RETURNING_TAB
    return GOAL_TAB


def tab_label(tab: str) -> str:
    """A tab's name in the reader's language."""
    return t(tab)


def tab_of_label(label: str) -> str | None:
    """The tab (one of ``TABS``) a label from ``tab_labels`` stands for, in any language."""
    shown = label.removesuffix(TAB_MARK)
    return next((tab for tab in TABS if shown in {tab, tab_label(tab)}), None)


def on_screen(text: str) -> str:
    """Plan-file paths as the page says them: ``stages[2]`` → ``stage 3``."""
    return _STAGE_PATH.sub(
        lambda match: t("stage {number}", number=_number(int(match.group(1)) + 1)), text
    )


def describe(problem: FieldProblem, label: str, *, percent: bool = False) -> str:
    """``Conversion from 'X' to 'Y' must be above 0% and at most 100%, got 120%``.

    "required" becomes "is required"; a message that is not a predicate follows a colon
    (``Stage 3 name: 'Checkout' is already the name of stage 2``).
    """
    return domain.describe_problem(problem, label, formats(), percent=percent)


@dataclass(frozen=True)
class ScreenMessage:
    """One problem as the page shows it: beside its field (``key``) and in the list to fix."""

    key: str | None
    tab: str
    text: str

    @property
    def listed(self) -> str:
        """The line in the list of things to fix, naming the tab it is on."""
        return t("{tab} tab: {text}", tab=tab_label(self.tab), text=self.text)


def screen_messages(
    problems: Sequence[FieldProblem], draft: Mapping[str, Any]
) -> list[ScreenMessage]:
    """Every problem worded for the page, one per field (the first wins)."""
    messages: list[ScreenMessage] = []
    seen: set[str] = set()
    for problem in problems:
        key = widget_key_for(problem.field, draft)
        if key is not None and key in seen:
            continue
        percent = key is not None and is_percent_key(key)
        text = describe(problem, label_for(problem.field, draft), percent=percent)
        messages.append(ScreenMessage(key, tab_of(problem.field), text))
        if key is not None:
            seen.add(key)
    return messages


def tab_labels(messages: Sequence[ScreenMessage]) -> list[str]:
    """The input tabs' labels in ``TABS`` order, marked where a field needs fixing: ``Costs ⚠``."""
    flagged = {message.tab for message in messages}
    return [tab_label(tab) + TAB_MARK if tab in flagged else tab_label(tab) for tab in TABS]


# --- Benchmark warnings and infeasible requests, for the results column ------------------------


def warning_text(warning: BenchmarkWarning) -> str:
    """A benchmark warning in the reader's language, figures in their digits."""
    return domain.warning_message(warning, formats())


def source_text(warning: BenchmarkWarning) -> str:
    """The warning's source line (publishers' and reports' names kept as they are)."""
    return domain.warning_source(warning, formats())


def infeasible_text(error: PlannerError) -> str:
    """An infeasible request and what to change, as one line."""
    return domain.infeasible_text(error, formats())


def benchmark_label(benchmark: BenchmarkRange) -> str:
    """What a benchmark measures: "session-to-order rate"."""
    return domain.benchmark_label(benchmark, formats())


def benchmark_typical(benchmark: BenchmarkRange) -> str:
    """What the published figures say: "typical 1–3%, ..."."""
    return domain.benchmark_typical(benchmark, formats())


def benchmark_source(benchmark: BenchmarkRange) -> str:
    """Where a benchmark's figures come from."""
    return domain.benchmark_source(benchmark, formats())


def verdict_text(verdict: Verdict) -> str:
    """The verdict on a plan's rate: "below the range", "within", "above the range"."""
    return domain.verdict_text(verdict, formats())
