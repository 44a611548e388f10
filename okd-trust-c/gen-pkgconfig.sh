#!/usr/bin/env bash
# Writes okd_trust.pc for an install prefix: gen-pkgconfig.sh PREFIX [OUTPUT] [NATIVE_STATIC_LIBS...]
# (the native libraries a static link needs, as printed by
#  `cargo rustc -p okd-trust-c --release --crate-type staticlib -- --print native-static-libs`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${1:?usage: gen-pkgconfig.sh PREFIX [OUTPUT] [NATIVE_STATIC_LIBS...]}"
out="${2:--}"
shift $(( $# >= 2 ? 2 : 1 ))
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/../Cargo.toml" | head -n1)"
text="$(sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NATIVE_STATIC_LIBS@|$*|" "$here/okd_trust.pc.in")"
if [ "$out" = "-" ]; then printf '%s\n' "$text"; else printf '%s\n' "$text" > "$out"; fi
