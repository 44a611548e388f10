//! Object identifiers as this crate's own type: no dependency's type appears in the public API,
//! so the ASN.1 library can change without breaking callers.

use std::fmt;

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280;

/// An ASN.1 object identifier: an extension's, or a policy's. Shown in dotted-decimal form.
///
/// ```
/// use okd_trust::cert::Oid;
/// let san: Oid = "2.5.29.17".parse()?;
/// assert_eq!(san, Oid::SUBJECT_ALT_NAME);
/// assert_eq!(san.to_string(), "2.5.29.17");
/// assert!("2.5.29.x".parse::<Oid>().is_err());
/// # Ok::<(), okd_trust::cert::OidError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Oid(ObjectIdentifier);

impl Oid {
    /// Subject Alternative Name, 2.5.29.17.
    pub const SUBJECT_ALT_NAME: Oid = Oid(rfc5280::ID_CE_SUBJECT_ALT_NAME);
    /// Basic Constraints, 2.5.29.19.
    pub const BASIC_CONSTRAINTS: Oid = Oid(rfc5280::ID_CE_BASIC_CONSTRAINTS);
    /// Key Usage, 2.5.29.15.
    pub const KEY_USAGE: Oid = Oid(rfc5280::ID_CE_KEY_USAGE);
    /// Extended Key Usage, 2.5.29.37.
    pub const EXTENDED_KEY_USAGE: Oid = Oid(rfc5280::ID_CE_EXT_KEY_USAGE);
    /// Name Constraints, 2.5.29.30.
    pub const NAME_CONSTRAINTS: Oid = Oid(rfc5280::ID_CE_NAME_CONSTRAINTS);
    /// Policy Constraints, 2.5.29.36.
    pub const POLICY_CONSTRAINTS: Oid = Oid(rfc5280::ID_CE_POLICY_CONSTRAINTS);
    /// Subject Key Identifier, 2.5.29.14.
    pub const SUBJECT_KEY_IDENTIFIER: Oid = Oid(rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER);
    /// Authority Key Identifier, 2.5.29.35.
    pub const AUTHORITY_KEY_IDENTIFIER: Oid = Oid(rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER);

    /// Wraps the ASN.1 library's identifier; crate-private, so its type stays out of the API.
    pub(crate) const fn new(oid: ObjectIdentifier) -> Self {
        Oid(oid)
    }

    /// The DER contents octets (no tag, no length).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A string that is not a dotted-decimal object identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a dotted-decimal object identifier: {text:?}")]
#[non_exhaustive]
pub struct OidError {
    /// The string given.
    pub text: String,
}

impl std::str::FromStr for Oid {
    type Err = OidError;

    fn from_str(text: &str) -> Result<Self, OidError> {
        ObjectIdentifier::new(text).map(Oid).map_err(|_| OidError { text: text.to_owned() })
    }
}
