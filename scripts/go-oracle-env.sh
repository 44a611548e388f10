# Sourced (not run) by the scripts that use Go as an oracle, from the repository root.
#
#   source scripts/go-oracle-env.sh
#   go_oracle "the random-chain differential" || exit 0
#
# go_oracle WHAT installs and builds what scripts/go-oracle.sh does, sets `go_bin` (the directory
# holding `go` and `limboharness`) and exports the environment `go` itself needs (the pinned
# toolchain, caches under ./target, no network, no telemetry). When Go cannot be had it prints a
# loud banner saying WHAT is skipped and returns 1; any other failure ends the script.

# go_environment GOROOT: the environment `go` runs in here — the pinned toolchain and nothing
# else (no switching, no module proxy, no telemetry, no user go.env), caches under ./target.
go_environment() {
    export GOROOT="$1" GOTOOLCHAIN=local GOTELEMETRY=off GOPROXY=off GOENV=off GOFLAGS=-mod=mod
    export GOPATH="$PWD/target/go-oracle/gopath" GOCACHE="$PWD/target/go-oracle/cache"
}

go_oracle() {
    local what=$1 status
    set +e
    go_bin=$(bash scripts/go-oracle.sh)
    status=$?
    set -e
    case $status in
        0)
            go_environment "$(cd "$(dirname "$(readlink -f "$go_bin/go")")/.." && pwd)"
            ;;
        3)
            echo
            echo "*******************************************************************************"
            echo "*** Go cannot be installed here: $what is SKIPPED ***"
            echo "*******************************************************************************"
            echo
            return 1
            ;;
        *)
            echo "FAIL: scripts/go-oracle.sh failed ($status)"
            exit 1
            ;;
    esac
}
