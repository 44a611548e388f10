//! Public key and signature algorithms, named the way Go's `crypto/x509` names them.
//!
//! Classification follows Go's parser: a key of a known algorithm that Go cannot load (an RSA key
//! without NULL parameters, an EC point that is not uncompressed, an Ed25519 key of the wrong
//! size) makes the certificate unparseable; an unknown algorithm is fine until someone verifies
//! a signature with it.

use std::fmt;

use const_oid::ObjectIdentifier;

use super::tlv::{self, Reader};

/// The algorithm and size of a certificate's public key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PublicKeyAlgorithm {
    /// RSA, with the modulus size in bits.
    Rsa {
        /// Modulus size in bits.
        bits: u32,
    },
    /// ECDSA on a named curve.
    Ec {
        /// The curve.
        curve: EcCurve,
    },
    /// Ed25519.
    Ed25519,
    /// Any other algorithm, by dotted OID.
    Other(String),
}

impl PublicKeyAlgorithm {
    /// The key size in bits (the curve size for ECDSA, 256 for Ed25519); `None` when unknown.
    pub fn bits(&self) -> Option<u32> {
        match self {
            PublicKeyAlgorithm::Rsa { bits } => Some(*bits),
            PublicKeyAlgorithm::Ec { curve } => Some(curve.bits()),
            PublicKeyAlgorithm::Ed25519 => Some(256),
            PublicKeyAlgorithm::Other(_) => None,
        }
    }
}

impl fmt::Display for PublicKeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicKeyAlgorithm::Rsa { bits } => write!(f, "RSA-{bits}"),
            PublicKeyAlgorithm::Ec { curve } => write!(f, "ECDSA {curve}"),
            PublicKeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
            PublicKeyAlgorithm::Other(oid) => write!(f, "unknown key algorithm {oid}"),
        }
    }
}

/// The named curves Go supports for ECDSA keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EcCurve {
    /// NIST P-224 (secp224r1).
    P224,
    /// NIST P-256 (prime256v1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
}

impl EcCurve {
    /// The curve's size in bits.
    pub const fn bits(self) -> u32 {
        match self {
            EcCurve::P224 => 224,
            EcCurve::P256 => 256,
            EcCurve::P384 => 384,
            EcCurve::P521 => 521,
        }
    }

    fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        const CURVES: [(ObjectIdentifier, EcCurve); 4] = [
            (ObjectIdentifier::new_unwrap("1.3.132.0.33"), EcCurve::P224),
            (ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7"), EcCurve::P256),
            (ObjectIdentifier::new_unwrap("1.3.132.0.34"), EcCurve::P384),
            (ObjectIdentifier::new_unwrap("1.3.132.0.35"), EcCurve::P521),
        ];
        CURVES.iter().find(|(o, _)| o == oid).map(|(_, curve)| *curve)
    }
}

impl fmt::Display for EcCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P-{}", self.bits())
    }
}

/// A hash function named in a signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// The algorithm a certificate is signed with, as Go's `x509.SignatureAlgorithm` names it.
///
/// The weak ones (MD2, MD5, SHA-1) are named so the verifier can reject them with a precise reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// `md2WithRSAEncryption`.
    Md2WithRsa,
    /// `md5WithRSAEncryption`.
    Md5WithRsa,
    /// `sha1WithRSAEncryption`.
    Sha1WithRsa,
    /// `sha256WithRSAEncryption`.
    Sha256WithRsa,
    /// `sha384WithRSAEncryption`.
    Sha384WithRsa,
    /// `sha512WithRSAEncryption`.
    Sha512WithRsa,
    /// RSASSA-PSS whose parameters are one of the three profiles Go accepts (MGF1 with the same
    /// hash, salt length equal to the hash length, trailer field 1).
    RsaPss(HashAlgorithm),
    /// `dsa-with-sha1`.
    DsaWithSha1,
    /// `dsa-with-sha256`.
    DsaWithSha256,
    /// `ecdsa-with-SHA1`.
    EcdsaWithSha1,
    /// `ecdsa-with-SHA256`.
    EcdsaWithSha256,
    /// `ecdsa-with-SHA384`.
    EcdsaWithSha384,
    /// `ecdsa-with-SHA512`.
    EcdsaWithSha512,
    /// Ed25519 (parameters absent).
    Ed25519,
    /// Anything else — including RSASSA-PSS with other parameters — by dotted OID.
    Other(String),
}

