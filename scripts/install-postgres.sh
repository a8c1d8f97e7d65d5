#!/usr/bin/env bash
# Install Debian's PostgreSQL for the plan store's tests. The tests start a throwaway server of
# their own (tests/postgres_server.py); the package's default cluster is never used.
set -euo pipefail

if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL is missing. Install it with: sudo apt-get install postgresql" >&2
  echo "(the plan store's tests fail without it)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends postgresql >/dev/null
ls /usr/lib/postgresql/*/bin/pg_ctl
