"""A throwaway PostgreSQL server for one test session, from Debian's ``postgresql`` package.

As ``scripts/install-postgres.sh`` installs it: the binaries live in
``/usr/lib/postgresql/<version>/bin`` (not on PATH). The server refuses to run as root, so
under root (CI) ``initdb`` and ``pg_ctl`` run as the ``postgres`` user through ``runuser``,
in a temporary folder that user owns. It listens on loopback only, on a free port, and trusts
every local connection: it holds nothing but test data and is deleted at the end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POSTGRES_ROOT = Path("/usr/lib/postgresql")
SERVER_USER = "postgres"
INSTALL_HINT = (
    "PostgreSQL is needed for the plan store's tests: run `make postgres` as root, "
    "or `sudo apt-get install postgresql`"
)
# A test server: nothing here must survive a crash of the machine, so skip the disk flushes.
TEST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresMissing(RuntimeError):
    """No PostgreSQL binaries on this machine."""


def binaries() -> Path:
    """The ``bin`` folder of the newest PostgreSQL installed."""
    found = sorted(POSTGRES_ROOT.glob("*/bin/pg_ctl"), key=lambda path: _version(path))
    if not found:
        raise PostgresMissing(INSTALL_HINT)
    return found[-1].parent


def _version(pg_ctl: Path) -> tuple[int, ...]:
    name = pg_ctl.parent.parent.name
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def free_port() -> int:
    """A port nothing listens on now (the server takes it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], log: Path | None = None) -> None:
    completed = subprocess.run(
        _as_server_user(command), capture_output=True, text=True, timeout=120, check=False
    )
    if completed.returncode != 0:
        logged = log.read_text(errors="replace") if log is not None and log.exists() else ""
        raise RuntimeError(
            f"{' '.join(command)} failed ({completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}{logged}"
        )


@contextmanager
def postgres_server() -> Iterator[str]:
    """Run a server for the block; yield its URL for the ``postgres`` superuser."""
    bin_dir = binaries()
    folder = Path(tempfile.mkdtemp(prefix="planner-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, user=SERVER_USER)
    data, log, port = folder / "data", folder / "log", free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-N"])
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} {TEST_SETTINGS}"
        pg_ctl = str(bin_dir / "pg_ctl")
        _run([pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "start"], log)
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], log)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