impl SignatureAlgorithm {
    /// Whether the algorithm relies on MD2, MD5 or SHA-1, which Go refuses for certificate signatures.
    pub fn is_weak(&self) -> bool {
        matches!(
            self,
            SignatureAlgorithm::Md2WithRsa
                | SignatureAlgorithm::Md5WithRsa
                | SignatureAlgorithm::Sha1WithRsa
                | SignatureAlgorithm::DsaWithSha1
                | SignatureAlgorithm::EcdsaWithSha1
        )
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureAlgorithm::Md2WithRsa => f.write_str("MD2-RSA"),
            SignatureAlgorithm::Md5WithRsa => f.write_str("MD5-RSA"),
            SignatureAlgorithm::Sha1WithRsa => f.write_str("SHA1-RSA"),
            SignatureAlgorithm::Sha256WithRsa => f.write_str("SHA256-RSA"),
            SignatureAlgorithm::Sha384WithRsa => f.write_str("SHA384-RSA"),
            SignatureAlgorithm::Sha512WithRsa => f.write_str("SHA512-RSA"),
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha256) => f.write_str("SHA256-RSAPSS"),
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha384) => f.write_str("SHA384-RSAPSS"),
            SignatureAlgorithm::RsaPss(HashAlgorithm::Sha512) => f.write_str("SHA512-RSAPSS"),
            SignatureAlgorithm::DsaWithSha1 => f.write_str("DSA-SHA1"),
            SignatureAlgorithm::DsaWithSha256 => f.write_str("DSA-SHA256"),
            SignatureAlgorithm::EcdsaWithSha1 => f.write_str("ECDSA-SHA1"),
            SignatureAlgorithm::EcdsaWithSha256 => f.write_str("ECDSA-SHA256"),
            SignatureAlgorithm::EcdsaWithSha384 => f.write_str("ECDSA-SHA384"),
            SignatureAlgorithm::EcdsaWithSha512 => f.write_str("ECDSA-SHA512"),
            SignatureAlgorithm::Ed25519 => f.write_str("Ed25519"),
            SignatureAlgorithm::Other(oid) => write!(f, "unknown signature algorithm {oid}"),
        }
    }
}

// OIDs are compared as DER, never as text: rendering them was a tenth of a bundle load.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

