#!/usr/bin/env bash
# npm run screenshot: renders Swagger UI (/docs) of the development setup to docs/swagger-ui.png.
# Needs Debian's Chromium (apt-get install chromium). Uses its own ports, so `npm start` may run.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$CHROMIUM" ]; then
  echo "Chromium not found: apt-get install chromium (or set CHROMIUM=/path/to/chrome)" >&2
  exit 1
fi
PORT="${SCREENSHOT_PORT:-3300}"
OUT="${1:-docs/swagger-ui.png}"

npm run -s build
env -u AUTH_AUTHORITY PORT="$PORT" DEV_AUTHORITY_PORT="$((PORT + 1))" LOG_LEVEL=warn LOG_FORMAT=json \
  node dist/dev/main.js >/dev/null 2>&1 &
API_PID=$!
PROFILE="$(mktemp -d)"
trap 'kill "$API_PID" 2>/dev/null || true; rm -rf "$PROFILE"' EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
  kill -0 "$API_PID" 2>/dev/null || { echo "the API did not start" >&2; exit 1; }
  sleep 0.2
done

mkdir -p "$(dirname "$OUT")"
"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$PROFILE" --hide-scrollbars --virtual-time-budget=5000 \
  --window-size=1280,1100 --screenshot="$OUT" "http://127.0.0.1:$PORT/docs" 2>/dev/null
echo "wrote $OUT"
