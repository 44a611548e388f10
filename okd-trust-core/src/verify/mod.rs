//! Will this client trust that server? The verdict Go's `crypto/x509` would reach — the one
//! kubelet, `oc`, multus and every client-go program act on — and why.
//!
//! Profile [`Profile::Kubelet`] (the default) reproduces Go's `Certificate.Verify`: path building
//! over roots and intermediates, signature, validity, basic constraints, path length, extended key
//! usage, name constraints, and host name checks on SANs only. [`Profile::Strict`] adds the
//! RFC 5280 and CA/Browser Forum rules Go skips, for people who want to know whether a chain is
//! clean rather than only whether kubelet accepts it.
//!
//! ```
//! use okd_trust::verify::{self, VerifyOptions};
//! use okd_trust::{CaBundle, Timestamp, examples};
//!
//! let served = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
//! let leaf = served.get(0).unwrap();
//! let node_trusts = okd_trust::Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes())?
//!     .ca_bundle("local")?
//!     .unwrap();
//! let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
//! let options = VerifyOptions::new(&node_trusts, at).server_name("api-int.ocp.example.com");
//! let verdict = verify::verify(leaf, &options);
//! assert!(!verdict.is_trusted(), "the incident: the node trusts only the old signer");
//! println!("{verdict}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cache;
mod eku;
mod failure;
mod hostname;
mod name_constraints;
mod path;
mod policy;
mod signature;
mod strict;

use std::fmt;

use crate::cert::ExtendedKeyUsage;
use crate::{CaBundle, Certificate, Timestamp};

pub use cache::SignatureCache;
pub use failure::{Attempt, CertSummary, Failure, Untrusted};

/// Which rules decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// Exactly what Go's `crypto/x509` accepts: kubelet's verdict.
    #[default]
    Kubelet,
    /// Go's checks plus the RFC 5280 / CA-B Forum rules Go skips.
    Strict,
}

impl Profile {
    /// `kubelet` or `strict`, the names [`FromStr`](std::str::FromStr) reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Kubelet => "kubelet",
            Profile::Strict => "strict",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "kubelet" => Ok(Profile::Kubelet),
            "strict" => Ok(Profile::Strict),
            other => Err(format!("unknown profile {other:?}: expected kubelet or strict")),
        }
    }
}

/// Bounds on the work one verification may do, so hostile chains finish fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Candidate issuers considered (each costs a signature check) before giving up. Go allows 100.
    pub max_signature_checks: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { max_signature_checks: 100 }
    }
}

/// What to verify against.
#[derive(Debug, Clone)]
pub struct VerifyOptions<'a> {
    pub(crate) roots: &'a CaBundle,
    pub(crate) intermediates: &'a [Certificate],
    pub(crate) server_name: Option<&'a str>,
    pub(crate) at: Timestamp,
    pub(crate) usages: &'a [ExtendedKeyUsage],
    pub(crate) profile: Profile,
    pub(crate) budget: Budget,
    pub(crate) cache: Option<&'a SignatureCache>,
}

impl<'a> VerifyOptions<'a> {
    /// Trust `roots` at time `at`; no intermediates, no name check, usage serverAuth, profile kubelet.
    pub fn new(roots: &'a CaBundle, at: Timestamp) -> Self {
        VerifyOptions {
            roots,
            intermediates: &[],
            server_name: None,
            at,
            usages: &[],
            profile: Profile::default(),
            budget: Budget::default(),
            cache: None,
        }
    }

    /// Certificates the server sent after its leaf (any order, decoys welcome).
    pub fn intermediates(mut self, certificates: &'a [Certificate]) -> Self {
        self.intermediates = certificates;
        self
    }

    /// The name the client dials: a DNS name, or an IP address (optionally in `[brackets]`),
    /// matched against the leaf's SANs exactly as Go does.
    pub fn server_name(mut self, name: &'a str) -> Self {
        self.server_name = Some(name);
        self
    }

    /// The extended key usages the chain must allow (empty: serverAuth, as in Go).
    pub fn usages(mut self, usages: &'a [ExtendedKeyUsage]) -> Self {
        self.usages = usages;
        self
    }

    /// The rule set.
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// Work bounds.
    pub fn budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Reuse signature checks, and whole verdicts when every input is the same, across
    /// verifications (a fleet audit, a doctor run).
    pub fn cache(mut self, cache: &'a SignatureCache) -> Self {
        self.cache = Some(cache);
        self
    }
}

/// The answer: trusted along a chain, or untrusted with the reason.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Verdict {
    /// A chain from the leaf to a root in the bundle passed every check.
    Trusted {
        /// Leaf first, trust anchor last.
        chain: Vec<Certificate>,
    },
    /// No chain passed.
    Untrusted(Untrusted),
}

impl Verdict {
    /// Whether the client will trust the server.
    pub fn is_trusted(&self) -> bool {
        matches!(self, Verdict::Trusted { .. })
    }

    /// The chain found, when trusted.
    pub fn chain(&self) -> Option<&[Certificate]> {
        match self {
            Verdict::Trusted { chain } => Some(chain),
            Verdict::Untrusted(_) => None,
        }
    }

    /// The reason, when untrusted.
    pub fn reason(&self) -> Option<&Untrusted> {
        match self {
            Verdict::Trusted { .. } => None,
            Verdict::Untrusted(reason) => Some(reason),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Trusted { chain } => {
                writeln!(f, "trusted: a chain of {} certificate(s) verifies", chain.len())?;
                for (depth, cert) in chain.iter().enumerate() {
                    writeln!(f, "  {depth}: {}", CertSummary::new(cert, depth))?;
                }
                Ok(())
            }
            Verdict::Untrusted(reason) => write!(f, "{reason}"),
        }
    }
}

/// Whether `parent`'s key signed `child` and `parent` may sign certificates (Go's
/// `CheckSignatureFrom`): how the cluster analysis finds an issuer by signature, not by name.
pub(crate) fn signed_by(child: &Certificate, parent: &Certificate, cache: &SignatureCache) -> bool {
    cache.check(child, parent, || signature::check_signature_from(&signature::AwsLc, child, parent)).is_ok()
}

/// Decides whether a client holding `options.roots` trusts `leaf` (sent with `options.intermediates`).
pub fn verify(leaf: &Certificate, options: &VerifyOptions<'_>) -> Verdict {
    match options.cache {
        Some(cache) => cache.verdict(leaf, options, || path::verify(leaf, options)),
        None => path::verify(leaf, options),
    }
}