/// Go's table of signature algorithms with fixed parameters (RSASSA-PSS and Ed25519 are judged
/// by their parameters, below).
const SIGNATURE_ALGORITHMS: [(ObjectIdentifier, SignatureAlgorithm); 13] = [
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.2"), SignatureAlgorithm::Md2WithRsa),
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4"), SignatureAlgorithm::Md5WithRsa),
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5"), SignatureAlgorithm::Sha1WithRsa),
    (ObjectIdentifier::new_unwrap("1.3.14.3.2.29"), SignatureAlgorithm::Sha1WithRsa),
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11"), SignatureAlgorithm::Sha256WithRsa),
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12"), SignatureAlgorithm::Sha384WithRsa),
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13"), SignatureAlgorithm::Sha512WithRsa),
    (ObjectIdentifier::new_unwrap("1.2.840.10040.4.3"), SignatureAlgorithm::DsaWithSha1),
    (ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.2"), SignatureAlgorithm::DsaWithSha256),
    (ObjectIdentifier::new_unwrap("1.2.840.10045.4.1"), SignatureAlgorithm::EcdsaWithSha1),
    (ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2"), SignatureAlgorithm::EcdsaWithSha256),
    (ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3"), SignatureAlgorithm::EcdsaWithSha384),
    (ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4"), SignatureAlgorithm::EcdsaWithSha512),
];

/// The PSS hashes Go accepts, each with the salt length it requires.
const PSS_HASHES: [(ObjectIdentifier, i64, HashAlgorithm); 3] = [
    (ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1"), 32, HashAlgorithm::Sha256),
    (ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2"), 48, HashAlgorithm::Sha384),
    (ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3"), 64, HashAlgorithm::Sha512),
];

/// An `AlgorithmIdentifier`: its OID and the full DER of its parameters, if any.
pub(crate) struct AlgorithmId<'a> {
    pub(crate) oid: ObjectIdentifier,
    pub(crate) params: Option<&'a [u8]>,
}

/// Reads `SEQUENCE { OID, ANY OPTIONAL }`.
pub(crate) fn algorithm_id(der: &[u8]) -> Option<AlgorithmId<'_>> {
    let mut outer = Reader::new(der);
    let seq = outer.expect(tlv::SEQUENCE)?;
    let mut r = Reader::inside(der, &seq);
    let oid = r.expect(tlv::OID)?;
    let oid = ObjectIdentifier::from_bytes(r.bytes(&oid)).ok()?;
    let params = match r.read() {
        Some(p) => Some(&der[p.whole]),
        None => None,
    };
    Some(AlgorithmId { oid, params })
}

/// Names a signature algorithm the way Go's `getSignatureAlgorithmFromAI` does.
pub(crate) fn signature_algorithm(ai: &AlgorithmId<'_>) -> SignatureAlgorithm {
    if let Some((_, known)) = SIGNATURE_ALGORITHMS.iter().find(|(o, _)| *o == ai.oid) {
        return known.clone();
    }
    // RFC 8410: the parameters MUST be absent; Go treats present ones as unknown.
    if ai.oid == ED25519 && ai.params.is_none() {
        return SignatureAlgorithm::Ed25519;
    }
    if ai.oid == RSASSA_PSS
        && let Some(hash) = ai.params.and_then(pss_hash)
    {
        return SignatureAlgorithm::RsaPss(hash);
    }
    SignatureAlgorithm::Other(ai.oid.to_string())
}

/// Go forces RSASSA-PSS parameters into three buckets: MGF1 with the message hash, salt length
/// equal to the hash length, trailer field 1, hash parameters absent or NULL.
fn pss_hash(params: &[u8]) -> Option<HashAlgorithm> {
    let mut outer = Reader::new(params);
    let seq = outer.expect(tlv::SEQUENCE)?;
    let mut r = Reader::inside(params, &seq);
    // [0] EXPLICIT hashAlgorithm (required by Go's struct tags).
    let hash_tag = r.expect(0xa0)?;
    let hash = algorithm_id(r.bytes(&hash_tag))?;
    // [1] EXPLICIT maskGenAlgorithm: id-mgf1 with the same hash.
    let mgf_tag = r.expect(0xa1)?;
    let mgf = algorithm_id(r.bytes(&mgf_tag))?;
    let mgf_hash = algorithm_id(mgf.params?)?;
    // [2] EXPLICIT saltLength.
    let salt_tag = r.expect(0xa2)?;
    let salt = integer_in(r.bytes(&salt_tag))?;
    // [3] EXPLICIT trailerField DEFAULT 1.
    let trailer = match r.read() {
        Some(t) if t.tag == 0xa3 => integer_in(r.bytes(&t))?,
        Some(_) => return None,
        None => 1,
    };
    let null_or_absent = |p: Option<&[u8]>| matches!(p, None | Some([0x05, 0x00]));
    if mgf.oid != MGF1
        || mgf_hash.oid != hash.oid
        || !null_or_absent(hash.params)
        || !null_or_absent(mgf_hash.params)
        || trailer != 1
    {
        return None;
    }
    PSS_HASHES.iter().find(|(o, len, _)| *o == hash.oid && *len == salt).map(|(_, _, hash)| *hash)
}

fn integer_in(explicit: &[u8]) -> Option<i64> {
    let mut r = Reader::new(explicit);
    let n = r.expect(tlv::INTEGER)?;
    tlv::integer_i64(r.bytes(&n))
}

/// Classifies a public key as Go's `parsePublicKey` would, failing where Go fails.
pub(crate) fn public_key_algorithm(ai: &AlgorithmId<'_>, key: &[u8]) -> Result<PublicKeyAlgorithm, &'static str> {
    match ai.oid {
        RSA_ENCRYPTION => {
            if ai.params != Some(&[0x05, 0x00]) {
                return Err("RSA key is missing its NULL parameters");
            }
            rsa_bits(key).map(|bits| PublicKeyAlgorithm::Rsa { bits })
        }
        EC_PUBLIC_KEY => {
            let params = ai.params.ok_or("ECDSA key has no curve parameters")?;
            let mut r = Reader::new(params);
            let curve = r.expect(tlv::OID).ok_or("ECDSA parameters are not a named curve")?;
            let curve = ObjectIdentifier::from_bytes(r.bytes(&curve)).map_err(|_| "ECDSA curve OID is malformed")?;
            let curve = EcCurve::from_oid(&curve).ok_or("unsupported elliptic curve")?;
            // Go accepts only uncompressed points (0x04 || X || Y). Whether the point lies on the
            // curve is checked when a signature is verified.
            let coordinate = curve.bits().div_ceil(8) as usize;
            if key.len() != 1 + 2 * coordinate || key.first() != Some(&0x04) {
                return Err("failed to unmarshal elliptic curve point");
            }
            // Go's parser also requires the point to be on the curve. aws-lc-rs' key-agreement
            // parser checks that once; its signature-key parser checked it twice (a tenth of
            // loading a bundle of EC roots).
            use aws_lc_rs::agreement;
            let curve_alg: Option<&'static agreement::Algorithm> = match curve {
                EcCurve::P224 => None,
                EcCurve::P256 => Some(&agreement::ECDH_P256),
                EcCurve::P384 => Some(&agreement::ECDH_P384),
                EcCurve::P521 => Some(&agreement::ECDH_P521),
            };
            if let Some(curve_alg) = curve_alg
                && agreement::ParsedPublicKey::try_from(&agreement::UnparsedPublicKey::new(curve_alg, key)).is_err()
            {
                return Err("failed to unmarshal elliptic curve point");
            }
            Ok(PublicKeyAlgorithm::Ec { curve })
        }
        ED25519 => {
            if ai.params.is_some() {
                return Err("Ed25519 key has parameters");
            }
            if key.len() != 32 {
                return Err("Ed25519 public key is not 32 bytes");
            }
            Ok(PublicKeyAlgorithm::Ed25519)
        }
        X25519 => {
            if ai.params.is_some() || key.len() != 32 {
                return Err("X25519 key encoded with illegal parameters or of the wrong size");
            }
            Ok(PublicKeyAlgorithm::Other(ai.oid.to_string()))
        }
        DSA => {
            dsa_check(ai.params, key)?;
            Ok(PublicKeyAlgorithm::Other(ai.oid.to_string()))
        }
        _ => Ok(PublicKeyAlgorithm::Other(ai.oid.to_string())),
    }
}

/// Go's DSA key reader: `y` an INTEGER, the parameters `SEQUENCE { p, q, g }`, all positive.
/// (Go loads DSA keys but never verifies with them; they are reported as
/// [`PublicKeyAlgorithm::Other`] here.)
fn dsa_check(params: Option<&[u8]>, key: &[u8]) -> Result<(), &'static str> {
    let positive = |n: &[u8]| tlv::integer_is_minimal(n) && n[0] & 0x80 == 0 && n.iter().any(|&b| b != 0);
    let mut r = Reader::new(key);
    let y = r.expect(tlv::INTEGER).ok_or("invalid DSA public key")?;
    let params = params.ok_or("invalid DSA parameters")?;
    let mut outer = Reader::new(params);
    let seq = outer.expect(tlv::SEQUENCE).ok_or("invalid DSA parameters")?;
    let mut p = Reader::inside(params, &seq);
    let mut values = vec![r.bytes(&y)];
    for _ in 0..3 {
        let n = p.expect(tlv::INTEGER).ok_or("invalid DSA parameters")?;
        values.push(p.bytes(&n));
    }
    if values.iter().all(|v| positive(v)) { Ok(()) } else { Err("zero or negative DSA parameter") }
}

/// `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`, both positive.
fn rsa_bits(key: &[u8]) -> Result<u32, &'static str> {
    const INVALID: &str = "RSA public key is malformed";
    let mut outer = Reader::new(key);
    let seq = outer.expect(tlv::SEQUENCE).ok_or(INVALID)?;
    if !outer.is_empty() {
        return Err(INVALID);
    }
    let mut r = Reader::inside(key, &seq);
    let n = r.expect(tlv::INTEGER).ok_or(INVALID)?;
    let e = r.expect(tlv::INTEGER).ok_or(INVALID)?;
    if !r.is_empty() {
        return Err(INVALID);
    }
    let (n, e) = (r.bytes(&n), r.bytes(&e));
    if !tlv::integer_is_minimal(n) || !tlv::integer_is_minimal(e) {
        return Err(INVALID);
    }
    if n[0] & 0x80 != 0 || n.iter().all(|&b| b == 0) {
        return Err("RSA modulus is not a positive number");
    }
    // Go reads the exponent into an int and requires it positive.
    match tlv::integer_i64(e) {
        Some(v) if v > 0 && v <= i64::from(i32::MAX) => {}
        _ => return Err("RSA public exponent is not a positive number"),
    }
    let magnitude = match n {
        [0, rest @ ..] => rest,
        all => all,
    };
    let first = magnitude.first().copied().unwrap_or(0);
    Ok((magnitude.len() as u32 - 1) * 8 + (8 - first.leading_zeros()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rsa_bits_counts_the_modulus() {
        // n = 0x00 0x80 0x01 (16 bits), e = 3
        assert_eq!(rsa_bits(&[0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x03]), Ok(16));
        assert!(rsa_bits(&[0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x03]).is_err());
    }

    #[test]
    fn ed25519_with_params_is_unknown() {
        let der = [0x30, 0x07, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x05, 0x00];
        let ai = algorithm_id(&der).unwrap();
        assert_eq!(signature_algorithm(&ai), SignatureAlgorithm::Other("1.3.101.112".into()));
    }
}
