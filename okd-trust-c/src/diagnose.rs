//! The doctor: findings, verdict, and its JSON and Prometheus renderings.

use std::ffi::c_char;
use std::ptr;

use okd_trust_core::diagnose::{self, Diagnosis, DoctorInput, Finding, Labelled};
use okd_trust_core::report;
use okd_trust_io::doctor::ReadOn;

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

impl OkdTrustSeverity {
    /// The severity of the core's rank.
    pub(crate) fn from_rank(rank: u8) -> Self {
        match rank {
            0 => OkdTrustSeverity::Info,
            1 => OkdTrustSeverity::Warning,
            // catch-all: not a core enum (the core's rank; 2 and above are errors).
            _ => OkdTrustSeverity::Error,
        }
    }
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

/// Everything the doctor looks at besides the node kubeconfigs, each optional. Versioned by its
/// size: set it up with `okd_trust_doctor_options_init(&options, sizeof options)` (which fills
/// the defaults and `struct_size`), then set the fields wanted. A library newer than the header
/// accepts it (fields it adds later keep their defaults); an older library refuses one whose
/// newer fields are set.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct OkdTrustDoctorOptions {
    /// sizeof(OkdTrustDoctorOptions) as the caller was compiled: set by okd_trust_doctor_options_init.
    pub struct_size: usize,
    /// When to judge, Unix seconds; 0 = now.
    pub at: i64,
    /// Certificates expiring within this many days are reported (default 30), once past half
    /// their lifetime.
    pub warn_days: u32,
    /// The api-int host name; NULL: each kubeconfig's server host.
    pub server_name: *const c_char,
    /// What the cluster serves as trust (loadbalancer-serving-ca, kube-apiserver-server-ca,
    /// kubeconfig-data, ...): `cluster_ca_count` bundles.
    pub cluster_cas: *const *const OkdTrustBundle,
    /// A label for each of `cluster_cas` (NULL array: "cluster-ca[i]").
    pub cluster_ca_labels: *const *const c_char,
    /// How many `cluster_cas` there are.
    pub cluster_ca_count: usize,
    /// The chain api-int serves, leaf first (labelled "api-int"); NULL: not checked.
    pub serving_chain: *const OkdTrustBundle,
    /// multus' trust, openshift-multus/kube-root-ca.crt (labelled so); NULL: not judged.
    pub multus_ca: *const OkdTrustBundle,
    /// The loadbalancer-serving-signer Secret as `oc get -o yaml|json` text, `signer_secret_len`
    /// bytes (labelled openshift-kube-apiserver-operator/loadbalancer-serving-signer); NULL: not judged.
    pub signer_secret: *const u8,
    /// The length of `signer_secret` in bytes.
    pub signer_secret_len: usize,
    /// The trust store a kubeconfig naming no CA is judged against (labelled "system-roots");
    /// NULL: the platform's (/etc/pki/tls/certs/ca-bundle.crt, else /etc/ssl/certs/ca-certificates.crt).
    pub system_roots: *const OkdTrustBundle,
}

/// The first version of OkdTrustDoctorOptions ends after `system_roots`: the smallest
/// `struct_size` accepted.
const DOCTOR_OPTIONS_V1: usize = std::mem::offset_of!(OkdTrustDoctorOptions, system_roots) + size_of::<usize>();

impl Default for OkdTrustDoctorOptions {
    fn default() -> Self {
        OkdTrustDoctorOptions {
            struct_size: size_of::<OkdTrustDoctorOptions>(),
            at: 0,
            warn_days: DoctorInput::DEFAULT_WARN_DAYS,
            server_name: ptr::null(),
            cluster_cas: ptr::null(),
            cluster_ca_labels: ptr::null(),
            cluster_ca_count: 0,
            serving_chain: ptr::null(),
            multus_ca: ptr::null(),
            signer_secret: ptr::null(),
            signer_secret_len: 0,
            system_roots: ptr::null(),
        }
    }
}

/// Fills `options`, a struct of `struct_size` bytes (pass `sizeof *options`), with the defaults:
/// judged now, warn 30 days ahead, every input unset; `struct_size` is set to the size given.
/// Only those bytes are written, whichever version of the header and the library meet. A size
/// smaller than the first version, or not a size at all, is OKD_TRUST_STATUS_INVALID_INPUT.
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_doctor_options_init(
    options: *mut OkdTrustDoctorOptions,
    struct_size: usize,
) -> OkdTrustStatus {
    ffi::status(|| {
        ffi::init_sized_struct(options, struct_size, OkdTrustDoctorOptions::default(), DOCTOR_OPTIONS_V1, "options")
    })
}

