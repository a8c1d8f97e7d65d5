"""The reader's language and digits for this session, and the one function for page text.

The language lives in the URL (``?lang=ar``), so a shared link opens in the same language,
and in the session, so it lasts while the reader moves between pages. A first visit without
``?lang`` follows the browser's language when it is one we speak. Every string a page shows
goes through ``t`` (or ``t_plural``); numbers through ``formats()``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from i18n.catalogue import translate, translate_plural
from i18n.formats import Formats
from i18n.languages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Digits,
    Language,
    is_right_to_left,
    parse_language,
)

LANGUAGE_KEY = "lang"
DIGITS_KEY = "digits"
SWITCH_KEY = "frame-language"
DIGIT_LABELS: dict[Digits, str] = {"latn": "123", "arab": "١٢٣"}
# This run's language and digits, settled by the frame before anything is worded: a page
# asks for them a few hundred times a run, and each look-up in st.session_state costs ~25 µs.
# Tagged with the session, set at the start of every run and forgotten at its end (the
# callbacks of the next run, which come first, read the session's own choice).
_settled: ContextVar[tuple[str, Language, Digits] | None] = ContextVar("settled", default=None)
# Not translated: a reader who doesn't read the current language still finds the switch.
LANGUAGE_LABEL = "Language · اللغة"


def language() -> Language:
    """The language the reader chose (English until they choose)."""
    settled = _this_run()
    if settled is not None:
        return settled[1]
    return parse_language(st.session_state.get(LANGUAGE_KEY)) or DEFAULT_LANGUAGE


def digits() -> Digits:
    """Latin or Arabic-Indic digits; Arabic-Indic only ever in Arabic."""
    settled = _this_run()
    if settled is not None:
        return settled[2]
    chosen = st.session_state.get(DIGITS_KEY)
    return "arab" if chosen == "arab" and language() == "ar" else "latn"


def _session() -> str | None:
    context = get_script_run_ctx(suppress_warning=True)
    return None if context is None else context.session_id


def _this_run() -> tuple[str, Language, Digits] | None:
    settled = _settled.get()
    return settled if settled is not None and settled[0] == _session() else None


def right_to_left() -> bool:
    """True when the page must read right to left."""
    return is_right_to_left(language())


def worded(labels: Mapping[str, str]) -> Callable[[str], str]:
    """A ``format_func`` showing each option's marked label in the reader's language.

    The labels are worded now, in the run, not when the function is called: Streamlit's
    test harness calls it outside the run, where the session's language is unknown.
    """
    return {key: t(label) for key, label in labels.items()}.__getitem__


def t(message: str, **params: Any) -> str:
    """``message`` (English source) in the reader's language, placeholders filled."""
    return translate(language(), message, **params)


def t_plural(singular: str, plural: str, count: int, **params: Any) -> str:
    """The plural form ``count`` takes in the reader's language (Arabic has six)."""
    return translate_plural(language(), singular, plural, count, **params)


def formats() -> Formats:
    """Numbers, money, percents and dates as this reader reads them."""
    return Formats(language(), digits())


def end_of_run() -> None:
    """Forget this run's settled language: the next run's callbacks read the session's."""
    _settled.set(None)


def _browser_language() -> Language | None:
    try:
        return parse_language(st.context.locale)
    except (AttributeError, RuntimeError):  # no browser behind this run (tests, bare mode)
        return None


def choose_language() -> None:
    """Settle this session's language and digits before anything is worded.

    The first run takes the language from the URL, else from the browser, else English;
    afterwards the switch's widget holds it.
    """
    state = st.session_state
    if LANGUAGE_KEY not in state:
        from_url = parse_language(st.query_params.get(LANGUAGE_KEY))
        state[LANGUAGE_KEY] = from_url or _browser_language() or DEFAULT_LANGUAGE
    if DIGITS_KEY not in state:
        state[DIGITS_KEY] = "arab" if st.query_params.get(DIGITS_KEY) == "arab" else "latn"
    session = _session()
    _settled.set(None)  # read this run's choice from the session, then keep it for the run
    if session is not None:
        _settled.set((session, language(), digits()))


def language_switch() -> None:
    """Draw the language (and, in Arabic, digits) switch at the top of the page, at its end.

    It sits above the page rather than in a sidebar: a sidebar would take 300 px from every
    page for two small controls. The URL follows the choice, so a copied link opens in the
    same language. The labels are hidden (the options say what they are) but stay for
    screen readers; the language's label is in both languages.
    """
    choose_language()
    with st.container(horizontal=True, horizontal_alignment="right", key=SWITCH_KEY):
        if language() == "ar":
            st.segmented_control(
                t("Digits"),
                list(DIGIT_LABELS),
                format_func=DIGIT_LABELS.__getitem__,
                key=DIGITS_KEY,
                required=True,
                label_visibility="collapsed",
                persist_state="session",  # kept while the switch is hidden in English
            )
        st.segmented_control(
            LANGUAGE_LABEL,
            list(LANGUAGES),
            format_func=LANGUAGES.__getitem__,
            key=LANGUAGE_KEY,
            required=True,
            label_visibility="collapsed",
        )
    _keep_in_url()


def _keep_in_url() -> None:
    st.query_params[LANGUAGE_KEY] = language()
    if digits() == "arab":
        st.query_params[DIGITS_KEY] = "arab"
    else:
        st.query_params.pop(DIGITS_KEY, None)
