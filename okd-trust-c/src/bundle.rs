//! CA bundles, served chains (read strictly, into the same handle) and the facts about their
//! certificates.

use std::ffi::c_char;

use okd_trust_core::cert::ServedChain;
use okd_trust_core::diagnose::{BundlePolicy, repaired_bundle};
use okd_trust_core::{CaBundle, Certificate, Limits};

use crate::error::FfiError;
use crate::ffi::{self, Out};
use crate::{OkdTrustStatus, timestamp};

/// An ordered, de-duplicated set of certificates: a CA bundle loaded like Go's
/// CertPool.AppendCertsFromPEM, or a served chain, leaf first, read whole by
/// okd_trust_chain_from_pem. Opaque; release with okd_trust_bundle_free.
pub struct OkdTrustBundle(pub(crate) CaBundle);

impl OkdTrustBundle {
    /// The certificates as a served chain: refused when loading skipped a block (the core's rule:
    /// a lenient load that dropped a damaged leaf leaves a chain that was never served).
    pub(crate) fn served_chain(&self) -> Result<Vec<Certificate>, FfiError> {
        let chain = ServedChain::try_from(&self.0).map_err(okd_trust_core::Error::from)?;
        Ok(chain.certificates)
    }

    fn cert(&self, index: usize) -> Result<&Certificate, FfiError> {
        self.0.get(index).ok_or_else(|| {
            FfiError::not_found(format!("certificate index {index} is past the end of a bundle of {}", self.0.len()))
        })
    }
}

/// Loads PEM text as Go's CertPool.AppendCertsFromPEM does: blocks other than CERTIFICATE,
/// unparseable certificates and duplicates are skipped (and kept as warnings, see
/// okd_trust_bundle_warning); no certificate at all is OKD_TRUST_STATUS_INVALID_INPUT.
///
/// Ownership: on success `*out` is a new bundle owned by the caller (okd_trust_bundle_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_from_pem(
    data: *const u8,
    len: usize,
    out: *mut *mut OkdTrustBundle,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let bundle = CaBundle::from_pem(ffi::bytes(data, len, "data")?)?;
        out.set(ffi::into_handle(OkdTrustBundle(bundle)));
        Ok(())
    })
}

/// Reads a served chain, leaf first, whole or not at all: PEM text (e.g. `openssl s_client
/// -showcerts` output; blocks other than CERTIFICATE, such as a key, are left out) or a TLS
/// Secret's tls.crt. A damaged or unparseable certificate block is an error
/// (OKD_TRUST_STATUS_PARSE_ERROR with its line), never a shorter chain. Pass the result wherever
/// a serving chain is asked for; a bundle from okd_trust_bundle_from_pem is accepted there only
/// when its loading skipped nothing.
///
/// Ownership: on success `*out` is a new bundle owned by the caller (okd_trust_bundle_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_chain_from_pem(
    data: *const u8,
    len: usize,
    out: *mut *mut OkdTrustBundle,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let chain = okd_trust_core::input::served_chain("chain", ffi::bytes(data, len, "data")?, &Limits::default())?;
        out.set(ffi::into_handle(OkdTrustBundle(CaBundle::from_certificates(chain.certificates))));
        Ok(())
    })
}

/// Releases a bundle. NULL is accepted.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_free(bundle: *mut OkdTrustBundle) {
    ffi::quiet(|| ffi::drop_handle(bundle));
}

/// The number of certificates (0 when `bundle` is NULL, which is also recorded as the last error).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_len(bundle: *const OkdTrustBundle) -> usize {
    ffi::value(0, || Ok(ffi::handle(bundle, "bundle")?.0.len()))
}

/// The number of warnings: what the loader skipped (0 when `bundle` is NULL).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_warning_count(bundle: *const OkdTrustBundle) -> usize {
    ffi::value(0, || Ok(ffi::handle(bundle, "bundle")?.0.warnings().len()))
}

/// Warning `index` as text, with its line and column ("line 3, column 1: RSA PRIVATE KEY block skipped").
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_warning(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let bundle = ffi::handle(bundle, "bundle")?;
        let warning = bundle.0.warnings().get(index).ok_or_else(|| {
            FfiError::not_found(format!("warning index {index} is past the end ({})", bundle.0.warnings().len()))
        })?;
        out.set(ffi::into_c_string(warning.to_string()));
        Ok(())
    })
}

/// The certificates of `a` followed by those of `b` not already in `a` (by SHA-256).
///
/// Ownership: `*out` is a new bundle owned by the caller (okd_trust_bundle_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_union(
    a: *const OkdTrustBundle,
    b: *const OkdTrustBundle,
    out: *mut *mut OkdTrustBundle,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let union = ffi::handle(a, "a")?.0.union(&ffi::handle(b, "b")?.0);
        out.set(ffi::into_handle(OkdTrustBundle(union)));
        Ok(())
    })
}

