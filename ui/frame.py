"""Every page runs inside app.py's frame, even when a fresh server's first visit is a deep link.

Streamlit reads a top-level ``pages/`` folder as its old multipage mode until some session
calls ``st.navigation``; the first visitor of a freshly started server who opens
``/shared?token=…`` or ``/plans`` would get that page's script alone: no language switch, no
top navigation, the hidden shared page listed in a sidebar. ``app.py`` marks each run it
frames; a page that finds its run unmarked turns the old mode off for the process (as
``st.navigation`` itself does) and reruns, now through ``app.py`` at the same address.
"""

from __future__ import annotations

from contextvars import ContextVar

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

_framed: ContextVar[bool] = ContextVar("framed", default=False)


def framed_run() -> object:
    """Mark this script run as going through app.py; pass the token to ``end_of_frame``."""
    return _framed.set(True)


def end_of_frame(token: object) -> None:
    """Forget the mark at the end of the run (the thread runs the session's next run too)."""
    _framed.reset(token)  # type: ignore[arg-type]


def require_frame() -> None:
    """First line of every page script: rerun through app.py if this run skipped it."""
    if _framed.get():
        return
    PagesManager.uses_pages_directory = False
    st.rerun()
