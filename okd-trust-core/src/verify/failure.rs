//! Why a chain is not trusted, in the words of the check that failed.

use std::fmt;
use std::net::IpAddr;

use crate::cert::colon_hex;
use crate::{Certificate, Timestamp};

/// One certificate, as an operator identifies it: name, dates, fingerprint, place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CertSummary {
    /// Subject, RFC 4514.
    pub subject: String,
    /// SHA-256 fingerprint, colon-separated upper-case hex.
    pub sha256: String,
    /// Start of validity.
    pub not_before: Timestamp,
    /// End of validity.
    pub not_after: Timestamp,
    /// 0 for the leaf, 1 for its issuer, and so on.
    pub depth: usize,
}

impl CertSummary {
    /// Summarises `cert` at `depth` in a chain.
    pub fn new(cert: &Certificate, depth: usize) -> Self {
        CertSummary {
            subject: cert.subject(),
            sha256: colon_hex(&cert.sha256_fingerprint()),
            not_before: cert.not_before(),
            not_after: cert.not_after(),
            depth,
        }
    }

    /// The first and last bytes of the fingerprint, enough to tell two certificates apart by eye.
    pub fn short_fingerprint(&self) -> String {
        match (self.sha256.get(..11), self.sha256.get(self.sha256.len().saturating_sub(5)..)) {
            (Some(head), Some(tail)) => format!("{head}…{tail}"),
            _ => self.sha256.clone(),
        }
    }
}

impl fmt::Display for CertSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (notBefore {}, sha256 {})", self.subject, self.not_before, self.short_fingerprint())
    }
}

/// The check that failed. Each variant starts its message with the words Go uses, so the text
/// matches what appears in the kubelet log, then says what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// No chain reaches a certificate of the bundle.
    UnknownAuthority {
        /// The issuer name the certificate asks for.
        issuer: String,
        /// Bundle certificates with that very name whose key did not sign it (a rotated CA).
        same_name_in_bundle: Vec<CertSummary>,
        /// Certificates the server sent with that name (what actually signed it).
        same_name_presented: Vec<CertSummary>,
    },
    /// `at` is before `notBefore`.
    NotYetValid {
        /// Start of validity.
        not_before: Timestamp,
        /// The time checked.
        at: Timestamp,
    },
    /// `at` is after `notAfter`.
    Expired {
        /// End of validity.
        not_after: Timestamp,
        /// The time checked.
        at: Timestamp,
    },
    /// The name dialled is not among the leaf's SANs (the Common Name is never used).
    HostnameMismatch {
        /// The name dialled.
        name: String,
        /// DNS SANs of the leaf.
        dns_names: Vec<String>,
        /// IP SANs of the leaf.
        ip_addresses: Vec<IpAddr>,
    },
    /// The chain's extended key usages do not allow the requested usage.
    IncompatibleUsage {
        /// What was requested.
        wanted: Vec<String>,
    },
    /// Every chain built fails certificate-policy validation (an explicit policy required that
    /// no path of policies satisfies, or a mapping to or from anyPolicy), the others the usage.
    InvalidPolicies {
        /// Chains that failed the policy validation.
        chains: usize,
        /// Chains that passed it but not the extended key usage check.
        incompatible_usage: usize,
    },
    /// An intermediate lacks `basicConstraints` with `cA: TRUE`.
    NotAuthorizedToSign,
    /// The issuer may not sign certificates (v3 without basic constraints, `cA: FALSE`, or a key
    /// usage without keyCertSign).
    ParentCannotSign {
        /// Which of those.
        reason: &'static str,
    },
    /// More intermediates below this CA than its `pathLenConstraint` allows.
    TooManyIntermediates {
        /// The constraint.
        path_len: u32,
        /// Intermediates found below it.
        intermediates: usize,
    },
    /// A CA's name constraints forbid a name below it.
    NameConstraint {
        /// Go's explanation, e.g. `DNS name "x" is not permitted by any constraint`.
        detail: String,
    },
    /// A critical extension this client does not understand.
    UnhandledCriticalExtension {
        /// The extensions, by OID.
        oids: Vec<String>,
    },
    /// Signed with MD5 or SHA-1, which Go refuses.
    InsecureSignatureAlgorithm {
        /// The algorithm.
        algorithm: String,
    },
    /// A signature or key algorithm Go cannot verify (DSA, unknown OIDs).
    UnsupportedAlgorithm {
        /// The algorithm.
        algorithm: String,
    },
    /// The signature algorithm names one key type, the issuer has another.
    KeyAlgorithmMismatch {
        /// The signature algorithm.
        algorithm: String,
    },
    /// RSA issuer keys below 1024 bits are refused.
    RsaKeyTooSmall {
        /// The modulus size.
        bits: u32,
    },
    /// The issuer's key did not produce this signature.
    BadSignature,
    /// Path building gave up after this many candidate issuers.
    SignatureCheckLimit {
        /// The budget.
        limit: usize,
    },
    /// A rule of the `strict` profile (RFC 5280 / CA-B Forum) that Go does not enforce.
    Strict {
        /// The rule, e.g. `RFC 5280 4.2.1.1: authorityKeyIdentifier required`.
        rule: &'static str,
        /// What was found.
        detail: String,
    },
}

