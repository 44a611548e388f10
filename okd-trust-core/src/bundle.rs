//! CA bundles: ordered, de-duplicated sets of trusted certificates.
//!
//! [`CaBundle::from_pem`] loads a bundle the way Go's `CertPool.AppendCertsFromPEM` does — the
//! loader behind kubelet's `certificate-authority-data` — so the bundle holds exactly the
//! certificates kubelet would trust. Where Go skips something silently (a private key, a
//! certificate it cannot parse, a garbled block), the bundle keeps a [`BundleWarning`] saying what
//! and where, because "kubelet ignored half your bundle" is often the diagnosis.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashSet};
use std::fmt;

use crate::cert::{CertError, Certificate, ChainError, ServedChain};
use crate::pem::{self, PemError, SkipReason};
use crate::{Limits, LineIndex, Position, Timestamp};

/// An ordered set of CA certificates, de-duplicated by SHA-256 fingerprint (first occurrence wins).
///
/// ```
/// use okd_trust::CaBundle;
/// # let pem = rcgen::generate_simple_self_signed(vec!["ca.example".into()]).unwrap().cert.pem();
/// let text = format!("# cluster CA\n{pem}{pem}");
/// let bundle = CaBundle::from_pem(text.as_bytes())?;
/// assert_eq!(bundle.len(), 1);
/// assert_eq!(bundle.warnings().len(), 1); // the duplicate
/// assert_eq!(bundle.to_pem(), pem);
/// # Ok::<(), okd_trust::bundle::BundleError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaBundle {
    certs: Vec<Certificate>,
    warnings: Vec<BundleWarning>,
}

/// Something in a PEM bundle that Go's loader would skip without a word.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BundleWarning {
    /// Where the skipped block starts in the input (line and column).
    pub position: Position,
    /// What was skipped and why.
    pub kind: BundleWarningKind,
}

/// Why part of a bundle was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleWarningKind {
    /// A PEM block whose label is not `CERTIFICATE` (a private key, a CSR, ...).
    NotACertificate {
        /// The block's label.
        label: String,
    },
    /// A `CERTIFICATE` block with PEM headers, which Go's loader refuses.
    CertificateWithHeaders,
    /// A `CERTIFICATE` block whose contents Go could not parse.
    Unparseable(CertError),
    /// The same certificate again (same SHA-256 fingerprint).
    Duplicate {
        /// The colon-hex SHA-256 fingerprint.
        fingerprint: String,
    },
    /// PEM text that Go's decoder does not read as a block.
    MalformedPem {
        /// The block's label, when its BEGIN line could be read.
        label: Option<String>,
        /// What is wrong with it.
        reason: SkipReason,
    },
}

impl BundleWarningKind {
    /// A stable kebab-case code: `not-a-certificate`, `certificate-with-headers`,
    /// `unparseable`, `duplicate` or `malformed-pem`.
    pub fn code(&self) -> &'static str {
        match self {
            BundleWarningKind::NotACertificate { .. } => "not-a-certificate",
            BundleWarningKind::CertificateWithHeaders => "certificate-with-headers",
            BundleWarningKind::Unparseable(_) => "unparseable",
            BundleWarningKind::Duplicate { .. } => "duplicate",
            BundleWarningKind::MalformedPem { .. } => "malformed-pem",
        }
    }
}

impl fmt::Display for BundleWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.position)?;
        match &self.kind {
            BundleWarningKind::NotACertificate { label } => write!(f, "{label} block skipped"),
            BundleWarningKind::CertificateWithHeaders => {
                f.write_str("CERTIFICATE block with PEM headers skipped (Go ignores certificates with headers)")
            }
            BundleWarningKind::Unparseable(e) => write!(f, "certificate could not be parsed: {e}"),
            BundleWarningKind::Duplicate { fingerprint } => {
                write!(f, "duplicate certificate skipped (SHA-256 {fingerprint})")
            }
            BundleWarningKind::MalformedPem { label: Some(label), reason } => {
                write!(f, "{label} block skipped: {reason}")
            }
            BundleWarningKind::MalformedPem { label: None, reason } => write!(f, "PEM text skipped: {reason}"),
        }
    }
}

/// Why a bundle could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// No certificate survived loading; Go's `AppendCertsFromPEM` returns `false` here. The
    /// warnings say what was found instead.
    #[error("no certificates found in the PEM input{}", summary(.warnings))]
    NoCertificates {
        /// Everything that was skipped, in input order.
        warnings: Vec<BundleWarning>,
    },
    /// The input exceeds a budget.
    #[error(transparent)]
    Pem(#[from] PemError),
}

