#!/usr/bin/env bash
# The C library: header drift check, C/C++ header compile, the C tests of every exported function
# under valgrind (or AddressSanitizer), and okd-trust-check built against the shared and the static
# library and run on the built-in incident files. Needs a Rust toolchain and a C compiler; installs
# cbindgen under ./target/tools when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n-- %s\n' "$*"; }
CC="${CC:-cc}"
CXX="${CXX:-c++}"
CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -g -O1)
crate=okd-trust-c
include="$crate/include"
examples=okd-trust-core/src/examples
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step "cbindgen: the committed header matches the Rust source"
cbindgen="$(command -v cbindgen || true)"
if [ -z "$cbindgen" ]; then
    cbindgen=target/tools/bin/cbindgen
    [ -x "$cbindgen" ] || cargo install cbindgen --locked --version '^0.29' --root target/tools
fi
"$cbindgen" --quiet --config "$crate/cbindgen.toml" --crate "$crate" --output "$work/okd_trust.h" "$crate"
if ! diff -u "$include/okd_trust.h" "$work/okd_trust.h"; then
    echo "error: $include/okd_trust.h is stale; regenerate it with:" >&2
    echo "  $cbindgen --config $crate/cbindgen.toml --crate $crate --output $include/okd_trust.h $crate" >&2
    exit 1
fi

step "the header compiles as C99 and as C++"
echo '#include "okd_trust.h"' | "$CC" "${CFLAGS[@]}" -I"$include" -fsyntax-only -x c -
"$CXX" -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ "$include/okd_trust.h"

step "build libokd_trust (.so and .a)"
# One rustc run builds both and prints the native libraries a static link needs.
cargo rustc -p "$crate" --locked -- --print native-static-libs 2> "$work/rustc.log" || { cat "$work/rustc.log" >&2; exit 1; }
lib=target/debug
native_libs="$(sed -n 's/.*native-static-libs: //p' "$work/rustc.log" | tail -n1)"
if [ -z "$native_libs" ]; then
    # Nothing was recompiled, so rustc printed nothing: these are what Linux needs.
    native_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
fi
echo "native-static-libs: $native_libs"
ls -l "$lib/libokd_trust.so" "$lib/libokd_trust.a"

step "every exported symbol carries the okd_trust_ prefix, and every one is declared in the header"
exported="$(nm -D --defined-only "$lib/libokd_trust.so" | awk '{print $3}' | sort)"
stray="$(grep -v '^okd_trust_' <<< "$exported" || true)"
if [ -n "$stray" ]; then
    echo "error: libokd_trust.so exports symbols without the okd_trust_ prefix:" >&2
    echo "$stray" >&2
    exit 1
fi
for symbol in $exported; do
    grep -q "\b$symbol(" "$include/okd_trust.h" || { echo "error: $symbol is exported but not in the header" >&2; exit 1; }
done
echo "$(wc -l <<< "$exported") symbols, all okd_trust_*, all declared"

# Memory checking: valgrind when present, otherwise AddressSanitizer (leaks included).
memcheck=()
san=()
if command -v valgrind > /dev/null; then
    memcheck=(valgrind --quiet --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible)
else
    echo "!!!!! valgrind not found: falling back to -fsanitize=address (ASan + LeakSanitizer) !!!!!" >&2
    san=(-fsanitize=address -fno-omit-frame-pointer)
    export ASAN_OPTIONS=detect_leaks=1
fi

step "C tests of every exported function (shared library, ${memcheck[0]:-ASan})"
"$CC" "${CFLAGS[@]}" "${san[@]}" -I"$include" "$crate/tests/c/test_okd_trust.c" \
    -L"$lib" -lokd_trust -Wl,-rpath,"$PWD/$lib" -o "$work/test_shared"
mkdir -p "$work/out"
"${memcheck[@]}" "$work/test_shared" "$examples" "$work/out"

