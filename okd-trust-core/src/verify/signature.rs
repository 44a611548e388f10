//! Go's `Certificate.CheckSignatureFrom`: may the parent sign at all, is the algorithm one Go
//! accepts, and does the parent's key verify the child's signature over its raw TBS bytes.
//!
//! The cryptography sits behind [`SignatureBackend`] so the rules above stay independent of the
//! library that does the arithmetic; [`AwsLc`] is the one used.

use aws_lc_rs::signature::{self as sig, VerificationAlgorithm};

use super::Failure;
use crate::Certificate;
use crate::cert::{EcCurve, HashAlgorithm, KeyUsage, PublicKeyAlgorithm, SignatureAlgorithm};

/// A signature scheme with everything needed to pick the arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    RsaPkcs1(HashAlgorithm),
    RsaPss(HashAlgorithm),
    Ecdsa(EcCurve, HashAlgorithm),
    Ed25519,
}

/// Verifies one signature. `public_key` is the subjectPublicKey BIT STRING content (PKCS#1
/// `RSAPublicKey`, an uncompressed EC point, or 32 Ed25519 bytes).
pub(crate) trait SignatureBackend {
    /// `None` when the backend cannot do this scheme at all.
    fn verify(&self, scheme: Scheme, public_key: &[u8], message: &[u8], signature: &[u8]) -> Option<bool>;
}

/// aws-lc-rs: every scheme Go accepts for certificates except ECDSA on P-224.
pub(crate) struct AwsLc;

impl SignatureBackend for AwsLc {
    fn verify(&self, scheme: Scheme, public_key: &[u8], message: &[u8], signature: &[u8]) -> Option<bool> {
        use EcCurve::{P256, P384, P521};
        use HashAlgorithm::{Sha256, Sha384, Sha512};
        // The RSA size floor is Go's (1024 bits, checked by the caller); pick the widest range
        // aws-lc-rs offers for each hash.
        let algorithm: &'static dyn VerificationAlgorithm = match scheme {
            Scheme::RsaPkcs1(Sha256) => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            Scheme::RsaPkcs1(Sha384) => &sig::RSA_PKCS1_2048_8192_SHA384,
            Scheme::RsaPkcs1(Sha512) => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
            Scheme::RsaPss(Sha256) => &sig::RSA_PSS_2048_8192_SHA256,
            Scheme::RsaPss(Sha384) => &sig::RSA_PSS_2048_8192_SHA384,
            Scheme::RsaPss(Sha512) => &sig::RSA_PSS_2048_8192_SHA512,
            Scheme::Ecdsa(P256, Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
            Scheme::Ecdsa(P256, Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
            Scheme::Ecdsa(P256, Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
            Scheme::Ecdsa(P384, Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
            Scheme::Ecdsa(P384, Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
            Scheme::Ecdsa(P384, Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
            Scheme::Ecdsa(P521, Sha256) => &sig::ECDSA_P521_SHA256_ASN1,
            Scheme::Ecdsa(P521, Sha384) => &sig::ECDSA_P521_SHA384_ASN1,
            Scheme::Ecdsa(P521, Sha512) => &sig::ECDSA_P521_SHA512_ASN1,
            Scheme::Ecdsa(EcCurve::P224, _) => return None,
            Scheme::Ed25519 => &sig::ED25519,
        };
        Some(sig::UnparsedPublicKey::new(algorithm, public_key).verify(message, signature).is_ok())
    }
}

/// Go's `CheckSignatureFrom(child ← parent)`.
pub(crate) fn check_signature_from(
    backend: &dyn SignatureBackend,
    child: &Certificate,
    parent: &Certificate,
) -> Result<(), Failure> {
    // RFC 5280 4.2.1.9, as Go applies it: a v3 issuer needs basicConstraints; cA:FALSE never signs.
    match parent.basic_constraints() {
        None if parent.version() >= 3 => {
            return Err(Failure::ParentCannotSign {
                reason: "the issuer is a v3 certificate without basicConstraints",
            });
        }
        Some(bc) if !bc.ca => {
            return Err(Failure::ParentCannotSign { reason: "the issuer has basicConstraints cA:FALSE" });
        }
        _ => {}
    }
    // An empty key-usage bit string counts as no key usage at all, as in Go.
    if let Some(usage) = parent.key_usage()
        && usage != KeyUsage::default()
        && !usage.contains(KeyUsage::KEY_CERT_SIGN)
    {
        return Err(Failure::ParentCannotSign { reason: "the issuer's keyUsage lacks keyCertSign" });
    }
    let algorithm = child.signature_algorithm();
    let scheme = scheme_for(algorithm, parent.public_key_algorithm())?;
    if let (Scheme::RsaPkcs1(_) | Scheme::RsaPss(_), PublicKeyAlgorithm::Rsa { bits }) =
        (scheme, parent.public_key_algorithm())
        && *bits < 1024
    {
        return Err(Failure::RsaKeyTooSmall { bits: *bits });
    }
    match backend.verify(scheme, parent.public_key_bytes(), child.tbs_der(), child.signature()) {
        Some(true) => Ok(()),
        Some(false) => Err(Failure::BadSignature),
        None => Err(Failure::UnsupportedAlgorithm { algorithm: algorithm.to_string() }),
    }
}

/// The scheme for a signature algorithm and an issuer key, or why there is none.
fn scheme_for(algorithm: &SignatureAlgorithm, key: &PublicKeyAlgorithm) -> Result<Scheme, Failure> {
    use HashAlgorithm::{Sha256, Sha384, Sha512};
    if algorithm.is_weak() {
        return Err(Failure::InsecureSignatureAlgorithm { algorithm: algorithm.to_string() });
    }
    let mismatch = || Failure::KeyAlgorithmMismatch { algorithm: algorithm.to_string() };
    let scheme = match algorithm {
        SignatureAlgorithm::Sha256WithRsa => Scheme::RsaPkcs1(Sha256),
        SignatureAlgorithm::Sha384WithRsa => Scheme::RsaPkcs1(Sha384),
        SignatureAlgorithm::Sha512WithRsa => Scheme::RsaPkcs1(Sha512),
        SignatureAlgorithm::RsaPss(hash) => Scheme::RsaPss(*hash),
        SignatureAlgorithm::EcdsaWithSha256
        | SignatureAlgorithm::EcdsaWithSha384
        | SignatureAlgorithm::EcdsaWithSha512 => {
            let PublicKeyAlgorithm::Ec { curve } = key else { return Err(mismatch()) };
            let hash = match algorithm {
                SignatureAlgorithm::EcdsaWithSha256 => Sha256,
                SignatureAlgorithm::EcdsaWithSha384 => Sha384,
                _ => Sha512,
            };
            return Ok(Scheme::Ecdsa(*curve, hash));
        }
        SignatureAlgorithm::Ed25519 => Scheme::Ed25519,
        other => return Err(Failure::UnsupportedAlgorithm { algorithm: other.to_string() }),
    };
    match (scheme, key) {
        (Scheme::RsaPkcs1(_) | Scheme::RsaPss(_), PublicKeyAlgorithm::Rsa { .. }) => Ok(scheme),
        (Scheme::Ed25519, PublicKeyAlgorithm::Ed25519) => Ok(scheme),
        (_, PublicKeyAlgorithm::Other(oid)) => {
            Err(Failure::UnsupportedAlgorithm { algorithm: format!("issuer key {oid}") })
        }
        _ => Err(mismatch()),
    }
}
