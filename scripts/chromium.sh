#!/usr/bin/env bash
# Headless Chromium for the HTML report tests (examples/tests/html_report.rs), from Debian's
# package. Where it cannot be installed (no apt, not root, no network) this says so loudly and the
# tests that need it skip.
set -uo pipefail

if [ -x /usr/bin/chromium ]; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
    exit 0
fi
if ! command -v apt-get > /dev/null || [ "$(id -u)" != 0 ]; then
    echo "SKIPPED: cannot install Debian's chromium here (needs apt-get as root); the browser tests will skip" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q > /dev/null && apt-get install -y -q --no-install-recommends chromium > /dev/null; }; then
    echo "SKIPPED: apt-get install chromium failed; the browser tests will skip" >&2
    exit 0
fi
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null)"
