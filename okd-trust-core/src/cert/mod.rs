//! X.509 certificates and the facts operators ask about them.
//!
//! A [`Certificate`] is parsed once from DER (x509-cert does the structural decoding) and then
//! answers questions cheaply: names, validity, SANs, key ids, constraints, algorithms and
//! fingerprints. It keeps the exact input bytes, and hands out the raw signed TBSCertificate, raw
//! names and raw key info sliced from them — Go verifies and compares those byte-for-byte, and
//! re-encoding would change some real certificates.
//!
//! Parsing mirrors what Go's `x509.ParseCertificate` refuses: malformed DER, trailing bytes,
//! inner and outer signature algorithms that differ, duplicate extensions, malformed values of
//! the extensions Go reads at parse time, negative serial numbers, and public keys of a known
//! algorithm that Go cannot load. It is lenient where Go is: serial numbers of any length,
//! an explicitly encoded `cA FALSE`, unknown critical extensions (the verifier rejects those).

mod algorithm;
mod chain;
mod constraints;
mod ext;
mod oid;
mod parse;
pub(crate) mod syntax;
mod tlv;

use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::digest;
use const_oid::ObjectIdentifier;
use der::Decode as _;

pub use algorithm::{EcCurve, HashAlgorithm, PublicKeyAlgorithm, SignatureAlgorithm};
pub use chain::{ChainError, ServedChain};
pub use constraints::{GeneralSubtrees, IpConstraint, NameConstraints};
pub use ext::{BasicConstraints, ExtendedKeyUsage, KeyUsage, UnknownExtendedKeyUsage};
pub use oid::{Oid, OidError};

use crate::pem::{self, PemError};
use crate::{Limits, Position, Timestamp};

