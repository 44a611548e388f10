//! Kubeconfigs: reading, the facts about their clusters, and the verified CA edit.

use std::ffi::c_char;

use okd_trust_core::{Kubeconfig, diagnose};

use crate::bundle::OkdTrustBundle;
use crate::error::FfiError;
use crate::ffi::{self, Out};
use crate::{OkdTrustStatus, timestamp};

/// A parsed kubeconfig (YAML or JSON) with its source text. Opaque; release with
/// okd_trust_kubeconfig_free.
pub struct OkdTrustKubeconfig(pub(crate) Kubeconfig);

impl OkdTrustKubeconfig {
    /// `cluster`, or the cluster of the current context when NULL; the core says which error
    /// when there is none.
    fn cluster_name(&self, cluster: *const c_char) -> Result<String, FfiError> {
        let named = ffi::optional_str(cluster, "cluster")?;
        Ok(self.0.cluster_or_current(named).map_err(okd_trust_core::Error::from)?.name.clone())
    }
}

/// Parses a kubeconfig as client-go reads it (YAML or JSON, optionally behind a UTF-8 BOM).
/// Malformed input is OKD_TRUST_STATUS_INVALID_INPUT with the line and column of the problem.
///
/// Ownership: `*out` is a new kubeconfig owned by the caller (okd_trust_kubeconfig_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_kubeconfig_parse(
    data: *const u8,
    len: usize,
    out: *mut *mut OkdTrustKubeconfig,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let config = Kubeconfig::parse(ffi::bytes(data, len, "data")?)?;
        out.set(ffi::into_handle(OkdTrustKubeconfig(config)));
        Ok(())
    })
}

/// Releases a kubeconfig. NULL is accepted.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_kubeconfig_free(kubeconfig: *mut OkdTrustKubeconfig) {
    ffi::quiet(|| ffi::drop_handle(kubeconfig));
}

/// The name of the cluster of the current context; OKD_TRUST_STATUS_NOT_FOUND when there is none
/// (no fallback to a file's only cluster: client-go has none).
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_kubeconfig_current_cluster(
    kubeconfig: *const OkdTrustKubeconfig,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let name = ffi::handle(kubeconfig, "kubeconfig")?.cluster_name(std::ptr::null())?;
        out.set(ffi::into_c_string(name));
        Ok(())
    })
}

/// The CA file client-go reads for the current cluster: its `certificate-authority`, resolved
/// against `base_dir` (the absolute directory of the kubeconfig file) and cleaned like client-go
/// resolves it; OKD_TRUST_STATUS_NOT_FOUND when the cluster names none (or embeds its CA data).
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_kubeconfig_ca_file(
    kubeconfig: *const OkdTrustKubeconfig,
    base_dir: *const c_char,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let base_dir = ffi::required_str(base_dir, "base_dir")?;
        let path = ffi::handle(kubeconfig, "kubeconfig")?
            .0
            .ca_file(base_dir)
            .ok_or_else(|| FfiError::not_found("the current cluster names no CA file".to_owned()))?;
        out.set(ffi::into_c_string(path));
        Ok(())
    })
}

/// The host name a client of `cluster` (NULL: the current cluster) verifies the server against:
/// tls-server-name when set, otherwise the host of `server`.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_kubeconfig_server_name(
    kubeconfig: *const OkdTrustKubeconfig,
    cluster: *const c_char,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let kubeconfig = ffi::handle(kubeconfig, "kubeconfig")?;
        let name = kubeconfig.cluster_name(cluster)?;
        let host = kubeconfig
            .0
            .server_name(&name)
            .ok_or_else(|| FfiError::not_found(format!("cluster {name:?} has no server host")))?;
        out.set(ffi::into_c_string(host));
        Ok(())
    })
}

/// The CA bundle embedded in certificate-authority-data of `cluster` (NULL: the current cluster),
/// decoded as client-go decodes it. OKD_TRUST_STATUS_NOT_FOUND when the cluster embeds none;
/// OKD_TRUST_STATUS_INVALID_INPUT (with the value's position) when it does not decode.
///
/// Ownership: `*out` is a new bundle owned by the caller (okd_trust_bundle_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_kubeconfig_ca_bundle(
    kubeconfig: *const OkdTrustKubeconfig,
    cluster: *const c_char,
    out: *mut *mut OkdTrustBundle,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let kubeconfig = ffi::handle(kubeconfig, "kubeconfig")?;
        let name = kubeconfig.cluster_name(cluster)?;
        let bundle = kubeconfig
            .0
            .ca_bundle(&name)?
            .ok_or_else(|| FfiError::not_found(format!("cluster {name:?} embeds no certificate-authority-data")))?;
        out.set(ffi::into_handle(OkdTrustBundle(bundle)));
        Ok(())
    })
}

/// The kubeconfig's text with certificate-authority-data of `cluster` (NULL: the current
/// cluster) set to `bundle`, verified before it is returned exactly as the doctor verifies a
/// repair (okd_trust::diagnose::repair_kubeconfig): only that value changes (comments, order,
/// quoting and line endings are kept); the edit is refused for CA data behind a YAML anchor or
/// tag, with certificate-authority also set, or with insecure-skip-tls-verify; the new text must
/// re-parse and pass client-go's validation; and when `serving_chain` (leaf first; may be NULL) is
/// given, `bundle` must verify it under the kubelet profile at `at` (Unix seconds; 0 = now) for
/// `server_name` (NULL: the host the kubeconfig dials). Any failure is
/// OKD_TRUST_STATUS_EDIT_REFUSED and nothing is returned.
///
/// To repair rather than replace, pass the bundle okd_trust_bundle_repaired makes of the current
/// one and the cluster's (the doctor's policy: union, expired dropped).
///
/// Ownership: `*out_text` is owned by the caller (okd_trust_string_free). `out_changed` may be
/// NULL; otherwise it receives false when the file already held exactly this bundle (the text is
/// then the input unchanged).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_kubeconfig_set_ca(
    kubeconfig: *const OkdTrustKubeconfig,
    cluster: *const c_char,
    bundle: *const OkdTrustBundle,
    serving_chain: *const OkdTrustBundle,
    server_name: *const c_char,
    at: i64,
    out_text: *mut *mut c_char,
    out_changed: *mut bool,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out_text = Out::new(out_text, "out_text")?;
        let kubeconfig = ffi::handle(kubeconfig, "kubeconfig")?;
        let bundle = ffi::handle(bundle, "bundle")?;
        let chain = if serving_chain.is_null() {
            None
        } else {
            Some(ffi::handle(serving_chain, "serving_chain")?.served_chain()?)
        };
        let server_name = ffi::optional_str(server_name, "server_name")?;
        let name = kubeconfig.cluster_name(cluster)?;
        let repair = diagnose::repair_kubeconfig(
            "kubeconfig",
            &kubeconfig.0,
            &name,
            &bundle.0,
            chain.as_deref(),
            server_name,
            timestamp(at),
        );
        if let Some(refusal) = repair.refusal() {
            return Err(FfiError::of_kind(refusal.kind(), refusal.to_string()));
        }
        let new_text = repair.new_text().unwrap_or_default();
        if let Some(out) = Out::optional(out_changed) {
            out.set(repair.changed);
        }
        out_text.set(ffi::into_c_string(new_text.to_owned()));
        Ok(())
    })
}
