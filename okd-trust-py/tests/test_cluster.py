"""okd_trust.cluster on the real must-gathers of ../shared/must-gather/ (skipped loudly where absent)."""

import base64
import datetime
import json
import pathlib
import sys

import pytest

from okd_trust import cluster

SHARED = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "must-gather"
AWS = SHARED / "ocp-4.8-aws.tar.xz"


@pytest.fixture(scope="module")
def aws():
    if not AWS.is_file():
        print(f"SKIPPED: {AWS} is absent (present in CI)", file=sys.stderr)
        pytest.skip(f"{AWS} is absent")
    return cluster.analyze([AWS])


def test_a_real_must_gather_is_healthy_at_its_own_time(aws):
    assert aws.verdict == "healthy"
    assert aws.at_source == "must-gather"
    assert aws.at == datetime.datetime(2021, 8, 3, 10, 12, 0, 16988, tzinfo=datetime.timezone.utc)
    assert not [f for f in aws.findings if f.severity == "error"]
    assert aws.edges and all(e.trusted for e in aws.edges)
    assert len(aws.nodes) == 6
    lb = [s for s in aws.signers if s.secret == "openshift-kube-apiserver-operator/loadbalancer-serving-signer[tls.crt]"]
    assert len(lb) == 1 and lb[0].subject == "CN=kube-apiserver-lb-signer,OU=openshift"
    assert lb[0].superseded_by is None
    assert lb[0].certificate.subject == lb[0].subject
    multus = [e for e in aws.edges if e.bundle == "openshift-multus/kube-root-ca.crt[ca.crt]"]
    assert {e.relationship for e in multus} >= {"kube-root-ca→api-int"}
    api_int = next(e for e in aws.endpoints if e.source.endswith("/internal-loadbalancer-serving-certkey[tls.crt]"))
    assert api_int.issuer_spki_sha256 == lb[0].spki_sha256, "found by signature"


def test_the_renderings_agree_with_the_objects(aws):
    report = json.loads(aws.json())
    assert report["schema_version"] == 1
    assert report["verdict"] == aws.verdict
    assert len(report["edges"]) == len(aws.edges)
    assert aws.text().startswith("HEALTHY")
    assert 'okd_trust_cluster_verdict{verdict="healthy"} 1' in aws.prometheus()
    assert aws.dot().startswith("digraph trust {")


def test_a_node_kubeconfig_is_judged_against_api_int(aws, tmp_path):
    lb = next(s for s in aws.signers if s.secret and s.secret.endswith("/loadbalancer-serving-signer[tls.crt]"))
    api_int = next(e for e in aws.edges if e.relationship == "kube-root-ca→api-int").server_name
    data = base64.b64encode(lb.certificate.to_pem().encode()).decode()
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "clusters:\n- name: local\n  cluster:\n"
        f"    server: https://{api_int}:6443\n    certificate-authority-data: {data}\n"
        "contexts:\n- name: k\n  context: {cluster: local}\ncurrent-context: k\n"
    )
    report = cluster.analyze([AWS], kubeconfigs=[kubeconfig])
    edge = next(e for e in report.edges if e.relationship == "node-kubeconfig→api-int")
    assert edge.trusted and edge.server_name == api_int
    assert not any("node kubeconfigs" in line for line in report.not_seen)


def test_a_dump_with_broken_pem_is_reported_not_raised(tmp_path):
    dump = tmp_path / "dump.yaml"
    dump.write_text(
        "kind: ConfigMap\nmetadata: {name: bad, namespace: ns}\n"
        'data: {ca.crt: "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n"}\n'
    )
    report = cluster.analyze([dump], at="2024-05-01T00:00:00Z")
    assert report.at_source == "given"
    assert [path for path, _ in report.unreadable] == ["ns/bad[ca.crt]"]
    assert report.verdict == "at-risk"
    assert any(f.code == "input-unreadable" for f in report.findings)


def test_a_path_that_cannot_be_read_raises(tmp_path):
    with pytest.raises(OSError, match="missing"):
        cluster.analyze([tmp_path / "missing.tar.xz"])


def test_a_directory_with_nothing_to_read_is_broken_not_healthy(tmp_path):
    (tmp_path / "notes.txt").write_text("not a manifest\n")
    report = cluster.analyze([tmp_path])
    assert report.verdict == "broken"
    assert [f.code for f in report.findings] == ["nothing-read"]
