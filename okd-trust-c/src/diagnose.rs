//! The doctor: findings, verdict, and its JSON and Prometheus renderings.

use std::ffi::c_char;
use std::ptr;

use okd_trust_core::diagnose::{self, CaFile, Diagnosis, DoctorInput, Finding, Labelled};
use okd_trust_core::report;

use crate::bundle::OkdTrustBundle;
use crate::error::FfiError;
use crate::ffi::{self, Out};
use crate::kubeconfig::OkdTrustKubeconfig;
use crate::{OkdTrustStatus, timestamp};

/// The overall state found by the doctor.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkdTrustHealth {
    /// Nothing wrong.
    Healthy = 0,
    /// Trust works now but will break, or is weakened.
    AtRisk = 1,
    /// Trust is broken now.
    Broken = 2,
}

impl OkdTrustHealth {
    /// The health of the core's verdict rank.
    pub(crate) fn from_rank(rank: u8) -> Self {
        match rank {
            0 => OkdTrustHealth::Healthy,
            1 => OkdTrustHealth::AtRisk,
            // catch-all: not a core enum (the core's rank; 2 and above are broken).
            _ => OkdTrustHealth::Broken,
        }
    }
}

/// How serious a finding is.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkdTrustSeverity {
    /// Worth knowing.
    Info = 0,
    /// Will break, or weakens trust.
    Warning = 1,
    /// Broken now.
    Error = 2,
}

/// The doctor's answer: verdict, findings and the verified plan. Opaque; release with
/// okd_trust_diagnosis_free.
pub struct OkdTrustDiagnosis(Diagnosis);

impl OkdTrustDiagnosis {
    fn finding(&self, index: usize) -> Result<&Finding, FfiError> {
        self.0.findings.get(index).ok_or_else(|| {
            FfiError::not_found(format!("finding index {index} is past the end ({})", self.0.findings.len()))
        })
    }
}

/// Runs the doctor at `at` (Unix seconds; 0 = now) on `kubeconfig_count` node kubeconfigs, each
/// labelled (normally with its path) by the string at the same index of `labels`; plus, each
/// optional (NULL), what the cluster serves as CAs (`cluster_ca`, labelled "cluster-ca"), the chain
/// api-int serves, leaf first (`serving_chain`, labelled "api-int"), and the api-int host name
/// (`server_name`; NULL: taken from each kubeconfig). Both arrays may be NULL when the count is 0.
///
/// Files are read as client-go reads them: when a label is the path of the kubeconfig file, the
/// CA file the kubeconfig names (`certificate-authority`) is read from where client-go resolves
/// it (see okd_trust_kubeconfig_ca_file); a kubeconfig naming no CA is judged against the
/// platform's trust store (/etc/pki/tls/certs/ca-bundle.crt, else /etc/ssl/certs/ca-certificates.crt;
/// okd_trust_diagnose_with_system_roots names another).
///
/// Ownership: the inputs stay the caller's (they are copied); `*out` is a new diagnosis owned by
/// the caller (okd_trust_diagnosis_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnose(
    kubeconfigs: *const *const OkdTrustKubeconfig,
    labels: *const *const c_char,
    kubeconfig_count: usize,
    cluster_ca: *const OkdTrustBundle,
    serving_chain: *const OkdTrustBundle,
    server_name: *const c_char,
    at: i64,
    out: *mut *mut OkdTrustDiagnosis,
) -> OkdTrustStatus {
    okd_trust_diagnose_with_system_roots(
        kubeconfigs,
        labels,
        kubeconfig_count,
        cluster_ca,
        serving_chain,
        server_name,
        ptr::null(),
        at,
        out,
    )
}

