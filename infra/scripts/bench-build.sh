#!/usr/bin/env bash
# make bench's builds: every function alone (as SAM builds it: no features
# merged across crates), with the template's release profile, for the
# host, plus hello, the dev server and the runner.
#
# Each build is one long single-threaded chain (codegen-units = 1, fat
# LTO), so two chains run side by side, one per core: the second in its
# own target directory (cargo locks a target directory per build), its
# binaries copied beside the first's. From a built tree both are no-ops.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
read -r -a all <<< "$FUNCTIONS hello"
first=() second=()
for i in "${!all[@]}"; do
  if (( i % 2 == 0 )); then first+=("${all[$i]}"); else second+=("${all[$i]}"); fi
done
(
  for f in "${first[@]}"; do cargo build --release --locked --quiet -p "$f"; done
  cargo build --release --locked --quiet -p infra --bin devserver
  cargo build --release --locked --quiet -p bench
) &
one=$!
(
  for f in "${second[@]}"; do
    CARGO_TARGET_DIR=target/bench-second cargo build --release --locked --quiet -p "$f"
    cp target/bench-second/release/"$f" target/release/"$f".new
    mv target/release/"$f".new target/release/"$f"
  done
) &
two=$!
status=0
wait "$one" || status=$?
wait "$two" || status=$?
echo "make bench: builds took $(( $(date +%s) - start )) s"
exit "$status"
