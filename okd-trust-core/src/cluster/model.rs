//! What the cluster analysis finds: signers, bundles, endpoints, edges and findings.

use std::collections::BTreeMap;
use std::fmt;

use super::objects::{NodeInfo, Update};
use super::relations::Usage;
use crate::diagnose::Verdict;
use crate::verify;
use crate::{CaBundle, Certificate, Timestamp};

/// The Secret a certificate lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretInfo {
    /// `namespace/name[tls.crt]`.
    pub source: String,
    /// The Secret's `type` (`kubernetes.io/tls`, or the legacy `SecretTypeTLS`).
    pub secret_type: String,
    /// Its annotations (`auth.openshift.io/*`, `openshift.io/owning-component`, ...).
    pub annotations: BTreeMap<String, String>,
    /// The Secret this is a revisioned copy of (`kubelet-client-7` of `kubelet-client`).
    pub revision_of: Option<String>,
}

/// A CA certificate, identified by its public key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Signer {
    /// The certificate.
    pub certificate: Certificate,
    /// SHA-256 of its SubjectPublicKeyInfo, colon-separated upper-case hex: the key's identity.
    pub spki_sha256: String,
    /// Every Secret and bundle it appears in.
    pub sources: Vec<String>,
    /// The Secret holding the key's certificate as its `tls.crt`, when one does.
    pub secret: Option<SecretInfo>,
    /// When OpenShift's rotation replaces it.
    pub refresh_at: Timestamp,
    /// The key of a newer certificate with the same subject (this key was re-keyed).
    pub superseded_by: Option<String>,
}

/// Where a bundle was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BundleOrigin {
    /// A ConfigMap key.
    ConfigMap,
    /// A Secret key other than `tls.crt`.
    Secret,
    /// `ca.crt` or `service-ca.crt` of a service-account token Secret.
    ServiceAccountToken,
    /// A CA field of the ControllerConfig.
    ControllerConfig,
    /// A file a MachineConfig writes.
    MachineConfig,
    /// A node kubeconfig given as an extra input.
    NodeKubeconfig,
}

impl BundleOrigin {
    /// `configmap`, `secret`, `service-account-token`, `controllerconfig`, `machineconfig` or
    /// `kubeconfig`.
    pub fn as_str(self) -> &'static str {
        match self {
            BundleOrigin::ConfigMap => "configmap",
            BundleOrigin::Secret => "secret",
            BundleOrigin::ServiceAccountToken => "service-account-token",
            BundleOrigin::ControllerConfig => "controllerconfig",
            BundleOrigin::MachineConfig => "machineconfig",
            BundleOrigin::NodeKubeconfig => "kubeconfig",
        }
    }
}

/// A set of trusted certificates some client reads.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Bundle {
    /// `namespace/name[key]`, `controllerconfig/<name>[field]`, `machineconfig/<name>[path]`,
    /// or a kubeconfig's label.
    pub source: String,
    /// Where it was read.
    pub origin: BundleOrigin,
    /// Its certificates.
    pub certificates: CaBundle,
}

/// A serving or client certificate (not a CA).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Endpoint {
    /// `namespace/name[tls.crt]`, or `csr/<name>`.
    pub source: String,
    /// The certificate.
    pub certificate: Certificate,
    /// The certificates sent with it.
    pub intermediates: Vec<Certificate>,
    /// Its DNS and IP SANs.
    pub hostnames: Vec<String>,
    /// The `auth.openshift.io/certificate-hostnames` annotation, split at commas (a hint only).
    pub hostname_hint: Vec<String>,
    /// The key that signed it, found by checking signatures (not by issuer name).
    pub issuer_spki_sha256: Option<String>,
    /// The Secret it lives in.
    pub secret: Option<SecretInfo>,
    /// For a CSR's certificate: its `spec.signerName`.
    pub csr_signer: Option<String>,
}

/// One relationship checked: `bundle` must verify `endpoint`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Edge {
    /// The relationship's id (see [`RELATIONSHIPS`](super::RELATIONSHIPS)).
    pub relationship: &'static str,
    /// Who reads the bundle.
    pub client: &'static str,
    /// The bundle's source.
    pub bundle: String,
    /// The endpoint's source.
    pub endpoint: String,
    /// The name verified, for server certificates.
    pub server_name: Option<String>,
    /// Server or client authentication.
    pub usage: Usage,
    /// Go's verdict, with the kubelet profile.
    pub verdict: verify::Verdict,
}