step "C tests (static library, ${memcheck[0]:-ASan})"
# shellcheck disable=SC2086 # native_libs is a list of flags
"$CC" "${CFLAGS[@]}" "${san[@]}" -I"$include" "$crate/tests/c/test_okd_trust.c" \
    "$lib/libokd_trust.a" $native_libs -o "$work/test_static"
"${memcheck[@]}" "$work/test_static" "$examples" "$work/out"

step "okd-trust-check against the shared and the static library"
"$CC" "${CFLAGS[@]}" -I"$include" examples/c/okd-trust-check.c \
    -L"$lib" -lokd_trust -Wl,-rpath,"$PWD/$lib" -o "$work/check_shared"
# shellcheck disable=SC2086
"$CC" "${CFLAGS[@]}" -I"$include" examples/c/okd-trust-check.c "$lib/libokd_trust.a" $native_libs -o "$work/check_static"
at=1714521600 # 2024-05-01T00:00:00Z, inside the example certificates' validity
expect() { # expect EXIT_CODE COMMAND...
    local want="$1" got=0
    shift
    "$@" > "$work/stdout" 2> "$work/stderr" || got=$?
    cat "$work/stdout" "$work/stderr"
    if [ "$got" != "$want" ]; then
        echo "error: exit $got, expected $want: $*" >&2
        exit 1
    fi
}
for check in "$work/check_shared" "$work/check_static"; do
    echo "# $(basename "$check"): the incident (the node trusts only the old signer) -> 1"
    expect 1 "${memcheck[@]}" "$check" --at "$at" "$examples/var-lib-kubelet-kubeconfig.yaml" "$examples/api-int-serving-chain.pem"
    grep -q "DOES NOT TRUST" "$work/stdout" && grep -q "unknown authority" "$work/stdout"
    echo "# the kubeconfig repaired by the C test -> 0"
    expect 0 "$check" --at "$at" "$work/out/repaired.yaml" "$examples/api-int-serving-chain.pem" api-int.ocp.example.com
    grep -q "TRUSTS" "$work/stdout"
    echo "# a name the certificate does not carry -> 1"
    expect 1 "$check" --at "$at" "$work/out/repaired.yaml" "$examples/api-int-serving-chain.pem" evil.example.com
    echo "# now: the example certificates have expired -> 1"
    expect 1 "$check" "$work/out/repaired.yaml" "$examples/api-int-serving-chain.pem"
    echo "# bad input -> 2"
    expect 2 "$check" "$examples/api-int-serving-chain.pem" "$examples/api-int-serving-chain.pem"
    expect 2 "$check" "$examples/var-lib-kubelet-kubeconfig.yaml" "$examples/var-lib-kubelet-kubeconfig.yaml"
    expect 2 "$check" "$work/missing" "$examples/api-int-serving-chain.pem"
    expect 2 "$check" only-one-argument
done

step "pkg-config: install into a prefix, build okd-trust-check with pkg-config"
prefix="$work/prefix"
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp "$include/okd_trust.h" "$prefix/include/"
cp "$lib/libokd_trust.so" "$lib/libokd_trust.a" "$prefix/lib/"
# shellcheck disable=SC2086
"$crate/gen-pkgconfig.sh" "$prefix" "$prefix/lib/pkgconfig/okd_trust.pc" $native_libs
cat "$prefix/lib/pkgconfig/okd_trust.pc"
if command -v pkg-config > /dev/null; then
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    # shellcheck disable=SC2046
    "$CC" "${CFLAGS[@]}" examples/c/okd-trust-check.c $(pkg-config --cflags --libs okd_trust) \
        -Wl,-rpath,"$prefix/lib" -o "$work/check_pc"
    expect 1 "$work/check_pc" --at "$at" "$examples/var-lib-kubelet-kubeconfig.yaml" "$examples/api-int-serving-chain.pem"
else
    echo "pkg-config not found: the .pc file was generated but not exercised"
fi

step "C library: all checks passed"
