#!/usr/bin/env bash
# Set everything up and serve the site on the embedded SQLite database:
# virtual environment, install, migrate, import the bundled sample pages, run the
# development server with one background worker (the curators' queues, uploads).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DEBUG="${DEBUG:-true}"
ADDRESS="${ADDRESS:-127.0.0.1:8000}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py import_seeds
.venv/bin/python manage.py compute_queues
echo
.venv/bin/python manage.py demo_curator
mkdir -p var
.venv/bin/python manage.py db_worker --interval 1 --no-reload >var/worker.log 2>&1 &
worker=$!
trap 'kill "${worker}" 2>/dev/null' EXIT
echo "Serving on http://${ADDRESS}/  (curation: http://${ADDRESS}/curation/; Ctrl-C stops)"
echo "Background worker: process ${worker}, log in var/worker.log"
.venv/bin/python manage.py runserver --noreload "${ADDRESS}"