/// The kinds of cluster finding. Codes are stable: scripts and alerts may match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Code {
    /// A bundle does not verify an endpoint its clients must trust: the incident.
    BundleUntrustedEndpoint,
    /// A certificate a Secret serves or signs with has expired.
    CertExpired,
    /// One subject, two keys: a signer was re-keyed.
    SignerRekeyed,
    /// A bundle holds a superseded key of a signer and not the key that replaced it.
    BundleSupersededKeyOnly,
    /// A certificate is past the point where OpenShift's rotation should have replaced it.
    CertPastRefresh,
    /// A long-lived signer re-keys soon: every bundle nodes hold must gain the new key first.
    SignerRefreshDue,
    /// An upgrade to 4.15 before 4.15.10 would re-key this signer.
    SignerRekeyRisk,
    /// A superseded or expired CA in bundles that nothing in the inventory chains to.
    TrustRemovable,
    /// A superseded or expired CA still anchors certificates in use.
    TrustStillNeeded,
    /// The kubelet journal has x509 errors.
    KubeletLogX509,
    /// A relevant file or value could not be read.
    InputUnreadable,
    /// PEM blocks of a bundle were skipped, as Go skips them.
    PemBlocksSkipped,
    /// A node kubeconfig given could not be judged (CA file, system roots, insecure, invalid).
    KubeconfigNotJudged,
    /// Nothing the analysis reads was given: no verdict on the cluster can be had (never "healthy").
    NothingRead,
}

impl Code {
    /// The kebab-case code, e.g. `bundle-untrusted-endpoint`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BundleUntrustedEndpoint => "bundle-untrusted-endpoint",
            Code::CertExpired => "cert-expired",
            Code::SignerRekeyed => "signer-rekeyed",
            Code::BundleSupersededKeyOnly => "bundle-superseded-key-only",
            Code::CertPastRefresh => "cert-past-refresh",
            Code::SignerRefreshDue => "signer-refresh-due",
            Code::SignerRekeyRisk => "signer-rekey-risk",
            Code::TrustRemovable => "trust-removable",
            Code::TrustStillNeeded => "trust-still-needed",
            Code::KubeletLogX509 => "kubelet-log-x509",
            Code::InputUnreadable => "input-unreadable",
            Code::PemBlocksSkipped => "pem-blocks-skipped",
            Code::KubeconfigNotJudged => "kubeconfig-not-judged",
            Code::NothingRead => "nothing-read",
        }
    }

    /// Every code, for documentation and metrics.
    pub const ALL: &'static [Code] = &[
        Code::BundleUntrustedEndpoint,
        Code::CertExpired,
        Code::SignerRekeyed,
        Code::BundleSupersededKeyOnly,
        Code::CertPastRefresh,
        Code::SignerRefreshDue,
        Code::SignerRekeyRisk,
        Code::TrustRemovable,
        Code::TrustStillNeeded,
        Code::KubeletLogX509,
        Code::InputUnreadable,
        Code::PemBlocksSkipped,
        Code::KubeconfigNotJudged,
        Code::NothingRead,
    ];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem of the cluster, with its evidence: the doctor's finding with the cluster's codes.
pub type Finding = crate::diagnose::Finding<Code>;

/// A file or value the analysis could not read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unreadable {
    /// The path (and, inside a file, the object and key).
    pub path: String,
    /// Why.
    pub reason: String,
}

/// A kubelet journal line with an x509 error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogLine {
    /// The journal file.
    pub path: String,
    /// 1-based line number.
    pub line: usize,
    /// The line (at most 500 bytes of it).
    pub text: String,
}

/// Where the moment judged came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AtSource {
    /// Given by the caller (`--at`).
    Given,
    /// The must-gather's `timestamp` file.
    Gathered,
    /// The caller's clock (no timestamp in the inputs).
    Clock,
}

impl AtSource {
    /// `given`, `must-gather` or `clock`.
    pub fn as_str(self) -> &'static str {
        match self {
            AtSource::Given => "given",
            AtSource::Gathered => "must-gather",
            AtSource::Clock => "clock",
        }
    }
}

/// The whole cluster's trust.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClusterReport {
    /// The moment judged.
    pub at: Timestamp,
    /// Where it came from.
    pub at_source: AtSource,
    /// Broken if any error finding, at risk if any warning, else healthy.
    pub verdict: Verdict,
    /// Every CA certificate, by subject then age.
    pub signers: Vec<Signer>,
    /// Every bundle.
    pub bundles: Vec<Bundle>,
    /// Every serving and client certificate.
    pub endpoints: Vec<Endpoint>,
    /// Every relationship checked.
    pub edges: Vec<Edge>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// What could not be read.
    pub unreadable: Vec<Unreadable>,
    /// What the inputs did not show, in words (e.g. node kubeconfigs).
    pub not_seen: Vec<String>,
    /// The nodes.
    pub nodes: Vec<NodeInfo>,
    /// The ClusterVersion history, newest first.
    pub history: Vec<Update>,
    /// The kubelet journal lines with x509 errors (at most 1,000), by file and line.
    pub kubelet_log: Vec<LogLine>,
    /// How many input files were read.
    pub files_read: usize,
}
