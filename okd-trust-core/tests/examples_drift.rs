//! The built-in example files are exactly what the testkit generator writes.
#![allow(clippy::unwrap_used, clippy::panic)]

use okd_trust::examples;

#[test]
fn committed_examples_match_the_generator() {
    let committed = [
        ("var-lib-kubelet-kubeconfig.yaml", examples::NODE_KUBECONFIG),
        ("etc-kubernetes-kubeconfig.yaml", examples::BOOTSTRAP_KUBECONFIG),
        ("kube-apiserver-server-ca.pem", examples::CLUSTER_CA_BUNDLE),
        ("api-int-serving-chain.pem", examples::API_INT_SERVING_CHAIN),
    ];
    let generated = okd_trust_testkit::okd::example_files();
    assert_eq!(generated.len(), committed.len());
    for ((name, text), (gen_name, gen_text)) in committed.iter().zip(&generated) {
        assert_eq!(name, gen_name);
        assert!(
            *text == gen_text.as_str(),
            "{name} drifted from the generator: run `cargo run -p okd-trust-testkit --bin write-examples`"
        );
    }
}
