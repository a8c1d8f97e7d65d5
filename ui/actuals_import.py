"""Getting results onto the Actuals page: a file (an order log or funnel results), or typed.

A file is read once per choice of settings and kept with what reading it found, under
``CURRENT_KEY``, so it survives a trip to another page. A file that can't be read, or a
change of columns that breaks it, leaves the results already there as they were: the page
says what is wrong and keeps showing what it had ("A bad file changes nothing already
stored").

What a file holds is guessed from its headers (a column per funnel stage → funnel results;
a customer and an amount column → an order log) and can be set by hand; so can each column
(the guess is shown as the choice to correct). Settings widgets carry ``actuals.*`` keys with
``persist_state="session"``.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

import streamlit as st

from files import funnel_actuals, results_files
from i18n.catalogue import N_
from planner.actuals.funnel import FunnelActuals
from planner.actuals.orders import OrderLog
from planner.errors import FieldProblem, PlanInvalid
from planner.models import Plan
from ui.i18n import formats, t, worded

KEY = "actuals."
CURRENT_KEY = KEY + "current"
FILE_KEY = KEY + "file"
ATTEMPT_KEY = KEY + "attempt"
UPLOAD_KEY = KEY + "upload"
ROUND_KEY = KEY + "upload_round"
"""Bumped to give the uploader a fresh key: the only way to empty it."""
Kind = results_files.Kind
KINDS: dict[str, str] = {
    "orders": N_("Orders: one row per order (or order line)"),
    "funnel": N_("Funnel results: counts per day, week or month"),
}
DATE_ORDERS: dict[str, str] = {
    "auto": N_("Found from the file"),
    "day": N_("Day first (31/01/2027)"),
    "month": N_("Month first (01/31/2027)"),
}
ORDER_ROLES: dict[str, str] = {
    "date": N_("Date"),
    "amount": N_("Amount"),
    "customer": N_("Customer (id or e-mail)"),
    "order": N_("Order id"),
    "status": N_("Status"),
    "channel": N_("Channel"),
    "segment": N_("Segment"),
    "currency": N_("Currency"),
}
MEASURE_ROLES: dict[str, str] = {
    "revenue": N_("Revenue"),
    "orders": N_("Orders"),
    "spend": N_("Spend"),
    "new_customers": N_("New customers"),
    "new_orders": N_("Orders of new customers"),
    "new_customer_revenue": N_("Revenue of new customers"),
    "returning_customers": N_("Returning customers"),
    "returning_orders": N_("Orders of returning customers"),
    "returning_revenue": N_("Revenue of returning customers"),
    "channel": N_("Channel"),
}
AUTO = "\u0000auto"  # a column choice: found by its header
NONE = "\u0000none"  # a column choice: not in the file


@dataclass(frozen=True)
class Imported:
    """Results ready for the page: where they came from and what reading them found."""

    name: str
    kind: Literal["orders", "funnel", "typed"]
    actuals: FunnelActuals
    log: OrderLog | None = None
    summary: Mapping[str, Any] = field(default_factory=dict)
    """rows_read, rows_skipped, skipped, first_day, last_day, columns, stages_missing..."""
    fingerprint: str = ""
    """What the results were read from (file and settings, or the typed values), as a key."""


@dataclass(frozen=True)
class Attempt:
    """The last try at reading the file: its settings, and its problems if it failed."""

    fingerprint: tuple[Any, ...]
    problems: tuple[FieldProblem, ...] = ()


def current() -> Imported | None:
    """The results the page shows: the last file read well (or None)."""
    kept: Imported | None = st.session_state.get(CURRENT_KEY)
    return kept


def file_section(plan: Plan) -> list[FieldProblem]:
    """The uploader and the file's settings; reads the file when they change.

    Returns the problems of the last try (empty when it read well or nothing was tried).
    """
    st.file_uploader(
        t("Results file (CSV or Excel)"),
        type=["csv", "txt", "tsv", "xlsx", "xlsm"],
        key=upload_key(),
        on_change=_file_changed,
        help=t(
            "An order export from your store (Shopify, WooCommerce, Salla, Zid or any CSV "
            "with a date, a customer and an amount per order), or your funnel's counts per "
            "day, week or month with a column per stage."
        ),
    )
    kept: dict[str, Any] | None = st.session_state.get(FILE_KEY)
    if kept is None:
        return []
    header = kept.get("header") or []
    kind = _kind_choice(kept)
    with st.expander(t("Columns and dates"), expanded=bool(_last_problems())):
        if kind == "orders":
            settings = _order_settings(header)
        else:
            settings = _funnel_settings(plan, header, kept)
    _read_if_changed(plan, kept, kind, settings)
    return list(_last_problems())


def upload_key() -> str:
    """The uploader's key this round (``actuals.upload`` first)."""
    round_number = int(st.session_state.get(ROUND_KEY, 0))
    return UPLOAD_KEY if round_number == 0 else f"{UPLOAD_KEY}.{round_number}"


