"""The Python API of okd_trust, on the core's built-in incident (judged at 2024-05-01)."""

import datetime
import json

import pytest

import okd_trust
from okd_trust import examples

AT = examples.EXAMPLE_AT
UTC = datetime.timezone.utc


@pytest.fixture
def node():
    return okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG)


@pytest.fixture
def cluster():
    return okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)


def test_version_and_exports():
    assert okd_trust.__version__.count(".") == 2
    for name in okd_trust.__all__:
        assert getattr(okd_trust, name).__doc__, name


def test_certificate_facts(cluster):
    cert = cluster[0]
    assert isinstance(cert, okd_trust.Certificate)
    assert cert.subject.startswith("CN=")
    assert cert.not_before.tzinfo is not None and cert.not_before.utcoffset() == datetime.timedelta(0)
    assert cert.not_before < cert.not_after
    assert cert.is_ca and cert.is_self_signed
    assert len(cert.sha256.split(":")) == 32 and len(cert.sha1.split(":")) == 20
    assert cert.public_key_algorithm.startswith(("RSA", "ECDSA", "Ed25519"))
    assert cert.version == 3
    assert okd_trust.Certificate.from_der(cert.der) == cert
    assert okd_trust.Certificate.from_pem(cert.to_pem()) == cert
    assert hash(okd_trust.Certificate.from_pem(cert.to_pem())) == hash(cert)
    assert cert.is_valid_at(AT)
    assert cert.expires_in(datetime.datetime(2024, 5, 1, tzinfo=UTC)) > 0
    assert "Certificate" in repr(cert)


def test_leaf_names():
    leaf = okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN)[0]
    assert examples.SERVER_NAME in leaf.dns_names
    assert not leaf.is_ca


def test_usage_facts(cluster):
    leaf = okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN)[0]
    assert leaf.extended_key_usage == ["serverAuth"]
    assert "digitalSignature" in leaf.key_usage and not leaf.is_self_issued
    ca = cluster[0]
    assert "keyCertSign" in ca.key_usage and ca.is_self_issued
    assert ca.unhandled_critical_extensions == []


def test_verify_usages():
    chain = examples.API_INT_SERVING_CHAIN
    roots = examples.CLUSTER_CA_BUNDLE
    assert okd_trust.verify(chain, roots, at=AT, usages=["serverAuth"]).trusted
    client = okd_trust.verify(chain, roots, at=AT, usages=["clientAuth"])
    assert not client.trusted and "usage" in client.reason
    assert okd_trust.verify(chain, roots, at=AT, usages=["any"]).trusted
    assert okd_trust.verify(chain, roots, at=AT, usages=["1.3.6.1.5.5.7.3.1"]).trusted
    with pytest.raises(ValueError, match="unknown extended key usage"):
        okd_trust.verify(chain, roots, at=AT, usages=["serverauth-typo"])


