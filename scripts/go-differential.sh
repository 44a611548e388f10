#!/usr/bin/env bash
# Random certificate chains judged by live Go and by okd-trust's kubelet profile: zero
# disagreements. Go is the oracle (scripts/go-oracle.sh installs it); the chains come from
# oracles/chaingen (Python, with the `cryptography` package, pinned, in a virtual environment
# under ./target).
#
#   bash scripts/go-differential.sh                      # a fixed seed and a fresh one
#   OKD_TRUST_CHAIN_SEED=1234 bash scripts/go-differential.sh   # reproduce a fresh seed
#   OKD_TRUST_CHAIN_COUNT=5000 bash scripts/go-differential.sh  # chains per seed (default 1000)
#
# Without Go (no network to PyPI, another platform) the check is skipped, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target_dir="${CARGO_TARGET_DIR:-target}"
work="$target_dir/go-differential"
mkdir -p "$work"

fixed_seed=20261203
fresh_seed="${OKD_TRUST_CHAIN_SEED:-$(( $(date +%s%N) % 1000000007 ))}"
count="${OKD_TRUST_CHAIN_COUNT:-1000}"

source scripts/go-oracle-env.sh
go_oracle "the random-chain differential" || exit 0

venv="$root/target/oracle-venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check 'cryptography==46.0.7'

cargo build --release --locked -p okd-trust-examples --bin okd-trust
okd_trust="$target_dir/release/okd-trust"

status=0
for seed in "$fixed_seed" "$fresh_seed"; do
    echo
    echo "== seed $seed, $count chains (reproduce: OKD_TRUST_CHAIN_SEED=$seed bash scripts/go-differential.sh)"
    suite="$work/chains-$seed.json"
    start=$(date +%s)
    "$venv/bin/python" oracles/chaingen/chaingen.py --seed "$seed" --count "$count" >"$suite"
    echo "generated in $(( $(date +%s) - start )) s"
    "$go_bin/limboharness" <"$suite" >"$work/go-$seed.json"
    "$okd_trust" limbo --profile kubelet <"$suite" >"$work/okd-trust-$seed.json" 2>"$work/okd-trust-$seed.log"
    grep '^limbo summary:' "$work/okd-trust-$seed.log" || true
    if ! python3 oracles/compare_verdicts.py "$suite" "$work/go-$seed.json" "$work/okd-trust-$seed.json"; then
        echo "FAIL: okd-trust's kubelet profile and Go disagree on seed $seed (cases above)"
        status=1
    fi
done
exit "$status"