def forget_file() -> None:
    """Empty the uploader and forget the file it held (its results are the caller's)."""
    st.session_state.pop(upload_key(), None)
    st.session_state[ROUND_KEY] = int(st.session_state.get(ROUND_KEY, 0)) + 1
    st.session_state.pop(FILE_KEY, None)
    st.session_state.pop(ATTEMPT_KEY, None)


def _file_changed() -> None:
    """A new file is kept (bytes, name, header); a removed one is forgotten, results stay."""
    uploaded = st.session_state.get(upload_key())
    if uploaded is None:
        st.session_state.pop(FILE_KEY, None)
        st.session_state.pop(ATTEMPT_KEY, None)
        return
    data = uploaded.getvalue()
    kept: dict[str, Any] = {
        "name": uploaded.name,
        "bytes": data,
        "hash": hashlib.sha256(data).hexdigest(),
    }
    try:
        kept["header"] = results_files.header_of(data)
    except PlanInvalid as invalid:
        kept["header"] = []
        kept["problems"] = tuple(invalid.problems)
    st.session_state[FILE_KEY] = kept
    for role_key in [key for key in st.session_state if str(key).startswith(KEY + "column.")]:
        del st.session_state[role_key]  # a new file: its columns are guessed afresh
    st.session_state.pop(KEY + "kind", None)


def _kind_choice(kept: Mapping[str, Any]) -> Kind:
    guessed = results_files.kind_of(kept.get("header") or [])
    if KEY + "kind" not in st.session_state:
        st.session_state[KEY + "kind"] = guessed
    choice = st.radio(
        t("This file holds"),
        list(KINDS),
        format_func=worded(KINDS),
        key=KEY + "kind",
        horizontal=True,
    )
    return "orders" if choice == "orders" else "funnel"


def _column_choice(label: str, role: str, header: list[str], default: str) -> str:
    key = f"{KEY}column.{role}"
    options = [default, *(name for name in header if name != default)]
    if default not in (AUTO, NONE):
        options = [NONE, *header]
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default
    words = {AUTO: t("Found by its header"), NONE: t("Not in the file")}
    chosen: str = st.selectbox(
        label, options, key=key, format_func=lambda name: words.get(name, name)
    )
    return chosen


def _order_settings(header: list[str]) -> dict[str, Any]:
    columns = st.columns(3)
    chosen = {}
    for index, (role, label) in enumerate(ORDER_ROLES.items()):
        with columns[index % 3]:
            chosen[role] = _column_choice(t(label), role, header, AUTO)
    settings: dict[str, Any] = {
        f"{role}_column": None if value in (AUTO, NONE) else value for role, value in chosen.items()
    }
    left, right = st.columns(2)
    with left:
        settings["day_first"] = _date_order()
    with right:
        settings["timezone"] = st.selectbox(
            t("Your store's time zone"),
            time_zones(),
            key=KEY + "timezone",
            help=t("Order times with an offset are moved to this zone before their day is taken."),
        )
    return settings


def _funnel_settings(plan: Plan, header: list[str], kept: Mapping[str, Any]) -> dict[str, Any]:
    stages = [stage.name for stage in plan.stages]
    guess = funnel_actuals.guess_columns(header, stages) if header else None
    found = guess.columns if guess is not None else {}
    roles = {"date": t("Date"), **{stage: stage for stage in stages}}
    roles |= {role: t(label) for role, label in MEASURE_ROLES.items()}
    columns = st.columns(3)
    mapping = {}
    for index, (role, label) in enumerate(roles.items()):
        with columns[index % 3]:
            chosen = _column_choice(label, role, header, found.get(role, NONE))
        if chosen not in (AUTO, NONE):
            mapping[role] = chosen
    settings: dict[str, Any] = {"mapping": mapping, "day_first": _date_order()}
    return settings


