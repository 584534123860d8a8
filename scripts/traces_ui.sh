#!/usr/bin/env bash
# `make traces-ui`: Arize Phoenix (its own virtual environment) on 127.0.0.1:6006, and the stack
# exporting OTLP/HTTP to it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PHX=.venv-phoenix
PORT="${PHOENIX_PORT:-6006}"
if [ ! -x "$PHX/bin/phoenix" ]; then
  python3 -m venv "$PHX"
  "$PHX/bin/pip" install -q arize-phoenix
fi
export PHOENIX_HOST=127.0.0.1 PHOENIX_PORT="$PORT" PHOENIX_WORKING_DIR="${PHOENIX_WORKING_DIR:-data/phoenix}"
mkdir -p "$PHOENIX_WORKING_DIR"
"$PHX/bin/phoenix" serve > data/phoenix/phoenix.log 2>&1 &
PHX_PID=$!
trap 'kill "$PHX_PID" 2>/dev/null || true; wait "$PHX_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/" >/dev/null && break
  kill -0 "$PHX_PID" 2>/dev/null || { echo "phoenix exited; see data/phoenix/phoenix.log" >&2; exit 1; }
  sleep 0.5
done
echo "Phoenix UI: http://127.0.0.1:$PORT  (traces arrive as tasks run; Ctrl-C stops everything)"
OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$PORT" .venv/bin/autoglm up
