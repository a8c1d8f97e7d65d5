"""The message catalogue: English source strings, looked up in each language's gettext file.

The ``.po`` files in ``locales/`` are the only source of translations, one per gettext
domain: ``planner`` holds what the domain reports (field problems, benchmark warnings,
infeasible requests; rendered in ``i18n.domain``, shared with the CLI), ``app`` what the
pages say. They are compiled in memory when first needed (babel reads the ``.po`` and writes
the ``.mo`` bytes), so there is no compiled file to forget to rebuild and no build step
before ``make run``.

Placeholders are named, ``{count}``, and filled after translation, so a translator may move
them; ``tests/i18n`` checks that every translation keeps exactly the placeholders of its
source.
"""

from __future__ import annotations

import gettext as _gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from i18n.languages import DEFAULT_LANGUAGE, Language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAINS = ("app", "planner")


def po_path(language: Language, domain: str) -> Path:
    """Where the catalogue of ``language`` for one gettext domain is kept."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def template_path(domain: str) -> Path:
    """The ``.pot`` template of a domain: every source string, as extracted."""
    return LOCALE_DIR / f"{domain}.pot"


@cache
def translations(language: Language) -> _gettext.NullTranslations:
    """Every domain's catalogue of ``language``, chained; English (the source) needs none."""
    chain = _gettext.NullTranslations()
    if language == DEFAULT_LANGUAGE:
        return chain
    for domain in reversed(DOMAINS):
        path = po_path(language, domain)
        if path.exists():
            compiled = _compile(path, language)
            compiled.add_fallback(chain)
            chain = compiled
    return chain


def _compile(path: Path, language: Language) -> _gettext.GNUTranslations:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def translate(language: Language, message: str, **params: Any) -> str:
    """``message`` in ``language``, placeholders filled from ``params``."""
    text = translations(language).gettext(message)
    return text.format(**params) if params else text


def translate_plural(
    language: Language, singular: str, plural: str, count: int, **params: Any
) -> str:
    """The form that ``count`` takes in ``language`` (Arabic has six), placeholders filled.

    ``count`` only chooses the form; pass the number as it should read (in the reader's
    digits) among ``params``.
    """
    text = translations(language).ngettext(singular, plural, count)
    return text.format(**params) if params else text


def N_(message: str) -> str:
    """Mark a string for the catalogue where it is defined; translate it where it is shown."""
    return message
