//! Reading `oc get -o yaml|json` output: ConfigMaps, Secrets and Lists of them.
#![allow(clippy::unwrap_used, clippy::panic)]

use okd_trust::manifest::{self, EntrySource, ManifestError, ManifestKind};
use okd_trust::{CaBundle, examples};

fn indented(text: &str, by: usize) -> String {
    text.lines().map(|l| format!("{}{l}\n", " ".repeat(by))).collect()
}

/// The base64 of the four original signers, as the example kubeconfig embeds it.
fn example_ca_data() -> String {
    let node = okd_trust::Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    node.cluster("local").unwrap().cluster.certificate_authority_data.clone()
}

#[test]
fn a_configmap_list_and_a_legacy_secret_read_as_oc_prints_them() {
    let yaml = format!(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: loadbalancer-serving-ca\n    namespace: openshift-kube-apiserver-operator\n    creationTimestamp: \"2019-06-01T00:10:00Z\"\n  data:\n    ca-bundle.crt: |\n{}- apiVersion: v1\n  kind: Pod\n  metadata: {{name: skipped}}\n- apiVersion: v1\n  kind: Secret\n  type: SecretTypeTLS\n  metadata:\n    name: loadbalancer-serving-signer\n    namespace: openshift-kube-apiserver-operator\n    annotations:\n      auth.openshift.io/certificate-not-before: \"2024-04-10T00:00:00Z\"\n  data:\n    tls.crt: {}\n    tls.key: \"\"\n",
        indented(examples::CLUSTER_CA_BUNDLE, 6),
        example_ca_data()
    );
    let objects = manifest::parse(yaml.as_bytes()).unwrap();
    assert_eq!(objects.len(), 2, "the Pod is skipped");
    let cm = &objects[0];
    assert_eq!(cm.kind, ManifestKind::ConfigMap);
    assert_eq!(cm.qualified_name(), "openshift-kube-apiserver-operator/loadbalancer-serving-ca");
    assert_eq!(cm.metadata.creation_timestamp, "2019-06-01T00:10:00Z");
    let bundle = CaBundle::from_pem(cm.get("ca-bundle.crt").unwrap()).unwrap();
    assert_eq!(bundle.len(), 5);
    let secret = &objects[1];
    assert_eq!((secret.kind, secret.secret_type.as_str()), (ManifestKind::Secret, "SecretTypeTLS"));
    assert_eq!(secret.metadata.annotations["auth.openshift.io/certificate-not-before"], "2024-04-10T00:00:00Z");
    assert_eq!(CaBundle::from_pem(secret.get("tls.crt").unwrap()).unwrap().len(), 4);
    assert_eq!(secret.get("tls.key"), Some(&b""[..]));
}

#[test]
fn json_binary_data_and_string_data_are_decoded() {
    let json = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"kubeconfig-data\",\"namespace\":\"openshift-machine-config-operator\"}},\"binaryData\":{{\"ca-bundle.crt\":\"{}\"}}}}",
        example_ca_data()
    );
    let objects = manifest::parse(json.as_bytes()).unwrap();
    let entry = &objects[0].entries[0];
    assert_eq!((entry.key.as_str(), entry.source), ("ca-bundle.crt", EntrySource::BinaryData));
    assert_eq!(CaBundle::from_pem(&entry.value).unwrap().len(), 4);

    let secret =
        "kind: Secret\nmetadata: {name: s, namespace: n}\ndata: {a: aGVsbG8=}\nstringData: {a: override, b: plain}\n";
    let objects = manifest::parse(secret.as_bytes()).unwrap();
    assert_eq!(objects[0].get("a"), Some(&b"override"[..]));
    assert_eq!(objects[0].get("b"), Some(&b"plain"[..]));
}

#[test]
fn bad_manifests_name_what_and_where() {
    let err = manifest::parse(b"kind: Secret\nmetadata: {name: s, namespace: n}\ndata:\n  tls.crt: not base64!\n")
        .unwrap_err();
    match &err {
        ManifestError::InvalidBase64 { object, key, position, .. } => {
            assert_eq!((object.as_str(), key.as_str(), position.line), ("n/s", "tls.crt", 4));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(manifest::parse(b"kind: Deployment\n"), Err(ManifestError::UnsupportedKind { .. })));
    assert!(matches!(manifest::parse(b""), Err(ManifestError::Empty)));
    assert!(matches!(manifest::parse(b"kind: ConfigMap\ndata: [1]\n"), Err(ManifestError::Field { .. })));
    assert!(matches!(manifest::parse(b"kind: ConfigMap\ndata: {a: [1]}\n"), Err(ManifestError::Field { .. })));
    assert!(matches!(manifest::parse(b"kind: ConfigMap\n  data: {\n"), Err(ManifestError::Document(_))));
}
