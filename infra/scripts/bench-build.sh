#!/usr/bin/env bash
# make bench's builds: every function alone (as SAM builds it: no features
# merged across crates), with the template's release profile, for the
# host, plus hello, the dev server and the runner.
#
# Every function resolves its dependencies to the same features
# (shared/platform/Cargo.toml), so one build of them serves all: a first
# step compiles them once, on both cores, and copies them to the second
# chain's target directory (cargo finds them fresh there). A release build
# then ends in one long single-threaded step (codegen-units = 1, fat LTO),
# so two chains build side by side, one per core, the second in its own
# target directory (cargo locks a target directory per build), its
# binaries copied beside the first's. The chains are fixed, so that from a
# built tree every build is a no-op; the builds whose build scripts differ
# (the docs crate's: devserver, apps, docs, the runner) share the first.
# Balanced by the seconds of a fresh clone's builds (2026-12-04, after
# the dependencies' 294 s): the first chain's six 1,063 s and three of the
# publication functions (about 100 s each), the second's ten about 1,380.
# Each step's seconds are printed and written to target/bench-builds.tsv,
# which the report shows.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)
first=(devserver apps docs bench hello notifications offres financements bourses)
second=(auth admin uploads candidatures messages notifier rappels consultations recherche statistiques)
for f in $FUNCTIONS; do
  [[ " ${first[*]} ${second[*]} " == *" $f "* ]] || { echo "bench-build.sh: $f is in neither chain" >&2; exit 1; }
done
if dup=$(printf '%s\n' "${first[@]}" "${second[@]}" | sort | uniq -d) && [[ -n $dup ]]; then
  echo "bench-build.sh: $dup is in both chains" >&2; exit 1
fi
mkdir -p target
: > target/bench-builds.tsv

build() { # chain target-dir build
  local dir=$2 b=$3 t
  t=$(date +%s)
  case $b in
    devserver) CARGO_TARGET_DIR=$dir cargo build --release --locked --quiet -p infra --bin devserver ;;
    *) CARGO_TARGET_DIR=$dir cargo build --release --locked --quiet -p "$b" ;;
  esac
  if [[ $dir != target ]]; then
    cp "$dir/release/$b" "target/release/$b.new"
    mv "target/release/$b.new" "target/release/$b"
  fi
  printf '%s\t%s\t%s\n' "$b" "$1" "$(( $(date +%s) - t ))" | tee -a target/bench-builds.tsv
}

chain() { # chain target-dir builds...
  local n=$1 dir=$2 b
  shift 2
  for b in "$@"; do
    # A function the template no longer has is not built.
    [[ $b == devserver || $b == hello || $b == bench || " $FUNCTIONS " == *" $b "* ]] || continue
    build "$n" "$dir" "$b"
  done
}

mkdir -p target/release
# The dependencies, once: platform with every AWS SDK it wraps.
t=$(date +%s)
cargo build --release --locked --quiet -p platform --features cognito,sns,s3
# What the second chain lacks of them, and only that: a file it has is
# left as it is. cargo names every unit's files by its hash, so a missing
# file is a missing unit; a newer copy of one it has (`cp -u` did that)
# makes cargo rebuild every function above it.
mkdir -p target/bench-second/release
dirs=()
for d in deps build .fingerprint; do [[ -d target/release/$d ]] && dirs+=("$d"); done
if (( ${#dirs[@]} )); then
  tar -C target/release -cf - "${dirs[@]}" | tar -C target/bench-second/release -xf - --skip-old-files
fi
printf '%s\t%s\t%s\n' dependencies 0 "$(( $(date +%s) - t ))" | tee -a target/bench-builds.tsv
chain 1 target "${first[@]}" & one=$!
chain 2 target/bench-second "${second[@]}" & two=$!
# Interrupted, or one chain failed: the other stops too, cargo and rustc
# with it (background jobs of a script ignore SIGINT, and would go on
# holding the target directories).
kill_tree() { local c; for c in $(pgrep -P "$1"); do kill_tree "$c"; done; kill -TERM "$1" 2>/dev/null || true; }
trap 'kill_tree "$one"; kill_tree "$two"; exit 130' INT TERM
status=0
wait -n -p ended "$one" "$two" || status=$?
other=$([[ $ended == "$one" ]] && echo "$two" || echo "$one")
(( status == 0 )) || kill_tree "$other"
wait "$other" || { rc=$?; (( status )) || status=$rc; }
printf 'total\t-\t%s\n' "$(( $(date +%s) - start ))" | tee -a target/bench-builds.tsv
exit "$status"
