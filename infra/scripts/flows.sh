#!/usr/bin/env bash
# make test, last step: the main flows, as the apps' developers will run
# them, against a fresh local stack (its own emulator and dev server, on
# free ports, with the production rate limits): the Postman collection's
# flows folder with newman, then examples/flows.mjs (Node's fetch) and
# examples/flows.sh (curl); last, the real web app and admin panel in
# headless Chromium (tests/browser/flows.py), whose hard-coded API is
# http://localhost:8000: the apps' API of this stack serves that port.
# Then a bounded, fixed-seed schemathesis pass on a stack of its own.
set -euo pipefail
cd "$(dirname "$0")/../.."

source infra/scripts/stack.sh
# The apps call http://localhost:8000 and are served on :4173 and :4174.
APPS_PORT=8000
for port in 8000 4173 4174; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken: the browser flows need it (the apps hard-code the API on 8000; stop what holds it, e.g. make run)" >&2
    exit 1
  fi
done
export ADMIN_EMAIL="admin-flows@destinyjobs.local" ADMIN_PASSWORD="Admin-Flows-2026!"

[[ -d postman/node_modules/newman ]] || npm ci --prefix postman --no-audit --no-fund --loglevel=error
start_stack destinyjobs-flows target/flows APPS_PORT="$APPS_PORT"

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
cleanup

echo "== schemathesis, bounded (tests/fuzz/fuzz.py; make fuzz runs the full pass)"
infra/scripts/fuzz.sh --bounded
