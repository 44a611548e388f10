//! Go's `Certificate.CheckSignatureFrom`: may the parent sign at all, is the algorithm one Go
//! accepts, and does the parent's key verify the child's signature over its raw TBS bytes.
//!
//! The cryptography sits behind [`SignatureBackend`] so the rules above stay independent of the
//! library that does the arithmetic; [`AwsLc`] is the one used. For the few schemes Go verifies
//! and aws-lc-rs refuses, it hands over to RustCrypto's pure-Rust `p224` and `rsa` (see
//! [`legacy`]).

use aws_lc_rs::signature::{self as sig, VerificationAlgorithm};

use super::Failure;
use crate::Certificate;
use crate::cert::{EcCurve, HashAlgorithm, KeyUsage, PublicKeyAlgorithm, SignatureAlgorithm};

/// A signature scheme with everything needed to pick the arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// RSA with the issuer key's modulus size, which decides the arithmetic that can check it.
    RsaPkcs1(HashAlgorithm, u32),
    RsaPss(HashAlgorithm, u32),
    Ecdsa(EcCurve, HashAlgorithm),
    Ed25519,
}

/// Verifies one signature. `public_key` is the subjectPublicKey BIT STRING content (PKCS#1
/// `RSAPublicKey`, an uncompressed EC point, or 32 Ed25519 bytes).
pub(crate) trait SignatureBackend {
    /// `None` when the backend cannot do this scheme at all.
    fn verify(&self, scheme: Scheme, public_key: &[u8], message: &[u8], signature: &[u8]) -> Option<bool>;
}

/// aws-lc-rs, with [`legacy`] for ECDSA on P-224 and RSA below 2048 bits with SHA-384 or PSS.
pub(crate) struct AwsLc;

impl SignatureBackend for AwsLc {
    fn verify(&self, scheme: Scheme, public_key: &[u8], message: &[u8], signature: &[u8]) -> Option<bool> {
        use EcCurve::{P256, P384, P521};
        use HashAlgorithm::{Sha256, Sha384, Sha512};
        // The RSA size floor is Go's (1024 bits, checked by the caller); pick the widest range
        // aws-lc-rs offers for each hash, and below it the legacy arithmetic.
        if let Some(verified) = legacy::verify(scheme, public_key, message, signature) {
            return Some(verified);
        }
        let algorithm: &'static dyn VerificationAlgorithm = match scheme {
            Scheme::RsaPkcs1(Sha256, _) => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
            Scheme::RsaPkcs1(Sha384, _) => &sig::RSA_PKCS1_2048_8192_SHA384,
            Scheme::RsaPkcs1(Sha512, _) => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
            Scheme::RsaPss(Sha256, _) => &sig::RSA_PSS_2048_8192_SHA256,
            Scheme::RsaPss(Sha384, _) => &sig::RSA_PSS_2048_8192_SHA384,
            Scheme::RsaPss(Sha512, _) => &sig::RSA_PSS_2048_8192_SHA512,
            Scheme::Ecdsa(P256, Sha256) => &sig::ECDSA_P256_SHA256_ASN1,
            Scheme::Ecdsa(P256, Sha384) => &sig::ECDSA_P256_SHA384_ASN1,
            Scheme::Ecdsa(P256, Sha512) => &sig::ECDSA_P256_SHA512_ASN1,
            Scheme::Ecdsa(P384, Sha256) => &sig::ECDSA_P384_SHA256_ASN1,
            Scheme::Ecdsa(P384, Sha384) => &sig::ECDSA_P384_SHA384_ASN1,
            Scheme::Ecdsa(P384, Sha512) => &sig::ECDSA_P384_SHA512_ASN1,
            Scheme::Ecdsa(P521, Sha256) => &sig::ECDSA_P521_SHA256_ASN1,
            Scheme::Ecdsa(P521, Sha384) => &sig::ECDSA_P521_SHA384_ASN1,
            Scheme::Ecdsa(P521, Sha512) => &sig::ECDSA_P521_SHA512_ASN1,
            Scheme::Ecdsa(EcCurve::P224, _) => return Some(false),
            Scheme::Ed25519 => &sig::ED25519,
        };
        Some(sig::UnparsedPublicKey::new(algorithm, public_key).verify(message, signature).is_ok())
    }
}

/// The schemes Go verifies for which aws-lc-rs offers no algorithm: ECDSA on P-224, and
/// RSA PKCS#1 v1.5 with SHA-384 or RSA-PSS on keys of fewer than 2048 bits (aws-lc-rs starts
/// those at 2048). Pure-Rust arithmetic from RustCrypto; everything passing through is public.
mod legacy {
    use p224::ecdsa::signature::hazmat::PrehashVerifier;
    use rsa::pkcs1::DecodeRsaPublicKey;
    use sha2::{Digest, Sha256, Sha384, Sha512};

    use super::Scheme;
    use crate::cert::{EcCurve, HashAlgorithm};

