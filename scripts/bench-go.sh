#!/usr/bin/env bash
# Go's crypto/x509 on the chains of the criterion `verify` bench, for the ratios in BENCHMARKS.md.
#
#   bash scripts/bench-go.sh           # a timed run (-benchtime 3s, 5 counts)
#   bash scripts/bench-go.sh --smoke   # each benchmark once: does it still build and trust?
#
# Go comes from scripts/go-oracle.sh (pinned); without it the script says so and skips.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"

set +e
go_bin=$(bash scripts/go-oracle.sh)
go_status=$?
set -e
if [[ $go_status == 3 ]]; then
    echo "*** Go cannot be installed here: Go's verify benchmark is SKIPPED ***"
    exit 0
fi
[[ $go_status == 0 ]] || { echo "FAIL: scripts/go-oracle.sh failed ($go_status)"; exit 1; }

chains="$PWD/$target_dir/go-bench/chains"
cargo run --quiet --release --locked -p okd-trust-benches --bin export-chains -- "$chains"

args=(-benchtime 3s -count 5)
[[ "${1:-}" == --smoke ]] && args=(-benchtime 1x -count 1)
home="$PWD/target/go-oracle"
export GOROOT="$(dirname "$(readlink -f "$go_bin/go")")/.." GOTOOLCHAIN=local GOTELEMETRY=off GOPROXY=off
export GOPATH="$home/gopath" GOCACHE="$home/cache" GOENV=off GOFLAGS=-mod=mod
cd oracles/go
OKD_TRUST_BENCH_CHAINS="$chains" "$go_bin/go" test -run '^$' -bench . "${args[@]}" ./verifybench
