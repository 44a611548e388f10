"""A simulated fleet of OKD nodes, repaired by a real ansible-playbook run.

Each inventory host is `ansible_connection=local` with its own fake root holding both node
kubeconfigs, generated from the core's built-in incident (okd_trust.examples): stale ones (trust
only the old signers), healthy ones (already repaired), one JSON, one CRLF, one malformed.

    python fleet.py WORKDIR [--hosts N]

runs, for examples/ansible/fleet-repair.yml: check mode (nothing may change), the real run (stale
files fixed with backups, healthy ones untouched, kubelet "restarted" only where something
changed, the malformed host failing with a clear message and no write), and a second run
(changed=0 everywhere); then the same for the Python-less fleet-repair-raw.yml. Exits non-zero
on the first failed expectation.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

import okd_trust
from okd_trust import examples

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
PLAYBOOKS = os.path.join(REPO, "examples", "ansible")
KUBECONFIGS = ["etc/kubernetes/kubeconfig", "var/lib/kubelet/kubeconfig"]
MALFORMED = "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster: [unclosed\n"


def check(condition, message):
    if not condition:
        print("FLEET TEST FAILED: " + message, file=sys.stderr)
        sys.exit(1)


def fresh(text):
    """The kubeconfig as the repair leaves it: what it trusted plus the cluster's bundle."""
    config = okd_trust.Kubeconfig.parse(text)
    cluster = okd_trust.CaBundle.load(examples.CLUSTER_CA_BUNDLE)
    return config.with_ca_bundle(config.ca_bundle().union(cluster))


def as_json(text):
    import yaml  # PyYAML ships with ansible-core

    return json.dumps(yaml.safe_load(text), indent=2) + "\n"


def kinds(n):
    """The role of each host: mostly stale and healthy, plus the special cases."""
    special = ["json", "crlf", "mixed", "malformed"]
    rest = n - len(special)
    roles = ["stale" if i % 2 == 0 else "healthy" for i in range(rest)]
    return roles + special


def node_files(role):
    stale = {KUBECONFIGS[0]: examples.BOOTSTRAP_KUBECONFIG, KUBECONFIGS[1]: examples.NODE_KUBECONFIG}
    if role == "stale":
        return stale
    if role == "healthy":
        return {k: fresh(v) for k, v in stale.items()}
    if role == "json":
        return {k: as_json(v) for k, v in stale.items()}
    if role == "crlf":
        return {k: v.replace("\n", "\r\n") for k, v in stale.items()}
    if role == "mixed":
        return {KUBECONFIGS[0]: fresh(stale[KUBECONFIGS[0]]), KUBECONFIGS[1]: stale[KUBECONFIGS[1]]}
    if role == "malformed":
        return {KUBECONFIGS[0]: fresh(stale[KUBECONFIGS[0]]), KUBECONFIGS[1]: MALFORMED}
    raise ValueError(role)


def stale_paths(role):
    return {"stale": KUBECONFIGS, "json": KUBECONFIGS, "crlf": KUBECONFIGS, "mixed": [KUBECONFIGS[1]]}.get(role, [])