fn summary(warnings: &[BundleWarning]) -> String {
    match warnings {
        [] => String::new(),
        [only] => format!(" ({only})"),
        [first, rest @ ..] => format!(" ({first}; and {} more)", rest.len()),
    }
}

/// What changed between two bundles, by fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BundleDiff {
    /// In the newer bundle only, in its order.
    pub added: Vec<Certificate>,
    /// In the older bundle only, in its order.
    pub removed: Vec<Certificate>,
    /// In both, in the older bundle's order.
    pub kept: Vec<Certificate>,
}

impl BundleDiff {
    /// Whether both bundles hold the same certificates.
    pub fn is_unchanged(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

impl CaBundle {
    /// Loads a PEM bundle like Go's `CertPool.AppendCertsFromPEM`, with the default [`Limits`].
    pub fn from_pem(input: &[u8]) -> Result<Self, BundleError> {
        Self::from_pem_with_limits(input, &Limits::default())
    }

    /// Loads a PEM bundle like Go's `CertPool.AppendCertsFromPEM`: blocks other than
    /// `CERTIFICATE`, certificate blocks with headers, certificates that do not parse and
    /// duplicates are skipped and recorded as warnings; no certificate at all is an error.
    pub fn from_pem_with_limits(input: &[u8], limits: &Limits) -> Result<Self, BundleError> {
        let scan = pem::scan(input, limits)?;
        let lines = LineIndex::new(input);
        let mut bundle = CaBundle::default();
        let mut seen = BTreeSet::new();
        let mut skipped = scan.skipped.into_iter().peekable();
        for block in scan.blocks {
            // Interleave malformed-PEM warnings so all warnings stay in input order.
            while let Some(s) = skipped.next_if(|s| s.span.start < block.span.start) {
                bundle.warn(&lines, s.span.start, BundleWarningKind::MalformedPem { label: s.label, reason: s.reason });
            }
            let start = block.span.start;
            if block.label != "CERTIFICATE" {
                bundle.warn(&lines, start, BundleWarningKind::NotACertificate { label: block.label });
                continue;
            }
            if !block.headers.is_empty() {
                bundle.warn(&lines, start, BundleWarningKind::CertificateWithHeaders);
                continue;
            }
            match Certificate::from_owned_der(block.contents.into_boxed_slice(), limits) {
                Ok(cert) => {
                    if seen.insert(ByDer(cert.clone())) {
                        bundle.certs.push(cert);
                    } else {
                        let fingerprint = cert.sha256_fingerprint_hex();
                        bundle.warn(&lines, start, BundleWarningKind::Duplicate { fingerprint });
                    }
                }
                Err(e) => bundle.warn(&lines, start, BundleWarningKind::Unparseable(e)),
            }
        }
        for s in skipped {
            bundle.warn(&lines, s.span.start, BundleWarningKind::MalformedPem { label: s.label, reason: s.reason });
        }
        if bundle.certs.is_empty() {
            return Err(BundleError::NoCertificates { warnings: bundle.warnings });
        }
        Ok(bundle)
    }

    /// A bundle of `certs` in order, later duplicates dropped. It carries no warnings.
    pub fn from_certificates(certs: impl IntoIterator<Item = Certificate>) -> Self {
        let mut seen = HashSet::new();
        let certs = certs.into_iter().filter(|c| seen.insert(c.sha256_fingerprint())).collect();
        CaBundle { certs, warnings: Vec::new() }
    }

    fn warn(&mut self, lines: &LineIndex<'_>, offset: usize, kind: BundleWarningKind) {
        self.warnings.push(BundleWarning { position: lines.position(offset), kind });
    }

    /// What loading skipped, in input order (empty for bundles built from certificates or derived
    /// from other bundles).
    pub fn warnings(&self) -> &[BundleWarning] {
        &self.warnings
    }

    /// Number of certificates.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether the bundle holds no certificate (only possible for built or derived bundles).
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// The certificates, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Certificate> {
        self.certs.iter()
    }

    /// The certificate at `index`.
    pub fn get(&self, index: usize) -> Option<&Certificate> {
        self.certs.get(index)
    }

    /// The certificates as a slice.
    pub fn as_slice(&self) -> &[Certificate] {
        &self.certs
    }

    /// Whether a certificate with the same SHA-256 fingerprint is in the bundle.
    pub fn contains(&self, cert: &Certificate) -> bool {
        let fp = cert.sha256_fingerprint();
        self.certs.iter().any(|c| c.sha256_fingerprint() == fp)
    }

    /// `self`'s certificates, then those of `other` not already present.
    ///
    /// This is how a repair must build the new trust: keep what the node trusted, add what the
    /// cluster now serves.
    pub fn union(&self, other: &CaBundle) -> CaBundle {
        CaBundle::from_certificates(self.certs.iter().chain(other.certs.iter()).cloned())
    }

    /// The certificates still valid or not yet valid at `at` (those with `notAfter < at` dropped).
    pub fn without_expired(&self, at: Timestamp) -> CaBundle {
        CaBundle::from_certificates(self.certs.iter().filter(|c| c.not_after() >= at).cloned())
    }

    /// What changes from `self` to `newer`.
    pub fn diff(&self, newer: &CaBundle) -> BundleDiff {
        let mut diff = BundleDiff::default();
        for cert in &self.certs {
            if newer.contains(cert) {
                diff.kept.push(cert.clone());
            } else {
                diff.removed.push(cert.clone());
            }
        }
        diff.added = newer.certs.iter().filter(|c| !self.contains(c)).cloned().collect();
        diff
    }

    /// Certificates whose raw subject equals `raw_subject` (e.g. a leaf's [`Certificate::raw_issuer`]).
    /// A re-keyed signer shares its subject with the old one, so there may be several.
    pub fn find_by_subject<'a>(&'a self, raw_subject: &'a [u8]) -> impl Iterator<Item = &'a Certificate> + 'a {
        self.certs.iter().filter(move |c| c.raw_subject() == raw_subject)
    }

