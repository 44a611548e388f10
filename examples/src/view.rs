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
use okd_trust::verify::{Attempt, CertSummary, Untrusted, Verdict};
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
    /// A stable kebab-case code for the failed check, see `Failure::code`.
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
            code: reason.failure.code(),
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
            code: attempt.failure.code(),
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
