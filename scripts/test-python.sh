#!/usr/bin/env bash
# The Python package and the Ansible collection: builds the abi3 wheel with maturin, runs pytest,
# renders every plugin's documentation with ansible-doc, and runs real ansible-playbook repairs
# against a simulated fleet of local hosts. Needs only Rust, Python 3 and a C compiler: pip fetches
# maturin, pytest and ansible-core from PyPI into a virtual environment under ./target.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export LC_ALL=C.UTF-8 LANG=C.UTF-8
export ANSIBLE_HOME="$root/target/ansible/home"
export ANSIBLE_LOCAL_TEMP="$root/target/ansible/tmp"
export ANSIBLE_REMOTE_TEMP="$root/target/ansible/remote-tmp"
export ANSIBLE_COLLECTIONS_PATH="$root/okd-trust-py"
export ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_RETRY_FILES_ENABLED=False ANSIBLE_NOCOLOR=1
export ANSIBLE_DEPRECATION_WARNINGS=False
export PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$ANSIBLE_HOME" "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_REMOTE_TEMP"

step() { printf '\n-- %s\n' "$*"; }

venv="$root/target/py-venv"
step "virtual environment ($venv)"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# Versions known to work together (see the toolchain notes): maturin >= 1.9.4, ansible-core 2.19
# (the newest for Python 3.11).
"$venv/bin/python" -m pip install -q 'maturin>=1.9.4,<2' 'pytest>=8,<9' 'ansible-core>=2.19,<2.20'

step "build and install the wheel (separate target dir, so cargo test and maturin don't rebuild each other's pyo3)"
rm -rf target/wheels
start=$(date +%s)
"$venv/bin/maturin" build --release --locked -m okd-trust-py/Cargo.toml --target-dir target/maturin \
    --out target/wheels -i "$venv/bin/python"
echo "wheel built in $(( $(date +%s) - start )) s"
wheel=$(ls target/wheels/okd_trust-*.whl)
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"

step "pytest"
(cd okd-trust-py && "$venv/bin/python" -m pytest -q -p no:cacheprovider tests)

step "ansible-doc renders every module and filter"
# ansible-doc only warns (exit 0) about a plugin it cannot find, so read its JSON and insist on a
# description, options, examples and return values for each one.
check_doc() { # check_doc TYPE NAME...
    local type=$1
    shift
    "$venv/bin/ansible-doc" -t "$type" --json "${@/#/okd.trust.}" | "$venv/bin/python" -c '
import json, sys
kind, names = sys.argv[1], sys.argv[2:]
docs = json.load(sys.stdin)
for name in names:
    entry = docs.get("okd.trust." + name) or {}
    doc = entry.get("doc") or {}
    missing = [k for k in ("description", "options") if not doc.get(k)]
    missing += [k for k in ("examples", "return") if not entry.get(k)]
    if missing:
        sys.exit("ansible-doc: %s okd.trust.%s lacks %s" % (kind, name, ", ".join(missing)))
print("%d %s plugins documented" % (len(names), kind))
' "$type" "$@"
}
check_doc module trust_info kubeconfig_ca ca_bundle cluster_info
check_doc filter cert_info ca_bundle_union kubeconfig_with_ca diagnose

step "ansible-playbook against a simulated fleet"
"$venv/bin/python" okd-trust-py/tests/fleet/fleet.py "$root/target/python-fleet" --hosts 24
