//! The OKD/OpenShift server trust graph of the api-int incident, as fixtures.
//!
//! A cluster born [`CLUSTER_BORN`] (2019-06-01) has four 10-year server signers, each
//! `CN=<name>, OU=openshift`. On [`ROTATED_AT`] (2024-04-10) the 4.15 upgrade re-created the
//! load-balancer signer: same subject, new key. api-int then served 30-day leaves signed by the
//! new signer, while nodes still trusted only the old one.

use crate::{CertBuilder, Issued, Key, days};

/// 2019-06-01T00:00:00Z, when the cluster (and its signers) were created.
pub const CLUSTER_BORN: i64 = 1_559_347_200;
/// 2024-04-10T00:00:00Z, when the 4.15 upgrade re-keyed the load-balancer signer.
pub const ROTATED_AT: i64 = 1_712_707_200;
/// Signer lifetime: 10 years.
pub const SIGNER_LIFETIME: i64 = days(3650);
/// Serving-certificate lifetime: 30 days.
pub const LEAF_LIFETIME: i64 = days(30);
/// The cluster domain used by the fixtures.
pub const DOMAIN: &str = "ocp.example.com";

/// `kube-apiserver-lb-signer`: signs the api and api-int serving certificates.
pub const LB_SIGNER: &str = "kube-apiserver-lb-signer";
/// `kube-apiserver-localhost-signer`.
pub const LOCALHOST_SIGNER: &str = "kube-apiserver-localhost-signer";
/// `kube-apiserver-service-network-signer`.
pub const SERVICE_NETWORK_SIGNER: &str = "kube-apiserver-service-network-signer";
/// `kube-apiserver-localhost-recovery-serving-signer`.
pub const LOCALHOST_RECOVERY_SIGNER: &str = "kube-apiserver-localhost-recovery-serving-signer";

fn signer(name: &str, key: Key, not_before: i64, serial: u64) -> Issued {
    CertBuilder::ca(name)
        .organizational_unit("openshift")
        .key(key)
        .serial(serial)
        .validity(not_before, not_before + SIGNER_LIFETIME)
        .self_signed()
}

/// The original load-balancer signer (key A), valid 2019-06-01 + 10 years.
pub fn lb_signer() -> Issued {
    signer(LB_SIGNER, Key::RsaA, CLUSTER_BORN, 0x1001)
}

/// The re-keyed load-balancer signer of the incident: same subject, key E, notBefore 2024-04-10.
pub fn rotated_lb_signer() -> Issued {
    signer(LB_SIGNER, Key::RsaE, ROTATED_AT, 0x1005)
}

/// The localhost signer (key B).
pub fn localhost_signer() -> Issued {
    signer(LOCALHOST_SIGNER, Key::RsaB, CLUSTER_BORN, 0x1002)
}

/// The service-network signer (key C).
pub fn service_network_signer() -> Issued {
    signer(SERVICE_NETWORK_SIGNER, Key::RsaC, CLUSTER_BORN, 0x1003)
}

/// The localhost-recovery serving signer (key D).
pub fn localhost_recovery_signer() -> Issued {
    signer(LOCALHOST_RECOVERY_SIGNER, Key::RsaD, CLUSTER_BORN, 0x1004)
}

/// The four original server signers, in the order of `kube-apiserver-server-ca`:
/// lb, localhost, service-network, localhost-recovery.
pub fn server_signers() -> [Issued; 4] {
    [lb_signer(), localhost_signer(), service_network_signer(), localhost_recovery_signer()]
}

/// An api-int serving certificate: CN and SAN `api-int.<domain>`, `serverAuth`, P-256 key,
/// valid 30 days from `not_before`, signed by `signer` (byte-identical across runs, since the
/// signers are RSA).
pub fn api_int_leaf(domain: &str, signer: &Issued, not_before: i64) -> Issued {
    let host = format!("api-int.{domain}");
    CertBuilder::leaf(&host)
        .dns(&host)
        .server_auth()
        .serial(0x2000 + (not_before / 86_400) as u64)
        .validity(not_before, not_before + LEAF_LIFETIME)
        .signed_by(signer)
}

/// The PEM of the four original server signers, as the node's `certificate-authority-data` held it.
pub fn server_ca_bundle_pem() -> String {
    server_signers().iter().map(Issued::pem).collect()
}

/// The files of `okd_trust::examples`, as `(file name, content)`: node kubeconfigs trusting the
/// four original signers, the cluster's combined bundle after the rotation, and the chain api-int
/// serves after it.
pub fn example_files() -> Vec<(&'static str, String)> {
    let old_bundle = server_ca_bundle_pem();
    let ca_data = base64_std(old_bundle.as_bytes());
    let server = format!("https://api-int.{DOMAIN}:6443");
    let kubeconfig = |user: &str| {
        format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {ca_data}\n    server: {server}\n  name: local\n\
             contexts:\n- context:\n    cluster: local\n    user: kubelet\n  name: kubelet\ncurrent-context: kubelet\n\
             kind: Config\npreferences: {{}}\nusers:\n- name: kubelet\n  user:\n{user}"
        )
    };
    let kubelet_user = "    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n";
    let bootstrap_user = "    token: example-node-bootstrapper-token\n";
    let rotated = rotated_lb_signer();
    let cluster_bundle = format!("{old_bundle}{}", rotated.pem());
    let leaf = api_int_leaf(DOMAIN, &rotated, ROTATED_AT);
    vec![
        ("var-lib-kubelet-kubeconfig.yaml", kubeconfig(kubelet_user)),
        ("etc-kubernetes-kubeconfig.yaml", kubeconfig(bootstrap_user)),
        ("kube-apiserver-server-ca.pem", cluster_bundle),
        ("api-int-serving-chain.pem", format!("{}{}", leaf.pem(), rotated.pem())),
    ]
}

/// Standard base64 with padding, on one line, as Go writes `[]byte` fields.
fn base64_std(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
