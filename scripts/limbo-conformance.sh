#!/usr/bin/env bash
# x509-limbo conformance of okd-trust's verifier (see ../shared/limbo/README.md).
#
# Runs `okd-trust limbo` over the suite with both profiles and scores the results:
#   - kubelet vs live Go (scripts/go-oracle.sh installs the pinned toolchain and builds the repo's
#     harness, oracles/go/limboharness): FAILS on any disagreement at all, and on any case where
#     the verifier panicked; without Go this comparison is skipped, loudly;
#   - kubelet vs the stored Go 1.26 verdicts (the suite's snapshot): FAILS on any case accepted
#     where Go rejects, on agreement below 9,756 of the cases both decide, on a case Go decides
#     that it skips;
#   - strict vs the suite's expected_result: at least 9,719 agree, and no unexpected success
#     outside the documented exceptions.
# Without the suite (it lives outside the repo, in ../shared/limbo) the check is skipped, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

limbo_dir=../shared/limbo
suite="$limbo_dir/limbo.json"
if [[ ! -f "$suite" ]]; then
    echo
    echo "*******************************************************************************"
    echo "*** x509-limbo suite not found at $suite: conformance SKIPPED ***"
    echo "*******************************************************************************"
    echo
    exit 0
fi

target_dir="${CARGO_TARGET_DIR:-target}"
bin="$target_dir/release/okd-trust"
now_ms() { date +%s%3N; }
took() { echo "$(( $(now_ms) - $1 )) ms"; }

start=$(now_ms)
cargo build --release --locked -p okd-trust-examples --bin okd-trust
echo "build: $(took "$start")"

# run_profile PROFILE: writes $target_dir/limbo-PROFILE.json and echoes the harness summary.
run_profile() {
    local profile=$1 t
    t=$(now_ms)
    if ! "$bin" limbo --profile "$profile" <"$suite" >"$target_dir/limbo-$profile.json" 2>"$target_dir/limbo-$profile.log"; then
        tail -n 40 "$target_dir/limbo-$profile.log"
        echo "FAIL: okd-trust limbo --profile $profile could not run"
        return 1
    fi
    grep -v '^limbo summary:' "$target_dir/limbo-$profile.log" | tail -n 20 || true
    grep '^limbo summary:' "$target_dir/limbo-$profile.log"
    echo "limbo --profile $profile: $(took "$t")"
}

status=0

echo
echo "== kubelet profile vs Go 1.26's stored verdicts (gates: false_accept 0, agreement >= 9756, no case Go decides skipped)"
run_profile kubelet
panics=$(sed -n 's/^limbo summary:.* panics=\([0-9]*\).*/\1/p' "$target_dir/limbo-kubelet.log")
python3 "$limbo_dir/compare.py" "$suite" "$target_dir/limbo-kubelet.json" "$limbo_dir/reference/go-1.26.json" \
    | tee "$target_dir/limbo-kubelet.txt"
summary=$(grep '^summary:' "$target_dir/limbo-kubelet.txt" | tail -n 1 || true)
false_accept=$(sed -n 's/.*false_accept=\([0-9]*\).*/\1/p' <<<"$summary")
if [[ -z "$false_accept" ]]; then
    echo "FAIL: cannot read false_accept from compare.py's summary line: '$summary'"
    status=1
elif (( false_accept > 0 )); then
    echo "FAIL: the kubelet profile accepts $false_accept case(s) that Go rejects (listed above)"
    status=1
fi
# Agreement with Go on the cases both decide (all 9,756), and every case Go decides is decided
# (none skipped).
agree=$(sed -n 's/.*agree_with_reference=\([0-9]*\)\/.*/\1/p' <<<"$summary")
candidate_skipped=$(sed -n 's/.*candidate_skipped=\([0-9]*\).*/\1/p' <<<"$summary")
if [[ -z "$agree" || "$agree" -lt 9756 ]]; then
    echo "FAIL: the kubelet profile agrees with Go on ${agree:-an unknown number of} cases (target: >= 9756)"
    status=1
fi
if [[ "${candidate_skipped:-}" != "0" ]]; then
    echo "FAIL: the kubelet profile skips ${candidate_skipped:-an unknown number of} case(s) that Go decides"
    status=1
fi
if [[ "${panics:-}" != "0" ]]; then
    echo "FAIL: the verifier panicked on ${panics:-an unknown number of} case(s) (see $target_dir/limbo-kubelet.log)"
    status=1
fi

echo
echo "== kubelet profile vs live Go (gate: zero disagreements)"
source scripts/go-oracle-env.sh
if go_oracle "the live-Go comparison"; then
    t=$(now_ms)
    "$go_bin/limboharness" <"$suite" >"$target_dir/limbo-go-live.json"
    echo "Go harness: $(took "$t")"
    if ! python3 oracles/compare_verdicts.py "$suite" "$target_dir/limbo-go-live.json" \
        "$target_dir/limbo-kubelet.json" | tail -n 40; then
        echo "FAIL: the kubelet profile disagrees with live Go on the cases listed above"
        status=1
    fi
fi

echo
echo "== strict profile vs expected_result (gate: >= 9719 agree, unexpected successes only the documented ones)"
run_profile strict
python3 "$limbo_dir/compare.py" "$suite" "$target_dir/limbo-strict.json" | tee "$target_dir/limbo-strict.txt"
# Documented exceptions (see okd-trust-core/src/verify/strict.rs): a Common Name that names
# nothing in the SAN is allowed, because the suite's bettertls cases expect success for hundreds
# of such leaves; and there is no IDNA mapping to compare U-labels with A-labels.
if ! python3 - "$suite" "$target_dir/limbo-strict.json" <<'PY'
import json, sys
documented = {"webpki::cn::not-in-san", "webpki::cn::punycode-not-in-san", "webpki::cn::utf8-vs-punycode-mismatch"}
cases = {t["id"]: t for t in json.load(open(sys.argv[1]))["testcases"]}
results = json.load(open(sys.argv[2]))["results"]
agree = sum(1 for r in results if r["actual_result"] == cases[r["id"]]["expected_result"])
surprises = sorted(r["id"] for r in results
                   if r["actual_result"] == "SUCCESS" and cases[r["id"]]["expected_result"] == "FAILURE"
                   and r["id"] not in documented)
print(f"strict: agree={agree} undocumented_unexpected_successes={len(surprises)}")
for case in surprises:
    print(f"  unexpected success: {case}")
sys.exit(0 if agree >= 9719 and not surprises else 1)
PY
then
    echo "FAIL: the strict profile misses its target"
    status=1
fi

echo
echo "x509-limbo conformance: $([[ $status == 0 ]] && echo passed || echo FAILED) in $(took "$start")"
exit "$status"