impl OkdTrustDoctorOptions {
    /// The doctor's input: these options around the labelled node kubeconfigs.
    fn input(
        &self,
        kubeconfigs: &[*const OkdTrustKubeconfig],
        labels: &[*const c_char],
    ) -> Result<DoctorInput, FfiError> {
        let mut input = DoctorInput::new(timestamp(self.at));
        input.warn_days = self.warn_days;
        for (i, (&config, &label)) in kubeconfigs.iter().zip(labels).enumerate() {
            let config = ffi::handle(config, &format!("kubeconfigs[{i}]"))?;
            let label = ffi::required_str(label, &format!("labels[{i}]"))?;
            okd_trust_io::doctor::add_kubeconfig(&mut input, label, config.0.clone(), ReadOn::ThisMachine);
        }
        let system_roots = if self.system_roots.is_null() {
            None
        } else {
            Some(ffi::handle(self.system_roots, "system_roots")?.0.clone())
        };
        input.system_roots = okd_trust_io::doctor::system_roots(system_roots, ReadOn::ThisMachine);
        let cluster_cas = ffi::slice(self.cluster_cas, self.cluster_ca_count, "cluster_cas")?;
        let labels = if self.cluster_ca_labels.is_null() {
            None
        } else {
            Some(ffi::slice(self.cluster_ca_labels, self.cluster_ca_count, "cluster_ca_labels")?)
        };
        for (i, &bundle) in cluster_cas.iter().enumerate() {
            let bundle = ffi::handle(bundle, &format!("cluster_cas[{i}]"))?;
            let label = match labels {
                Some(labels) => ffi::required_str(labels[i], &format!("cluster_ca_labels[{i}]"))?.to_owned(),
                None => format!("{}[{i}]", DoctorInput::CLUSTER_CA_LABEL),
            };
            input.cluster_cas.push(Labelled::new(label, bundle.0.clone()));
        }
        if !self.serving_chain.is_null() {
            let chain = ffi::handle(self.serving_chain, "serving_chain")?.served_chain()?;
            input.serving_chain = Some(Labelled::new(DoctorInput::SERVING_CHAIN_LABEL, chain));
        }
        if !self.multus_ca.is_null() {
            let multus = ffi::handle(self.multus_ca, "multus_ca")?.0.clone();
            input.multus_ca = Some(Labelled::new(DoctorInput::MULTUS_CA_LABEL, multus));
        }
        if !self.signer_secret.is_null() {
            let text = ffi::bytes(self.signer_secret, self.signer_secret_len, "signer_secret")?;
            let label = DoctorInput::SIGNER_SECRET_LABEL;
            let secret = okd_trust_core::input::detect(label, text)?.required_secret(label)?;
            input.signer_secret = Some(Labelled::new(DoctorInput::SIGNER_SECRET_LABEL, secret));
        }
        input.server_name = ffi::optional_str(self.server_name, "server_name")?.map(str::to_owned);
        Ok(input)
    }
}

/// Runs the doctor on `kubeconfig_count` node kubeconfigs, each labelled (normally with its path)
/// by the string at the same index of `labels`, with everything else it should look at in
/// `options` (NULL: every default; see OkdTrustDoctorOptions). Both arrays may be NULL when the
/// count is 0.
///
/// Files are read as client-go reads them: when a label is the path of the kubeconfig file, the
/// CA file the kubeconfig names (`certificate-authority`) is read from where client-go resolves
/// it (see okd_trust_kubeconfig_ca_file); a kubeconfig naming no CA is judged against the
/// system roots (OkdTrustDoctorOptions.system_roots).
///
/// A struct_size smaller than the first version or not a size at all, newer options set that
/// this library does not know, or a signer_secret that holds no Secret is
/// OKD_TRUST_STATUS_INVALID_INPUT.
///
/// Ownership: the inputs stay the caller's (they are copied); `*out` is a new diagnosis owned by
/// the caller (okd_trust_diagnosis_free).
#[unsafe(no_mangle)]
pub extern "C" fn okd_trust_diagnose_with_options(
    kubeconfigs: *const *const OkdTrustKubeconfig,
    labels: *const *const c_char,
    kubeconfig_count: usize,
    options: *const OkdTrustDoctorOptions,
    out: *mut *mut OkdTrustDiagnosis,
) -> OkdTrustStatus {
    ffi::status(|| {
        let out = Out::new(out, "out")?;
        let options = ffi::sized_struct(options, OkdTrustDoctorOptions::default(), DOCTOR_OPTIONS_V1, "options")?;
        let configs = ffi::slice(kubeconfigs, kubeconfig_count, "kubeconfigs")?;
        let labels = ffi::slice(labels, kubeconfig_count, "labels")?;
        let input = options.input(configs, labels)?;
        out.set(ffi::into_handle(OkdTrustDiagnosis(diagnose::diagnose(&input))));
        Ok(())
    })
}

/// okd_trust_diagnose_with_options with the common inputs as arguments: at `at` (Unix seconds;
/// 0 = now), what the cluster serves as CAs (`cluster_ca`, labelled "cluster-ca"), the chain
/// api-int serves, leaf first (`serving_chain`), and the api-int host name (`server_name`; NULL:
/// taken from each kubeconfig), each optional (NULL). A kubeconfig naming no CA is judged against
/// the platform's trust store. Ownership as for okd_trust_diagnose_with_options.
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
/// as `system_roots` (labelled "system-roots"); NULL reads the platform's trust store, as
/// okd_trust_diagnose does. Ownership as for okd_trust_diagnose_with_options.
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
    let cluster_cas = [cluster_ca];
    // The core's label, as a C string for the options struct.
    let label = std::ffi::CString::new(DoctorInput::CLUSTER_CA_LABEL).unwrap_or_default();
    let cluster_ca_labels = [label.as_ptr()];
    let options = OkdTrustDoctorOptions {
        at,
        server_name,
        cluster_cas: cluster_cas.as_ptr(),
        cluster_ca_labels: cluster_ca_labels.as_ptr(),
        cluster_ca_count: usize::from(!cluster_ca.is_null()),
        serving_chain,
        system_roots,
        ..OkdTrustDoctorOptions::default()
    };
    okd_trust_diagnose_with_options(kubeconfigs, labels, kubeconfig_count, &raw const options, out)
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
        out.set(OkdTrustSeverity::from_rank(ffi::handle(diagnosis, "diagnosis")?.finding(index)?.severity.rank()));
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