    /// Certificates whose Subject Key Identifier equals `key_id` (e.g. a leaf's
    /// [`Certificate::authority_key_id`]).
    pub fn find_by_key_id<'a>(&'a self, key_id: &'a [u8]) -> impl Iterator<Item = &'a Certificate> + 'a {
        self.certs.iter().filter(move |c| c.subject_key_id() == Some(key_id))
    }

    /// The bundle as canonical PEM: one block per certificate, in order.
    pub fn to_pem(&self) -> String {
        self.certs.iter().map(Certificate::to_pem).collect()
    }
}

/// A bundle already loaded, taken as a served chain (leaf first) — only when its loading skipped
/// nothing: a lenient load that dropped a damaged leaf leaves the intermediate alone, which
/// verifies, so a bundle with warnings is refused rather than judged.
///
/// ```
/// use okd_trust::CaBundle;
/// use okd_trust::cert::{ChainError, ServedChain};
///
/// let text = okd_trust::examples::API_INT_SERVING_CHAIN;
/// let clean = CaBundle::from_pem(text.as_bytes())?;
/// assert_eq!(ServedChain::try_from(&clean)?.certificates.len(), 2);
/// let damaged = CaBundle::from_pem(text.replacen("MII", "M!I", 1).as_bytes())?;
/// assert_eq!(damaged.len(), 1, "the lenient load kept the intermediate alone");
/// assert!(matches!(ServedChain::try_from(&damaged), Err(ChainError::SkippedWhenLoaded { skipped: 1, .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl TryFrom<&CaBundle> for ServedChain {
    type Error = ChainError;

    fn try_from(bundle: &CaBundle) -> Result<Self, ChainError> {
        if let Some(first) = bundle.warnings().first() {
            return Err(ChainError::SkippedWhenLoaded { skipped: bundle.warnings().len(), first: first.to_string() });
        }
        if bundle.is_empty() {
            return Err(ChainError::NoCertificate);
        }
        Ok(ServedChain { certificates: bundle.as_slice().to_vec(), skipped: Vec::new() })
    }
}

impl<'a> IntoIterator for &'a CaBundle {
    type Item = &'a Certificate;
    type IntoIter = std::slice::Iter<'a, Certificate>;
    fn into_iter(self) -> Self::IntoIter {
        self.certs.iter()
    }
}

/// A certificate ordered by its DER, so a load finds duplicates without a SHA-256 of every
/// certificate: two different certificates usually differ within their first twenty bytes (the
/// serial number), and even a crafted bundle costs only O(n log n) comparisons.
struct ByDer(Certificate);

impl PartialEq for ByDer {
    fn eq(&self, other: &Self) -> bool {
        self.0.der() == other.0.der()
    }
}

impl Eq for ByDer {}

impl PartialOrd for ByDer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ByDer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.der().cmp(other.0.der())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn empty_input_is_no_certificates() {
        match CaBundle::from_pem(b"") {
            Err(BundleError::NoCertificates { warnings }) => assert!(warnings.is_empty()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn private_key_only_explains_itself() {
        let text = pem::encode("PRIVATE KEY", &[1, 2, 3]);
        let err = CaBundle::from_pem(text.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no certificates found in the PEM input (line 1, column 1: PRIVATE KEY block skipped)"
        );
    }
}
