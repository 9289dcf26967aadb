#!/usr/bin/env bash
# make run: start the emulator (unless told to use another endpoint or an
# existing stack), then the dev server, which bootstraps the resources and
# the admin account.
set -euo pipefail
cd "$(dirname "$0")/../.."

export AWS_REGION="${AWS_REGION:-eu-west-3}"
export PORT="${PORT:-3000}"

if [[ -n "${USER_POOL_ID:-}" ]]; then
  # Existing stack (real AWS, or LocalStack with AWS_ENDPOINT_URL): no
  # emulator, no bootstrap; the environment names the resources.
  echo "Using the existing stack: pool $USER_POOL_ID, table ${TABLE_NAME:-?}, endpoint ${AWS_ENDPOINT_URL:-real AWS}"
  exec cargo run --quiet -p infra --bin devserver
fi

export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@destinyjobs.local}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-Admin-Dev-2026!}"
DEFAULT_ENDPOINT="http://127.0.0.1:4566"
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-$DEFAULT_ENDPOINT}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"

moto_pid=""
cleanup() { if [[ -n "$moto_pid" ]]; then kill "$moto_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

if [[ "$AWS_ENDPOINT_URL" == "$DEFAULT_ENDPOINT" ]] && ! curl -s -o /dev/null "$DEFAULT_ENDPOINT/moto-api/"; then
  echo "Starting the emulator (moto) on $DEFAULT_ENDPOINT, its log in .moto.log"
  # moto with the project's fixes (infra/moto_server.py), as the tests run it.
  .venv/bin/python infra/moto_server.py -H 127.0.0.1 -p 4566 > .moto.log 2>&1 &
  moto_pid=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "$DEFAULT_ENDPOINT/moto-api/" && break
    sleep 0.1
  done
else
  echo "Using the AWS endpoint at $AWS_ENDPOINT_URL"
fi

echo "Admin account: $ADMIN_EMAIL / $ADMIN_PASSWORD"
cargo run --quiet -p infra --bin devserver
