"""The okd.trust collection: module_utils logic, filters, and each module run as Ansible runs it
(a Python process reading ANSIBLE_MODULE_ARGS), without a playbook."""

import json
import os
import stat
import subprocess
import sys

import pytest

import okd_trust
from okd_trust import examples

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTIONS = os.path.dirname(HERE)  # holds ansible_collections/
sys.path.insert(0, COLLECTIONS)

ansible = pytest.importorskip("ansible")

from ansible_collections.okd.trust.plugins.filter import trust as filters  # noqa: E402
from ansible_collections.okd.trust.plugins.module_utils import common  # noqa: E402

AT = examples.EXAMPLE_AT


def run_module(name, args, check=False, diff=False, env=None):
    path = os.path.join(COLLECTIONS, "ansible_collections", "okd", "trust", "plugins", "modules", name + ".py")
    payload = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    full_env = dict(os.environ, PYTHONPATH=os.pathsep.join([p for p in [(env or {}).get("PYTHONPATH"), COLLECTIONS] if p]))
    proc = subprocess.run(
        [sys.executable, path], input=json.dumps({"ANSIBLE_MODULE_ARGS": payload}),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, env=full_env, timeout=120,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def node(tmp_path):
    path = tmp_path / "kubeconfig"
    path.write_text(examples.NODE_KUBECONFIG)
    os.chmod(path, 0o640)
    return path


def kube_args(path, **extra):
    args = dict(path=str(path), ca_bundle=examples.CLUSTER_CA_BUNDLE, serving_chain=examples.API_INT_SERVING_CHAIN,
                at=AT, backup=True)
    args.update(extra)
    return args


# module_utils

def test_new_bundle_union_exact_prune():
    old = okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG).ca_bundle()
    cluster = okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)
    assert list(common.new_bundle(old, cluster)) == list(old.union(cluster))
    assert common.new_bundle(old, cluster, "exact") == cluster
    assert common.new_bundle(None, cluster) == cluster
    with pytest.raises(common.TrustError, match="empty"):
        common.new_bundle(old, cluster, prune_expired=True, at="2040-01-01T00:00:00Z")


