//! The certificate extensions operators and Go's verifier read, parsed the way Go's
//! `crypto/x509` parses them at `ParseCertificate` time: a malformed value of one of these
//! extensions makes the whole certificate unparseable (and `CertPool.AppendCertsFromPEM` skips it).

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5280;

use super::Oid;
use super::constraints::{self, NameConstraints};
use super::syntax::{domain_name_valid, url_host};
use super::tlv::{self, ExtResult, Reader};

/// The Basic Constraints extension (RFC 5280 §4.2.1.9).
///
/// ```
/// use okd_trust::cert::BasicConstraints;
/// let bc = BasicConstraints { ca: true, path_len: Some(0) };
/// assert_eq!(bc.to_string(), "CA:TRUE, pathlen:0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BasicConstraints {
    /// `cA`: the key may sign certificates.
    pub ca: bool,
    /// `pathLenConstraint`: how many intermediate CAs may follow. Go reads it as an `int`; a
    /// negative value means "no limit" there and is `None` here, values above `u32::MAX` saturate.
    pub path_len: Option<u32>,
}

impl fmt::Display for BasicConstraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.ca { "CA:TRUE" } else { "CA:FALSE" })?;
        if let Some(n) = self.path_len {
            write!(f, ", pathlen:{n}")?;
        }
        Ok(())
    }
}

/// The Key Usage bits (RFC 5280 §4.2.1.3), numbered as in the RFC and in Go's `x509.KeyUsage`
/// (bit *n* of the extension is `1 << n`).
///
/// ```
/// use okd_trust::cert::KeyUsage;
/// let ku = KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN;
/// assert!(ku.contains(KeyUsage::KEY_CERT_SIGN));
/// assert!(!ku.contains(KeyUsage::DIGITAL_SIGNATURE));
/// assert_eq!(ku.to_string(), "keyCertSign, cRLSign");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeyUsage(u16);

impl KeyUsage {
    /// `digitalSignature` (bit 0).
    pub const DIGITAL_SIGNATURE: KeyUsage = KeyUsage(1 << 0);
    /// `nonRepudiation` / `contentCommitment` (bit 1).
    pub const CONTENT_COMMITMENT: KeyUsage = KeyUsage(1 << 1);
    /// `keyEncipherment` (bit 2).
    pub const KEY_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 2);
    /// `dataEncipherment` (bit 3).
    pub const DATA_ENCIPHERMENT: KeyUsage = KeyUsage(1 << 3);
    /// `keyAgreement` (bit 4).
    pub const KEY_AGREEMENT: KeyUsage = KeyUsage(1 << 4);
    /// `keyCertSign` (bit 5).
    pub const KEY_CERT_SIGN: KeyUsage = KeyUsage(1 << 5);
    /// `cRLSign` (bit 6).
    pub const CRL_SIGN: KeyUsage = KeyUsage(1 << 6);
    /// `encipherOnly` (bit 7).
    pub const ENCIPHER_ONLY: KeyUsage = KeyUsage(1 << 7);
    /// `decipherOnly` (bit 8).
    pub const DECIPHER_ONLY: KeyUsage = KeyUsage(1 << 8);

    const NAMES: [&'static str; 9] = [
        "digitalSignature",
        "contentCommitment",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];

    /// Builds a set from raw bits (bit *n* = `1 << n`); bits above 8 are dropped.
    pub const fn from_bits(bits: u16) -> Self {
        KeyUsage(bits & 0x1ff)
    }

    /// The raw bits.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: KeyUsage) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether no bit is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The RFC 5280 names of the bits set, lowest bit first.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES.into_iter().enumerate().filter(move |(i, _)| self.0 & (1 << i) != 0).map(|(_, n)| n)
    }
}

impl std::ops::BitOr for KeyUsage {
    type Output = KeyUsage;
    fn bitor(self, rhs: KeyUsage) -> KeyUsage {
        KeyUsage(self.0 | rhs.0)
    }
}