    /// `None` when the scheme and key are aws-lc-rs's to verify.
    pub(super) fn verify(scheme: Scheme, public_key: &[u8], message: &[u8], signature: &[u8]) -> Option<bool> {
        match scheme {
            Scheme::Ecdsa(EcCurve::P224, hash) => Some(p224(hash, public_key, message, signature)),
            Scheme::RsaPkcs1(HashAlgorithm::Sha384, bits) | Scheme::RsaPss(_, bits) if bits < 2048 => {
                let Ok(key) = rsa::RsaPublicKey::from_pkcs1_der(public_key) else { return Some(false) };
                Some(small_rsa(scheme, &key, message, signature))
            }
            _ => None,
        }
    }

    fn p224(hash: HashAlgorithm, public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
        let (Ok(key), Ok(signature)) =
            (p224::ecdsa::VerifyingKey::from_sec1_bytes(public_key), p224::ecdsa::Signature::from_der(signature))
        else {
            return false;
        };
        // A digest longer than the curve is cut to its leftmost 224 bits, as ECDSA says.
        let verified = match hash {
            HashAlgorithm::Sha256 => key.verify_prehash(&Sha256::digest(message), &signature),
            HashAlgorithm::Sha384 => key.verify_prehash(&Sha384::digest(message), &signature),
            HashAlgorithm::Sha512 => key.verify_prehash(&Sha512::digest(message), &signature),
        };
        verified.is_ok()
    }

    /// Go's salt length for PSS in certificates is the hash's length.
    fn small_rsa(scheme: Scheme, key: &rsa::RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
        let verified = match scheme {
            Scheme::RsaPkcs1(HashAlgorithm::Sha384, _) => {
                key.verify(rsa::Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(message), signature)
            }
            Scheme::RsaPss(HashAlgorithm::Sha256, _) => {
                key.verify(rsa::Pss::new::<Sha256>(), &Sha256::digest(message), signature)
            }
            Scheme::RsaPss(HashAlgorithm::Sha384, _) => {
                key.verify(rsa::Pss::new::<Sha384>(), &Sha384::digest(message), signature)
            }
            Scheme::RsaPss(HashAlgorithm::Sha512, _) => {
                key.verify(rsa::Pss::new::<Sha512>(), &Sha512::digest(message), signature)
            }
            _ => return false,
        };
        verified.is_ok()
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
    if let Scheme::RsaPkcs1(_, bits) | Scheme::RsaPss(_, bits) = scheme
        && bits < 1024
    {
        return Err(Failure::RsaKeyTooSmall { bits });
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
    let rsa_bits = match key {
        PublicKeyAlgorithm::Rsa { bits } => *bits,
        _ => 0,
    };
    let scheme = match algorithm {
        SignatureAlgorithm::Sha256WithRsa => Scheme::RsaPkcs1(Sha256, rsa_bits),
        SignatureAlgorithm::Sha384WithRsa => Scheme::RsaPkcs1(Sha384, rsa_bits),
        SignatureAlgorithm::Sha512WithRsa => Scheme::RsaPkcs1(Sha512, rsa_bits),
        SignatureAlgorithm::RsaPss(hash) => Scheme::RsaPss(*hash, rsa_bits),
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
        (Scheme::RsaPkcs1(..) | Scheme::RsaPss(..), PublicKeyAlgorithm::Rsa { .. }) => Ok(scheme),
        (Scheme::Ed25519, PublicKeyAlgorithm::Ed25519) => Ok(scheme),
        (_, PublicKeyAlgorithm::Other(oid)) => {
            Err(Failure::UnsupportedAlgorithm { algorithm: format!("issuer key {oid}") })
        }
        _ => Err(mismatch()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use p224::ecdsa::signature::hazmat::PrehashSigner;
    use sha2::{Digest, Sha384};

    use super::*;

    #[test]
    fn p224_ecdsa_verifies_as_go_does_with_the_digest_cut_to_the_curve() {
        let signing = p224::ecdsa::SigningKey::from_slice(&[7; 28]).unwrap();
        let public = signing.verifying_key().to_encoded_point(false);
        let message = b"tbsCertificate";
        let signature: p224::ecdsa::Signature = signing.sign_prehash(&Sha384::digest(message)).unwrap();
        let der = signature.to_der();
        let scheme = Scheme::Ecdsa(EcCurve::P224, HashAlgorithm::Sha384);
        assert_eq!(AwsLc.verify(scheme, public.as_bytes(), message, der.as_bytes()), Some(true));
        assert_eq!(AwsLc.verify(scheme, public.as_bytes(), b"another message", der.as_bytes()), Some(false));
        let sha256 = Scheme::Ecdsa(EcCurve::P224, HashAlgorithm::Sha256);
        assert_eq!(AwsLc.verify(sha256, public.as_bytes(), message, der.as_bytes()), Some(false));
    }

    #[test]
    fn large_rsa_keys_stay_with_aws_lc() {
        // 2048 bits and up: the legacy path declines and aws-lc-rs decides (here: no).
        assert_eq!(legacy::verify(Scheme::RsaPss(HashAlgorithm::Sha256, 2048), b"junk", b"m", b"s"), None);
        assert_eq!(AwsLc.verify(Scheme::RsaPss(HashAlgorithm::Sha256, 2048), b"junk", b"m", b"s"), Some(false));
        // Below: the legacy path decides, and a key it cannot read verifies nothing.
        assert_eq!(legacy::verify(Scheme::RsaPss(HashAlgorithm::Sha256, 1024), b"junk", b"m", b"s"), Some(false));
    }
}
