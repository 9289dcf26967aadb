#!/usr/bin/env bash
# make test, last step: the main flows, as the apps' developers will run
# them, against a fresh local stack (its own emulator and dev server, on
# free ports, with the production rate limits): the Postman collection's
# flows folder with newman, then examples/flows.mjs (Node's fetch) and
# examples/flows.sh (curl); last, the real web app and admin panel in
# headless Chromium (tests/browser/flows.py), whose hard-coded API is
# http://localhost:8000: the apps' API of this stack serves that port.
set -euo pipefail
cd "$(dirname "$0")/../.."

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MOTO_PORT=$(free_port)
API_PORT=$(free_port)
# The apps call http://localhost:8000 and are served on :4173 and :4174.
APPS_PORT=8000
for port in 8000 4173 4174; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken: the browser flows need it (the apps hard-code the API on 8000; stop what holds it, e.g. make run)" >&2
    exit 1
  fi
done
ENDPOINT="http://127.0.0.1:$MOTO_PORT"
export BASE_URL="http://127.0.0.1:$API_PORT"
export ADMIN_EMAIL="admin-flows@destinyjobs.local" ADMIN_PASSWORD="Admin-Flows-2026!"
LOGS="target/flows"
mkdir -p "$LOGS"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

[[ -d postman/node_modules/newman ]] || npm ci --prefix postman --no-audit --no-fund --loglevel=error
cargo build --quiet --locked -p infra --bin devserver

.venv/bin/python infra/moto_server.py -H 127.0.0.1 -p "$MOTO_PORT" > "$LOGS/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "$ENDPOINT/moto-api/" && break; sleep 0.1; done

AWS_ENDPOINT_URL="$ENDPOINT" AWS_REGION=eu-west-3 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
  STACK_NAME=destinyjobs-flows PORT="$API_PORT" APPS_PORT="$APPS_PORT" WRITE_LOCAL_ENV=false LOG_LEVEL=warn \
  target/debug/devserver > "$LOGS/devserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do curl -s -o /dev/null "$BASE_URL/api/openapi.json" && break; sleep 0.2; done
curl -sf -o /dev/null "$BASE_URL/api/openapi.json" || { cat "$LOGS/devserver.log"; exit 1; }

echo "== newman: the collection's flows folder"
postman/node_modules/.bin/newman run postman/destinyjobs.postman_collection.json \
  --folder "Parcours principal" \
  --environment postman/local.postman_environment.json \
  --env-var "baseUrl=$BASE_URL" --env-var "admin_email=$ADMIN_EMAIL" --env-var "admin_password=$ADMIN_PASSWORD" \
  --working-dir postman --bail --reporters cli

echo "== examples/flows.mjs"
node examples/flows.mjs

echo "== examples/flows.sh"
bash examples/flows.sh

echo "== the apps in Chromium (tests/browser/flows.py; on failure: target/browser/)"
.venv/bin/python tests/browser/flows.py