impl fmt::Display for KeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// One Extended Key Usage purpose (RFC 5280 §4.2.1.12), with the names Go's `x509.ExtKeyUsage` knows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExtendedKeyUsage {
    /// `anyExtendedKeyUsage` (2.5.29.37.0).
    Any,
    /// `id-kp-serverAuth`: TLS server — what kubelet requires of api-int.
    ServerAuth,
    /// `id-kp-clientAuth`: TLS client.
    ClientAuth,
    /// `id-kp-codeSigning`.
    CodeSigning,
    /// `id-kp-emailProtection`.
    EmailProtection,
    /// `id-kp-ipsecEndSystem`.
    IpsecEndSystem,
    /// `id-kp-ipsecTunnel`.
    IpsecTunnel,
    /// `id-kp-ipsecUser`.
    IpsecUser,
    /// `id-kp-timeStamping`.
    TimeStamping,
    /// `id-kp-OCSPSigning`.
    OcspSigning,
    /// Microsoft Server Gated Crypto (1.3.6.1.4.1.311.10.3.3).
    MicrosoftServerGatedCrypto,
    /// Netscape Server Gated Crypto (2.16.840.1.113730.4.1).
    NetscapeServerGatedCrypto,
    /// Microsoft commercial code signing (1.3.6.1.4.1.311.2.1.22).
    MicrosoftCommercialCodeSigning,
    /// Microsoft kernel code signing (1.3.6.1.4.1.311.61.1.1).
    MicrosoftKernelCodeSigning,
    /// Any other purpose, by dotted OID.
    Other(String),
}

const EKU_TABLE: [(&str, ExtendedKeyUsage); 14] = [
    ("2.5.29.37.0", ExtendedKeyUsage::Any),
    ("1.3.6.1.5.5.7.3.1", ExtendedKeyUsage::ServerAuth),
    ("1.3.6.1.5.5.7.3.2", ExtendedKeyUsage::ClientAuth),
    ("1.3.6.1.5.5.7.3.3", ExtendedKeyUsage::CodeSigning),
    ("1.3.6.1.5.5.7.3.4", ExtendedKeyUsage::EmailProtection),
    ("1.3.6.1.5.5.7.3.5", ExtendedKeyUsage::IpsecEndSystem),
    ("1.3.6.1.5.5.7.3.6", ExtendedKeyUsage::IpsecTunnel),
    ("1.3.6.1.5.5.7.3.7", ExtendedKeyUsage::IpsecUser),
    ("1.3.6.1.5.5.7.3.8", ExtendedKeyUsage::TimeStamping),
    ("1.3.6.1.5.5.7.3.9", ExtendedKeyUsage::OcspSigning),
    ("1.3.6.1.4.1.311.10.3.3", ExtendedKeyUsage::MicrosoftServerGatedCrypto),
    ("2.16.840.1.113730.4.1", ExtendedKeyUsage::NetscapeServerGatedCrypto),
    ("1.3.6.1.4.1.311.2.1.22", ExtendedKeyUsage::MicrosoftCommercialCodeSigning),
    ("1.3.6.1.4.1.311.61.1.1", ExtendedKeyUsage::MicrosoftKernelCodeSigning),
];

/// `EKU_TABLE`'s OIDs in DER form, made at compile time: certificates are matched without
/// rendering their OIDs as text.
const EKU_OIDS: [ObjectIdentifier; EKU_TABLE.len()] = {
    let mut out = [ObjectIdentifier::new_unwrap("2.5.29.37.0"); EKU_TABLE.len()];
    let mut i = 0;
    while i < out.len() {
        out[i] = ObjectIdentifier::new_unwrap(EKU_TABLE[i].0);
        i += 1;
    }
    out
};

impl ExtendedKeyUsage {
    /// The purpose a certificate's EKU OID names.
    fn from_der_oid(oid: &ObjectIdentifier) -> Self {
        match EKU_OIDS.iter().position(|known| known == oid) {
            Some(i) => EKU_TABLE[i].1.clone(),
            None => ExtendedKeyUsage::Other(oid.to_string()),
        }
    }

    /// The purpose named by a dotted OID.
    ///
    /// ```
    /// use okd_trust::cert::ExtendedKeyUsage;
    /// assert_eq!(ExtendedKeyUsage::from_oid("1.3.6.1.5.5.7.3.1"), ExtendedKeyUsage::ServerAuth);
    /// assert_eq!(ExtendedKeyUsage::ServerAuth.oid(), "1.3.6.1.5.5.7.3.1");
    /// ```
    pub fn from_oid(oid: &str) -> Self {
        EKU_TABLE
            .iter()
            .find(|(o, _)| *o == oid)
            .map_or_else(|| ExtendedKeyUsage::Other(oid.to_owned()), |(_, eku)| eku.clone())
    }