def test_repair_kubeconfig_verifies_before_returning():
    wanted = okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)
    result = common.repair_kubeconfig(examples.NODE_KUBECONFIG, "k", wanted,
                                      serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert result["changed"] and result["verdict"].trusted and result["cluster"] == "local"
    again = common.repair_kubeconfig(result["text"], "k", wanted, serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert not again["changed"] and again["text"] == result["text"]
    # A change that does not make api-int trusted is refused.
    with pytest.raises(common.TrustError, match="refusing to write"):
        common.repair_kubeconfig(examples.NODE_KUBECONFIG, "k", wanted, cluster="local",
                                 serving_chain=examples.API_INT_SERVING_CHAIN, at=AT, server_name="elsewhere.example.com")
    # Without a change nothing is written, so nothing is refused; the verdict is still reported.
    unchanged = common.repair_kubeconfig(result["text"], "k", wanted, serving_chain=examples.API_INT_SERVING_CHAIN,
                                         at=AT, server_name="elsewhere.example.com")
    assert not unchanged["changed"] and not unchanged["verdict"].trusted
    with pytest.raises(common.TrustError, match="k: kubeconfig: line"):
        common.repair_kubeconfig("clusters: [", "k", wanted)


def test_bundle_text_has_no_base64():
    text = common.bundle_text(okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE))
    assert "sha256=" in text and "LS0t" not in text and "BEGIN" not in text


# filters

def test_filters():
    facts = filters.cert_info(examples.API_INT_SERVING_CHAIN)
    assert facts[0]["dns_names"] == [examples.SERVER_NAME]
    union = filters.ca_bundle_union(examples.CLUSTER_CA_BUNDLE, examples.API_INT_SERVING_CHAIN)
    assert len(okd_trust.CaBundle.from_pem(union)) == 6
    assert filters.ca_bundle_union(union, prune_expired=True, at=AT).count("BEGIN") == 6
    fixed = filters.kubeconfig_with_ca(examples.NODE_KUBECONFIG, examples.CLUSTER_CA_BUNDLE,
                                       serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert filters.kubeconfig_with_ca(fixed, examples.CLUSTER_CA_BUNDLE) == fixed
    report = filters.diagnose({"k": examples.NODE_KUBECONFIG}, cluster_cas={"c": examples.CLUSTER_CA_BUNDLE},
                                serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert report["verdict"] == "broken"
    from ansible.errors import AnsibleFilterError

    with pytest.raises(AnsibleFilterError, match="line"):
        filters.kubeconfig_with_ca("clusters: [", examples.CLUSTER_CA_BUNDLE)
    assert set(filters.FilterModule().filters()) == {"cert_info", "ca_bundle_union", "kubeconfig_with_ca", "diagnose"}


# modules, run as Ansible runs them

def test_kubeconfig_ca_check_mode_writes_nothing(node):
    before = node.read_bytes()
    result = run_module("kubeconfig_ca", kube_args(node), check=True, diff=True)
    assert result["changed"] and not result.get("failed")
    assert node.read_bytes() == before and os.listdir(node.parent) == ["kubeconfig"]
    assert "sha256=BF:79" in result["diff"]["after"] and "LS0t" not in json.dumps(result["diff"])
    assert [c["subject"] for c in result["added"]] == ["CN=kube-apiserver-lb-signer,OU=openshift"]


def test_kubeconfig_ca_writes_backs_up_keeps_mode_and_is_idempotent(node):
    before = node.read_bytes()
    result = run_module("kubeconfig_ca", kube_args(node))
    assert result["changed"] and result["verdict"]["trusted"]
    assert stat.S_IMODE(os.stat(node).st_mode) == 0o640
    with open(result["backup_file"], "rb") as f:
        assert f.read() == before
    assert okd_trust.Kubeconfig.parse(node.read_bytes()).ca_bundle().__len__() == 5
    again = run_module("kubeconfig_ca", kube_args(node))
    assert not again["changed"] and "backup_file" not in again
    assert len(os.listdir(node.parent)) == 2


def test_kubeconfig_ca_refuses_unverifiable_writes(node):
    before = node.read_bytes()
    result = run_module("kubeconfig_ca", kube_args(node, server_name="wrong.example.com"))
    assert result["failed"] and "refusing to write" in result["msg"] and "nothing was written" in result["msg"]
    assert node.read_bytes() == before


def test_kubeconfig_ca_malformed_and_missing(tmp_path):
    bad = tmp_path / "bad"
    bad.write_text("clusters: [\n")
    result = run_module("kubeconfig_ca", kube_args(bad))
    assert result["failed"] and "line 2" in result["msg"]
    assert bad.read_text() == "clusters: [\n"
    result = run_module("kubeconfig_ca", kube_args(tmp_path / "none"))
    assert result["failed"] and "does not exist" in result["msg"]
    result = run_module("kubeconfig_ca", dict(path=str(bad)))
    assert result["failed"] and "ca_bundle" in result["msg"]


@pytest.fixture
def node_with_ca_file(tmp_path):
    """A node kubeconfig naming a CA file (relative to its directory) that holds the stale bundle."""
    stale = okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG).ca_bundle()
    (tmp_path / "ca.crt").write_text("# the node's CA\n" + stale.to_pem())
    os.chmod(tmp_path / "ca.crt", 0o600)
    lines = [line for line in examples.NODE_KUBECONFIG.splitlines(True) if "certificate-authority-data" not in line]
    text = "".join(line.replace("    server:", "    certificate-authority: ca.crt\n    server:") for line in lines)
    (tmp_path / "kubeconfig").write_text(text)
    return tmp_path


def test_kubeconfig_ca_repairs_the_ca_file_it_names_and_leaves_the_kubeconfig(node_with_ca_file):
    kubeconfig, ca_file = node_with_ca_file / "kubeconfig", node_with_ca_file / "ca.crt"
    before_kubeconfig, before_ca = kubeconfig.read_bytes(), ca_file.read_bytes()
    checked = run_module("kubeconfig_ca", kube_args(kubeconfig), check=True)
    assert checked["changed"] and checked["ca_file"] == str(ca_file)
    assert ca_file.read_bytes() == before_ca
    result = run_module("kubeconfig_ca", kube_args(kubeconfig))
    assert result["changed"] and result["verdict"]["trusted"], result
    assert kubeconfig.read_bytes() == before_kubeconfig, "the kubeconfig is not touched"
    after = ca_file.read_bytes()
    assert after.startswith(before_ca), "the CA file keeps every byte it had and gains what it lacks"
    assert len(okd_trust.CaBundle.from_pem(after)) == 5
    assert stat.S_IMODE(os.stat(ca_file).st_mode) == 0o600
    with open(result["backup_file"], "rb") as f:
        assert f.read() == before_ca
    again = run_module("kubeconfig_ca", kube_args(kubeconfig))
    assert not again["changed"] and ca_file.read_bytes() == after


def test_kubeconfig_ca_refuses_a_missing_ca_file(node_with_ca_file):
    (node_with_ca_file / "ca.crt").unlink()
    result = run_module("kubeconfig_ca", kube_args(node_with_ca_file / "kubeconfig"))
    assert result["failed"] and "cannot read the CA file" in result["msg"] and "nothing was written" in result["msg"]
    assert not (node_with_ca_file / "ca.crt").exists()


def test_missing_library_is_reported(node, tmp_path):
    fake = tmp_path / "fake"
    (fake / "okd_trust").mkdir(parents=True)
    (fake / "okd_trust" / "__init__.py").write_text("raise ImportError('no okd_trust here')\n")
    result = run_module("kubeconfig_ca", kube_args(node), env={"PYTHONPATH": str(fake)})
    assert result["failed"] and "okd_trust" in result["msg"] and "Failed to import" in result["msg"]


def test_ca_bundle_module(tmp_path):
    path = tmp_path / "ca.pem"
    old = okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG).ca_bundle()
    path.write_text("# pinned by hand\n" + old.to_pem())
    os.chmod(path, 0o600)
    args = dict(path=str(path), ca_bundle=examples.CLUSTER_CA_BUNDLE, backup=True, at=AT)
    check = run_module("ca_bundle", args, check=True, diff=True)
    assert check["changed"] and path.read_text().startswith("# pinned")
    result = run_module("ca_bundle", args)
    assert result["changed"] and len(okd_trust.CaBundle.from_pem(path.read_text())) == 5
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and os.path.exists(result["backup_file"])
    assert not run_module("ca_bundle", args)["changed"]
    exact = run_module("ca_bundle", dict(args, state="exact", ca_bundle=examples.API_INT_SERVING_CHAIN))
    assert exact["changed"] and len(exact["removed"]) == 4
    created = tmp_path / "new.pem"
    made = run_module("ca_bundle", dict(args, path=str(created)))
    assert made["changed"] and stat.S_IMODE(os.stat(created).st_mode) == 0o644
    # A fresh, empty anchor file (touched, or only comments) is filled in union mode.
    empty = tmp_path / "empty.pem"
    empty.write_text("# managed by okd.trust\n")
    filled = run_module("ca_bundle", dict(args, path=str(empty)))
    assert filled["changed"] and len(okd_trust.CaBundle.from_pem(empty.read_text())) == 5
    # A file with PEM that Go cannot load trusted nothing; its bytes stay, the bundle is appended
    # (as the doctor repairs a CA file), and the skipped block is reported.
    damaged = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    broken = tmp_path / "broken.pem"
    broken.write_text(damaged)
    mended = run_module("ca_bundle", dict(args, path=str(broken)))
    assert mended["changed"] and broken.read_text().startswith(damaged), mended
    assert len(okd_trust.CaBundle.from_pem(broken.read_text())) == 5 and mended["warnings_skipped"]
    # Nothing left to trust once the expired certificates go: refused, the file untouched.
    expired = run_module("ca_bundle", dict(args, path=str(broken), state="exact", ca_bundle=old.to_pem(),
                                           prune_expired=True, at="2100-01-01T00:00:00Z"))
    assert expired["failed"] and "nothing-left" in expired["msg"] and broken.read_text().startswith(damaged)


def test_a_fifo_is_refused_never_waited_on(tmp_path):
    fifo = tmp_path / "anchor.pem"
    os.mkfifo(fifo)
    # Nothing writes to the FIFO: a plain open() would wait forever.
    result = run_module("ca_bundle", dict(path=str(fifo), ca_bundle=examples.CLUSTER_CA_BUNDLE, at=AT))
    assert result["failed"] and "not a regular file" in result["msg"], result
    with pytest.raises(OSError, match="not a regular file"):
        okd_trust.read_file(str(fifo))


def test_kubeconfig_ca_exact_and_prune(node):
    chain = okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN)
    exact = run_module("kubeconfig_ca", kube_args(node, ca_bundle=chain[1].to_pem(), state="exact"))
    assert exact["changed"] and len(exact["removed"]) == 4 and len(exact["trusts"]) == 1
    assert len(okd_trust.Kubeconfig.parse(node.read_bytes()).ca_bundle()) == 1
    # Everything here expires before 2040, so pruning would leave nothing: refused, nothing written.
    before = node.read_bytes()
    pruned = run_module("kubeconfig_ca", kube_args(node, prune_expired=True, at="2040-01-01T00:00:00Z",
                                                    serving_chain=None))
    assert pruned["failed"] and "empty" in pruned["msg"] and node.read_bytes() == before


