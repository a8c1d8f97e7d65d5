"""Entry point for ``python -m planner``; the command line itself lives in ``cli``."""

from cli.main import run

run()
