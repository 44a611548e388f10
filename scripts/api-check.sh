#!/usr/bin/env bash
# The core's public API against the committed listing (okd-trust-core/public-api.txt): every
# item a caller can name, with its signature and #[non_exhaustive]. A change to the API shows
# up as a diff here, so it is made on purpose and reviewed as one; a dependency's type in a
# public signature fails outright (scripts/public-api.py says which).
#
#   bash scripts/api-check.sh           compare
#   bash scripts/api-check.sh --bless   rewrite the listing after an intended change
set -euo pipefail
cd "$(dirname "$0")/.."

# rustdoc's JSON output is not stable yet; RUSTC_BOOTSTRAP lets the stable toolchain write it.
RUSTC_BOOTSTRAP=1 cargo rustdoc -q --locked -p okd-trust --features html -- \
    -Z unstable-options --output-format json
listing=target/public-api.txt
python3 scripts/public-api.py target/doc/okd_trust.json > "$listing"
echo "$(grep -c '' "$listing") lines of public API (rustdoc JSON format $(python3 -c \
    'import json,sys; print(json.load(open(sys.argv[1]))["format_version"])' target/doc/okd_trust.json))"
if [ "${1:-}" = --bless ]; then
    cp "$listing" okd-trust-core/public-api.txt
    echo "okd-trust-core/public-api.txt rewritten"
    exit 0
fi
if ! diff -u okd-trust-core/public-api.txt "$listing"; then
    echo "error: the public API changed (- committed, + now). If that is intended, run" >&2
    echo "  bash scripts/api-check.sh --bless" >&2
    echo "and commit okd-trust-core/public-api.txt with the change (and a version bump if it breaks callers)." >&2
    exit 1
fi
echo "public API unchanged"
