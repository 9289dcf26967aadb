# Sourced by flows.sh and fuzz.sh: a fresh local stack on free ports (its
# own emulator and dev server, built first), stopped when the script
# exits. `start_stack NAME LOGDIR [VAR=value...]` exports ENDPOINT and
# BASE_URL; extra variables go to the dev server (APPS_PORT, limits...).
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

start_stack() {
  local name="$1" logs="$2"
  shift 2
  local moto_port api_port
  moto_port=$(free_port)
  api_port=$(free_port)
  export ENDPOINT="http://127.0.0.1:$moto_port"
  export BASE_URL="http://127.0.0.1:$api_port"
  mkdir -p "$logs"
  cargo build --quiet --locked -p infra --bin devserver
  .venv/bin/python infra/moto_server.py -H 127.0.0.1 -p "$moto_port" > "$logs/moto.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -s -o /dev/null "$ENDPOINT/moto-api/" && break; sleep 0.1; done
  env AWS_ENDPOINT_URL="$ENDPOINT" AWS_REGION=eu-west-3 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
    STACK_NAME="$name" PORT="$api_port" WRITE_LOCAL_ENV=false LOG_LEVEL=warn \
    ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD" "$@" \
    target/debug/devserver > "$logs/devserver.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -s -o /dev/null "$BASE_URL/api/openapi.json" && break; sleep 0.2; done
  curl -sf -o /dev/null "$BASE_URL/api/openapi.json" || { cat "$logs/devserver.log"; exit 1; }
  echo "stack $name: API $BASE_URL, emulator $ENDPOINT, logs in $logs/"
}
