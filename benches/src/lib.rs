//! Inputs shared by the benchmarks: deterministic certificates, bundles, chains and kubeconfigs
//! from the testkit, so every group measures okd-trust and its peers on the same bytes.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use base64::Engine as _;
use okd_trust::diagnose::{DoctorInput, Labelled};
use okd_trust::{CaBundle, Certificate, Kubeconfig, Timestamp, examples};
use okd_trust_testkit::okd::{self, DOMAIN, ROTATED_AT};
use okd_trust_testkit::{CertBuilder, Key};
use std::sync::OnceLock;

/// The api-int serving leaf of the built-in cluster and the one RSA-2048 signer that issued it.
pub fn rsa2048_leaf_and_bundle() -> (Certificate, CaBundle) {
    let signer = okd::rotated_lb_signer();
    let leaf = okd::api_int_leaf(DOMAIN, &signer, ROTATED_AT);
    let leaf = Certificate::from_der(leaf.der()).expect("testkit leaf parses");
    let signer = Certificate::from_der(signer.der()).expect("testkit signer parses");
    (leaf, CaBundle::from_certificates([signer]))
}

/// Subject keys of the generated CAs, in turn. All sign deterministically (RSA PKCS#1 v1.5,
/// Ed25519), so the generated bundles are byte-identical on every run.
const CA_KEYS: [Key; 7] = [Key::RsaA, Key::RsaB, Key::Rsa4096, Key::RsaC, Key::RsaD, Key::RsaE, Key::Ed25519];

/// The first `n` (at most 1,000) of a fixed list of self-signed CAs with distinct names and
/// serials, as PEM (one certificate each). Generated once per process.
pub fn generated_cas(n: usize) -> &'static [String] {
    static CAS: OnceLock<Vec<String>> = OnceLock::new();
    let all = CAS.get_or_init(|| {
        (0..1000)
            .map(|i| {
                CertBuilder::ca(&format!("Bench Root CA {i:04}"))
                    .organizational_unit("okd-trust benchmarks")
                    .key(CA_KEYS[i % CA_KEYS.len()])
                    .serial(0x10_0000 + i as u64)
                    .self_signed()
                    .pem()
            })
            .collect()
    });
    &all[..n]
}

/// A PEM bundle of the first `n` of `cas`.
pub fn bundle_of(cas: &[String], n: usize) -> String {
    assert!(n <= cas.len(), "only {} CAs generated", cas.len());
    cas[..n].concat()
}

/// The system trust store, when the machine has one at the Debian/Ubuntu path.
pub fn system_bundle() -> Option<Vec<u8>> {
    std::fs::read("/etc/ssl/certs/ca-certificates.crt").ok().filter(|b| !b.is_empty())
}

/// Number of `-----BEGIN CERTIFICATE-----` blocks in `pem`.
pub fn count_certificates(pem: &[u8]) -> usize {
    const MARKER: &[u8] = b"-----BEGIN CERTIFICATE-----";
    pem.windows(MARKER.len()).filter(|w| *w == MARKER).count()
}

/// A signature algorithm family of the chain benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// RSA-2048, PKCS#1 v1.5 SHA-256.
    Rsa2048,
    /// RSA-4096, PKCS#1 v1.5 SHA-256.
    Rsa4096,
    /// ECDSA P-256 SHA-256.
    P256,
    /// ECDSA P-384 SHA-384.
    P384,
    /// Ed25519.
    Ed25519,
}

impl Alg {
    /// Every family, in report order.
    pub const ALL: [Alg; 5] = [Alg::Rsa2048, Alg::Rsa4096, Alg::P256, Alg::P384, Alg::Ed25519];

    /// Short name for benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Alg::Rsa2048 => "rsa2048",
            Alg::Rsa4096 => "rsa4096",
            Alg::P256 => "p256",
            Alg::P384 => "p384",
            Alg::Ed25519 => "ed25519",
        }
    }

    /// The (root, intermediate) keys: distinct where the testkit has two keys of the family.
    fn keys(self) -> (Key, Key) {
        match self {
            Alg::Rsa2048 => (Key::RsaA, Key::RsaB),
            Alg::Rsa4096 => (Key::Rsa4096, Key::Rsa4096),
            Alg::P256 => (Key::P256, Key::P256),
            Alg::P384 => (Key::P384, Key::P384),
            Alg::Ed25519 => (Key::Ed25519, Key::Ed25519),
        }
    }

    /// The aws-lc-rs algorithm that checks a signature made by a key of this family.
    pub fn aws_lc_rs(self) -> &'static dyn aws_lc_rs::signature::VerificationAlgorithm {
        use aws_lc_rs::signature as s;
        match self {
            Alg::Rsa2048 | Alg::Rsa4096 => &s::RSA_PKCS1_2048_8192_SHA256,
            Alg::P256 => &s::ECDSA_P256_SHA256_ASN1,
            Alg::P384 => &s::ECDSA_P384_SHA384_ASN1,
            Alg::Ed25519 => &s::ED25519,
        }
    }
}

/// The host name every benchmark leaf is issued for.
pub const LEAF_HOST: &str = "api-int.bench.example";

/// A moment inside every generated chain's validity (1970 + 5 days; the testkit's CAs run 10 years).
pub const CHAIN_AT: i64 = 5 * 86_400;

/// A server chain: the leaf, the certificates served after it (leaf first order), and the root.
#[derive(Debug)]
pub struct Chain {
    /// The leaf, DER.
    pub leaf: Vec<u8>,
    /// Intermediates, DER (empty for leaf <- CA).
    pub intermediates: Vec<Vec<u8>>,
    /// The trust anchor, DER.
    pub root: Vec<u8>,
}

