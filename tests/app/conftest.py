"""AppTest fixtures: the real app script, started fresh for each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage.database import DATA_DIR_VARIABLE, DATABASE_URL_VARIABLE
from tests.app.server_mode import reruns_through_the_frame
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _server_like_reruns() -> Iterator[None]:
    with reruns_through_the_frame():
        yield


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test saves into a database of its own (an embedded file under ``tmp_path``)."""
    folder = tmp_path / "data"
    monkeypatch.delenv(DATABASE_URL_VARIABLE, raising=False)
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture
def open_app() -> Callable[..., AppTest]:
    """Open the app as a link with these query parameters would (``lang="ar"``), first run done."""

    def opened(**query: str) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=30)
        for name, value in query.items():
            app.query_params[name] = value
        return app.run()

    return opened


@pytest.fixture
def app(open_app: Callable[..., AppTest]) -> AppTest:
    """The app after its first run, on the Plan page with the demo plan."""
    return open_app()


@pytest.fixture
def arabic_app(open_app: Callable[..., AppTest]) -> AppTest:
    """The app opened with ``?lang=ar``: the Plan page in Arabic, Latin digits."""
    return open_app(lang="ar")
