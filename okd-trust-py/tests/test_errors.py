"""Bad input: typed exceptions with positions, never a crash."""

import datetime

import pytest

import okd_trust
from okd_trust import examples


def test_hierarchy():
    for cls in (okd_trust.ParseError, okd_trust.ValidationError, okd_trust.UnsafeEditError):
        assert issubclass(cls, okd_trust.Error)
    assert issubclass(okd_trust.Error, Exception)
    assert okd_trust.Error.line is None and okd_trust.Error.offset is None


def test_yaml_syntax_error_has_a_position():
    with pytest.raises(okd_trust.ParseError) as info:
        okd_trust.Kubeconfig.parse("apiVersion: v1\nclusters: [\n  - {\n")
    e = info.value
    assert e.line is not None and e.line >= 2 and e.column >= 1 and e.offset > 0
    assert "line" in str(e)


def test_wrong_field_type_is_a_validation_error():
    with pytest.raises(okd_trust.ValidationError) as info:
        okd_trust.Kubeconfig.parse("clusters:\n- name: a\n  cluster:\n    server: [1, 2]\n")
    assert info.value.line == 4
    with pytest.raises(okd_trust.ValidationError):
        okd_trust.Kubeconfig.parse("clusters:\n- name: a\n  cluster: {server: x}\n- name: a\n  cluster: {server: y}\n")
    with pytest.raises(okd_trust.ValidationError):
        okd_trust.Kubeconfig.parse("- a\n- b\n")


def test_bad_ca_data_names_cluster_and_place():
    text = "clusters:\n- name: a\n  cluster:\n    server: https://x\n    certificate-authority-data: 'not base64!'\n"
    # client-go decodes the base64 when it loads the file, so the load itself fails, at the value.
    with pytest.raises(okd_trust.Error) as info:
        okd_trust.Kubeconfig.parse(text)
    assert info.value.line == 5 and "base64" in str(info.value)
    # Base64 that decodes to no certificate loads; the bundle is what fails.
    config = okd_trust.Kubeconfig.parse(text.replace("'not base64!'", "aGVsbG8="))
    with pytest.raises(okd_trust.ParseError) as info:
        config.ca_bundle("a")
    assert info.value.line == 5
    with pytest.raises(okd_trust.ValidationError):
        config.ca_bundle("missing")


def test_validate_reports_problems():
    config = okd_trust.Kubeconfig.parse("current-context: nowhere\nclusters:\n- name: a\n  cluster: {}\n")
    problems = config.validate()
    assert problems and all(isinstance(p, str) for p in problems)


def test_unsafe_edits_are_refused():
    cluster = okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)
    insecure = "clusters:\n- name: a\n  cluster:\n    server: https://x\n    insecure-skip-tls-verify: true\n"
    with pytest.raises(okd_trust.UnsafeEditError, match="insecure"):
        okd_trust.Kubeconfig.parse(insecure).with_ca_bundle(cluster, "a")
    data = cluster.to_pem().encode()
    import base64

    anchored = (
        "clusters:\n- name: a\n  cluster:\n    server: https://x\n    certificate-authority-data: &ca %s\n"
        "- name: b\n  cluster:\n    server: https://y\n    certificate-authority-data: *ca\n"
    ) % base64.b64encode(data).decode()
    with pytest.raises(okd_trust.UnsafeEditError) as info:
        okd_trust.Kubeconfig.parse(anchored).with_ca_bundle(okd_trust.CaBundle.from_certificates([cluster[4]]), "b")
    assert info.value.line is not None
    with pytest.raises(okd_trust.ValidationError):
        okd_trust.Kubeconfig.parse("clusters: []\n").with_ca_bundle(cluster)