def _date_order() -> bool | None:
    choice = st.radio(
        t("Dates are written"),
        list(DATE_ORDERS),
        format_func=worded(DATE_ORDERS),
        key=KEY + "date_order",
        horizontal=True,
    )
    return None if choice == "auto" else choice == "day"


@st.cache_data(show_spinner=False)
def time_zones() -> list[str]:
    """UTC, then every time zone by its area/city name."""
    return ["UTC", *sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone)]


def _last_problems() -> tuple[FieldProblem, ...]:
    attempt: Attempt | None = st.session_state.get(ATTEMPT_KEY)
    kept: dict[str, Any] | None = st.session_state.get(FILE_KEY)
    if kept is not None and kept.get("problems"):
        return tuple(kept["problems"])
    return () if attempt is None else attempt.problems


def _read_if_changed(
    plan: Plan, kept: Mapping[str, Any], kind: Kind, settings: dict[str, Any]
) -> None:
    """Read the file when it or its settings changed; keep the results only if it read well."""
    if kept.get("problems"):
        return
    stages = tuple(stage.name for stage in plan.stages)
    fingerprint = (kept["hash"], kind, repr(sorted(settings.items())), stages)
    attempt: Attempt | None = st.session_state.get(ATTEMPT_KEY)
    if attempt is not None and attempt.fingerprint == fingerprint:
        return
    progress = _Progress(kept["name"], len(kept["bytes"]))
    try:
        imported = read_file(
            kept["name"], kept["bytes"], kind, settings, list(stages), progress.step
        )
        imported = replace(imported, fingerprint=repr(fingerprint))
    except PlanInvalid as invalid:
        st.session_state[ATTEMPT_KEY] = Attempt(fingerprint, tuple(invalid.problems))
        return
    finally:
        progress.done()
    st.session_state[ATTEMPT_KEY] = Attempt(fingerprint)
    st.session_state[CURRENT_KEY] = imported


class _Progress:
    """A bar through the steps of reading a large file (a small one reads in a blink)."""

    LARGE_BYTES = 5_000_000

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.bar = None
        if size >= self.LARGE_BYTES:
            megabytes = formats().number(round(size / 1_000_000, 1))
            text = t("Reading {name} ({size} MB)…", name=name, size=megabytes)
            self.bar = st.progress(0.05, text=text)

    def step(self, share: float, what: str) -> None:
        """Move the bar to ``share`` and say what is being done now."""
        if self.bar is not None:
            self.bar.progress(share, text=t("{name}: {step}", name=self.name, step=what))

    def done(self) -> None:
        """Take the bar away: the summary below says what reading found."""
        if self.bar is not None:
            self.bar.empty()


def read_file(
    name: str,
    data: bytes,
    kind: Kind,
    settings: Mapping[str, Any],
    stages: list[str],
    step: Callable[[float, str], None] | None = None,
) -> Imported:
    """Read an order log or funnel results into what the page shows (PlanInvalid if bad).

    ``step`` hears of each stage of the work (a share done, and what comes next).
    """
    steps = {
        "unpacking": t("unpacking the workbook…"),
        "reading": t("reading the rows…"),
        "days": t("adding up each day…"),
    }

    def told(share: float, what: results_files.Step) -> None:
        if step is not None:
            step(share, steps[what])

    if kind == "orders":
        columns = {key: value for key, value in settings.items() if key.endswith("_column")}
        results = results_files.read_results(
            data,
            kind="orders",
            stages=stages,
            order_columns=columns,
            day_first=settings["day_first"],
            timezone=settings["timezone"],
            progress=told,
        )
    else:
        results = results_files.read_results(
            data,
            kind="funnel",
            stages=stages,
            mapping=settings["mapping"],
            day_first=settings["day_first"],
            progress=told,
        )
    return Imported(name, results.kind, results.actuals, results.log, results.summary)


def covered_days(imported: Imported) -> tuple[date, date] | None:
    """The first and last day the results cover."""
    first, last = imported.actuals.first_day, imported.actuals.last_day
    if first is None or last is None:
        return None
    return date.fromordinal(first + _EPOCH_ORDINAL), date.fromordinal(last + _EPOCH_ORDINAL)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