    /// The dotted OID of this purpose.
    pub fn oid(&self) -> &str {
        match self {
            ExtendedKeyUsage::Other(oid) => oid,
            known => EKU_TABLE.iter().find(|(_, e)| e == known).map_or("", |(o, _)| o),
        }
    }
}

/// An extended key usage that is neither a known name nor a dotted OID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown extended key usage {0:?}: use a name such as \"serverAuth\" or a dotted OID")]
pub struct UnknownExtendedKeyUsage(pub String);

impl std::str::FromStr for ExtendedKeyUsage {
    type Err = UnknownExtendedKeyUsage;

    /// A purpose by the name [`Display`](fmt::Display) writes (`serverAuth`, `clientAuth`,
    /// `anyExtendedKeyUsage` or `any`, `OCSPSigning`, ...) or by dotted OID.
    ///
    /// ```
    /// use okd_trust::cert::ExtendedKeyUsage;
    /// assert_eq!("clientAuth".parse(), Ok(ExtendedKeyUsage::ClientAuth));
    /// assert_eq!("1.3.6.1.5.5.7.3.1".parse(), Ok(ExtendedKeyUsage::ServerAuth));
    /// assert!("serverauth".parse::<ExtendedKeyUsage>().is_err());
    /// ```
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        if name == "any" {
            return Ok(ExtendedKeyUsage::Any);
        }
        if let Some((_, known)) = EKU_TABLE.iter().find(|(_, eku)| eku.to_string() == name) {
            return Ok(known.clone());
        }
        let dotted =
            name.contains('.') && name.split('.').all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()));
        if dotted { Ok(ExtendedKeyUsage::from_oid(name)) } else { Err(UnknownExtendedKeyUsage(name.to_owned())) }
    }
}

impl fmt::Display for ExtendedKeyUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ExtendedKeyUsage::Any => "anyExtendedKeyUsage",
            ExtendedKeyUsage::ServerAuth => "serverAuth",
            ExtendedKeyUsage::ClientAuth => "clientAuth",
            ExtendedKeyUsage::CodeSigning => "codeSigning",
            ExtendedKeyUsage::EmailProtection => "emailProtection",
            ExtendedKeyUsage::IpsecEndSystem => "ipsecEndSystem",
            ExtendedKeyUsage::IpsecTunnel => "ipsecTunnel",
            ExtendedKeyUsage::IpsecUser => "ipsecUser",
            ExtendedKeyUsage::TimeStamping => "timeStamping",
            ExtendedKeyUsage::OcspSigning => "OCSPSigning",
            ExtendedKeyUsage::MicrosoftServerGatedCrypto => "msSGC",
            ExtendedKeyUsage::NetscapeServerGatedCrypto => "nsSGC",
            ExtendedKeyUsage::MicrosoftCommercialCodeSigning => "msCodeCom",
            ExtendedKeyUsage::MicrosoftKernelCodeSigning => "msKernelCodeSigning",
            ExtendedKeyUsage::Other(oid) => oid,
        };
        f.write_str(name)
    }
}

/// The facts Go extracts from extensions at parse time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub(crate) basic_constraints: Option<BasicConstraints>,
    pub(crate) key_usage: Option<KeyUsage>,
    pub(crate) extended_key_usage: Option<Vec<ExtendedKeyUsage>>,
    pub(crate) dns_names: Vec<String>,
    pub(crate) email_addresses: Vec<String>,
    pub(crate) uris: Vec<String>,
    pub(crate) ip_addresses: Vec<IpAddr>,
    pub(crate) subject_key_id: Option<Vec<u8>>,
    pub(crate) authority_key_id: Option<Vec<u8>>,
    pub(crate) name_constraints: Option<NameConstraints>,
    pub(crate) policies: Policies,
    /// Critical extensions Go does not handle (`UnhandledCriticalExtensions`).
    pub(crate) unhandled_critical: Vec<Oid>,
}

