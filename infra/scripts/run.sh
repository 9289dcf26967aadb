#!/usr/bin/env bash
# make run: start the emulator (unless AWS_ENDPOINT_URL points elsewhere),
# then the dev server, which bootstraps the resources and the admin.
set -euo pipefail
cd "$(dirname "$0")/../.."

export AWS_REGION="${AWS_REGION:-eu-west-3}"
export PORT="${PORT:-3000}"
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@destinyjobs.local}"
export ADMIN_PASSWORD="${ADMIN_PASSWORD:-Admin-Dev-2026!}"
DEFAULT_ENDPOINT="http://127.0.0.1:4566"
export AWS_ENDPOINT_URL="${AWS_ENDPOINT_URL:-$DEFAULT_ENDPOINT}"
if [[ "$AWS_ENDPOINT_URL" == "$DEFAULT_ENDPOINT" ]]; then
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"
fi

moto_pid=""
cleanup() { [[ -n "$moto_pid" ]] && kill "$moto_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [[ "$AWS_ENDPOINT_URL" == "$DEFAULT_ENDPOINT" ]] && ! curl -s -o /dev/null "$DEFAULT_ENDPOINT/moto-api/"; then
  echo "Starting the emulator (moto) on $DEFAULT_ENDPOINT"
  .venv/bin/moto_server -H 127.0.0.1 -p 4566 > .moto.log 2>&1 &
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