impl Failure {
    /// A stable kebab-case code for the check that failed, for scripts that branch on the reason.
    ///
    /// ```
    /// use okd_trust::verify::Failure;
    /// assert_eq!(Failure::BadSignature.code(), "bad-signature");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
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
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::UnknownAuthority { issuer, same_name_in_bundle, same_name_presented } => {
                write!(
                    f,
                    "x509: certificate signed by unknown authority: issued by {issuer}, which is not in the bundle"
                )?;
                if !same_name_in_bundle.is_empty() {
                    let held: Vec<String> = same_name_in_bundle.iter().map(ToString::to_string).collect();
                    write!(f, "; the bundle holds {}", held.join(" and "))?;
                    let signed: Vec<String> = same_name_presented.iter().map(ToString::to_string).collect();
                    if !signed.is_empty() {
                        write!(f, ", but the server presented {}", signed.join(" and "))?;
                    }
                    write!(
                        f,
                        " — same name, different key: the CA was rotated and the bundle still holds the old one"
                    )?;
                }
                Ok(())
            }
            Failure::NotYetValid { not_before, at } => {
                write!(f, "x509: certificate has expired or is not yet valid: current time {at} is before {not_before}")
            }
            Failure::Expired { not_after, at } => {
                write!(f, "x509: certificate has expired or is not yet valid: current time {at} is after {not_after}")
            }
            Failure::HostnameMismatch { name, dns_names, ip_addresses } => {
                let mut valid: Vec<String> = dns_names.clone();
                valid.extend(ip_addresses.iter().map(ToString::to_string));
                if valid.is_empty() {
                    write!(f, "x509: certificate is not valid for any names, but wanted to match {name}")
                } else {
                    write!(f, "x509: certificate is valid for {}, not {name}", valid.join(", "))
                }
            }
            Failure::IncompatibleUsage { wanted } => write!(
                f,
                "x509: certificate specifies an incompatible key usage: the chain does not allow {}",
                wanted.join(", ")
            ),
            Failure::InvalidPolicies { chains, incompatible_usage } => {
                f.write_str("x509: no valid chains built: ")?;
                if *incompatible_usage > 0 {
                    write!(f, "{incompatible_usage} candidate chains with incompatible key usage, ")?;
                }
                write!(f, "{chains} candidate chains with invalid policies")
            }
            Failure::NotAuthorizedToSign => write!(
                f,
                "x509: certificate is not authorized to sign other certificates (no basicConstraints cA:TRUE)"
            ),
            Failure::ParentCannotSign { reason } => {
                write!(f, "x509: invalid signature: parent certificate cannot sign this kind of certificate ({reason})")
            }
            Failure::TooManyIntermediates { path_len, intermediates } => write!(
                f,
                "x509: too many intermediates for path length constraint ({intermediates} below a CA limited to {path_len})"
            ),
            Failure::NameConstraint { detail } => {
                write!(f, "x509: a root or intermediate certificate is not authorized to sign for this name: {detail}")
            }
            Failure::UnhandledCriticalExtension { oids } => {
                write!(f, "x509: unhandled critical extension ({})", oids.join(", "))
            }
            Failure::InsecureSignatureAlgorithm { algorithm } => {
                write!(f, "x509: cannot verify signature: insecure algorithm {algorithm}")
            }
            Failure::UnsupportedAlgorithm { algorithm } => {
                write!(f, "x509: cannot verify signature: algorithm unimplemented ({algorithm})")
            }
            Failure::KeyAlgorithmMismatch { algorithm } => {
                write!(f, "x509: signature algorithm {algorithm} does not match the issuer's public key type")
            }
            Failure::RsaKeyTooSmall { bits } => {
                write!(f, "x509: cannot verify signature: {bits}-bit RSA keys are insecure (1024 at least)")
            }
            Failure::BadSignature => f.write_str("x509: signature does not verify with the issuer's public key"),
            Failure::SignatureCheckLimit { limit } => write!(
                f,
                "x509: signature check attempts limit reached while verifying certificate chain ({limit} candidates)"
            ),
            Failure::Strict { rule, detail } => write!(f, "{rule}: {detail}"),
        }
    }
}

/// One path tried while building chains, and why it was abandoned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// Leaf first; the last certificate is the candidate that failed.
    pub path: Vec<CertSummary>,
    /// Why the last certificate could not extend the path.
    pub failure: Failure,
}

/// Why no chain is trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Untrusted {
    /// The deciding failure (the one Go reports).
    pub failure: Failure,
    /// The certificate it is about.
    pub certificate: CertSummary,
    /// Every candidate path tried, when path building was reached.
    pub attempts: Vec<Attempt>,
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "untrusted: {}", self.failure)?;
        writeln!(f, "  about: {} at depth {}", self.certificate, self.certificate.depth)?;
        if !self.attempts.is_empty() {
            writeln!(f, "  paths tried:")?;
            for attempt in &self.attempts {
                let path: Vec<String> = attempt.path.iter().map(|c| c.subject.clone()).collect();
                writeln!(f, "    {}", path.join(" <- "))?;
                let last = attempt.path.last().map(CertSummary::short_fingerprint).unwrap_or_default();
                writeln!(f, "      {last}: {}", attempt.failure)?;
            }
        }
        Ok(())
    }
}
