#!/usr/bin/env bash
# The production processes, in the foreground, with the settings from the environment
# (README "Deploy"): gunicorn with WEB_WORKERS workers (default 4) on BIND (default
# 127.0.0.1:8000), JOB_WORKERS background workers (default 2: `manage.py db_worker`,
# the curators' queues and uploaded pages) and the queues' schedule (`manage.py
# schedule_queues`, every QUEUE_SCHEDULE_SECONDS). SIGTERM or Ctrl-C stops them all;
# if one of them stops, the others are stopped too and the script exits with its status.
# Under systemd or another supervisor, run the three commands below as units instead.
set -uo pipefail
cd "$(dirname "$0")/.."

pids=()
stop_all() {
    kill -TERM "${pids[@]}" 2>/dev/null
    wait
}
trap 'stop_all; exit 0' TERM INT

.venv/bin/gunicorn config.wsgi:application --bind "${BIND:-127.0.0.1:8000}" \
    --workers "${WEB_WORKERS:-4}" --access-logfile "${ACCESS_LOG:--}" &
pids+=($!)
# The workers run at a lower CPU priority (nice 10): a queue computation takes whole
# seconds of a core, and the web workers' requests come first.
for _ in $(seq 1 "${JOB_WORKERS:-2}"); do
    nice -n "${JOB_NICE:-10}" .venv/bin/python manage.py db_worker --interval 1 &
    pids+=($!)
done
.venv/bin/python manage.py schedule_queues &
pids+=($!)

wait -n
status=$?
echo "production.sh: a process stopped (status ${status}); stopping the others" >&2
stop_all
exit "${status}"