/// Why bytes are not a certificate Go would accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    /// The DER is larger than `Limits::max_der_bytes`.
    #[error("certificate is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// DER size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes are not a DER-encoded X.509 certificate.
    #[error("malformed certificate DER{}: {message}", position.map(|p| format!(" at {p}")).unwrap_or_default())]
    Der {
        /// What the decoder objected to.
        message: String,
        /// Where, as a byte offset into the DER, when the decoder knows.
        position: Option<Position>,
    },
    /// The signature algorithm inside the signed part differs from the one outside it.
    #[error("inner and outer signature algorithm identifiers don't match")]
    SignatureAlgorithmMismatch,
    /// The serial number is negative (Go refuses these since Go 1.23).
    #[error("negative serial number")]
    NegativeSerialNumber,
    /// An extension appears twice.
    #[error("duplicate extension {oid}")]
    DuplicateExtension {
        /// The repeated extension's dotted OID.
        oid: String,
    },
    /// An extension Go reads at parse time is malformed.
    #[error("extension {oid}: {reason}")]
    MalformedExtension {
        /// The extension's dotted OID.
        oid: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The public key is of an algorithm Go knows but cannot load.
    #[error("public key: {reason}")]
    PublicKey {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// PEM input holds no `CERTIFICATE` block.
    #[error("no CERTIFICATE block in the PEM input")]
    NoCertificateBlock,
    /// The PEM input exceeds a budget.
    #[error(transparent)]
    Pem(#[from] PemError),
}

/// One certificate extension as it appears in the DER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    /// The extension's OID.
    pub oid: Oid,
    /// The `critical` flag.
    pub critical: bool,
    /// The contents of `extnValue` (the DER of the extension's own value).
    pub value: &'a [u8],
}

/// A parsed X.509 certificate. Cloning is cheap (the parsed form is shared).
///
/// ```
/// use okd_trust::{Certificate, Timestamp};
/// # let pem = rcgen::generate_simple_self_signed(vec!["api-int.example.com".into()]).unwrap().cert.pem();
/// let cert = Certificate::from_pem(pem.as_bytes())?;
/// assert!(cert.is_self_issued());
/// assert_eq!(cert.dns_names(), ["api-int.example.com"]);
/// let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z").unwrap();
/// assert!(cert.is_valid_at(at));
/// println!("{} expires {}", cert.subject(), cert.not_after());
/// # Ok::<(), okd_trust::cert::CertError>(())
/// ```
#[derive(Clone)]
pub struct Certificate(Arc<Inner>);

/// What [`Certificate::check`] learns from the DER.
struct Checked {
    layout: parse::Layout,
    public_key: PublicKeyAlgorithm,
    signature_algorithm: SignatureAlgorithm,
    facts: ext::Facts,
}

struct Inner {
    der: Box<[u8]>,
    layout: parse::Layout,
    public_key: PublicKeyAlgorithm,
    signature_algorithm: SignatureAlgorithm,
    facts: ext::Facts,
    /// Computed on first use: loading a bundle needs no digest (duplicates are found by
    /// comparing DER), and hashing every certificate was a sixth of a bundle load.
    sha256: OnceLock<[u8; 32]>,
    /// Computed on first use: only reports show it, and parsing is on every hot path.
    sha1: OnceLock<[u8; 20]>,
    /// [`Certificate::subject`], rendered on first use (reports name the same CAs again and again).
    subject: OnceLock<String>,
}

impl Certificate {
    /// Parses a DER certificate with the default [`Limits`].
    pub fn from_der(der: &[u8]) -> Result<Self, CertError> {
        Self::from_der_with_limits(der, &Limits::default())
    }

    /// Parses a DER certificate, refusing one larger than `limits.max_der_bytes`.
    pub fn from_der_with_limits(der: &[u8], limits: &Limits) -> Result<Self, CertError> {
        // Checked before the copy, so an oversized input is refused without being duplicated.
        if der.len() > limits.max_der_bytes {
            return Err(CertError::TooLarge { size: der.len(), limit: limits.max_der_bytes });
        }
        Self::from_owned_der(der.into(), limits)
    }

    /// [`Certificate::from_der_with_limits`] for DER the caller no longer needs (a decoded PEM
    /// block), which the certificate then keeps without a copy.
    pub(crate) fn from_owned_der(der: Box<[u8]>, limits: &Limits) -> Result<Self, CertError> {
        if der.len() > limits.max_der_bytes {
            return Err(CertError::TooLarge { size: der.len(), limit: limits.max_der_bytes });
        }
        let Checked { layout, public_key, signature_algorithm, facts } = Self::check(&der)?;
        Ok(Certificate(Arc::new(Inner {
            layout,
            public_key,
            signature_algorithm,
            facts,
            der,
            sha256: OnceLock::new(),
            sha1: OnceLock::new(),
            subject: OnceLock::new(),
        })))
    }

    /// Go's parse checks; on success, what the certificate keeps of them.
    fn check(der: &[u8]) -> Result<Checked, CertError> {
        let layout = parse::read(der)
            .map_err(|e| CertError::Der { message: e.message.to_owned(), position: e.offset.map(Position::at_byte) })?;
        if der[layout.inner_sig_alg.clone()] != der[layout.outer_sig_alg.clone()] {
            return Err(CertError::SignatureAlgorithmMismatch);
        }
        if der[layout.serial.clone()].first().is_some_and(|b| b & 0x80 != 0) {
            return Err(CertError::NegativeSerialNumber);
        }

        let sig_ai = algorithm::algorithm_id(&der[layout.outer_sig_alg.clone()]).ok_or_else(|| CertError::Der {
            message: "malformed signature algorithm".into(),
            position: Some(Position::at_byte(layout.outer_sig_alg.start)),
        })?;
        let signature_algorithm = algorithm::signature_algorithm(&sig_ai);
        let key_ai = algorithm::algorithm_id(&der[layout.spki_alg.clone()]).ok_or_else(|| CertError::Der {
            message: "malformed public key algorithm".into(),
            position: Some(Position::at_byte(layout.spki_alg.start)),
        })?;
        let public_key = algorithm::public_key_algorithm(&key_ai, &der[layout.public_key.clone()])
            .map_err(|reason| CertError::PublicKey { reason })?;

        let mut facts = ext::Facts::default();
        let mut seen: Vec<ObjectIdentifier> = Vec::with_capacity(layout.extensions.len());
        for e in &layout.extensions {
            if seen.contains(&e.oid) {
                return Err(CertError::DuplicateExtension { oid: e.oid.to_string() });
            }
            seen.push(e.oid);
            facts
                .absorb(&e.oid, e.critical, &der[e.value.clone()])
                .map_err(|reason| CertError::MalformedExtension { oid: e.oid.to_string(), reason })?;
        }

        Ok(Checked { layout, public_key, signature_algorithm, facts })
    }

    /// Parses the first `CERTIFICATE` block of PEM text (other blocks and text are ignored).
    ///
    /// Like Go's `AppendCertsFromPEM`, a `CERTIFICATE` block carrying headers is not a certificate.
    pub fn from_pem(input: &[u8]) -> Result<Self, CertError> {
        let limits = Limits::default();
        let blocks = pem::decode_all(input, &limits)?;
        let block = blocks
            .iter()
            .find(|b| b.label == "CERTIFICATE" && b.headers.is_empty())
            .ok_or(CertError::NoCertificateBlock)?;
        Self::from_der_with_limits(&block.contents, &limits)
    }

    /// The certificate exactly as it was parsed.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// The certificate as one canonical PEM block.
    pub fn to_pem(&self) -> String {
        pem::encode("CERTIFICATE", self.der())
    }

    /// The subject as an RFC 4514 string (most specific attribute first, e.g.
    /// `CN=kube-apiserver-lb-signer,OU=openshift`). Attributes without a known short name are
    /// written as `OID=#hex`.
    pub fn subject(&self) -> String {
        self.0.subject.get_or_init(|| name_string(self.raw_subject())).clone()
    }

    /// The issuer as an RFC 4514 string.
    pub fn issuer(&self) -> String {
        name_string(self.raw_issuer())
    }

    /// The DER of the subject Name, exactly as in the certificate (Go matches issuers to subjects
    /// on these bytes).
    pub fn raw_subject(&self) -> &[u8] {
        &self.0.der[self.0.layout.subject.clone()]
    }

    /// The DER of the issuer Name, exactly as in the certificate.
    pub fn raw_issuer(&self) -> &[u8] {
        &self.0.der[self.0.layout.issuer.clone()]
    }

    /// The serial number as lower-case hex of its magnitude (no sign octet, no separators).
    pub fn serial_hex(&self) -> String {
        let bytes = &self.0.der[self.0.layout.serial.clone()];
        let bytes = match bytes {
            [0, rest @ ..] if !rest.is_empty() => rest,
            all => all,
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Start of the validity period (inclusive).
    pub fn not_before(&self) -> Timestamp {
        self.0.layout.not_before
    }

    /// End of the validity period (inclusive).
    pub fn not_after(&self) -> Timestamp {
        self.0.layout.not_after
    }

    /// Seconds from `at` until `notAfter`; negative once expired.
    pub fn expires_in(&self, at: Timestamp) -> i64 {
        at.seconds_until(self.0.layout.not_after)
    }

    /// Whole days from `at` until `notAfter`, rounded toward zero (negative once expired by a
    /// day or more): the "days left" every report states.
    pub fn days_left(&self, at: Timestamp) -> i64 {
        at.days_until(self.0.layout.not_after)
    }

    /// Whether `at` is inside the validity period. Like Go, both bounds are inclusive: invalid when
    /// `at < notBefore` or `at > notAfter`.
    pub fn is_valid_at(&self, at: Timestamp) -> bool {
        self.0.layout.not_before <= at && at <= self.0.layout.not_after
    }

    /// DNS names from the Subject Alternative Name extension.
    pub fn dns_names(&self) -> &[String] {
        &self.0.facts.dns_names
    }

    /// IP addresses from the Subject Alternative Name extension.
    pub fn ip_addresses(&self) -> &[IpAddr] {
        &self.0.facts.ip_addresses
    }

    /// Email addresses (rfc822Name) from the Subject Alternative Name extension.
    pub fn email_addresses(&self) -> &[String] {
        &self.0.facts.email_addresses
    }

    /// URIs from the Subject Alternative Name extension.
    pub fn uris(&self) -> &[String] {
        &self.0.facts.uris
    }

    /// The Subject Key Identifier, if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.0.facts.subject_key_id.as_deref()
    }

    /// The `keyIdentifier` of the Authority Key Identifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.0.facts.authority_key_id.as_deref()
    }

    /// The Basic Constraints extension, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.0.facts.basic_constraints
    }

    /// Whether Basic Constraints say `CA:TRUE`.
    pub fn is_ca(&self) -> bool {
        self.0.facts.basic_constraints.is_some_and(|bc| bc.ca)
    }

    /// The Key Usage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.0.facts.key_usage
    }

    /// The Extended Key Usage purposes; `None` when the extension is absent (any purpose, for Go).
    pub fn extended_key_usage(&self) -> Option<&[ExtendedKeyUsage]> {
        self.0.facts.extended_key_usage.as_deref()
    }

    /// The public key's algorithm and size.
    pub fn public_key_algorithm(&self) -> &PublicKeyAlgorithm {
        &self.0.public_key
    }

    /// The public key's size in bits, when the algorithm is known.
    pub fn public_key_bits(&self) -> Option<u32> {
        self.0.public_key.bits()
    }

    /// The algorithm the issuer signed this certificate with.
    pub fn signature_algorithm(&self) -> &SignatureAlgorithm {
        &self.0.signature_algorithm
    }

    /// The DER of the SubjectPublicKeyInfo, exactly as in the certificate.
    pub fn spki_der(&self) -> &[u8] {
        &self.0.der[self.0.layout.spki.clone()]
    }

    /// The subject public key (the contents of the SPKI BIT STRING).
    pub fn public_key_bytes(&self) -> &[u8] {
        &self.0.der[self.0.layout.public_key.clone()]
    }

    /// The signature bytes (the contents of the outer BIT STRING).
    pub fn signature(&self) -> &[u8] {
        &self.0.der[self.0.layout.signature.clone()]
    }

    /// The signed TBSCertificate, sliced from the input DER (never re-encoded).
    pub fn tbs_der(&self) -> &[u8] {
        &self.0.der[self.0.layout.tbs.clone()]
    }

    /// All extensions in certificate order, as Go sees them: none for a v1 or v2 certificate
    /// (Go ignores an extensions block there).
    pub fn extensions(&self) -> impl Iterator<Item = Extension<'_>> + '_ {
        self.0.layout.extensions.iter().map(|e| Extension {
            oid: Oid::new(e.oid),
            critical: e.critical,
            value: &self.0.der[e.value.clone()],
        })
    }

    /// The first extension with `oid`, if any.
    ///
    /// ```
    /// use okd_trust::cert::Oid;
    /// # let pem = rcgen::generate_simple_self_signed(vec!["api-int.example.com".into()]).unwrap().cert.pem();
    /// let cert = okd_trust::Certificate::from_pem(pem.as_bytes())?;
    /// assert!(cert.extension(&Oid::SUBJECT_ALT_NAME).is_some());
    /// # Ok::<(), okd_trust::cert::CertError>(())
    /// ```
    pub fn extension(&self, oid: &Oid) -> Option<Extension<'_>> {
        self.extensions().find(|e| e.oid == *oid)
    }

    /// The X.509 version: 1, 2 or 3.
    pub fn version(&self) -> u8 {
        self.0.layout.version
    }

    /// Whether the certificate has a Subject Alternative Name extension (even one holding no
    /// name Go reads). Go applies name constraints only to certificates that have one.
    pub fn has_subject_alt_name(&self) -> bool {
        self.0.layout.extensions.iter().any(|e| e.oid == const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME)
    }

    /// The Name Constraints extension, if present.
    pub fn name_constraints(&self) -> Option<&NameConstraints> {
        self.0.facts.name_constraints.as_ref()
    }

    /// The certificate-policy extensions, for the verifier's policy validation.
    pub(crate) fn policies(&self) -> &ext::Policies {
        &self.0.facts.policies
    }

    /// Critical extensions Go does not handle, in certificate order (Go's
    /// `UnhandledCriticalExtensions`): unknown OIDs, Name Constraints with a subtree kind Go does
    /// not evaluate, and a Subject Alternative Name holding no DNS, email, IP or URI name. Go's
    /// verifier refuses a certificate in a chain with any.
    pub fn unhandled_critical_extensions(&self) -> &[Oid] {
        &self.0.facts.unhandled_critical
    }

    /// SHA-256 of the DER.
    pub fn sha256_fingerprint(&self) -> [u8; 32] {
        *self.0.sha256.get_or_init(|| {
            let mut sha256 = [0u8; 32];
            sha256.copy_from_slice(digest::digest(&digest::SHA256, self.der()).as_ref());
            sha256
        })
    }

    /// SHA-1 of the DER (for matching tools that still print it; not for security).
    pub fn sha1_fingerprint(&self) -> [u8; 20] {
        *self.0.sha1.get_or_init(|| {
            let mut sha1 = [0u8; 20];
            sha1.copy_from_slice(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, self.der()).as_ref());
            sha1
        })
    }

    /// The SHA-256 fingerprint as `AB:CD:…`, the way `openssl x509 -fingerprint -sha256` prints it.
    pub fn sha256_fingerprint_hex(&self) -> String {
        colon_hex(&self.sha256_fingerprint())
    }

    /// Whether subject and issuer are the same bytes (a root or a re-keyed signer).
    pub fn is_self_issued(&self) -> bool {
        self.raw_subject() == self.raw_issuer()
    }

    /// Whether the certificate looks self-signed: self-issued, and when both key ids are present
    /// they agree. This does not check the signature; proving it is the verifier's job.
    pub fn is_self_signed(&self) -> bool {
        self.is_self_issued()
            && match (self.subject_key_id(), self.authority_key_id()) {
                (Some(ski), Some(aki)) => ski == aki,
                _ => true,
            }
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject())
            .field("issuer", &self.issuer())
            .field("not_before", &self.not_before())
            .field("not_after", &self.not_after())
            .field("sha256", &self.sha256_fingerprint_hex())
            .finish()
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der() == other.der()
    }
}

