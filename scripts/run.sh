#!/usr/bin/env bash
# `make run`: Redis (if none answers), one Celery worker and the web server,
# all stopped together on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-1}"
export OMP_THREAD_LIMIT="${OMP_THREAD_LIMIT:-1}"
HOST="${HOST:-127.0.0.1}"; PORT="${PORT:-8000}"
mkdir -p var/log

redis_pid="$(scripts/ensure-redis.sh)"
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping medocr..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
}
trap cleanup INT TERM EXIT

$PY manage.py migrate --noinput
$PY manage.py seed_demo
# --beat runs the periodic deadline check inside this single worker.
.venv/bin/celery -A medocr worker -Q ocr,default --concurrency "${WORKER_CONCURRENCY:-1}" --beat \
  --schedule var/celerybeat-schedule --loglevel INFO >var/log/worker.log 2>&1 &
pids+=($!)
$PY manage.py runserver "$HOST:$PORT" --noreload &
pids+=($!)

sleep 2
cat <<MSG

  medocr is running at http://$HOST:$PORT/
  Log in as admin, reviewer or insurer (password: ${DEMO_PASSWORD:-medocr-demo}).
  Worker log: var/log/worker.log. Press Ctrl-C to stop everything.

MSG
wait -n "${pids[@]}"
