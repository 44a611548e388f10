//! Verification: would a client holding these CAs trust that served chain?

use std::ffi::c_char;

use okd_trust_core::verify::{self, Profile, Verdict, VerifyOptions};

use crate::bundle::OkdTrustBundle;
use crate::error::FfiError;
use crate::ffi::{self, Out};
use crate::{OkdTrustStatus, timestamp};

/// The rules that decide (pass one of these values as the `profile` argument of okd_trust_verify).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkdTrustProfile {
    /// Exactly what Go's crypto/x509 accepts: kubelet's verdict.
    Kubelet = 0,
    /// Go's checks plus the RFC 5280 / CA/Browser Forum rules Go skips.
    Strict = 1,
}

/// A verdict: trusted along a chain, or untrusted with the reason. Opaque; release with
/// okd_trust_verdict_free.
pub struct OkdTrustVerdict(Verdict);

/// Verifies `chain` (what the server sends: the leaf first, then any intermediates; read with
/// okd_trust_chain_from_pem, or a bundle whose loading skipped nothing) against the
/// CAs in `roots` at `at` (Unix seconds; 0 = now), as Go's crypto/x509 would, with the DNS name or
/// IP address `server_name` (NULL: no name check) and `profile` (an OkdTrustProfile value; others
/// are OKD_TRUST_STATUS_INVALID_INPUT). An untrusted chain is a successful call: see
/// okd_trust_verdict_is_trusted.
///
/// Ownership: `*out` is a new verdict owned by the caller (okd_trust_verdict_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_verify(
    roots: *const OkdTrustBundle,
    chain: *const OkdTrustBundle,
    server_name: *const c_char,
    at: i64,
    profile: u32,
    out: *mut *mut OkdTrustVerdict,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let roots = ffi::handle(roots, "roots")?;
        let chain = ffi::handle(chain, "chain")?.served_chain()?;
        let server_name = ffi::optional_str(server_name, "server_name")?;
        let profile = match profile {
            0 => Profile::Kubelet,
            1 => Profile::Strict,
            other => {
                return Err(FfiError::invalid(format!("unknown profile {other}: expected 0 (kubelet) or 1 (strict)")));
            }
        };
        // `served_chain` refuses an empty chain; this only splits it.
        let (leaf, intermediates) = chain.split_first().ok_or_else(|| FfiError::invalid("chain is empty"))?;
        let mut options = VerifyOptions::new(&roots.0, timestamp(at)).intermediates(intermediates).profile(profile);
        if let Some(name) = server_name {
            options = options.server_name(name);
        }
        out.set(ffi::into_handle(OkdTrustVerdict(verify::verify(leaf, &options))));
        Ok(())
    })
}

/// Releases a verdict. NULL is accepted.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_verdict_free(verdict: *mut OkdTrustVerdict) {
    ffi::quiet(|| ffi::drop_handle(verdict));
}

/// Whether the client trusts the server (false when `verdict` is NULL, also recorded as the last error).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_verdict_is_trusted(verdict: *const OkdTrustVerdict) -> bool {
    ffi::value(false, || Ok(ffi::handle(verdict, "verdict")?.0.is_trusted()))
}

/// The length of the chain that verified, leaf to trust anchor (0 when untrusted or NULL).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_verdict_chain_len(verdict: *const OkdTrustVerdict) -> usize {
    ffi::value(0, || Ok(ffi::handle(verdict, "verdict")?.0.chain().map_or(0, <[_]>::len)))
}

/// Why the chain is untrusted, in one line that starts with Go's own words ("x509: certificate
/// signed by unknown authority ..."); the empty string when trusted.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_verdict_reason(verdict: *const OkdTrustVerdict, out: *mut *mut c_char) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let reason = ffi::handle(verdict, "verdict")?.0.reason().map(|r| r.failure.to_string()).unwrap_or_default();
        out.set(ffi::into_c_string(reason));
        Ok(())
    })
}

/// The whole verdict as text, several lines: the chain found, or the reason, the certificate it is
/// about and every path tried.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_verdict_text(verdict: *const OkdTrustVerdict, out: *mut *mut c_char) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(ffi::into_c_string(ffi::handle(verdict, "verdict")?.0.to_string()));
        Ok(())
    })
}
