//! Deterministic certificate fixtures for okd-trust's tests.
//!
//! Certificates are issued with [`rcgen`] from fixed keys committed under `keys/`, fixed serial
//! numbers and explicit validity, so a certificate signed by an RSA or Ed25519 key is byte-identical
//! on every run and nothing expires while tests run (tests pass their own `at`).
//!
//! The crate deliberately does not depend on `okd-trust`: fixtures are DER and PEM, which the
//! library under test parses itself — the same path real inputs take.
//!
//! ```
//! use okd_trust_testkit::{CertBuilder, Key, days};
//! let ca = CertBuilder::ca("demo-ca").key(Key::RsaA).validity(0, days(3650)).self_signed();
//! let leaf = CertBuilder::leaf("demo").key(Key::P256).dns("demo.example").validity(0, days(30)).signed_by(&ca);
//! assert!(leaf.pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! ```
#![forbid(unsafe_code)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod must_gather;
pub mod okd;

use std::net::IpAddr;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    SanType, SerialNumber,
};

pub use rcgen;

/// Seconds in `n` days.
pub const fn days(n: i64) -> i64 {
    n * 86_400
}

/// One of the committed test keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// RSA-2048 `keys/rsa2048-a.pem` (the original OKD lb signer).
    RsaA,
    /// RSA-2048 `keys/rsa2048-b.pem`.
    RsaB,
    /// RSA-2048 `keys/rsa2048-c.pem`.
    RsaC,
    /// RSA-2048 `keys/rsa2048-d.pem`.
    RsaD,
    /// RSA-2048 `keys/rsa2048-e.pem` (the rotated OKD lb signer).
    RsaE,
    /// RSA-4096 `keys/rsa4096.pem` (benchmarks of the larger RSA size).
    Rsa4096,
    /// ECDSA P-256 `keys/p256.pem`.
    P256,
    /// ECDSA P-384 `keys/p384.pem`.
    P384,
    /// Ed25519 `keys/ed25519.pem`.
    Ed25519,
}

impl Key {
    /// The key as PKCS#8 PEM.
    pub const fn pem(self) -> &'static str {
        match self {
            Key::RsaA => include_str!("../keys/rsa2048-a.pem"),
            Key::RsaB => include_str!("../keys/rsa2048-b.pem"),
            Key::RsaC => include_str!("../keys/rsa2048-c.pem"),
            Key::RsaD => include_str!("../keys/rsa2048-d.pem"),
            Key::RsaE => include_str!("../keys/rsa2048-e.pem"),
            Key::Rsa4096 => include_str!("../keys/rsa4096.pem"),
            Key::P256 => include_str!("../keys/p256.pem"),
            Key::P384 => include_str!("../keys/p384.pem"),
            Key::Ed25519 => include_str!("../keys/ed25519.pem"),
        }
    }

    /// The key loaded for signing (RSA keys sign with PKCS#1 v1.5 SHA-256).
    pub fn key_pair(self) -> KeyPair {
        KeyPair::from_pem(self.pem()).expect("committed test keys load")
    }
}

/// Builds one certificate: a CA or a leaf, with chosen names, validity, key and extensions.
#[derive(Debug, Clone)]
pub struct CertBuilder {
    params: CertificateParams,
    key: Key,
    /// Certify a newly generated P-256 key instead of `key` (scale tests need many keys).
    fresh: bool,
}

/// An issued certificate with its parameters and key, able to sign further certificates.
#[derive(Debug)]
pub struct Issued {
    /// The rcgen certificate.
    pub cert: rcgen::Certificate,
    /// The parameters it was issued from.
    pub params: CertificateParams,
    /// Which test key it certifies.
    pub key: Key,
    key_pair: KeyPair,
}

impl Issued {
    /// The certificate DER.
    pub fn der(&self) -> &[u8] {
        self.cert.der()
    }

    /// The certificate as PEM.
    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// An rcgen issuer for signing with this certificate's key.
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key_pair)
    }
}

