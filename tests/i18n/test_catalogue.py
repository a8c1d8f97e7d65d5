"""The Arabic catalogues: complete, up to date with the source, placeholders intact.

Source strings are English, extracted from the code as ``make messages`` does (keywords
``t``, ``t_plural`` and ``N_``); each must have an Arabic translation in its domain's
``.po``: not missing, not empty, not fuzzy, not the English left as it was (unless the whole
string is a term kept in Latin letters), with exactly the placeholders of its source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from i18n.catalogue import DOMAINS, po_path, translate, translate_plural
from tests.conftest import ROOT

# Abbreviations marketers read in Latin letters in Arabic too; a message that is only one
# of these may stay as it is.
KEPT_IN_LATIN = {"ROAS", "MER", "CAC", "CPM", "CTR", "AOV", "KPI", "PERT"}
KEYWORDS: dict[str, Any] = {**DEFAULT_KEYWORDS, "t": None, "t_plural": (1, 2), "N_": None}
SOURCES = {
    "app": [("app.py", "python"), ("pages/**.py", "python"), ("ui/**.py", "python")],
    "planner": [("i18n/**.py", "python"), ("files/**.py", "python")],
}
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def arabic(domain: str) -> Catalog:
    with po_path("ar", domain).open("rb") as handle:
        return read_po(handle, locale="ar")


def extracted(domain: str) -> set[str]:
    """Every source string of a domain, as the extractor sees it in the code today."""
    found = extract_from_dir(str(ROOT), SOURCES[domain], keywords=KEYWORDS)
    messages: set[str] = set()
    for _file, _line, message, _comments, _context in found:
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def entries(domain: str) -> Iterator[Message]:
    yield from (message for message in arabic(domain) if message.id)


def all_entries() -> list[Any]:
    return [
        pytest.param(message, id=f"{domain}:{_id(message)[:50]}")
        for domain in DOMAINS
        for message in entries(domain)
    ]


def _id(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _forms(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_source_string_is_in_the_arabic_catalogue(domain: str) -> None:
    missing = extracted(domain) - {_id(message) for message in entries(domain)}
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:10]}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_arabic_catalogue_holds_no_string_the_code_no_longer_uses(domain: str) -> None:
    stale = {_id(message) for message in entries(domain)} - extracted(domain)
    assert not stale, f"run `make messages` to drop: {sorted(stale)[:10]}"


@pytest.mark.parametrize("message", all_entries())
def test_every_message_is_translated(message: Message) -> None:
    assert not message.fuzzy, "a fuzzy match is a guess, not a translation"
    for form in _forms(message):
        assert form.strip(), "empty translation"
        if form == _id(message):
            words = PLACEHOLDER.sub("", form)  # a placeholder's name is no English word
            assert _id(message) in KEPT_IN_LATIN or not re.search("[A-Za-z]", words), (
                "left in English"
            )


@pytest.mark.parametrize("message", all_entries())
def test_every_translation_keeps_exactly_the_placeholders_of_its_source(
    message: Message,
) -> None:
    sources = [message.id] if isinstance(message.id, str) else list(message.id)
    wanted = set().union(*(set(PLACEHOLDER.findall(source)) for source in sources))
    for form in _forms(message):
        assert set(PLACEHOLDER.findall(form)) == wanted


def test_the_arabic_catalogue_carries_arabics_six_plural_forms() -> None:
    for domain in DOMAINS:
        assert arabic(domain).num_plurals == 6


def test_english_is_the_source_and_needs_no_catalogue() -> None:
    assert translate("en", "Revenue target {currency}", currency="USD") == "Revenue target USD"
    assert translate_plural("en", "{n} field", "{n} fields", 2, n="2") == "2 fields"


@pytest.mark.parametrize(
    ("count", "noun"),
    [
        pytest.param(3, "عملاء جدد", id="3-10-takes-the-plural"),
        pytest.param(11, "عميلًا جديدًا", id="11-99-takes-the-accusative-singular"),
        pytest.param(1545, "عميلًا جديدًا", id="1545-ends-in-45"),
        pytest.param(100, "عميل جديد", id="hundreds-take-the-genitive-singular"),
    ],
)
def test_arabic_counts_choose_the_form_arabic_grammar_asks_for(count: int, noun: str) -> None:
    """Arabic counted nouns: 3–10 plural, 11–99 accusative singular, 100 genitive singular."""
    text = translate_plural(
        "ar", "{number} new customer", "{number} new customers", count, number=str(count)
    )
    assert text == f"{count} {noun}"