def test_kubeconfig_ca_keeps_a_byte_order_mark(tmp_path):
    bom = tmp_path / "bom"
    bom.write_bytes(b"\xef\xbb\xbf" + examples.NODE_KUBECONFIG.encode())
    result = run_module("kubeconfig_ca", kube_args(bom))
    assert result["changed"] and bom.read_bytes().startswith(b"\xef\xbb\xbfapiVersion")
    assert not run_module("kubeconfig_ca", kube_args(bom))["changed"]


def test_malformed_at_is_named(node):
    result = run_module("kubeconfig_ca", kube_args(node, at="yesterday"))
    assert result["failed"] and result["msg"].startswith("invalid argument") and node.read_text() == examples.NODE_KUBECONFIG


def test_trust_info_module(tmp_path, node):
    missing = str(tmp_path / "absent")
    result = run_module("trust_info", dict(kubeconfigs=[str(node), missing],
                                           cluster_cas={"lb": examples.CLUSTER_CA_BUNDLE},
                                           serving_chain=examples.API_INT_SERVING_CHAIN, at=AT))
    assert not result["changed"] and result["verdict"] == "broken" and result["missing"] == [missing]
    assert result["findings"][0]["code"] == "kubeconfig-untrusted-serving-chain"
    assert result["plan"]["kubeconfigs"][0]["verified"]
    assert result["report"].startswith("BROKEN")


def test_cluster_info_module_on_a_dump(tmp_path):
    dump = tmp_path / "server-ca.yaml"
    pem = examples.CLUSTER_CA_BUNDLE.replace("\n", "\n    ")
    dump.write_text(
        "kind: ConfigMap\nmetadata: {name: kube-apiserver-server-ca, namespace: openshift-config-managed}\n"
        "data:\n  ca-bundle.crt: |\n    " + pem + "\n"
    )
    result = run_module("cluster_info", dict(paths=[str(dump)], at=AT), check=True)
    assert not result["changed"] and result["at_source"] == "given"
    assert [b["source"] for b in result["bundles"]] == [
        "openshift-config-managed/kube-apiserver-server-ca[ca-bundle.crt]"
    ]
    assert any("node kubeconfigs" in line for line in result["not_seen"])
    assert result["report"].splitlines()[0].endswith("(the time given)")
    missing = run_module("cluster_info", dict(paths=[str(tmp_path / "absent.tar.xz")]))
    assert missing["failed"] and "absent.tar.xz" in missing["msg"]