def test_repair_kubeconfig_is_verified_before_it_is_offered(node, cluster):
    bundle = node.ca_bundle().union(cluster)
    repair = okd_trust.repair_kubeconfig(node, bundle, serving_chain=examples.API_INT_SERVING_CHAIN, at=AT,
                                         source="/var/lib/kubelet/kubeconfig")
    assert repair.verified and repair.source == "/var/lib/kubelet/kubeconfig" and repair.cluster == "local"
    assert repair.old_text == examples.NODE_KUBECONFIG and repair.new_text != repair.old_text
    assert repair.changed and repair.refusal is None
    # The verdict that proved it comes with it: trusted, along the chain the new bundle built.
    assert repair.verdict.trusted and repair.verdict.chain[-1].subject == "CN=kube-apiserver-lb-signer,OU=openshift"
    assert [c.subject for c in repair.added] == ["CN=kube-apiserver-lb-signer,OU=openshift"]
    again = okd_trust.repair_kubeconfig(repair.new_text, bundle, serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert again.verified and again.new_text == again.old_text and not again.changed
    # The old bundle alone does not verify what api-int serves: withheld, with the reason.
    stale = okd_trust.repair_kubeconfig(examples.NODE_KUBECONFIG, node.ca_bundle(), cluster="local",
                                        serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert not stale.verified and "does not verify" in stale.verification
    assert (stale.refusal, stale.new_text, stale.changed) == ("still-untrusted", None, False)
    assert not stale.verdict.trusted and "unknown authority" in stale.verdict.reason
    with pytest.raises(okd_trust.ValidationError, match="no cluster named"):
        okd_trust.repair_kubeconfig(node, bundle, cluster="elsewhere")


def test_repaired_bundle_is_the_libraries_one_policy(node, cluster):
    current = node.ca_bundle()
    union = okd_trust.repaired_bundle(current, cluster)
    assert union[0] == current[0] and union.diff(current.union(cluster)).unchanged
    assert okd_trust.repaired_bundle(current, cluster, policy="exact") == cluster
    assert okd_trust.repaired_bundle(None, cluster) == cluster
    with pytest.raises(okd_trust.UnsafeEditError, match="empty CA bundle"):
        okd_trust.repaired_bundle(current, cluster, prune_expired=True, at="2999-01-01T00:00:00Z")
    with pytest.raises(ValueError, match="unknown bundle policy"):
        okd_trust.repaired_bundle(current, cluster, policy="both")


def test_a_pinned_bundle_file_is_repaired_by_the_library(node, cluster):
    old = b"# pinned by hand\n" + node.ca_bundle().to_pem().encode()
    repair = okd_trust.repair_bundle_file("anchor.pem", old, cluster, serving_chain=examples.API_INT_SERVING_CHAIN,
                                          at=AT)
    assert repair.verified and repair.changed and repair.verdict.trusted
    assert (repair.target, repair.path, repair.cluster) == ("ca-file", "anchor.pem", "")
    assert repair.new_text.encode().startswith(old), "every byte the file had stays"
    assert [c.subject for c in repair.added] == ["CN=kube-apiserver-lb-signer,OU=openshift"] and not repair.removed
    again = okd_trust.repair_bundle_file("anchor.pem", repair.new_text.encode(), cluster, at=AT)
    assert again.settled and not again.changed
    stale = okd_trust.repair_bundle_file("anchor.pem", b"", node.ca_bundle(), policy="exact",
                                         serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert (stale.refusal, stale.new_text, stale.verdict.trusted) == ("still-untrusted", None, False)
    gone = okd_trust.repair_bundle_file("anchor.pem", old, node.ca_bundle(), policy="exact", prune_expired=True,
                                        at="2999-01-01T00:00:00Z")
    assert gone.refusal == "nothing-left" and gone.new_text is None
    with pytest.raises(ValueError, match="unknown bundle policy"):
        okd_trust.repair_bundle_file("anchor.pem", old, cluster, policy="both")


def test_bundle_sequence_protocol(cluster):
    assert len(cluster) == 5
    assert [c.sha256 for c in cluster] == [c.sha256 for c in cluster.certificates]
    assert cluster[-1] == cluster[len(cluster) - 1]
    with pytest.raises(IndexError):
        cluster[99]
    assert cluster[0] in cluster
    assert "not a cert" not in cluster
    assert okd_trust.CaBundle.from_certificates(list(cluster)) == cluster


def test_bundle_union_diff_and_pem(node, cluster):
    old = node.ca_bundle()
    union = old.union(cluster)
    assert len(union) == 5
    assert list(union)[:4] == list(old), "what the file trusted keeps its place"
    diff = old.diff(union)
    assert [c.subject for c in diff.added] == ["CN=kube-apiserver-lb-signer,OU=openshift"]
    assert diff.removed == [] and len(diff.kept) == 4 and not diff.unchanged and diff
    assert old.diff(old).unchanged
    assert okd_trust.CaBundle.from_pem(union.to_pem()) == union
    assert okd_trust.CaBundle.from_pem(union.to_pem().encode()) == union


def test_without_expired(cluster):
    assert len(cluster.without_expired(AT)) == 5
    assert len(cluster.without_expired("2040-01-01T00:00:00Z")) == 0
    assert len(cluster.without_expired()) <= 5  # now


def test_bundle_warnings_explain_what_go_skips(cluster):
    pem = cluster[0].to_pem()
    text = "# comment\n" + pem + pem + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    bundle = okd_trust.CaBundle.from_pem(text)
    assert len(bundle) == 1
    kinds = [w.kind for w in bundle.warnings]
    assert kinds == ["duplicate", "not-a-certificate"]
    assert bundle.warnings[1].line == 2 + pem.count("\n") * 2 and bundle.warnings[1].column == 1
    assert "PRIVATE KEY" in str(bundle.warnings[1])


def test_bundle_load_reads_configmaps_and_kubeconfigs(node):
    indented = "".join("    " + line + "\n" for line in examples.CLUSTER_CA_BUNDLE.splitlines())
    cm = "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x, namespace: y}\ndata:\n  ca-bundle.crt: |\n" + indented
    assert len(okd_trust.CaBundle.load(cm)) == 5
    assert okd_trust.CaBundle.load(examples.NODE_KUBECONFIG) == node.ca_bundle()


def test_kubeconfig_model(node):
    assert node.format == "yaml"
    assert node.current_context == "kubelet" or node.current_context
    assert node.current_cluster == "local"
    assert node.clusters[0]["name"] == "local"
    assert node.clusters[0]["cluster"]["server"] == node.server()
    assert node.server_name() == examples.SERVER_NAME
    assert node.users[0]["name"] and node.contexts[0]["context"]["cluster"] == "local"
    assert node.validate() == []
    assert node.source == examples.NODE_KUBECONFIG
    assert len(node.ca_bundle("local")) == 4


def test_with_ca_bundle_edits_only_the_ca_data(node, cluster):
    union = node.ca_bundle().union(cluster)
    text = node.with_ca_bundle(union)
    old_lines, new_lines = examples.NODE_KUBECONFIG.splitlines(), text.splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert len(changed) == 1 and "certificate-authority-data" in new_lines[changed[0]]
    again = okd_trust.Kubeconfig.parse(text)
    assert again.ca_bundle() == union
    assert again.with_ca_bundle(union) == text, "idempotent"


def test_with_ca_bundle_keeps_crlf_and_json(node, cluster):
    crlf = examples.NODE_KUBECONFIG.replace("\n", "\r\n")
    text = okd_trust.Kubeconfig.parse(crlf).with_ca_bundle(cluster)
    assert text.count("\n") == text.count("\r\n")
    as_json = json.dumps({"kind": "Config", "apiVersion": "v1", "clusters": node.clusters,
                          "contexts": node.contexts, "users": node.users, "current-context": "kubelet"}, indent=1)
    config = okd_trust.Kubeconfig.parse(as_json)
    assert config.format == "json"
    edited = json.loads(config.with_ca_bundle(cluster))
    assert edited["users"] == node.users


def test_verify_predicts_the_incident(node, cluster):
    verdict = okd_trust.verify(examples.API_INT_SERVING_CHAIN, node.ca_bundle(), server_name=examples.SERVER_NAME, at=AT)
    assert not verdict.trusted and not verdict
    assert "unknown authority" in verdict.reason
    assert verdict.chain == []
    assert verdict.certificate.subject and verdict.attempts
    assert "untrusted" in str(verdict)
    fixed = okd_trust.verify(examples.API_INT_SERVING_CHAIN, node.ca_bundle().union(cluster),
                             server_name=examples.SERVER_NAME, at=datetime.datetime(2024, 5, 1, tzinfo=UTC))
    assert fixed.trusted and fixed.reason is None
    assert [c.subject for c in fixed.chain] == ["CN=api-int.ocp.example.com", "CN=kube-apiserver-lb-signer,OU=openshift"]


def test_verify_argument_forms(cluster):
    chain = okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN)
    for form in (chain, list(chain), examples.API_INT_SERVING_CHAIN.encode()):
        assert okd_trust.verify(form, cluster, at=AT).trusted
    assert okd_trust.verify(chain[0], cluster, intermediates=[chain[1]], at=AT).trusted
    assert okd_trust.verify(chain, examples.CLUSTER_CA_BUNDLE, at=AT, profile="strict") is not None
    mismatch = okd_trust.verify(chain, cluster, server_name="other.example.com", at=AT)
    assert not mismatch.trusted and "other.example.com" in mismatch.reason
    expired = okd_trust.verify(chain, cluster, at="2030-01-01T00:00:00Z")
    assert "expired" in expired.reason


def test_diagnose_finds_and_fixes_the_incident():
    diagnosis = okd_trust.diagnose(
        {"/etc/kubernetes/kubeconfig": examples.BOOTSTRAP_KUBECONFIG,
         "/var/lib/kubelet/kubeconfig": okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG)},
        cluster_cas={"openshift-config-managed/kube-apiserver-server-ca": examples.CLUSTER_CA_BUNDLE},
        serving_chain=examples.API_INT_SERVING_CHAIN,
        at=AT,
    )
    assert diagnosis.verdict == "broken"
    assert diagnosis.at == datetime.datetime(2024, 5, 1, tzinfo=UTC)
    codes = [f.code for f in diagnosis.findings]
    assert "kubeconfig-untrusted-serving-chain" in codes
    first = diagnosis.findings[0]
    assert first.severity == "error" and first.source and first.message and isinstance(first.details, dict)
    assert all(isinstance(c, okd_trust.CertSummary) for c in first.certificates)
    plan = diagnosis.plan
    assert plan and len(plan.kubeconfigs) == 2
    repair = plan.kubeconfigs[0]
    assert repair.verified and repair.new_text != repair.old_text and repair.cluster == "local"
    assert [c.subject for c in repair.added] == ["CN=kube-apiserver-lb-signer,OU=openshift"]
    assert any("kubelet" in a["command"] for a in plan.actions)
    report = json.loads(diagnosis.to_json())
    assert report["schema_version"] == 1 and report["verdict"] == "broken"
    assert 'okd_trust_verdict{verdict="broken"} 1' in diagnosis.to_prometheus()
    assert diagnosis.to_text().startswith("BROKEN") and str(diagnosis) == diagnosis.to_text()


def test_diagnose_healthy_after_repair():
    config = okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG)
    cluster = okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)
    fixed = config.with_ca_bundle(config.ca_bundle().union(cluster))
    diagnosis = okd_trust.diagnose({"k": fixed}, cluster_cas={"c": cluster},
                                   serving_chain=examples.API_INT_SERVING_CHAIN, at=AT, warn_days=0)
    assert diagnosis.verdict != "broken"
    assert diagnosis.plan.kubeconfigs == []