def test_pem_errors():
    with pytest.raises(okd_trust.ParseError, match="no certificates"):
        okd_trust.CaBundle.from_pem("hello")
    with pytest.raises(okd_trust.ParseError) as info:
        okd_trust.CaBundle.from_pem("x\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    assert info.value.line == 2
    with pytest.raises(okd_trust.ParseError):
        okd_trust.Certificate.from_der(b"\x30\x03\x02\x01\x01")
    with pytest.raises(okd_trust.ParseError):
        okd_trust.CaBundle.load("kind: Pod\n")


def test_type_and_value_errors():
    cluster = okd_trust.CaBundle.from_pem(examples.CLUSTER_CA_BUNDLE)
    with pytest.raises(TypeError):
        okd_trust.CaBundle.from_pem(42)
    with pytest.raises(TypeError):
        okd_trust.verify(42, cluster)
    with pytest.raises(ValueError, match="timezone-aware"):
        cluster.without_expired(datetime.datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="RFC 3339"):
        cluster.without_expired("yesterday")
    with pytest.raises(ValueError, match="profile"):
        okd_trust.verify(examples.API_INT_SERVING_CHAIN, cluster, profile="lenient")
    with pytest.raises(ValueError):
        okd_trust.verify([], cluster)
    with pytest.raises(TypeError):
        okd_trust.diagnose(["not", "a", "mapping"])
    with pytest.raises(okd_trust.ValidationError, match="not a kubeconfig"):
        okd_trust.diagnose({"x": examples.CLUSTER_CA_BUNDLE})


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00", b"{" * 10000, b"a: &a [*a]\n", b"- " * 5000, b"\x00" * 100,
     "clusters:\n" + "- name: x\n  cluster: {server: y}\n" * 3, b"-----BEGIN CERTIFICATE-----\n!!!\n"],
)
def test_garbage_never_crashes(data):
    for parse in (okd_trust.Kubeconfig.parse, okd_trust.CaBundle.from_pem, okd_trust.Certificate.from_pem,
                  okd_trust.CaBundle.load):
        try:
            parse(data)
        except okd_trust.Error:
            pass


def test_a_damaged_served_chain_is_an_error_never_a_shorter_chain():
    # The leaf's body damaged: skipping it, as a CA bundle loader would, leaves the intermediate
    # alone, which the cluster's CAs verify. A served chain is read whole or not at all.
    damaged = examples.API_INT_SERVING_CHAIN.replace("MII", "M!I", 1)
    with pytest.raises(okd_trust.ParseError, match="damaged PEM block") as info:
        okd_trust.verify(damaged, examples.CLUSTER_CA_BUNDLE, at=examples.EXAMPLE_AT)
    assert info.value.line == 1
    with pytest.raises(okd_trust.ParseError, match="damaged PEM block"):
        okd_trust.diagnose({"/var/lib/kubelet/kubeconfig": examples.NODE_KUBECONFIG},
                           cluster_cas={"ca": examples.CLUSTER_CA_BUNDLE}, serving_chain=damaged,
                           at=examples.EXAMPLE_AT)
    # The same text loaded leniently as a CaBundle keeps the intermediate alone: refused as a chain.
    lenient = okd_trust.CaBundle.from_pem(damaged)
    assert len(lenient) == 1
    with pytest.raises(okd_trust.ParseError, match="skipped 1 block"):
        okd_trust.verify(lenient, examples.CLUSTER_CA_BUNDLE, at=examples.EXAMPLE_AT)
    clean = okd_trust.CaBundle.from_pem(examples.API_INT_SERVING_CHAIN)
    assert okd_trust.verify(clean, examples.CLUSTER_CA_BUNDLE, at=examples.EXAMPLE_AT).trusted


def test_an_input_holding_no_ca_or_no_secret_is_a_validation_error():
    no_ca = "".join(line for line in examples.NODE_KUBECONFIG.splitlines(keepends=True)
                    if "certificate-authority-data" not in line)
    with pytest.raises(okd_trust.ValidationError, match="kubeconfig: this kubeconfig holds no CA certificate"):
        okd_trust.CaBundle.load(no_ca, label="kubeconfig")
    config_map = "kind: ConfigMap\nmetadata: {name: c, namespace: n}\ndata: {other: x}\n"
    with pytest.raises(okd_trust.ValidationError, match="no ConfigMap or Secret in it has a key"):
        okd_trust.CaBundle.load(config_map, label="cm.yaml")
    with pytest.raises(okd_trust.ValidationError, match="this PEM holds no Secret"):
        okd_trust.diagnose({"k": examples.NODE_KUBECONFIG}, signer_secret=examples.CLUSTER_CA_BUNDLE)
