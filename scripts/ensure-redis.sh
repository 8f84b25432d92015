#!/usr/bin/env bash
# Make sure a Redis answers at REDIS_URL's host and port; start a local one if not.
# Prints the PID of a server it started (empty when one was already running).
set -euo pipefail
url="${REDIS_URL:-redis://127.0.0.1:6379/0}"
hostport="${url#redis://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [ "$port" = "$host" ] && port=6379

if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
  exit 0
fi
case "$host" in
  127.0.0.1|localhost) ;;
  *) echo "Redis at $host:$port does not answer and is not local; start it first." >&2; exit 1 ;;
esac
dir="${MEDOCR_VAR_DIR:-var}/redis"; mkdir -p "$dir"
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
  --dir "$dir" --logfile "$(cd "$dir" && pwd)/redis.log" --pidfile "$(cd "$dir" && pwd)/redis.pid" >/dev/null
for _ in $(seq 1 50); do
  redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && { cat "$dir/redis.pid"; exit 0; }
  sleep 0.1
done
echo "Redis did not start; see $dir/redis.log" >&2
exit 1