/// The policy extensions, as Go keeps them for its policy validation. OIDs are the DER contents
/// of the OBJECT IDENTIFIER: Go compares policies byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Policies {
    /// certificatePolicies, in order; empty when the extension is absent.
    pub(crate) identifiers: Vec<Vec<u8>>,
    /// policyMappings: (issuerDomainPolicy, subjectDomainPolicy) pairs.
    pub(crate) mappings: Vec<(Vec<u8>, Vec<u8>)>,
    /// policyConstraints requireExplicitPolicy, as written (Go ignores a negative value).
    pub(crate) require_explicit: Option<i64>,
    /// policyConstraints inhibitPolicyMapping, as written.
    pub(crate) inhibit_mapping: Option<i64>,
    /// inhibitAnyPolicy SkipCerts, as written.
    pub(crate) inhibit_any: Option<i64>,
}

const ID_PE_AUTHORITY_INFO_ACCESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");

impl Facts {
    /// Reads one extension into the facts, like Go's `processExtensions`: a malformed value of an
    /// extension Go reads is an error whatever its criticality; an extension Go does not handle
    /// (unknown, a SAN without any name Go keeps, name constraints with a subtree kind Go does not
    /// evaluate) is recorded when critical.
    pub(crate) fn absorb(&mut self, oid: &ObjectIdentifier, critical: bool, value: &[u8]) -> ExtResult<()> {
        let mut unhandled = false;
        if *oid == rfc5280::ID_CE_BASIC_CONSTRAINTS {
            self.basic_constraints = Some(basic_constraints(value)?);
        } else if *oid == rfc5280::ID_CE_KEY_USAGE {
            self.key_usage = Some(key_usage(value)?);
        } else if *oid == rfc5280::ID_CE_EXT_KEY_USAGE {
            self.extended_key_usage = Some(extended_key_usage(value)?);
        } else if *oid == rfc5280::ID_CE_SUBJECT_ALT_NAME {
            unhandled = !self.subject_alt_names(value)?;
        } else if *oid == rfc5280::ID_CE_NAME_CONSTRAINTS {
            let nc = constraints::parse(value)?;
            unhandled = nc.unhandled;
            self.name_constraints = Some(nc);
        } else if *oid == rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER {
            if critical {
                return Err("subject key identifier incorrectly marked critical");
            }
            let mut r = Reader::new(value);
            let id = r.expect(tlv::OCTET_STRING).ok_or("invalid subject key identifier")?;
            self.subject_key_id = Some(r.bytes(&id).to_vec());
        } else if *oid == rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER {
            if critical {
                return Err("authority key identifier incorrectly marked critical");
            }
            self.authority_key_id = authority_key_id(value)?;
        } else if *oid == rfc5280::ID_CE_CRL_DISTRIBUTION_POINTS {
            crl_distribution_points(value)?;
        } else if *oid == rfc5280::ID_CE_CERTIFICATE_POLICIES {
            self.policies.identifiers = certificate_policies(value)?;
        } else if *oid == rfc5280::ID_CE_POLICY_MAPPINGS {
            // Go appends: a second policyMappings extension is refused earlier as a duplicate.
            self.policies.mappings = policy_mappings(value)?;
        } else if *oid == rfc5280::ID_CE_POLICY_CONSTRAINTS {
            (self.policies.require_explicit, self.policies.inhibit_mapping) = policy_constraints(value)?;
        } else if *oid == rfc5280::ID_CE_INHIBIT_ANY_POLICY {
            let mut r = Reader::new(value);
            let n = r.expect(tlv::INTEGER).ok_or("invalid inhibit any policy extension")?;
            self.policies.inhibit_any =
                Some(tlv::integer_i64(r.bytes(&n)).ok_or("invalid inhibit any policy extension")?);
        } else if *oid == ID_PE_AUTHORITY_INFO_ACCESS {
            if critical {
                return Err("authority info access incorrectly marked critical");
            }
            authority_info_access(value)?;
        } else {
            unhandled = true;
        }
        if critical && unhandled {
            self.unhandled_critical.push(Oid::new(*oid));
        }
        Ok(())
    }

