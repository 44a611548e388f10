//! JSON views of the core's answers: small, stable, serializable shapes, kept out of the core.
//!
//! `okd-trust verify --format json` writes a [`VerdictView`]:
//!
//! ```json
//! {
//!   "trusted": false,
//!   "reason": {
//!     "failure": "x509: certificate signed by unknown authority: ...",
//!     "code": "unknown-authority",
//!     "certificate": {"subject": "...", "sha256": "AB:...", "not_before": "...", "not_after": "...", "depth": 0},
//!     "attempts": [{"path": [{"subject": "...", ...}], "failure": "...", "code": "..."}]
//!   },
//!   "chain": []
//! }
//! ```
//!
//! `reason` is `null` and `chain` lists the verified chain (leaf first, trust anchor last) when
//! trusted. Times are RFC 3339 in UTC; fingerprints are colon-separated upper-case hex.

use okd_trust::Certificate;
use okd_trust::cert::colon_hex;
use okd_trust::verify::{Attempt, CertSummary, Failure, Untrusted, Verdict};
use serde::Serialize;

/// A verdict as JSON.
#[derive(Debug, Serialize)]
pub(crate) struct VerdictView {
    /// Whether the client trusts the server.
    trusted: bool,
    /// Why not, when untrusted.
    reason: Option<ReasonView>,
    /// The verified chain, leaf first; empty when untrusted.
    chain: Vec<CertView>,
}

impl VerdictView {
    /// The view of `verdict`.
    pub(crate) fn new(verdict: &Verdict) -> Self {
        VerdictView {
            trusted: verdict.is_trusted(),
            reason: verdict.reason().map(ReasonView::new),
            chain: verdict.chain().unwrap_or_default().iter().map(CertView::new).collect(),
        }
    }
}

/// Why a chain is untrusted.
#[derive(Debug, Serialize)]
struct ReasonView {
    /// The deciding failure, in words (Go's wording first).
    failure: String,
    /// A stable kebab-case code for the failed check, see [`failure_code`].
    code: &'static str,
    /// The certificate the failure is about.
    certificate: SummaryView,
    /// Every candidate path tried.
    attempts: Vec<AttemptView>,
}

impl ReasonView {
    fn new(reason: &Untrusted) -> Self {
        ReasonView {
            failure: reason.failure.to_string(),
            code: failure_code(&reason.failure),
            certificate: SummaryView::new(&reason.certificate),
            attempts: reason.attempts.iter().map(AttemptView::new).collect(),
        }
    }
}

/// One candidate path and why it failed.
#[derive(Debug, Serialize)]
struct AttemptView {
    /// Leaf first; the last certificate is the one that could not extend the path.
    path: Vec<SummaryView>,
    /// Why, in words.
    failure: String,
    /// A stable kebab-case code for the failed check.
    code: &'static str,
}

impl AttemptView {
    fn new(attempt: &Attempt) -> Self {
        AttemptView {
            path: attempt.path.iter().map(SummaryView::new).collect(),
            failure: attempt.failure.to_string(),
            code: failure_code(&attempt.failure),
        }
    }
}

/// A certificate as a verdict names it.
#[derive(Debug, Serialize)]
struct SummaryView {
    subject: String,
    sha256: String,
    not_before: String,
    not_after: String,
    /// 0 for the leaf.
    depth: usize,
}

impl SummaryView {
    fn new(summary: &CertSummary) -> Self {
        SummaryView {
            subject: summary.subject.clone(),
            sha256: summary.sha256.clone(),
            not_before: summary.not_before.to_string(),
            not_after: summary.not_after.to_string(),
            depth: summary.depth,
        }
    }
}

/// A certificate of a verified chain.
#[derive(Debug, Serialize)]
pub(crate) struct CertView {
    subject: String,
    issuer: String,
    sha256: String,
    not_before: String,
    not_after: String,
}

impl CertView {
    /// The view of `cert`.
    pub(crate) fn new(cert: &Certificate) -> Self {
        CertView {
            subject: cert.subject(),
            issuer: cert.issuer(),
            sha256: colon_hex(&cert.sha256_fingerprint()),
            not_before: cert.not_before().to_string(),
            not_after: cert.not_after().to_string(),
        }
    }
}

/// A stable kebab-case code for each kind of failure, for scripts that branch on the reason.
pub(crate) fn failure_code(failure: &Failure) -> &'static str {
    match failure {
        Failure::UnknownAuthority { .. } => "unknown-authority",
        Failure::NotYetValid { .. } => "not-yet-valid",
        Failure::Expired { .. } => "expired",
        Failure::HostnameMismatch { .. } => "hostname-mismatch",
        Failure::IncompatibleUsage { .. } => "incompatible-usage",
        Failure::InvalidPolicies { .. } => "invalid-policies",
        Failure::NotAuthorizedToSign => "not-authorized-to-sign",
        Failure::ParentCannotSign { .. } => "parent-cannot-sign",
        Failure::TooManyIntermediates { .. } => "too-many-intermediates",
        Failure::NameConstraint { .. } => "name-constraint",
        Failure::UnhandledCriticalExtension { .. } => "unhandled-critical-extension",
        Failure::InsecureSignatureAlgorithm { .. } => "insecure-signature-algorithm",
        Failure::UnsupportedAlgorithm { .. } => "unsupported-algorithm",
        Failure::KeyAlgorithmMismatch { .. } => "key-algorithm-mismatch",
        Failure::RsaKeyTooSmall { .. } => "rsa-key-too-small",
        Failure::BadSignature => "bad-signature",
        Failure::SignatureCheckLimit { .. } => "signature-check-limit",
        Failure::Strict { .. } => "strict",
        // `Failure` is non-exhaustive: a check added to the core before this list learns its name.
        _ => "other",
    }
}
