"""Make AppTest rerun the app the way the real server does.

AppTest resets ``PagesManager.uses_pages_directory`` before every run, so with a top-level
``pages/`` folder each rerun after the first goes through Streamlit's old pages-folder mode
and runs ``pages/plan.py`` alone, skipping app.py's frame (and its timing). The real server
sets the flag once per process and ``st.navigation`` turns it off for good. Patching the
manager to keep it off reproduces the server: every rerun goes through app.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from streamlit.runtime.pages_manager import PagesManager


@contextmanager
def reruns_through_the_frame() -> Iterator[None]:
    """Within this block, AppTest reruns go through app.py as on the server."""
    original_init = PagesManager.__init__

    def init_without_pages_folder_mode(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_without_pages_folder_mode  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original_init  # type: ignore[method-assign]