/// okd_trust_diagnose, with the system roots a kubeconfig naming no CA is judged against given
/// as `system_roots` (labelled "system-roots"), as on a node whose trust store is elsewhere or
/// to judge another node's; NULL reads the platform's trust store, as okd_trust_diagnose does.
/// Ownership as for okd_trust_diagnose.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn okd_trust_diagnose_with_system_roots(
    kubeconfigs: *const *const OkdTrustKubeconfig,
    labels: *const *const c_char,
    kubeconfig_count: usize,
    cluster_ca: *const OkdTrustBundle,
    serving_chain: *const OkdTrustBundle,
    server_name: *const c_char,
    system_roots: *const OkdTrustBundle,
    at: i64,
    out: *mut *mut OkdTrustDiagnosis,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let configs = ffi::slice(kubeconfigs, kubeconfig_count, "kubeconfigs")?;
        let labels = ffi::slice(labels, kubeconfig_count, "labels")?;
        let mut input = DoctorInput::new(timestamp(at));
        for (i, (&config, &label)) in configs.iter().zip(labels).enumerate() {
            let config = ffi::handle(config, &format!("kubeconfigs[{i}]"))?;
            let label = ffi::required_str(label, &format!("labels[{i}]"))?;
            if let Some(path) = config.0.ca_file(&okd_trust_io::base_dir(label)) {
                input.ca_files.push(CaFile::new(i, path.clone(), okd_trust_io::read(&path)));
            }
            input.kubeconfigs.push(Labelled::new(label, config.0.clone()));
        }
        input.system_roots = if system_roots.is_null() {
            okd_trust_io::system_roots().map(|(label, roots)| Labelled::new(label, roots))
        } else {
            Some(Labelled::new("system-roots", ffi::handle(system_roots, "system_roots")?.0.clone()))
        };
        if !cluster_ca.is_null() {
            input.cluster_cas.push(Labelled::new("cluster-ca", ffi::handle(cluster_ca, "cluster_ca")?.0.clone()));
        }
        if !serving_chain.is_null() {
            let chain = ffi::handle(serving_chain, "serving_chain")?.0.as_slice().to_vec();
            input.serving_chain = Some(Labelled::new("api-int", chain));
        }
        input.server_name = ffi::optional_str(server_name, "server_name")?.map(str::to_owned);
        out.set(ffi::into_handle(OkdTrustDiagnosis(diagnose::diagnose(&input))));
        Ok(())
    })
}

/// Releases a diagnosis. NULL is accepted.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_free(diagnosis: *mut OkdTrustDiagnosis) {
    ffi::quiet(|| ffi::drop_handle(diagnosis));
}

/// Healthy, at risk, or broken.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_health(
    diagnosis: *const OkdTrustDiagnosis,
    out: *mut OkdTrustHealth,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(OkdTrustHealth::from_rank(ffi::handle(diagnosis, "diagnosis")?.0.verdict.rank()));
        Ok(())
    })
}

/// The number of findings, most severe first (0 when `diagnosis` is NULL, also recorded as the last error).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_finding_count(diagnosis: *const OkdTrustDiagnosis) -> usize {
    ffi::value(0, || Ok(ffi::handle(diagnosis, "diagnosis")?.0.findings.len()))
}

/// The stable kebab-case code of finding `index` ("kubeconfig-untrusted-serving-chain", ...).
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_finding_code(
    diagnosis: *const OkdTrustDiagnosis,
    index: usize,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(ffi::into_c_string(ffi::handle(diagnosis, "diagnosis")?.finding(index)?.code.as_str()));
        Ok(())
    })
}

/// The message of finding `index`.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_finding_message(
    diagnosis: *const OkdTrustDiagnosis,
    index: usize,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(ffi::into_c_string(ffi::handle(diagnosis, "diagnosis")?.finding(index)?.message.clone()));
        Ok(())
    })
}

/// The severity of finding `index`.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_finding_severity(
    diagnosis: *const OkdTrustDiagnosis,
    index: usize,
    out: *mut OkdTrustSeverity,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(match ffi::handle(diagnosis, "diagnosis")?.finding(index)?.severity.rank() {
            0 => OkdTrustSeverity::Info,
            1 => OkdTrustSeverity::Warning,
            // catch-all: not a core enum (the core's rank; 2 and above are errors).
            _ => OkdTrustSeverity::Error,
        });
        Ok(())
    })
}

/// A rendering of the diagnosis.
fn render(diagnosis: *const OkdTrustDiagnosis, out: *mut *mut c_char, how: fn(&Diagnosis) -> String) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        out.set(ffi::into_c_string(how(&ffi::handle(diagnosis, "diagnosis")?.0)));
        Ok(())
    })
}

/// The diagnosis as versioned JSON (the schema of `okd-trust doctor --format json`).
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_json(
    diagnosis: *const OkdTrustDiagnosis,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    render(diagnosis, out, report::json)
}

/// The diagnosis in the Prometheus text exposition format (for the node-exporter textfile collector).
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_prometheus(
    diagnosis: *const OkdTrustDiagnosis,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    render(diagnosis, out, report::prometheus)
}

/// The diagnosis as text for people.
///
/// Ownership: `*out` is owned by the caller (okd_trust_string_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnosis_text(
    diagnosis: *const OkdTrustDiagnosis,
    out: *mut *mut c_char,
) -> OkdTrustStatus {
    render(diagnosis, out, report::text)
}
