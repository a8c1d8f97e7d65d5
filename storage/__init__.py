"""The plan store: the only code that talks to the database.

Plans are kept as versions of the plan file (its JSON, validated on the way in and migrated
on the way out), with a row per plan for fast listing, and read-only share links. One
SQLite file serves a single user with no set-up; a team points ``PLANNER_DATABASE_URL`` at a
PostgreSQL server. Every write is one transaction, and saves are optimistic: a save that
started from an older version is refused with ``VersionConflict`` instead of overwriting.

- ``store.PlanStore``: the API (open, create, save, load, list, share, delete, ...).
- ``records``: what it hands out (``PlanSummary``, ``VersionInfo``, ...) and the errors it
  raises, each with a ``code`` and ``params`` that ``i18n.store`` words.
- ``database``: which database (``database_url``) and how SQLite is set up for concurrent
  writers; ``schema``: the tables; ``migrate`` and ``migrations/``: alembic, run on open.

It imports the domain (``planner``), SQLAlchemy, alembic and psycopg; never the UI, the CLI,
``i18n`` or ``files``.
"""