def test_at_none_means_now():
    cert = okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)[0]
    now = datetime.datetime.now(UTC)
    assert abs(cert.expires_in() - (cert.not_after - now).total_seconds()) < 5


def _with_ca_file(node_text, reference):
    """The node kubeconfig with its embedded CA data replaced by `certificate-authority: reference`."""
    lines = [line for line in node_text.splitlines(keepends=True) if "certificate-authority-data" not in line]
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("server:"))
    lines.insert(at, "    certificate-authority: %s\n" % reference)
    return "".join(lines)


def test_diagnose_reads_the_ca_file_a_kubeconfig_names(tmp_path):
    stale = okd_trust.Kubeconfig.parse(examples.NODE_KUBECONFIG).ca_bundle()
    (tmp_path / "pki").mkdir()
    (tmp_path / "pki" / "ca.crt").write_text(stale.to_pem())
    (tmp_path / "kubelet").mkdir()
    kubeconfig = tmp_path / "kubelet" / "kubeconfig"
    kubeconfig.write_text(_with_ca_file(examples.NODE_KUBECONFIG, "../pki/ca.crt"))
    config = okd_trust.Kubeconfig.parse(kubeconfig.read_text())
    assert config.ca_file(str(tmp_path / "kubelet")) == str(tmp_path / "pki" / "ca.crt")
    diagnosis = okd_trust.diagnose({str(kubeconfig): kubeconfig.read_text()},
                                   cluster_cas={"c": examples.CLUSTER_CA_BUNDLE},
                                   serving_chain=examples.API_INT_SERVING_CHAIN, at=AT)
    assert "kubeconfig-untrusted-serving-chain" in [f.code for f in diagnosis.findings]
    repair = diagnosis.plan.kubeconfigs[0]
    assert (repair.target, repair.path, repair.verified) == ("ca-file", str(tmp_path / "pki" / "ca.crt"), True)
    assert repair.new_text.startswith(repair.old_text)
    # Read on another machine (an Ansible controller): this machine's files are not the node's,
    # so the named file is reported as not judged, never read here.
    remote = okd_trust.diagnose({str(kubeconfig): kubeconfig.read_text()},
                                cluster_cas={"c": examples.CLUSTER_CA_BUNDLE},
                                serving_chain=examples.API_INT_SERVING_CHAIN, at=AT, read_files=False)
    codes = [f.code for f in remote.findings]
    assert "ca-path-unresolved" in codes and "kubeconfig-untrusted-serving-chain" not in codes, codes
    assert not remote.plan.kubeconfigs
    # A CA file that is not there: kubelet refuses the kubeconfig.
    (tmp_path / "pki" / "ca.crt").unlink()
    diagnosis = okd_trust.diagnose({str(kubeconfig): kubeconfig.read_text()}, at=AT)
    assert diagnosis.verdict == "broken" and "kubeconfig-invalid" in [f.code for f in diagnosis.findings]


