#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests. Playwright drives it; we never run
# `playwright install`, which would download a browser build of its own.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing. Install it with: sudo apt-get install chromium" >&2
  echo "(the browser tests fail without it; make unit runs everything else)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
chromium --version