    /// Go's `parseSANExtension`: only rfc822Name, dNSName, URI and iPAddress are read; the others
    /// are stepped over. Returns whether any of those four kinds was found.
    fn subject_alt_names(&mut self, value: &[u8]) -> ExtResult<bool> {
        const MALFORMED: &str = "invalid subject alternative names";
        let mut outer = Reader::new(value);
        let seq = outer.expect(tlv::SEQUENCE).ok_or(MALFORMED)?;
        let mut names = Reader::inside(value, &seq);
        let mut found = false;
        while !names.is_empty() {
            let name = names.read().ok_or("invalid subject alternative name")?;
            let data = names.bytes(&name);
            let ia5 = |malformed: &'static str| -> ExtResult<String> {
                if data.is_ascii() { Ok(String::from_utf8_lossy(data).into_owned()) } else { Err(malformed) }
            };
            match name.tag {
                0x81 => self.email_addresses.push(ia5("SAN rfc822Name is malformed")?),
                0x82 => self.dns_names.push(ia5("SAN dNSName is malformed")?),
                0x86 => {
                    let uri = ia5("SAN uniformResourceIdentifier is malformed")?;
                    let host = url_host(&uri).map_err(|_| "cannot parse URI")?;
                    if !host.is_empty() && !domain_name_valid(&host, false) {
                        return Err("cannot parse URI: invalid domain");
                    }
                    self.uris.push(uri);
                }
                0x87 => self.ip_addresses.push(match data.len() {
                    4 => IpAddr::V4(Ipv4Addr::new(data[0], data[1], data[2], data[3])),
                    // Go 1.26 keeps the 16 bytes as written, an IPv4-mapped address included:
                    // host names compare it equal to its IPv4 form, name constraints do not.
                    16 => {
                        let mut octets = [0u8; 16];
                        octets.copy_from_slice(data);
                        IpAddr::V6(Ipv6Addr::from(octets))
                    }
                    _ => return Err("cannot parse IP address (neither 4 nor 16 bytes)"),
                }),
                _ => continue,
            }
            found = true;
        }
        Ok(found)
    }
}

/// Go's `parseCRLDistributionPointsExtension`: the structure must be well formed; fullName URIs
/// are the only part read.
fn crl_distribution_points(value: &[u8]) -> ExtResult<()> {
    const INVALID: &str = "invalid CRL distribution points";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(INVALID)?;
    let mut r = Reader::inside(value, &seq);
    while !r.is_empty() {
        let dp = r.expect(tlv::SEQUENCE).ok_or(INVALID)?;
        let mut d = Reader::inside(value, &dp);
        if d.peek_tag() != Some(0xa0) {
            continue;
        }
        let name = d.read().ok_or(INVALID)?;
        let mut n = Reader::inside(value, &name);
        let full = n.expect(0xa0).ok_or(INVALID)?;
        let mut f = Reader::inside(value, &full);
        while f.peek_tag() == Some(0x86) {
            f.read().ok_or(INVALID)?;
        }
    }
    Ok(())
}

/// Go's `parseCertificatePoliciesExtension`: a SEQUENCE of `SEQUENCE { OID, ... }`, no OID twice.
fn certificate_policies(value: &[u8]) -> ExtResult<Vec<Vec<u8>>> {
    const INVALID: &str = "invalid certificate policies";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(INVALID)?;
    let mut r = Reader::inside(value, &seq);
    let mut seen: Vec<Vec<u8>> = Vec::new();
    while !r.is_empty() {
        let info = r.expect(tlv::SEQUENCE).ok_or(INVALID)?;
        let mut i = Reader::inside(value, &info);
        let oid = i.expect(tlv::OID).ok_or(INVALID)?;
        let oid = i.bytes(&oid);
        if seen.iter().any(|s| s == oid) || !oid_is_valid(oid) {
            return Err(INVALID);
        }
        seen.push(oid.to_vec());
    }
    Ok(seen)
}

/// Base-128 arcs, minimally encoded, the last one complete (Go's `newOIDFromDER`).
fn oid_is_valid(der: &[u8]) -> bool {
    let mut start = true;
    for &b in der {
        if start && b == 0x80 {
            return false;
        }
        start = b & 0x80 == 0;
    }
    !der.is_empty() && start
}

