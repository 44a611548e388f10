#!/usr/bin/env python3
"""Times the okd_trust Python package against pyca/cryptography + PyYAML doing the same jobs.

Run by hand (not in CI), in an environment that has okd_trust, cryptography and PyYAML, e.g. the
one scripts/test-python.sh builds under target/:

    target/py-venv/bin/python benches/python/compare.py [--quick]

Jobs, each on the same bytes for both sides:
  bundle load     okd_trust.CaBundle.from_pem  vs  x509.load_pem_x509_certificates
  verify          okd_trust.verify             vs  x509.verification.PolicyBuilder ... verify
  kubeconfig CA   Kubeconfig.parse + ca_bundle vs  yaml.safe_load + base64 + load_pem_x509_certificates

Inputs: a 150-certificate bundle of self-signed CAs made from the testkit's fixed keys (RSA-2048,
RSA-4096, Ed25519; deterministic signatures), the system trust store when present, the built-in
example cluster (okd_trust.examples), and kubeconfigs of 1 and 1,000 clusters.
"""

import argparse
import base64
import datetime
import os
import platform
import statistics
import sys
import timeit

import okd_trust
import yaml
from okd_trust import examples
from cryptography import __version__ as cryptography_version
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = os.path.join(ROOT, "okd-trust-testkit", "keys")
KEY_FILES = ["rsa2048-a.pem", "rsa2048-b.pem", "rsa4096.pem", "rsa2048-c.pem", "rsa2048-d.pem", "rsa2048-e.pem",
             "ed25519.pem"]
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
NOT_BEFORE = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def generated_cas(n):
    """n self-signed CAs with distinct names and serials, PEM, keys in the same turn as the Rust benches."""
    keys = []
    for name in KEY_FILES:
        with open(os.path.join(KEYS, name), "rb") as f:
            keys.append(serialization.load_pem_private_key(f.read(), password=None))
    out = []
    for i in range(n):
        key = keys[i % len(keys)]
        name = x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "okd-trust benchmarks"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Bench Root CA {i:04}"),
        ])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(0x100000 + i)
            .not_valid_before(NOT_BEFORE)
            .not_valid_after(NOT_BEFORE + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
        out.append(builder.sign(key, algorithm).public_bytes(serialization.Encoding.PEM))
    return out


def kubeconfig_with_clusters(cas, n):
    """The same shape as the Rust benches' kubeconfig: n clusters, contexts and users."""
    lines = ["apiVersion: v1", "kind: Config", "clusters:"]
    for i in range(n):
        data = base64.b64encode(cas[i % len(cas)]).decode()
        lines += ["- cluster:", f"    certificate-authority-data: {data}",
                  f"    server: https://api.c{i:04}.example.com:6443", f"  name: c{i:04}"]
    lines.append("contexts:")
    for i in range(n):
        lines += ["- context:", f"    cluster: c{i:04}", f"    user: admin-c{i:04}", f"  name: admin@c{i:04}"]
    lines += ["current-context: admin@c0000", "preferences: {}", "users:"]
    for i in range(n):
        lines += [f"- name: admin-c{i:04}", "  user:", f"    token: sha256~bench-token-{i:04}"]
    return "\n".join(lines) + "\n"


def measure(fn, budget):
    """Median seconds per call over 5 repeats, each repeat running at least budget/5 seconds."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    one = timer.timeit(number) / number
    number = max(1, int(budget / 5 / max(one, 1e-9)))
    return statistics.median(t / number for t in timer.repeat(repeat=5, number=number))


def fmt(seconds):
    # 999.6 µs is written 1 ms: three significant digits would round it to "1e+03 µs".
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds / scale >= 0.9995:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


ROWS = []


def compare(job, ours, theirs, budget, per=1):
    """Times both, checks they agree, and records a row (per: items per call, for a per-item figure)."""
    a, b = ours(), theirs()
    if a != b:
        raise SystemExit(f"{job}: okd_trust says {a!r}, the peer says {b!r}")
    t_ours, t_theirs = measure(ours, budget), measure(theirs, budget)
    ROWS.append((job, t_ours, t_theirs, per))
    print(f"{job:<58} okd_trust {fmt(t_ours):>10}  peer {fmt(t_theirs):>10}  peer/okd_trust {t_theirs / t_ours:5.2f}x",
          flush=True)


def bundle_jobs(budget):
    cas = generated_cas(150)
    bundles = [("generated", b"".join(cas))]
    if os.path.exists(SYSTEM_BUNDLE):
        with open(SYSTEM_BUNDLE, "rb") as f:
            bundles.append(("system", f.read()))
    for name, pem in bundles:
        n = len(x509.load_pem_x509_certificates(pem))
        compare(f"bundle load, {name} ({n} certs) vs load_pem_x509_certificates",
                lambda: len(okd_trust.CaBundle.from_pem(pem)),
                lambda: len(x509.load_pem_x509_certificates(pem)), budget, per=n)
    return cas


def verify_job(budget):
    chain = list(okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN))
    roots = okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)
    at = datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)
    leaf_c, *ints_c = x509.load_pem_x509_certificates(examples.API_INT_SERVING_CHAIN.encode())
    roots_c = x509.load_pem_x509_certificates(examples.CLUSTER_CA_BUNDLE.encode())
    verifier = (PolicyBuilder().store(Store(roots_c)).time(at)
                .build_server_verifier(x509.DNSName(examples.SERVER_NAME)))

    def pyca():
        try:
            return len(verifier.verify(leaf_c, ints_c))
        except Exception as e:  # pyca's stricter profile may refuse what Go accepts; report it
            return f"refused: {e}"

    def ours():
        verdict = okd_trust.verify(chain, roots, server_name=examples.SERVER_NAME, at=at)
        return len(verdict.chain) if verdict.trusted else f"refused: {verdict.reason}"

    if ours() != pyca():
        print(f"verify: okd_trust {ours()!r} vs pyca {pyca()!r} (timed anyway)")
        ROWS.append(("verify (verdicts differ, see above)", measure(ours, budget), measure(pyca, budget), 1))
        return
    compare("verify api-int chain (leaf <- RSA-2048 CA) vs PolicyBuilder", ours, pyca, budget)


def kubeconfig_jobs(cas, budget):
    def ours(text):
        config = okd_trust.Kubeconfig.parse(text)
        return [len(config.ca_bundle(c["name"])) for c in config.clusters]

    def pyca(loader):
        def run(text):
            config = yaml.load(text, Loader=loader)
            return [len(x509.load_pem_x509_certificates(base64.b64decode(c["cluster"]["certificate-authority-data"])))
                    for c in config["clusters"]]
        return run

    loaders = [("yaml.safe_load", yaml.SafeLoader)]
    if hasattr(yaml, "CSafeLoader"):
        loaders.append(("yaml CSafeLoader (libyaml)", yaml.CSafeLoader))
    for name, text, n in (("node kubeconfig", examples.NODE_KUBECONFIG, 1),
                          ("1,000-cluster kubeconfig", kubeconfig_with_clusters(cas, 1000), 1000)):
        for loader_name, loader in loaders:
            if n > 1 and loader is yaml.SafeLoader and len(loaders) > 1:
                continue  # pure-Python YAML takes seconds on 7 MB; libyaml is the fair peer there
            peer = pyca(loader)
            compare(f"kubeconfig CA, {name} vs {loader_name} + b64 + pyca", lambda: ours(text), lambda: peer(text),
                    budget, per=n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 0.5 s per measurement instead of 2 s")
    args = parser.parse_args()
    budget = 0.5 if args.quick else 2.0
    print(f"Python {platform.python_version()}, okd_trust {okd_trust.__version__}, "
          f"cryptography {cryptography_version}, PyYAML {yaml.__version__} "
          f"(libyaml {'yes' if hasattr(yaml, 'CSafeLoader') else 'no'}), {platform.machine()}, {os.cpu_count()} CPUs")
    cas = bundle_jobs(budget)
    verify_job(budget)
    kubeconfig_jobs(cas, budget)
    print("\n| job | okd_trust | pyca/cryptography (+ PyYAML) | peer ÷ okd_trust |\n|---|---|---|---|")
    for job, t_ours, t_theirs, per in ROWS:
        each = f" ({fmt(t_ours / per)} / {fmt(t_theirs / per)} each)" if per > 1 else ""
        print(f"| {job}{each} | {fmt(t_ours)} | {fmt(t_theirs)} | {t_theirs / t_ours:.2f}× |")
    bundle = [r for r in ROWS if r[0].startswith("bundle load, generated")]
    if bundle:
        ratio = bundle[0][2] / bundle[0][1]
        print(f"\ntarget bundle load >= 3x faster than pyca: {'met' if ratio >= 3 else 'missed'} ({ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