impl CertBuilder {
    fn new(common_name: &str) -> Self {
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, common_name);
        params.serial_number = Some(SerialNumber::from_slice(&[0x01]));
        let mut builder = CertBuilder { params, key: Key::RsaA, fresh: false };
        builder = builder.validity(0, days(3650));
        builder
    }

    /// A CA: `CA:TRUE` without path length, key usage `keyCertSign, cRLSign, digitalSignature`,
    /// RSA key A, valid 1970 + 10 years unless changed.
    pub fn ca(common_name: &str) -> Self {
        let mut b = Self::new(common_name);
        b.params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        b.params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        b
    }

    /// A leaf: no Basic Constraints, key usage `digitalSignature, keyEncipherment`, P-256 key.
    pub fn leaf(common_name: &str) -> Self {
        let mut b = Self::new(common_name);
        b.key = Key::P256;
        b.params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        b
    }

    /// Puts an organizational unit before the common name in the DER, as OpenShift's signers
    /// have it (`OU=openshift, CN=...` in openssl's order; `CN=...,OU=openshift` in RFC 4514's).
    pub fn organizational_unit(mut self, ou: &str) -> Self {
        let mut name = rcgen::DistinguishedName::new();
        name.push(DnType::OrganizationalUnitName, ou);
        for (ty, value) in self.params.distinguished_name.iter() {
            name.push(ty.clone(), value.clone());
        }
        self.params.distinguished_name = name;
        self
    }

    /// Certify a newly generated ECDSA P-256 key (not reproducible: for scale measurements,
    /// where every certificate needs a key of its own).
    pub fn fresh_key(mut self) -> Self {
        self.fresh = true;
        self
    }

    fn key_pair(&self) -> KeyPair {
        if self.fresh { KeyPair::generate().expect("a fresh P-256 key") } else { self.key.key_pair() }
    }

    /// The key the certificate certifies.
    pub fn key(mut self, key: Key) -> Self {
        self.key = key;
        self
    }

    /// Validity from `not_before` to `not_after`, in Unix seconds.
    pub fn validity(mut self, not_before: i64, not_after: i64) -> Self {
        self.params.not_before = time::OffsetDateTime::from_unix_timestamp(not_before).expect("time in range");
        self.params.not_after = time::OffsetDateTime::from_unix_timestamp(not_after).expect("time in range");
        self
    }

    /// The serial number (big-endian bytes of the given value).
    pub fn serial(mut self, serial: u64) -> Self {
        let bytes = serial.to_be_bytes();
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(7);
        self.params.serial_number = Some(SerialNumber::from_slice(&bytes[first..]));
        self
    }

    /// Adds a DNS subject alternative name.
    pub fn dns(mut self, name: &str) -> Self {
        self.params.subject_alt_names.push(SanType::DnsName(name.try_into().expect("ASCII DNS name")));
        self
    }

    /// Adds an IP subject alternative name.
    pub fn ip(mut self, ip: IpAddr) -> Self {
        self.params.subject_alt_names.push(SanType::IpAddress(ip));
        self
    }

    /// Adds an email subject alternative name.
    pub fn email(mut self, email: &str) -> Self {
        self.params.subject_alt_names.push(SanType::Rfc822Name(email.try_into().expect("ASCII email")));
        self
    }

    /// Adds a URI subject alternative name.
    pub fn uri(mut self, uri: &str) -> Self {
        self.params.subject_alt_names.push(SanType::URI(uri.try_into().expect("ASCII URI")));
        self
    }

    /// Adds an extended key usage.
    pub fn eku(mut self, purpose: ExtendedKeyUsagePurpose) -> Self {
        self.params.extended_key_usages.push(purpose);
        self
    }

    /// Adds `serverAuth`.
    pub fn server_auth(self) -> Self {
        self.eku(ExtendedKeyUsagePurpose::ServerAuth)
    }

    /// Adds `clientAuth`.
    pub fn client_auth(self) -> Self {
        self.eku(ExtendedKeyUsagePurpose::ClientAuth)
    }

    /// Makes the certificate a CA with a path length constraint.
    pub fn path_len(mut self, n: u8) -> Self {
        self.params.is_ca = IsCa::Ca(BasicConstraints::Constrained(n));
        self
    }

    /// Sets Basic Constraints explicitly (`CA:FALSE` with `Some(false)`, absent with `None`).
    pub fn basic_constraints(mut self, ca: Option<bool>) -> Self {
        self.params.is_ca = match ca {
            None => IsCa::NoCa,
            Some(false) => IsCa::ExplicitNoCa,
            Some(true) => IsCa::Ca(BasicConstraints::Unconstrained),
        };
        self
    }

    /// Replaces the key usages.
    pub fn key_usages(mut self, usages: Vec<KeyUsagePurpose>) -> Self {
        self.params.key_usages = usages;
        self
    }

    /// Adds an extension the builder has no method for: `oid` as arcs, `value` the DER inside the
    /// extnValue OCTET STRING.
    pub fn extension(mut self, oid: &[u64], critical: bool, value: Vec<u8>) -> Self {
        let mut extension = rcgen::CustomExtension::from_oid_content(oid, value);
        extension.set_criticality(critical);
        self.params.custom_extensions.push(extension);
        self
    }

    /// Sets the Name Constraints extension.
    pub fn name_constraints(
        mut self,
        permitted: Vec<rcgen::GeneralSubtree>,
        excluded: Vec<rcgen::GeneralSubtree>,
    ) -> Self {
        self.params.name_constraints =
            Some(rcgen::NameConstraints { permitted_subtrees: permitted, excluded_subtrees: excluded });
        self
    }

    /// Whether to write an Authority Key Identifier (on by default for [`CertBuilder::signed_by`]).
    pub fn authority_key_id(mut self, on: bool) -> Self {
        self.params.use_authority_key_identifier_extension = on;
        self
    }

    /// Issues the certificate signed by its own key.
    pub fn self_signed(self) -> Issued {
        let key_pair = self.key_pair();
        let cert = self.params.self_signed(&key_pair).expect("self-signed certificate");
        Issued { cert, params: self.params, key: self.key, key_pair }
    }

    /// Issues the certificate signed by `issuer`, with an Authority Key Identifier.
    pub fn signed_by(mut self, issuer: &Issued) -> Issued {
        self.params.use_authority_key_identifier_extension = true;
        self.signed_by_as_is(issuer)
    }

    /// Issues the certificate signed by `issuer`, with the extensions exactly as configured.
    pub fn signed_by_as_is(self, issuer: &Issued) -> Issued {
        let key_pair = self.key_pair();
        let cert = self.params.signed_by(&key_pair, &issuer.issuer()).expect("issued certificate");
        Issued { cert, params: self.params, key: self.key, key_pair }
    }
}

/// Concatenates the PEM of `certs`.
pub fn pem_bundle(certs: &[&Issued]) -> String {
    certs.iter().map(|c| c.pem()).collect()
}