impl Eq for Certificate {}

impl std::hash::Hash for Certificate {
    /// Hashes the SHA-256 fingerprint: equal DER hashes equal, as `Eq` requires, and no crafted
    /// set of certificates can collide in a hash table.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.sha256_fingerprint().hash(state);
    }
}

/// Formats bytes as upper-case hex pairs joined by colons.
///
/// ```
/// assert_eq!(okd_trust::cert::colon_hex(&[0xab, 0x01]), "AB:01");
/// ```
pub fn colon_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

/// A Name as RFC 4514 text, as x509-cert's formatter writes it; a Name it cannot decode (Go is
/// more lenient, e.g. about the order of a multi-valued RDN) is shown as `#` and its DER in hex.
fn name_string(der: &[u8]) -> String {
    let Ok(name) = x509_cert::name::Name::from_der(der) else {
        return format!("#{}", der.iter().map(|b| format!("{b:02x}")).collect::<String>());
    };
    // RFC 4514 writes the RDNs last first.
    let rdns: Vec<_> = name.iter_rdn().collect();
    let mut out = String::with_capacity(der.len());
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, attribute) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            match plain_common_attribute(attribute) {
                Some((key, value)) => {
                    out.push_str(key);
                    out.push('=');
                    out.push_str(value);
                }
                None => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{attribute}");
                }
            }
        }
    }
    out
}