/// The bundle without the certificates expired at `at` (Unix seconds; 0 = now). The result may be
/// empty.
///
/// Ownership: `*out` is a new bundle owned by the caller (okd_trust_bundle_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_without_expired(
    bundle: *const OkdTrustBundle,
    at: i64,
    out: *mut *mut OkdTrustBundle,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let pruned = ffi::handle(bundle, "bundle")?.0.without_expired(timestamp(at));
        out.set(ffi::into_handle(OkdTrustBundle(pruned)));
        Ok(())
    })
}

/// The bundle a file should trust, by the library's one repair policy (the doctor's): `current`
/// (NULL: the file trusts nothing yet) followed by the certificates of `wanted` it lacks, or
/// `wanted` alone when `exact`; with `drop_expired`, certificates expired at `at` (Unix seconds;
/// 0 = now) go. Nothing left to write is OKD_TRUST_STATUS_EDIT_REFUSED.
///
/// Ownership: `*out` is a new bundle owned by the caller (okd_trust_bundle_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_repaired(
    current: *const OkdTrustBundle,
    wanted: *const OkdTrustBundle,
    exact: bool,
    drop_expired: bool,
    at: i64,
    out: *mut *mut OkdTrustBundle,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let current = if current.is_null() { None } else { Some(&ffi::handle(current, "current")?.0) };
        let policy = if exact { BundlePolicy::Exact } else { BundlePolicy::Union };
        let drop_expired_at = drop_expired.then(|| timestamp(at));
        let bundle = repaired_bundle(current, &ffi::handle(wanted, "wanted")?.0, policy, drop_expired_at)
            .map_err(okd_trust_core::Error::from)?;
        out.set(ffi::into_handle(OkdTrustBundle(bundle)));
        Ok(())
    })
}

/// The bundle as PEM text, one CERTIFICATE block per certificate.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_to_pem(bundle: *const OkdTrustBundle, out: *mut *mut c_char) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(ffi::into_c_string(ffi::handle(bundle, "bundle")?.0.to_pem()));
        Ok(())
    })
}

/// A text fact about certificate `index` of `bundle`.
fn cert_string(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut *mut c_char,
    fact: impl FnOnce(&Certificate) -> String,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let cert = ffi::handle(bundle, "bundle")?.cert(index)?;
        out.set(ffi::into_c_string(fact(cert)));
        Ok(())
    })
}

/// A numeric fact about certificate `index` of `bundle`.
fn cert_i64(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut i64,
    fact: impl FnOnce(&Certificate) -> i64,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let cert = ffi::handle(bundle, "bundle")?.cert(index)?;
        out.set(fact(cert));
        Ok(())
    })
}

/// The subject of certificate `index`, as RFC 4514 text ("CN=kube-apiserver-lb-signer,OU=openshift").
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_cert_subject(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    cert_string(bundle, index, out, Certificate::subject)
}

/// The issuer of certificate `index`, as RFC 4514 text.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_cert_issuer(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    cert_string(bundle, index, out, Certificate::issuer)
}

/// The SHA-256 fingerprint of certificate `index`, as colon-separated upper-case hex ("AB:CD:...").
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_cert_sha256(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    cert_string(bundle, index, out, Certificate::sha256_fingerprint_hex)
}

/// The notBefore of certificate `index`, in Unix seconds.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_cert_not_before(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut i64,
) -> OkdTrustStatus {
    cert_i64(bundle, index, out, |c| c.not_before().unix_seconds())
}

/// The notAfter of certificate `index`, in Unix seconds.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_cert_not_after(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut i64,
) -> OkdTrustStatus {
    cert_i64(bundle, index, out, |c| c.not_after().unix_seconds())
}

/// Seconds from `at` (Unix seconds; 0 = now) until certificate `index` expires; negative once
/// expired. Divide by 86400 for days.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_cert_expires_in(
    bundle: *const OkdTrustBundle,
    index: usize,
    at: i64,
    out: *mut i64,
) -> OkdTrustStatus {
    cert_i64(bundle, index, out, |c| c.expires_in(timestamp(at)))
}

/// Whether certificate `index` is a CA (basicConstraints cA TRUE).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_bundle_cert_is_ca(
    bundle: *const OkdTrustBundle,
    index: usize,
    out: *mut bool,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(ffi::handle(bundle, "bundle")?.cert(index)?.is_ca());
        Ok(())
    })
}
