"""The share link: a whole plan carried in the link itself, no server storage needed.

``encode_plan`` writes the plan as compact JSON (only the fields that differ from their
defaults) and then as base64url without padding, so the text is safe in a URL's query as it
is. ``decode_plan`` reads it back through the same strict reader as the CLI's plan files
(``planner.errors.parse_plan_json``), so a tampered link gets the same field messages as a
bad file (``stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2``), and never runs
anything: no pickle, no eval, nothing but JSON.

Every refusal is a ``PlanInvalid`` whose problems name the field; a problem with the link as
a whole is addressed to ``(link)`` with one of the codes below.

Why ``MAX_LINK_CHARS`` is 6,000: a whole address of about 6,100 characters stays under the
8 KB that servers and proxies commonly accept for a request line. Every plan without a
description fits: the largest (eight stages, every name 80 of the widest UTF-8 characters,
every number at its longest) takes about 5,500 characters (``tests/files/test_share_links.py``
builds it). A description of up to 1,000 characters fits beside an ordinary plan, but not
always beside the largest one; ``encode_plan`` then raises ``LinkTooLong`` (a ``PlanInvalid``
with code ``link_too_long``), and the plan is better shared as a saved version. The limit is
checked before anything is decoded, so a huge link costs nothing to refuse.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, NoReturn

from planner.errors import FILE, FieldProblem, PlanInvalid, parse_plan_json
from planner.models import Plan

MAX_LINK_CHARS = 6_000
LINK = "(link)"

LINK_EMPTY = "link_empty"
LINK_TOO_LONG = "link_too_long"
LINK_NOT_BASE64 = "link_not_base64"
LINK_TRUNCATED = "link_truncated"
LINK_NOT_CANONICAL = "link_not_canonical"
LINK_NOT_UTF8 = "link_not_utf8"

_BASE64URL = re.compile("[A-Za-z0-9_-]*")
_LONGEST_CHARACTER_SHOWN = 12


class LinkTooLong(PlanInvalid):
    """A valid plan whose link would be longer than ``MAX_LINK_CHARS``: share it otherwise."""


def encode_plan(plan: Plan) -> str:
    """The plan as share-link text: compact JSON of its non-default fields, base64url.

    Raises ``LinkTooLong`` when the text would be longer than ``MAX_LINK_CHARS``, which only
    a long description beside long names can make it.
    """
    data = plan.model_dump(mode="json", exclude_defaults=True)
    # ensure_ascii=False keeps an Arabic name at 2 bytes a letter instead of 6 (``\u0627``).
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    link = _unpadded(text.encode("utf-8"))
    if len(link) > MAX_LINK_CHARS:
        raise LinkTooLong([_too_long(len(link), "would be")])
    return link


def decode_plan(text: str) -> Plan:
    """The plan a share link carries, or ``PlanInvalid`` naming what is wrong with it."""
    raw = _link_bytes(text)
    try:
        json_text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        _refuse(
            f"does not hold UTF-8 text: invalid byte 0x{raw[error.start]:02X} at byte "
            f"{error.start + 1:,}",
            LINK_NOT_UTF8,
            byte=f"0x{raw[error.start]:02X}",
            position=error.start + 1,
        )
    try:
        return parse_plan_json(json_text)
    except PlanInvalid as invalid:
        # A problem with the text as a whole is the link's, not a file's; field problems keep
        # their paths, as the CLI prints them.
        raise PlanInvalid([_addressed_to_link(problem) for problem in invalid.problems]) from None


def _link_bytes(text: str) -> bytes:
    """The bytes a link's text stands for, checked from the cheapest test to the dearest."""
    if len(text) > MAX_LINK_CHARS:
        raise PlanInvalid([_too_long(len(text), "is")])
    if not text:
        _refuse("is empty: the link holds no plan", LINK_EMPTY)
    stray = _first_stray_character(text)
    if stray is not None:
        position, character = stray
        _refuse(
            f"has {character} at character {position:,}; a plan link holds only letters, "
            "digits, '-' and '_'",
            LINK_NOT_BASE64,
            character=character,
            position=position,
        )
    if len(text) % 4 == 1:  # no base64 text is one character past a whole group of four
        _refuse("is cut short: a character is missing at its end", LINK_TRUNCATED)
    raw = _base64_bytes(text)
    if _unpadded(raw) != text:  # the last character carries bits that were never written
        _refuse(
            "has been altered: its last character is not one a plan link ends with",
            LINK_NOT_CANONICAL,
        )
    return raw


def _first_stray_character(text: str) -> tuple[int, str] | None:
    """The 1-based position and the shown form of the first character outside base64url."""
    valid = _BASE64URL.match(text)
    end = valid.end() if valid is not None else 0
    if end == len(text):
        return None
    shown = ascii(text[end])  # "'='" or "'\\u200b'": visible, never a control character
    return end + 1, shown[:_LONGEST_CHARACTER_SHOWN]


def _base64_bytes(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):  # not reached for checked text; refused all the same
        _refuse("is not base64url text", LINK_NOT_BASE64, character="", position=0)


def _unpadded(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _too_long(length: int, verb: str) -> FieldProblem:
    message = f"{verb} {length:,} characters long; a plan link holds at most {MAX_LINK_CHARS:,}"
    return FieldProblem(LINK, message, LINK_TOO_LONG, {"length": length, "limit": MAX_LINK_CHARS})


def _addressed_to_link(problem: FieldProblem) -> FieldProblem:
    if problem.field != FILE:
        return problem
    return FieldProblem(LINK, problem.message, problem.code, problem.context)


def _refuse(message: str, code: str, **context: Any) -> NoReturn:
    raise PlanInvalid([FieldProblem(LINK, message, code, context)])