def generate(workdir, n):
    """Writes the fleet under workdir: roots, inventory, the cluster's CA and the served chain."""
    if os.path.exists(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    roles = {}
    lines = ["[nodes]"]
    for i, role in enumerate(kinds(n)):
        host = "node%02d-%s" % (i + 1, role)
        root = os.path.join(workdir, "roots", host)
        for path, text in node_files(role).items():
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(text.encode("utf-8"))
            os.chmod(full, 0o600)
        os.makedirs(os.path.join(root, "run"), exist_ok=True)
        roles[host] = (role, root)
        lines.append("%s node_root=%s" % (host, root))
    lines += [
        "",
        "[nodes:vars]",
        "ansible_connection=local",
        "ansible_python_interpreter=%s" % sys.executable,
        "okd_trust_at=%s" % examples.EXAMPLE_AT,
        "api_int_name=%s" % examples.SERVER_NAME,
        "kubelet_restart_command=echo restarted >> {{ node_root }}/run/kubelet-restarts",
        "",
    ]
    with open(os.path.join(workdir, "inventory.ini"), "w") as f:
        f.write("\n".join(lines))
    indented = "".join("    " + line + "\n" for line in examples.CLUSTER_CA_BUNDLE.splitlines())
    with open(os.path.join(workdir, "loadbalancer-serving-ca.yaml"), "w") as f:
        f.write(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loadbalancer-serving-ca\n"
            "  namespace: openshift-kube-apiserver-operator\ndata:\n  ca-bundle.crt: |\n" + indented
        )
    with open(os.path.join(workdir, "api-int-chain.pem"), "w") as f:
        f.write(examples.API_INT_SERVING_CHAIN)
    return roles


def snapshot(roles):
    """Every file of every root: sha256 and mode."""
    out = {}
    for _, root in roles.values():
        for dirpath, _, files in os.walk(root):
            for name in files:
                full = os.path.join(dirpath, name)
                with open(full, "rb") as f:
                    out[full] = (hashlib.sha256(f.read()).hexdigest(), os.stat(full).st_mode & 0o7777)
    return out


def run_playbook(workdir, playbook, *extra, log=None):
    cmd = [
        os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
        "-i", os.path.join(workdir, "inventory.ini"),
        os.path.join(PLAYBOOKS, playbook),
        "-e", "lb_ca_file=" + os.path.join(workdir, "loadbalancer-serving-ca.yaml"),
        "-e", "api_int_chain_file=" + os.path.join(workdir, "api-int-chain.pem"),
        "--forks", "8",
    ] + list(extra)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    elapsed = time.monotonic() - start
    name = log or "%s%s" % (playbook, "".join(extra).replace("-", "_"))
    with open(os.path.join(workdir, name + ".log"), "w") as f:
        f.write(proc.stdout)
    recap = {}
    for m in re.finditer(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout, re.M):
        recap[m.group(1)] = {"changed": int(m.group(3)), "failed": int(m.group(5))}
    return proc.returncode, proc.stdout, recap, elapsed


def trusted(path):
    with open(path, "rb") as f:
        config = okd_trust.Kubeconfig.parse(f.read())
    verdict = okd_trust.verify(
        examples.API_INT_SERVING_CHAIN, config.ca_bundle(), server_name=examples.SERVER_NAME, at=examples.EXAMPLE_AT
    )
    return verdict.trusted


def restarts(root):
    path = os.path.join(root, "run", "kubelet-restarts")
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return len(f.read().splitlines())


def backups(root, path):
    directory, name = os.path.split(os.path.join(root, path))
    return [f for f in os.listdir(directory) if f != name and f.startswith(name + ".")]


def exercise(workdir, playbook, n, timings):
    roles = generate(workdir, n)
    hosts = sorted(roles)
    malformed = [h for h in hosts if roles[h][0] == "malformed"]
    before = snapshot(roles)

    rc, out, recap, t = run_playbook(workdir, playbook, "--check", "--diff", log=playbook + ".check")
    timings[playbook + " check"] = t
    check(rc == 2, "%s --check: expected rc 2 (the malformed host fails), got %d\n%s" % (playbook, rc, out[-3000:]))
    check(snapshot(roles) == before, "%s --check changed files" % playbook)
    for host in hosts:
        role = roles[host][0]
        check(recap[host]["failed"] == (1 if role == "malformed" else 0), "%s --check: %s %s" % (playbook, host, recap[host]))
        check(recap[host]["changed"] > 0 or not stale_paths(role), "%s --check: %s would not change" % (playbook, host))

    rc, out, recap, t = run_playbook(workdir, playbook, log=playbook + ".run")
    timings[playbook + " run"] = t
    check(rc == 2, "%s: expected rc 2, got %d\n%s" % (playbook, rc, out[-3000:]))
    after = snapshot(roles)
    for host in hosts:
        role, root = roles[host]
        fixed = stale_paths(role)
        check(recap[host]["failed"] == (1 if role == "malformed" else 0), "%s: recap %s" % (host, recap[host]))
        for path in KUBECONFIGS:
            full = os.path.join(root, path)
            if path in fixed:
                check(after[full][0] != before[full][0], "%s: stale %s was not fixed" % (host, path))
                check(trusted(full), "%s: %s does not trust api-int after the run" % (host, path))
                check(after[full][1] == 0o600, "%s: %s lost its mode" % (host, path))
                check(len(backups(root, path)) == 1, "%s: %s has no single backup: %s" % (host, path, backups(root, path)))
            else:
                check(after[full] == before[full], "%s: %s changed but was not stale" % (host, path))
                check(not backups(root, path), "%s: %s was backed up but not changed" % (host, path))
        check(restarts(root) == (1 if fixed else 0), "%s: kubelet restarted %d times" % (host, restarts(root)))
        if role == "json":
            with open(os.path.join(root, KUBECONFIGS[1])) as f:
                check(f.read().lstrip().startswith("{"), "%s: no longer JSON" % host)
        if role == "crlf":
            with open(os.path.join(root, KUBECONFIGS[1]), "rb") as f:
                data = f.read()
                check(data.count(b"\n") == data.count(b"\r\n"), "%s: lost CRLF line endings" % host)
    check(re.search(r"kubelet/kubeconfig: kubeconfig: line 6, column 1: syntax error", out) is not None, "%s: the malformed host's error names no position" % playbook)
    check(all(m in out for m in malformed), "malformed host missing from output")
    # The summary names what happened on every host.
    for host in hosts:
        role = roles[host][0]
        if role == "malformed":
            expected = r'"%s: FAILED' % host
        elif stale_paths(role):
            expected = r'"%s: (was \S+, )?fixed [^"]*kubelet restarted"' % host
        else:
            expected = r'"%s: (\S+, )?unchanged"' % host
        check(re.search(expected, out) is not None, "%s: summary line for %s (%s) missing" % (playbook, host, role))

    rc, out, recap, t = run_playbook(workdir, playbook, log=playbook + ".second-run")
    timings[playbook + " second run"] = t
    check(rc == 2, "%s second run: expected rc 2, got %d" % (playbook, rc))
    check(all(recap[h]["changed"] == 0 for h in hosts), "%s second run changed something: %s" % (playbook, recap))
    check(snapshot(roles) == after, "%s second run changed files" % playbook)
    print("%s: %d hosts OK (check mode wrote nothing, %d stale files fixed with backups, second run changed=0)"
          % (playbook, len(hosts), sum(len(stale_paths(roles[h][0])) for h in hosts)))


def module_overhead(workdir, runs=10):
    """Seconds per run of the kubeconfig_ca module alone, started as Ansible starts it on a host (a
    fresh Python reading ANSIBLE_MODULE_ARGS), in check mode on a stale kubeconfig: the module's
    own share of each host's time, without Ansible's connection and templating."""
    path = os.path.join(workdir, "overhead-kubeconfig")
    with open(path, "w") as f:
        f.write(examples.NODE_KUBECONFIG)
    module = os.path.join(REPO, "okd-trust-py", "ansible_collections", "okd", "trust", "plugins", "modules",
                          "kubeconfig_ca.py")
    args = {"ANSIBLE_MODULE_ARGS": {"path": path, "ca_bundle": examples.CLUSTER_CA_BUNDLE,
                                    "serving_chain": examples.API_INT_SERVING_CHAIN, "at": examples.EXAMPLE_AT,
                                    "_ansible_check_mode": True}}
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "okd-trust-py"))
    start = time.monotonic()
    for _ in range(runs):
        proc = subprocess.run([sys.executable, module], input=json.dumps(args), stdout=subprocess.PIPE,
                              universal_newlines=True, env=env)
        check(json.loads(proc.stdout.strip().splitlines()[-1]).get("changed") is True, "module overhead run failed")
    return (time.monotonic() - start) / runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir")
    parser.add_argument("--hosts", type=int, default=24)
    args = parser.parse_args()
    check(args.hosts >= 20, "at least 20 hosts")
    args.workdir = os.path.abspath(args.workdir)
    timings = {}
    exercise(os.path.join(args.workdir, "modules"), "fleet-repair.yml", args.hosts, timings)
    exercise(os.path.join(args.workdir, "raw"), "fleet-repair-raw.yml", args.hosts, timings)
    for name, seconds in timings.items():
        print("  %-40s %6.1f s  (%.2f s per host)" % (name, seconds, seconds / args.hosts))
    print("  kubeconfig_ca module alone (fresh interpreter, check mode): %.0f ms per host"
          % (1000 * module_overhead(args.workdir)))


if __name__ == "__main__":
    main()
