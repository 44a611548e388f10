//! A built-in example cluster, embedded so documentation, tests and demos need no files.
//!
//! The certificates reproduce the api-int incident: a cluster born on 2019-06-01 whose
//! `kube-apiserver-lb-signer` was re-keyed on 2024-04-10 when it was upgraded. The node
//! kubeconfigs still trust only the old signer; the cluster's bundle holds old and new; api-int
//! now serves a certificate from the new signer. Every certificate is valid from 2024-04-10 to
//! 2024-05-10 at least, so pass a time such as 2024-05-01 when verifying.
//!
//! They are written by `cargo run -p okd-trust-testkit --bin write-examples` from fixed keys,
//! and a test fails when the files here drift from what the generator writes.

/// `/var/lib/kubelet/kubeconfig` of a node, as the installer wrote it (YAML; trusts the old signers).
pub const NODE_KUBECONFIG: &str = include_str!("var-lib-kubelet-kubeconfig.yaml");

/// `/etc/kubernetes/kubeconfig` of the same node (the bootstrap kubeconfig; same CA data).
pub const BOOTSTRAP_KUBECONFIG: &str = include_str!("etc-kubernetes-kubeconfig.yaml");

/// `ca-bundle.crt` of `openshift-config-managed/kube-apiserver-server-ca` after the rotation: the
/// four server signers plus the new load-balancer signer.
pub const CLUSTER_CA_BUNDLE: &str = include_str!("kube-apiserver-server-ca.pem");

/// What api-int serves after the rotation: the leaf, then the new load-balancer signer.
pub const API_INT_SERVING_CHAIN: &str = include_str!("api-int-serving-chain.pem");
