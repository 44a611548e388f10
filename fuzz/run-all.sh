#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each and prints one summary line per target.
#
#   bash fuzz/run-all.sh [SECONDS] [none|address] [TARGET...]
#
# Stable toolchain: `none` builds plain libFuzzer binaries; `address` builds with AddressSanitizer
# through RUSTC_BOOTSTRAP=1 (about ten times slower). Each sanitizer has its own target dir.
# Corpora grow under fuzz/corpus/<target> (not committed) from the committed fuzz/seeds/<target>;
# a crash, timeout or out-of-memory input lands in fuzz/artifacts/<sanitizer>/<target>/ — commit
# it under fuzz/regressions/<target>/ once fixed, so `cargo test` replays it.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-600}"
sanitizer="${2:-none}"
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(pem_bundle certificate_der kubeconfig_parse kubeconfig_edit manifest verify doctor input_detect)
fi

target_dir="target/$sanitizer"
case "$sanitizer" in
    none) cargo fuzz build --sanitizer none --target-dir "$target_dir" ;;
    address) RUSTC_BOOTSTRAP=1 cargo fuzz build --sanitizer address --target-dir "$target_dir" ;;
    *) echo "sanitizer must be none or address" >&2; exit 2 ;;
esac
bin_dir="$target_dir/$(rustc -vV | sed -n 's/^host: //p')/release"
mkdir -p logs

status=0
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    artifacts="artifacts/$sanitizer/$target"
    log="logs/$target-$sanitizer.log"
    mkdir -p "$corpus" "$artifacts"
    set +e
    "$bin_dir/$target" "$corpus" "seeds/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1
    code=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1)
    found=$(find "$artifacts" -type f | wc -l)
    echo "$target [$sanitizer] ${seconds}s: exit=$code execs=${execs:-?} exec/s=${rate:-?} ${cov:-cov: ?} corpus=$(find "$corpus" -type f | wc -l) artifacts=$found"
    [ "$code" = 0 ] && [ "$found" = 0 ] || status=1
done
exit "$status"