/// `CN`, `OU`, `O`, `C`, `L` or `ST` with a string value that RFC 4514 writes as it is: nearly every
/// attribute of a cluster CA, written without x509-cert's lookup of the name in const-oid's whole
/// database (a linear search per attribute, and reports name the same CAs on every node). Anything
/// else goes through x509-cert's formatter, so the text is the same either way.
fn plain_common_attribute(attribute: &x509_cert::attr::AttributeTypeAndValue) -> Option<(&'static str, &str)> {
    const COMMON: [(ObjectIdentifier, &str); 6] = [
        (ObjectIdentifier::new_unwrap("2.5.4.3"), "CN"),
        (ObjectIdentifier::new_unwrap("2.5.4.11"), "OU"),
        (ObjectIdentifier::new_unwrap("2.5.4.10"), "O"),
        (ObjectIdentifier::new_unwrap("2.5.4.6"), "C"),
        (ObjectIdentifier::new_unwrap("2.5.4.7"), "L"),
        (ObjectIdentifier::new_unwrap("2.5.4.8"), "ST"),
    ];
    let key = COMMON.iter().find(|(oid, _)| *oid == attribute.oid)?.1;
    use der::Tagged as _;
    if !matches!(attribute.value.tag(), der::Tag::PrintableString | der::Tag::Utf8String) {
        return None;
    }
    let value = std::str::from_utf8(attribute.value.value()).ok()?;
    // Characters valid in a PrintableString that RFC 4514 never escapes; spaces only inside.
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | ':' | '/' | '(' | ')' | '=' | '?');
    let spaced = value.starts_with(' ') || value.ends_with(' ');
    (!value.is_empty() && !spaced && value.chars().all(plain)).then_some((key, value))
}