def test_diagnose_judges_no_ca_against_the_system_roots():
    no_ca = "".join(line for line in examples.NODE_KUBECONFIG.splitlines(keepends=True)
                    if "certificate-authority-data" not in line)
    diagnosis = okd_trust.diagnose({"k": no_ca}, cluster_cas={"c": examples.CLUSTER_CA_BUNDLE},
                                   serving_chain=examples.API_INT_SERVING_CHAIN, at=AT,
                                   system_roots=[okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN)[1]])
    # The served chain's own signer as the "system" store: trusted, so only the missing CAs remain.
    assert "kubeconfig-untrusted-serving-chain" not in [f.code for f in diagnosis.findings]
    diagnosis = okd_trust.diagnose({"k": no_ca}, cluster_cas={"c": examples.CLUSTER_CA_BUNDLE},
                                   serving_chain=examples.API_INT_SERVING_CHAIN, at=AT,
                                   system_roots=examples.CLUSTER_CA_BUNDLE.split("-----END CERTIFICATE-----")[0]
                                   + "-----END CERTIFICATE-----\n")
    assert "kubeconfig-untrusted-serving-chain" in [f.code for f in diagnosis.findings]
    repair = diagnosis.plan.kubeconfigs[0]
    assert repair.target == "kubeconfig" and repair.verified and "certificate-authority-data" in repair.new_text


def test_diagnose_reports_a_kubeconfig_client_go_cannot_load():
    broken = examples.NODE_KUBECONFIG.replace("user: kubelet\n", "user: kubelet\n    namespace: 2019\n", 1)
    assert broken != examples.NODE_KUBECONFIG
    diagnosis = okd_trust.diagnose({"k": broken}, at=AT)
    assert diagnosis.verdict == "broken"
    assert diagnosis.findings[0].code == "kubeconfig-invalid" and "namespace" in diagnosis.findings[0].message
