#!/usr/bin/env bash
# make bench's builds: every function alone (as SAM builds it: no features
# merged across crates), with the template's release profile, for the
# host, plus hello and the dev server; the runner, a tool whose speed
# measures nothing, with a quicker profile (`bench-tool`).
#
# A release build ends in one long single-threaded step (codegen-units = 1,
# fat LTO), so two workers build side by side, one per core, each taking
# the next build from one queue, largest first: the second in its own
# target directory (cargo locks a target directory per build), its
# binaries copied beside the first's. Each build's seconds are printed and
# written to target/bench-builds.tsv. From a built tree all are no-ops.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
mkdir -p target
# Largest first (by the time each took), so the two workers end together.
order=(devserver apps auth admin uploads candidatures messages notifications offres
  financements bourses consultations recherche statistiques notifier rappels docs hello)
queue=target/bench-queue
for b in "${order[@]}"; do
  [[ $b == devserver || $b == hello || " $FUNCTIONS " == *" $b "* ]] && echo "$b"
done > "$queue"
for f in $FUNCTIONS; do
  grep -qx "$f" "$queue" || { echo "bench-build.sh: $f is not in its order" >&2; exit 1; }
done
echo bench-runner >> "$queue"
: > target/bench-builds.tsv

next() { flock "$queue.lock" bash -c "head -n 1 '$queue'; sed -i 1d '$queue'"; }

build() { # worker target-dir build
  local dir=$2 b=$3 t
  t=$(date +%s)
  case $b in
    devserver) CARGO_TARGET_DIR=$dir cargo build --release --locked --quiet -p infra --bin devserver ;;
    bench-runner) CARGO_TARGET_DIR=$dir cargo build --profile bench-tool --locked --quiet -p bench ;;
    *) CARGO_TARGET_DIR=$dir cargo build --release --locked --quiet -p "$b" ;;
  esac
  if [[ $dir != target ]]; then
    local out=release name=$b
    [[ $b == bench-runner ]] && out=bench-tool name=bench
    mkdir -p target/$out
    cp "$dir/$out/$name" "target/$out/$name.new"
    mv "target/$out/$name.new" "target/$out/$name"
  fi
  printf '%s\t%s\t%s\n' "$b" "$1" "$(( $(date +%s) - t ))" | tee -a target/bench-builds.tsv
}

worker() { # worker target-dir
  local b
  while b=$(next) && [[ -n $b ]]; do build "$1" "$2" "$b"; done
}

worker 1 target & one=$!
worker 2 target/bench-second & two=$!
status=0
wait "$one" || status=$?
wait "$two" || status=$?
printf 'total\t-\t%s\n' "$(( $(date +%s) - start ))" | tee -a target/bench-builds.tsv
exit "$status"