/// A chain of family `alg`: leaf <- root, or leaf <- intermediate <- root when `intermediate`.
/// Every signature in it is made by a key of family `alg`; the leaf's own key is P-256.
pub fn chain(alg: Alg, intermediate: bool) -> Chain {
    let (root_key, int_key) = alg.keys();
    let root = CertBuilder::ca(&format!("Bench {} Root", alg.name())).key(root_key).serial(1).self_signed();
    let leaf = CertBuilder::leaf(LEAF_HOST).dns(LEAF_HOST).server_auth().serial(3);
    let mut intermediates = Vec::new();
    let leaf = if intermediate {
        let int =
            CertBuilder::ca(&format!("Bench {} Intermediate", alg.name())).key(int_key).serial(2).signed_by(&root);
        intermediates.push(int.der().to_vec());
        leaf.signed_by(&int)
    } else {
        leaf.signed_by(&root)
    };
    Chain { leaf: leaf.der().to_vec(), intermediates, root: root.der().to_vec() }
}

/// A kubeconfig with `n` clusters, one context and one user per cluster; cluster `i` embeds
/// `cas[i % cas.len()]` as `certificate-authority-data`, the way `oc login` and the installer write it.
pub fn kubeconfig_with_clusters(cas: &[String], n: usize) -> String {
    let mut out = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for i in 0..n {
        let data = base64::engine::general_purpose::STANDARD.encode(cas[i % cas.len()].as_bytes());
        out.push_str(&format!(
            "- cluster:\n    certificate-authority-data: {data}\n    server: https://api.c{i:04}.example.com:6443\n  name: c{i:04}\n"
        ));
    }
    out.push_str("contexts:\n");
    for i in 0..n {
        out.push_str(&format!("- context:\n    cluster: c{i:04}\n    user: admin-c{i:04}\n  name: admin@c{i:04}\n"));
    }
    out.push_str("current-context: admin@c0000\npreferences: {}\nusers:\n");
    for i in 0..n {
        out.push_str(&format!("- name: admin-c{i:04}\n  user:\n    token: sha256~bench-token-{i:04}\n"));
    }
    out
}

/// The moment the doctor judges the built-in example cluster at.
pub fn doctor_at() -> Timestamp {
    Timestamp::parse_rfc3339("2024-05-01T00:00:00Z").expect("valid time")
}

/// The cluster-wide inputs of one doctor run, parsed once: the cluster's bundle, the chain
/// api-int serves, and multus' bundle (the cluster bundle again, as `kube-root-ca.crt` holds it).
#[derive(Debug, Clone)]
pub struct ClusterInputs {
    /// `kube-apiserver-server-ca`.
    pub cluster_ca: CaBundle,
    /// What api-int serves, leaf first.
    pub serving_chain: Vec<Certificate>,
    /// `openshift-multus/kube-root-ca.crt`.
    pub multus_ca: CaBundle,
}

impl ClusterInputs {
    /// Parses the built-in example files.
    pub fn parse() -> Self {
        let cluster_ca = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).expect("example bundle");
        let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes()).expect("example chain");
        ClusterInputs { multus_ca: cluster_ca.clone(), serving_chain: chain.iter().cloned().collect(), cluster_ca }
    }
}

/// The doctor's input for one node of the built-in example cluster: its two kubeconfigs
/// (`kubeconfigs` = the texts, parsed here) plus the cluster-wide inputs.
pub fn node_input(cluster: &ClusterInputs, kubeconfigs: &[(&str, &str)]) -> DoctorInput {
    let mut input = DoctorInput::new(doctor_at());
    for (label, text) in kubeconfigs {
        input.kubeconfigs.push(Labelled::new(*label, Kubeconfig::parse(text.as_bytes()).expect("example kubeconfig")));
    }
    input
        .cluster_cas
        .push(Labelled::new("openshift-config-managed/kube-apiserver-server-ca", cluster.cluster_ca.clone()));
    input.serving_chain = Some(Labelled::new("api-int", cluster.serving_chain.clone()));
    input.multus_ca = Some(Labelled::new("openshift-multus/kube-root-ca.crt", cluster.multus_ca.clone()));
    input
}

/// One node's two kubeconfigs, as `(label, text)`.
pub const NODE_KUBECONFIGS: [(&str, &str); 2] = [
    ("/var/lib/kubelet/kubeconfig", examples::NODE_KUBECONFIG),
    ("/etc/kubernetes/kubeconfig", examples::BOOTSTRAP_KUBECONFIG),
];

/// `n` distinct node kubeconfigs of the example cluster (each names its own node in the
/// client-certificate path). Broken: they trust only the pre-rotation signers, like the incident's
/// nodes (the doctor plans and verifies a repair for each). Healthy: they already trust the
/// cluster's whole bundle (the same file after the repair).
pub fn fleet_kubeconfigs(n: usize, healthy: bool) -> Vec<String> {
    let base = if healthy {
        let config = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).expect("example kubeconfig");
        let cluster = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).expect("example bundle");
        config.with_ca_bundle("local", &cluster).expect("safe edit").text
    } else {
        examples::NODE_KUBECONFIG.to_owned()
    };
    (0..n).map(|i| base.replace("/var/lib/kubelet/pki/", &format!("/var/lib/kubelet/pki/node-{i:04}/"))).collect()
}
