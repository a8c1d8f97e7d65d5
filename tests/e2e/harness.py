"""Start the real app on loopback and find Debian's Chromium.

Shared by the browser tests and ``scripts/screenshot.py``: Playwright helpers, no pytest.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 10.0
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    # Resolve no host names: the page may reach only the app on 127.0.0.1 (Streamlit asks
    # fonts.gstatic.com for a ``:material/...:`` page icon; offline that would hang or leak).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# The page has finished a run of its script (Streamlit flips this to "running" and back).
SCRIPT_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
METRIC_VALUE = '[data-testid="stMetricValue"]'
ACTION_TIMEOUT_MS = 15_000


class AppDidNotStartError(RuntimeError):
    """The app never answered its health check; the message carries the server's output."""


@dataclass
class AppServer:
    """A running ``streamlit run app.py`` on loopback.

    Attributes:
        url: Base URL of the app, e.g. ``http://127.0.0.1:54321``.
        process: The server process.
        log_path: File receiving the server's stdout and stderr.
        data_dir: The server's own data folder (its plan database), deleted when it stops.
    """

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    data_dir: Path | None = None

    def output(self, last_chars: int = 20_000) -> str:
        """The end of what the server has printed so far.

        Args:
            last_chars: How many characters to return at most, from the end.

        Returns:
            The server's combined stdout and stderr (its tail).
        """
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text[-last_chars:]

    def stop(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """Terminate the server by its PID (killing it after a grace period); delete its log.

        Args:
            grace_seconds: How long to wait after SIGTERM before SIGKILL.
        """
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=grace_seconds)
        self.log_path.unlink(missing_ok=True)
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - our own loopback URL
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_app(timeout_seconds: float = START_TIMEOUT_SECONDS) -> AppServer:
    """Start ``app.py`` headless on a free loopback port and wait until it is healthy.

    Args:
        timeout_seconds: How long to wait for ``/_stcore/health`` to answer ``ok``.

    Returns:
        The running server.

    Raises:
        AppDidNotStartError: The server exited or never became healthy in time; the
            message includes everything it printed.
    """
    port = free_port()
    url = f"http://{HOST}:{port}"
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the server writes to it until stopped
        prefix="funnel-planner-app-", suffix=".log", delete=False
    )
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless=true",
        f"--server.address={HOST}",
        f"--server.port={port}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]  # fmt: skip
    # A database of its own: a journey never sees another's plans, nor the developer's.
    data_dir = Path(tempfile.mkdtemp(prefix="funnel-planner-data-"))
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PLANNER_DATA_DIR": str(data_dir)}
    env.pop("PLANNER_DATABASE_URL", None)
    with log_file:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, env=env
        )
    server = AppServer(url=url, process=process, log_path=Path(log_file.name), data_dir=data_dir)
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = server.output()
            server.stop()
            raise AppDidNotStartError(
                f"The app exited with code {process.returncode} before it became healthy. "
                f"Its output:\n{output}"
            )
        if _healthy(url):
            return server
        time.sleep(0.2)
    output = server.output()
    server.stop()
    raise AppDidNotStartError(
        f"The app did not answer {url}/_stcore/health with 'ok' within {timeout_seconds:.0f} s. "
        f"Its output:\n{output}"
    )


@contextmanager
def running_app(timeout_seconds: float = START_TIMEOUT_SECONDS) -> Iterator[AppServer]:
    """Context manager around :func:`start_app` that always stops the server.

    Args:
        timeout_seconds: How long to wait for the server to become healthy.

    Yields:
        The running server.
    """
    server = start_app(timeout_seconds)
    try:
        yield server
    finally:
        server.stop()


def find_chromium() -> Path | None:
    """Debian's Chromium: ``chromium`` on PATH, else ``/usr/bin/chromium``; None if absent."""
    found = shutil.which("chromium")
    if found:
        return Path(found)
    return DEFAULT_CHROMIUM if DEFAULT_CHROMIUM.exists() else None


def wait_until_idle(page: Page, timeout_ms: float = ACTION_TIMEOUT_MS) -> None:
    """Wait until the app's script is not running.

    Right after an action Streamlit may not have flipped to "running" yet, so first wait for
    a visible effect of the action (``expect(locator).to_have_text(...)`` auto-waits), then
    call this so that the run that produced it has finished.

    Args:
        page: The page showing the app.
        timeout_ms: How long to wait at most.
    """
    expect(page.locator(SCRIPT_IDLE)).to_be_attached(timeout=timeout_ms)
