//! What the doctor found: one finding per problem, each with a stable code.

use std::fmt;

use crate::verify::CertSummary;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// Worth knowing; nothing to do.
    Info,
    /// Will break, or weakens trust; fix it soon.
    Warning,
    /// Trust is broken now.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// 0 for info, 1 for warning, 2 for error: the order of severity, stable for bindings whose
    /// own enums carry these numbers.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a finding. Codes are stable: scripts and alerts may match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Code {
    /// The kubeconfig's CA does not verify what api-int serves: the incident itself.
    KubeconfigUntrustedServingChain,
    /// The cluster's bundle holds a CA the kubeconfig lacks.
    CaNotPropagated,
    /// Two kubeconfigs of one node trust different CAs.
    KubeconfigsDisagree,
    /// A certificate is past its notAfter.
    CertExpired,
    /// A certificate expires within the warning window.
    CertExpiringSoon,
    /// A 10-year signer was re-created long after the cluster was born (the incident's fingerprint).
    SignerRecentlyRotated,
    /// The signer Secret has the legacy type `SecretTypeTLS`: an affected 4.15 upgrade re-keys it.
    SignerSecretLegacyType,
    /// multus' CA does not verify what api-int serves.
    MultusCaUntrustedServingChain,
    /// client-go would reject the kubeconfig.
    KubeconfigInvalid,
    /// The kubeconfig does not verify the server at all.
    KubeconfigInsecure,
    /// The CA is a file path the doctor was not given.
    CaPathUnresolved,
    /// PEM blocks or certificates were skipped while loading a bundle.
    PemBlocksSkipped,
}

impl Code {
    /// The kebab-case code, e.g. `kubeconfig-untrusted-serving-chain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::KubeconfigUntrustedServingChain => "kubeconfig-untrusted-serving-chain",
            Code::CaNotPropagated => "ca-not-propagated",
            Code::KubeconfigsDisagree => "kubeconfigs-disagree",
            Code::CertExpired => "cert-expired",
            Code::CertExpiringSoon => "cert-expiring-soon",
            Code::SignerRecentlyRotated => "signer-recently-rotated",
            Code::SignerSecretLegacyType => "signer-secret-legacy-type",
            Code::MultusCaUntrustedServingChain => "multus-ca-untrusted-serving-chain",
            Code::KubeconfigInvalid => "kubeconfig-invalid",
            Code::KubeconfigInsecure => "kubeconfig-insecure",
            Code::CaPathUnresolved => "ca-path-unresolved",
            Code::PemBlocksSkipped => "pem-blocks-skipped",
        }
    }

    /// Every code, for documentation and metrics.
    pub const ALL: [Code; 12] = [
        Code::KubeconfigUntrustedServingChain,
        Code::CaNotPropagated,
        Code::KubeconfigsDisagree,
        Code::CertExpired,
        Code::CertExpiringSoon,
        Code::SignerRecentlyRotated,
        Code::SignerSecretLegacyType,
        Code::MultusCaUntrustedServingChain,
        Code::KubeconfigInvalid,
        Code::KubeconfigInsecure,
        Code::CaPathUnresolved,
        Code::PemBlocksSkipped,
    ];
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, with what it is about and the evidence for it. The doctor's findings carry a
/// [`Code`]; the cluster analysis' the same shape with its own codes
/// ([`cluster::Finding`](crate::cluster::Finding)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding<C = Code> {
    /// The kind.
    pub code: C,
    /// How bad.
    pub severity: Severity,
    /// What it is about: an input (a path, `namespace/name[key]`), or a signer's subject.
    pub source: String,
    /// What is wrong and why, in plain words.
    pub message: String,
    /// The certificates involved.
    pub certificates: Vec<CertSummary>,
    /// Further facts as `(name, value)` pairs (dates, counts, reasons).
    pub details: Vec<(String, String)>,
}

impl<C> Finding<C> {
    pub(crate) fn new(code: C, severity: Severity, source: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            source: source.into(),
            message: message.into(),
            certificates: Vec::new(),
            details: Vec::new(),
        }
    }

    pub(crate) fn with_certificates(mut self, certificates: Vec<CertSummary>) -> Self {
        self.certificates = certificates;
        self
    }

    pub(crate) fn with_certificate(mut self, cert: &crate::Certificate) -> Self {
        self.certificates.push(CertSummary::new(cert, self.certificates.len()));
        self
    }

    pub(crate) fn with_detail(mut self, name: &str, value: impl Into<String>) -> Self {
        self.details.push((name.to_owned(), value.into()));
        self
    }
}
