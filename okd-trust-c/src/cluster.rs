//! The whole cluster's trust from must-gathers or `oc get` dumps, as a report to render.

use std::ffi::c_char;

use okd_trust_core::Timestamp;
use okd_trust_core::cluster::{self, ClusterOptions, ClusterReport};

use crate::diagnose::OkdTrustHealth;
use crate::error::FfiError;
use crate::ffi::{self, Out};
use crate::{OkdTrustStatus, timestamp};

/// The cluster analysis' report. Opaque; release with okd_trust_cluster_report_free.
pub struct OkdTrustClusterReport(ClusterReport);

/// Analyzes the must-gathers (directories, .tar, .tar.gz or .tar.xz, read in place) or
/// `oc get -o yaml|json` dumps at `paths[0..path_count]`, judging the node kubeconfigs at
/// `kubeconfig_paths[0..kubeconfig_count]` against api-int, at `at` (Unix seconds; 0 = the
/// must-gather's own timestamp, else now). `kubeconfig_paths` may be NULL when its count is 0.
///
/// A file inside a must-gather that cannot be read is reported in the report (never an error); a
/// path that cannot be read at all is OKD_TRUST_STATUS_NOT_FOUND (missing) or
/// OKD_TRUST_STATUS_INVALID_INPUT (unreadable), with the path and reason in the last error.
///
/// Ownership: the paths stay the caller's; `*out` is a new report owned by the caller
/// (okd_trust_cluster_report_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_cluster_analyze(
    paths: *const *const c_char,
    path_count: usize,
    kubeconfig_paths: *const *const c_char,
    kubeconfig_count: usize,
    at: i64,
    out: *mut *mut OkdTrustClusterReport,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let paths = ffi::slice(paths, path_count, "paths")?;
        let kubeconfig_paths = ffi::slice(kubeconfig_paths, kubeconfig_count, "kubeconfig_paths")?;
        let paths = paths
            .iter()
            .enumerate()
            .map(|(i, &p)| ffi::required_str(p, &format!("paths[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        let kubeconfig_paths = kubeconfig_paths
            .iter()
            .enumerate()
            .map(|(i, &p)| ffi::required_str(p, &format!("kubeconfig_paths[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        let inputs = okd_trust_io::must_gather::read_inputs(&paths, &kubeconfig_paths).map_err(|e| {
            let message = format!("{}: {}", e.path.display(), e.source);
            match e.source.kind() {
                std::io::ErrorKind::NotFound => FfiError::not_found(message),
                // catch-all: not a core enum (the operating system's error kinds).
                _ => FfiError::invalid(message),
            }
        })?;
        let mut options = ClusterOptions::new(timestamp(0));
        if at != 0 {
            options = options.at(Timestamp::from_unix_seconds(at));
        }
        out.set(ffi::into_handle(OkdTrustClusterReport(cluster::analyze(&inputs, &options))));
        Ok(())
    })
}

/// Releases a cluster report. NULL is accepted.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_cluster_report_free(report: *mut OkdTrustClusterReport) {
    ffi::quiet(|| ffi::drop_handle(report));
}

/// Healthy, at risk, or broken.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_cluster_report_health(
    report: *const OkdTrustClusterReport,
    out: *mut OkdTrustHealth,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(OkdTrustHealth::from_rank(ffi::handle(report, "report")?.0.verdict.rank()));
        Ok(())
    })
}

fn render(
    report: *const OkdTrustClusterReport,
    out: *mut *mut c_char,
    how: fn(&ClusterReport) -> String,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(ffi::into_c_string(how(&ffi::handle(report, "report")?.0)));
        Ok(())
    })
}

/// The report as versioned JSON (the schema of `okd-trust cluster --format json`).
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_cluster_report_json(
    report: *const OkdTrustClusterReport,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    render(report, out, cluster::json)
}

/// The report as text for people.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_cluster_report_text(
    report: *const OkdTrustClusterReport,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    render(report, out, cluster::text)
}
