#!/usr/bin/env bash
# Set everything up and serve the site on the embedded SQLite database:
# virtual environment, install, migrate, import the bundled sample pages, run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DEBUG="${DEBUG:-true}"
ADDRESS="${ADDRESS:-127.0.0.1:8000}"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py import_seeds
echo
.venv/bin/python manage.py demo_curator
echo "Serving on http://${ADDRESS}/  (curation: http://${ADDRESS}/curation/; Ctrl-C stops)"
exec .venv/bin/python manage.py runserver --noreload "${ADDRESS}"
