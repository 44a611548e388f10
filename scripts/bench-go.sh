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

source scripts/go-oracle-env.sh
go_oracle "Go's verify benchmark" || exit 0

chains="$PWD/$target_dir/go-bench/chains"
cargo run --quiet --release --locked -p okd-trust-benches --bin export-chains -- "$chains"

args=(-benchtime 3s -count 5)
[[ "${1:-}" == --smoke ]] && args=(-benchtime 1x -count 1)
cd oracles/go
OKD_TRUST_BENCH_CHAINS="$chains" "$go_bin/go" test -run '^$' -bench . "${args[@]}" ./verifybench
