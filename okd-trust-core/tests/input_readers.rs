//! The readers that hand the doctor ready inputs. A served chain is read whole or not at all,
//! from PEM or a TLS Secret's `tls.crt`: never the lenient bundle reading, which would skip a
//! damaged leaf and judge the intermediate alone. The signer Secret is found by its name.
#![allow(clippy::unwrap_used, clippy::panic)]

use base64::Engine as _;
use okd_trust::cert::ChainError;
use okd_trust::input::InputError;
use okd_trust::{Error, ErrorKind, Limits, examples, input};

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn a_tls_secret_serves_its_tls_crt_not_its_ca_crt() {
    let secret = format!(
        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\nmetadata: {{name: internal-loadbalancer-serving, namespace: openshift-kube-apiserver}}\n\
         data:\n  ca.crt: {}\n  tls.crt: {}\n  tls.key: {}\n",
        b64(examples::CLUSTER_CA_BUNDLE),
        b64(examples::API_INT_SERVING_CHAIN),
        b64("not a key"),
    );
    let chain = input::served_chain("secret.yaml", secret.as_bytes(), &Limits::default()).unwrap();
    let pem = okd_trust::CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes()).unwrap();
    assert_eq!(chain.certificates, pem.as_slice(), "tls.crt, leaf first, not the CA bundle beside it");
}

#[test]
fn a_damaged_chain_is_an_error_with_its_place_in_every_form() {
    let damaged = examples::API_INT_SERVING_CHAIN.replacen("MII", "M!I", 1);
    let err = input::served_chain("chain.pem", damaged.as_bytes(), &Limits::default()).unwrap_err();
    assert!(damaged_block(&err), "{err}");
    assert_eq!((err.kind(), err.position().map(|p| p.line)), (ErrorKind::Parse, Some(1)));
    assert!(
        err.to_string().starts_with("chain.pem: served chain: line 1, column 1: damaged PEM block"),
        "the input is named: {err}"
    );
    let secret = format!("kind: Secret\nmetadata: {{name: s}}\ndata:\n  tls.crt: {}\n", b64(&damaged));
    let err = input::served_chain("secret.yaml", secret.as_bytes(), &Limits::default()).unwrap_err();
    assert!(damaged_block(&err), "{err}");
    assert!(err.to_string().starts_with("secret.yaml: "), "{err}");
}

fn damaged_block(err: &Error) -> bool {
    match err {
        Error::Input(InputError::Invalid { source, .. }) => {
            matches!(**source, Error::Chain(ChainError::DamagedBlock { .. }))
        }
        _ => false,
    }
}

#[test]
fn inputs_without_a_chain_say_what_they_are() {
    let err = input::served_chain("kubeconfig", examples::NODE_KUBECONFIG.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Invalid);
    assert!(err.to_string().contains("not a served chain"), "{err}");
    let config_map = "kind: ConfigMap\nmetadata: {name: c}\ndata: {ca.crt: x}\n";
    let err = input::served_chain("cm.yaml", config_map.as_bytes(), &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("without tls.crt"), "{err}");
}

#[test]
fn the_signer_secret_is_found_by_name_in_a_list() {
    let list = "apiVersion: v1\nkind: List\nitems:\n\
        - {kind: Secret, metadata: {name: other, namespace: openshift-kube-apiserver-operator}, type: kubernetes.io/tls}\n\
        - {kind: Secret, metadata: {name: loadbalancer-serving-signer, namespace: openshift-kube-apiserver-operator}, type: SecretTypeTLS}\n";
    let secret = input::detect("secrets.yaml", list.as_bytes()).unwrap().into_secret().unwrap();
    assert_eq!(
        (secret.metadata.name.as_str(), secret.secret_type.as_str()),
        ("loadbalancer-serving-signer", "SecretTypeTLS")
    );
}
