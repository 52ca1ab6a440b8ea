#!/usr/bin/env bash
# Set everything up and run the whole test suite (extra arguments go to pytest).
# DATABASE_URL=postgres://... runs it against PostgreSQL instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/pytest "$@"
