#!/usr/bin/env bash
# Set everything up and run the whole test suite (extra arguments go to pytest).
# DATABASE_URL=postgres://... runs it against PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Browser tests drive Debian's Chromium; Playwright never downloads a browser here.
if [ ! -x /usr/bin/chromium ]; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
exec .venv/bin/pytest "$@"
