#!/usr/bin/env bash
# make fuzz (and, with --bounded, the last step of make test): schemathesis
# against a fresh local stack, as anonymous, candidat, prestataire,
# verified recruteur and admin (tests/fuzz/fuzz.py), its apps API on a free
# port (8000 stays free for the browser flows). The rate limits are
# off: the fuzzer sends thousands of requests from one address.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/stack.sh
export ADMIN_EMAIL="admin-fuzz@destinyjobs.local" ADMIN_PASSWORD="Admin-Fuzz-2026!"
limits=()
for name in $(grep -o 'RATE_LIMIT_[A-Z_]*_PER_[A-Z]*' shared/platform/src/throttle.rs | sort -u); do
  limits+=("$name=off")
done
start_stack destinyjobs-fuzz target/fuzz APPS_PORT="$(free_port)" "${limits[@]}" LOGIN_MAX_FAILURES_PER_ACCOUNT=1000000 LOGIN_MAX_FAILURES_PER_CLIENT=1000000
.venv/bin/python tests/fuzz/fuzz.py "$@"
