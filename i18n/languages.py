"""The languages the planner speaks, and which way each one reads."""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "ar"]
Digits = Literal["latn", "arab"]
LANGUAGES: dict[Language, str] = {"en": "English", "ar": "العربية"}
DEFAULT_LANGUAGE: Language = "en"
RIGHT_TO_LEFT: frozenset[Language] = frozenset({"ar"})


def parse_language(value: object) -> Language | None:
    """``"ar"``, ``"ar-SA"``, ``"AR_eg"`` → ``"ar"``; anything we don't speak → ``None``."""
    if not isinstance(value, str) or not value:
        return None
    primary = value.replace("_", "-").split("-", 1)[0].strip().lower()
    return primary if primary in LANGUAGES else None


def is_right_to_left(language: Language) -> bool:
    """True when the language reads right to left."""
    return language in RIGHT_TO_LEFT
