#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find. Needs only a Rust
# toolchain, Python 3 and a C compiler; it installs anything else it needs under ./target.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "public API against the committed listing (no dependency type in it)"
bash scripts/api-check.sh

step "headless Chromium for the HTML report tests (Debian's package)"
bash scripts/chromium.sh

step "Rust tests (unit, integration, doc)"
cargo test --workspace --locked

step "x509-limbo conformance (live Go, the stored verdicts, the suite's expectations)"
bash scripts/limbo-conformance.sh

step "random chains: okd-trust's kubelet profile vs live Go"
bash scripts/go-differential.sh

step "Go's verify benchmark, each run once (timings: bash scripts/bench-go.sh)"
bash scripts/bench-go.sh --smoke

step "benchmarks, each run once as a test (timings are for criterion runs, not for CI)"
cargo bench --workspace --locked -- --test

step "C library: header drift, C tests under valgrind, okd-trust-check (shared and static)"
bash scripts/test-c.sh

step "Python package and Ansible collection (pytest, ansible-doc, a simulated fleet)"
bash scripts/test-python.sh

step "all tests passed"