/// Go reads policy mappings as a SEQUENCE of `SEQUENCE { OID, OID }`.
fn policy_mappings(value: &[u8]) -> ExtResult<Vec<(Vec<u8>, Vec<u8>)>> {
    const INVALID: &str = "invalid policy mappings extension";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(INVALID)?;
    let mut r = Reader::inside(value, &seq);
    let mut mappings = Vec::new();
    while !r.is_empty() {
        let pair = r.expect(tlv::SEQUENCE).ok_or(INVALID)?;
        let mut p = Reader::inside(value, &pair);
        let issuer = p.expect(tlv::OID).ok_or(INVALID)?;
        let subject = p.expect(tlv::OID).ok_or(INVALID)?;
        mappings.push((p.bytes(&issuer).to_vec(), p.bytes(&subject).to_vec()));
    }
    Ok(mappings)
}

/// `SEQUENCE { requireExplicitPolicy [0] INTEGER OPTIONAL, inhibitPolicyMapping [1] INTEGER
/// OPTIONAL }`, each fitting Go's `int`.
fn policy_constraints(value: &[u8]) -> ExtResult<(Option<i64>, Option<i64>)> {
    const INVALID: &str = "invalid policy constraints extension";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(INVALID)?;
    let mut r = Reader::inside(value, &seq);
    let mut fields = [None, None];
    for (field, tag) in fields.iter_mut().zip([0x80, 0x81]) {
        if r.peek_tag() == Some(tag) {
            let n = r.read().ok_or(INVALID)?;
            *field = Some(tlv::integer_i64(r.bytes(&n)).ok_or(INVALID)?);
        }
    }
    Ok((fields[0], fields[1]))
}

/// Go's Authority Information Access reader: a SEQUENCE of `SEQUENCE { OID, GeneralName }`.
fn authority_info_access(value: &[u8]) -> ExtResult<()> {
    const INVALID: &str = "invalid authority info access";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(INVALID)?;
    let mut r = Reader::inside(value, &seq);
    while !r.is_empty() {
        let ad = r.expect(tlv::SEQUENCE).ok_or(INVALID)?;
        let mut a = Reader::inside(value, &ad);
        a.expect(tlv::OID).ok_or(INVALID)?;
        if a.peek_tag() == Some(0x86) {
            a.read().ok_or(INVALID)?;
        }
    }
    Ok(())
}

/// Go's `parseBasicConstraintsExtension`: an optional BOOLEAN then an optional INTEGER; an
/// explicitly encoded `FALSE` is accepted, as Go accepts it.
fn basic_constraints(value: &[u8]) -> ExtResult<BasicConstraints> {
    const MALFORMED: &str = "basic constraints are malformed";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(MALFORMED)?;
    let mut r = Reader::inside(value, &seq);
    let mut ca = false;
    if r.peek_tag() == Some(tlv::BOOLEAN) {
        let b = r.read().ok_or(MALFORMED)?;
        ca = match r.bytes(&b) {
            [0x00] => false,
            [0xff] => true,
            _ => return Err(MALFORMED),
        };
    }
    let mut path_len = None;
    if r.peek_tag() == Some(tlv::INTEGER) {
        let n = r.read().ok_or(MALFORMED)?;
        let n = tlv::integer_i64(r.bytes(&n)).ok_or(MALFORMED)?;
        path_len = u32::try_from(n).ok().or(if n > 0 { Some(u32::MAX) } else { None });
    }
    Ok(BasicConstraints { ca, path_len })
}

/// Go's `parseKeyUsageExtension`: a well-formed BIT STRING, bits 0..=8 read.
fn key_usage(value: &[u8]) -> ExtResult<KeyUsage> {
    let bits = bit_string(value).ok_or("key usage is not a valid BIT STRING")?;
    let mut usage = 0u16;
    for i in 0..9 {
        let byte = bits.get(i / 8).copied().unwrap_or(0);
        if byte & (0x80 >> (i % 8)) != 0 {
            usage |= 1 << i;
        }
    }
    Ok(KeyUsage(usage))
}

/// The bytes of a DER BIT STRING (the unused bits must be zero, as Go's cryptobyte requires).
pub(crate) fn bit_string(value: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader::new(value);
    let tlv = r.expect(tlv::BIT_STRING)?;
    let (&unused, bytes) = r.bytes(&tlv).split_first()?;
    if unused > 7 || (bytes.is_empty() && unused > 0) {
        return None;
    }
    if bytes.last().is_some_and(|&last| last & ((1u8 << unused) - 1) != 0) {
        return None;
    }
    Some(bytes.to_vec())
}

