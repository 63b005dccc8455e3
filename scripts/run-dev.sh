#!/usr/bin/env bash
# Development server with its Celery worker and beat; Ctrl-C stops all three.
# No REDIS_URL: one worker with embedded beat on kombu's filesystem broker (var/).
# With REDIS_URL: a worker and a separate beat, as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

mkdir -p var/celery-broker var/celery-processed var/celery-control
if [ -n "${REDIS_URL:-}" ]; then
  "$BIN/celery" -A config worker --loglevel INFO --concurrency 2 & pids+=($!)
  "$BIN/celery" -A config beat --loglevel INFO & pids+=($!)
else
  "$BIN/celery" -A config worker --beat --loglevel INFO --concurrency 1 & pids+=($!)
fi
"$BIN/python" manage.py runserver "${ADDR:-127.0.0.1:8000}"
