#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/seeds/<target>/ from the built-in example cluster.

Run from the repository root: python3 fuzz/make_seeds.py. The seeds are committed; a plain
`cargo test` replays them (okd-trust-core/tests/fuzz_replay.rs).
"""
import base64
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "okd-trust-core", "src", "examples")
SEEDS = os.path.join(ROOT, "fuzz", "seeds")


def read(name):
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read()


def write(target, name, data):
    os.makedirs(os.path.join(SEEDS, target), exist_ok=True)
    with open(os.path.join(SEEDS, target, name), "wb") as f:
        f.write(data)


node = read("var-lib-kubelet-kubeconfig.yaml")
bootstrap = read("etc-kubernetes-kubeconfig.yaml")
bundle = read("kube-apiserver-server-ca.pem")
chain = read("api-int-serving-chain.pem")
ders = [base64.b64decode(b"".join(m.split())) for m in re.findall(rb"-----BEGIN CERTIFICATE-----(.*?)-----END", bundle + chain, re.S)]

s_client = b"CONNECTED(00000003)\ndepth=1 OU = openshift, CN = kube-apiserver-lb-signer\n---\nCertificate chain\n 0 s:CN = api-int\n" + chain + b"---\nServer certificate\n"
write("pem_bundle", "cluster-bundle.pem", bundle)
write("pem_bundle", "s-client.txt", s_client)
write("pem_bundle", "crlf-with-headers.pem", chain.replace(b"\n", b"\r\n").replace(b"-----\r\nMII", b"-----\r\nProc-Type: 4,ENCRYPTED\r\n\r\nMII", 1))
for i, der in enumerate(ders):
    write("certificate_der", f"example-{i}.der", der)
    write("verify", f"patch-{i}", bytes([i, i, 0, 40, 0x00]))
write("verify", "untouched", bytes([5]))

config = json.loads(json.dumps({
    "kind": "Config", "apiVersion": "v1",
    "clusters": [{"name": "local", "cluster": {"server": "https://api-int.ocp.example.com:6443",
                  "certificate-authority-data": re.search(rb"certificate-authority-data: (\S+)", node).group(1).decode()}}],
    "contexts": [{"name": "kubelet", "context": {"cluster": "local", "user": "kubelet"}}],
    "current-context": "kubelet", "users": [{"name": "kubelet", "user": {}}]}))
json_form = json.dumps(config, separators=(",", ":")).encode()
for target in ("kubeconfig_parse", "kubeconfig_edit", "doctor"):
    write(target, "node.yaml", node)
    write(target, "bootstrap.yaml", bootstrap)
    write(target, "node.json", json_form)
    write(target, "node-crlf.yaml", node.replace(b"\n", b"\r\n"))
write("kubeconfig_parse", "anchors.yaml", b"base: &b {server: https://x}\nclusters:\n- name: a\n  cluster:\n    <<: *b\n")

pem_text = bundle.decode()
configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-apiserver-server-ca\n  namespace: openshift-config-managed\ndata:\n  ca-bundle.crt: |\n" + "".join("    " + line + "\n" for line in pem_text.splitlines())
write("manifest", "configmap.yaml", configmap.encode())
write("manifest", "secret.json", json.dumps({"kind": "Secret", "type": "SecretTypeTLS", "metadata": {"name": "loadbalancer-serving-signer", "namespace": "openshift-kube-apiserver-operator"}, "data": {"tls.crt": base64.b64encode(chain).decode()}}).encode())
write("manifest", "list.yaml", b"kind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: a}\n  data: {ca.crt: x}\n")

# The attacks of the repair-safety round and the client-go reading round: each a seed, so every
# target starts from them and `cargo test` replays them.
alias_bomb = b"x: &big \"" + b"A" * 4096 + b"\"\ny:\n" + b"  - *big\n" * 999
two_documents = node + b"---\ncurrent-context: other\n---\n[broken: {\n"
typed = node.replace(b"user: kubelet\n", b"user: kubelet\n    namespace: 2019\n", 1)
duplicate_keys = node.replace(b"current-context: kubelet\n", b"current-context: other\ncurrent-context: kubelet\n")
ca_file = re.sub(rb"certificate-authority-data: \S+", b"certificate-authority: ../pki/ca.crt", node)
no_ca = re.sub(rb"    certificate-authority-data: \S+\n", b"", node)
merge_order = b"base: &b {server: https://merged}\nclusters:\n- name: local\n  cluster:\n    server: https://own\n    <<: *b\n"
damaged_leaf = chain.replace(b"MII", b"M\x00II", 1)
unterminated_leaf = chain.replace(b"-----END CERTIFICATE-----\n", b"", 1)
for target in ("kubeconfig_parse", "kubeconfig_edit", "doctor", "input_detect"):
    write(target, "alias-bomb.yaml", alias_bomb)
    write(target, "two-documents.yaml", two_documents)
    write(target, "typed-namespace.yaml", typed)
    write(target, "duplicate-keys.yaml", duplicate_keys)
    write(target, "ca-file.yaml", ca_file)
    write(target, "no-ca.yaml", no_ca)
    write(target, "merge-order.yaml", merge_order)
for target in ("pem_bundle", "input_detect"):
    write(target, "damaged-leaf.pem", damaged_leaf)
    write(target, "unterminated-leaf.pem", unterminated_leaf)
write("input_detect", "node.yaml", node)
write("input_detect", "configmap.yaml", configmap.encode())
write("input_detect", "s-client.txt", s_client)