/// Go's `parseExtKeyUsageExtension`: a SEQUENCE of OIDs.
fn extended_key_usage(value: &[u8]) -> ExtResult<Vec<ExtendedKeyUsage>> {
    const MALFORMED: &str = "extended key usage is malformed";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(MALFORMED)?;
    let mut r = Reader::inside(value, &seq);
    let mut out = Vec::new();
    while !r.is_empty() {
        let oid = r.expect(tlv::OID).ok_or(MALFORMED)?;
        let oid = ObjectIdentifier::from_bytes(r.bytes(&oid)).map_err(|_| MALFORMED)?;
        out.push(ExtendedKeyUsage::from_der_oid(&oid));
    }
    Ok(out)
}

/// Go reads only the `[0] keyIdentifier` of the Authority Key Identifier.
fn authority_key_id(value: &[u8]) -> ExtResult<Option<Vec<u8>>> {
    const MALFORMED: &str = "authority key identifier is malformed";
    let mut outer = Reader::new(value);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(MALFORMED)?;
    let mut r = Reader::inside(value, &seq);
    if r.peek_tag() == Some(0x80) {
        let id = r.read().ok_or(MALFORMED)?;
        return Ok(Some(r.bytes(&id).to_vec()));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn basic_constraints_like_go() {
        // Explicit FALSE (not DER, accepted by Go) and a large path length.
        assert_eq!(
            basic_constraints(&[0x30, 0x03, 0x01, 0x01, 0x00]),
            Ok(BasicConstraints { ca: false, path_len: None })
        );
        assert_eq!(
            basic_constraints(&[0x30, 0x07, 0x01, 0x01, 0xff, 0x02, 0x02, 0x01, 0x2c]),
            Ok(BasicConstraints { ca: true, path_len: Some(300) })
        );
        assert_eq!(basic_constraints(&[0x30, 0x00]), Ok(BasicConstraints { ca: false, path_len: None }));
        assert!(basic_constraints(&[0x30, 0x03, 0x01, 0x01, 0x01]).is_err());
    }

    #[test]
    fn key_usage_bits_are_numbered_like_the_rfc() {
        // digitalSignature + keyEncipherment: 0b1010_0000, 5 unused bits.
        assert_eq!(key_usage(&[0x03, 0x02, 0x05, 0xa0]), Ok(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_ENCIPHERMENT));
        // decipherOnly lives in the second byte.
        assert_eq!(key_usage(&[0x03, 0x03, 0x07, 0x00, 0x80]), Ok(KeyUsage::DECIPHER_ONLY));
        // Non-zero unused bits are malformed.
        assert!(key_usage(&[0x03, 0x02, 0x05, 0xa1]).is_err());
    }

    #[test]
    fn san_ip_length_is_checked() {
        let mut facts = Facts::default();
        assert!(facts.subject_alt_names(&[0x30, 0x05, 0x87, 0x03, 1, 2, 3]).is_err());
        assert_eq!(facts.subject_alt_names(&[0x30, 0x06, 0x87, 0x04, 10, 0, 0, 1]), Ok(true));
        assert_eq!(facts.ip_addresses, [IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))]);
        let mut mapped = vec![0x30, 0x12, 0x87, 0x10];
        mapped.extend([0u8; 10]);
        mapped.extend([0xff, 0xff, 10, 0, 0, 1]);
        facts.ip_addresses.clear();
        assert_eq!(facts.subject_alt_names(&mapped), Ok(true), "an IPv4-mapped IPv6 SAN is kept, as Go 1.26 does");
        assert_eq!(facts.ip_addresses, [IpAddr::V6("::ffff:10.0.0.1".parse().unwrap())]);
    }

    #[test]
    fn san_kinds_go_ignores_make_it_unhandled() {
        let mut facts = Facts::default();
        // Only an otherName [0] (constructed) and a registeredID [8]: nothing Go keeps.
        let value = [0x30, 0x07, 0xa0, 0x02, 0x05, 0x00, 0x88, 0x01, 0x2a];
        assert_eq!(facts.subject_alt_names(&value), Ok(false));
        facts.absorb(&rfc5280::ID_CE_SUBJECT_ALT_NAME, true, &value).unwrap();
        assert_eq!(facts.unhandled_critical, [Oid::SUBJECT_ALT_NAME]);
        // A constructed [2] is not a dNSName.
        assert_eq!(facts.subject_alt_names(&[0x30, 0x04, 0xa2, 0x02, 0x05, 0x00]), Ok(false));
    }

    #[test]
    fn san_strings_must_be_ascii_and_uris_parse() {
        let mut facts = Facts::default();
        assert!(facts.subject_alt_names(&[0x30, 0x04, 0x82, 0x02, 0xf0, 0x9f]).is_err());
        let uri = |s: &str| {
            let mut v = vec![0x30, s.len() as u8 + 2, 0x86, s.len() as u8];
            v.extend(s.as_bytes());
            v
        };
        assert_eq!(Facts::default().subject_alt_names(&uri("spiffe://cluster.local/ns/x")), Ok(true));
        assert!(Facts::default().subject_alt_names(&uri("http://bad.example.com;DNS:test.localhost")).is_err());
        assert!(Facts::default().subject_alt_names(&uri("http://\x7f\x00\x00\x01/")).is_err());
        assert!(Facts::default().subject_alt_names(&uri("http://a..b/")).is_err());
    }

    #[test]
    fn key_identifiers_and_aia_must_not_be_critical() {
        let mut facts = Facts::default();
        let ski = [0x04, 0x02, 0x01, 0x02];
        assert!(facts.absorb(&rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER, true, &ski).is_err());
        assert!(facts.absorb(&rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER, false, &ski).is_ok());
        let aki = [0x30, 0x04, 0x80, 0x02, 0x01, 0x02];
        assert!(facts.absorb(&rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER, true, &aki).is_err());
        assert!(facts.absorb(&rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER, false, &aki).is_ok());
        // SEQUENCE { SEQUENCE { caIssuers, [6] "x" } }
        let aia =
            [0x30, 0x0f, 0x30, 0x0d, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02, 0x86, 0x01, b'x'];
        assert!(facts.absorb(&ID_PE_AUTHORITY_INFO_ACCESS, true, &aia).is_err());
        assert!(facts.absorb(&ID_PE_AUTHORITY_INFO_ACCESS, false, &aia).is_ok());
        assert!(facts.absorb(&ID_PE_AUTHORITY_INFO_ACCESS, false, &[0x30, 0x02, 0x05, 0x00]).is_err(), "malformed");
        assert!(facts.unhandled_critical.is_empty());
    }

    #[test]
    fn policies_like_go() {
        let mut facts = Facts::default();
        // Two policies with the same OID 2.5.29.32.0.
        let dup = [0x30, 0x0e, 0x30, 0x05, 0x06, 0x03, 0x55, 0x1d, 0x20, 0x30, 0x05, 0x06, 0x03, 0x55, 0x1d, 0x20];
        assert!(facts.absorb(&rfc5280::ID_CE_CERTIFICATE_POLICIES, false, &dup).is_err());
        let one = [0x30, 0x07, 0x30, 0x05, 0x06, 0x03, 0x55, 0x1d, 0x20];
        assert!(facts.absorb(&rfc5280::ID_CE_CERTIFICATE_POLICIES, false, &one).is_ok());
        assert!(facts.absorb(&rfc5280::ID_CE_POLICY_CONSTRAINTS, true, &[0x30, 0x03, 0x80, 0x01, 0x00]).is_ok());
        assert!(facts.absorb(&rfc5280::ID_CE_POLICY_CONSTRAINTS, false, &[0x30, 0x03, 0x80, 0x00]).is_err());
        assert!(facts.unhandled_critical.is_empty());
        let unknown = ObjectIdentifier::new_unwrap("1.2.3.4");
        facts.absorb(&unknown, false, &[0x05, 0x00]).unwrap();
        assert!(facts.unhandled_critical.is_empty());
        facts.absorb(&unknown, true, &[0x05, 0x00]).unwrap();
        assert_eq!(facts.unhandled_critical, [Oid::new(unknown)]);
    }
}
