//! `verify()` and `diagnose()`, their results, and the conversions of their arguments.

use okd_trust::cert::ExtendedKeyUsage;
use okd_trust::diagnose::{
    self as doctor_core, CaFile, Diagnosis, DoctorInput, Finding, KubeconfigRepair, Labelled, Plan,
};
use okd_trust::input::Detected;
use okd_trust::manifest::{Manifest, ManifestKind};
use okd_trust::verify::{self as verification, Profile, Verdict, VerifyOptions};
use okd_trust::{CaBundle, Certificate, Kubeconfig, report};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyList};

use crate::convert::{self, bytes_of, datetime, timestamp};
use crate::types::{PyCaBundle, PyCertSummary, PyCertificate, PyKubeconfig, cert_list, summary, summary_list};

/// Certificates from a `Certificate`, a `CaBundle`, PEM text, or an iterable of `Certificate`s.
fn certificates(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Certificate>> {
    if let Ok(cert) = value.cast::<PyCertificate>() {
        return Ok(vec![cert.get().inner.clone()]);
    }
    if let Ok(bundle) = value.cast::<PyCaBundle>() {
        return Ok(bundle.get().inner.as_slice().to_vec());
    }
    if convert::is_content(value) {
        let bytes = bytes_of(value, what)?;
        let bundle = CaBundle::from_pem(&bytes).map_err(|e| convert::error(py, e))?;
        return Ok(bundle.as_slice().to_vec());
    }
    let mut certs = Vec::new();
    let items = value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!("{what} must be a Certificate, a CaBundle, PEM text or a list of Certificates"))
    })?;
    for item in items {
        let item = item?;
        let cert = item
            .cast::<PyCertificate>()
            .map_err(|_| PyTypeError::new_err(format!("{what}: every item must be a Certificate")))?;
        certs.push(cert.get().inner.clone());
    }
    Ok(certs)
}

/// A CA bundle from a `CaBundle`, any text `CaBundle.load` reads, or certificates.
fn bundle(py: Python<'_>, value: &Bound<'_, PyAny>, label: &str) -> PyResult<CaBundle> {
    if let Ok(bundle) = value.cast::<PyCaBundle>() {
        return Ok(bundle.get().inner.clone());
    }
    if convert::is_content(value) {
        let bytes = bytes_of(value, label)?;
        let detected = okd_trust::input::detect(label, &bytes).map_err(|e| convert::error(py, e))?;
        return detected
            .ca_bundle()
            .map_err(|e| convert::error(py, e))?
            .ok_or_else(|| convert::validation_error(format!("{label}: holds no CA certificate")));
    }
    Ok(CaBundle::from_certificates(certificates(py, value, label)?))
}

fn kubeconfig(py: Python<'_>, value: &Bound<'_, PyAny>, label: &str) -> PyResult<Kubeconfig> {
    if let Ok(config) = value.cast::<PyKubeconfig>() {
        return Ok(config.get().inner.clone());
    }
    let bytes = bytes_of(value, label)?;
    match okd_trust::input::detect(label, &bytes).map_err(|e| convert::error(py, e))? {
        Detected::Kubeconfig(config) => Ok(*config),
        other => Err(convert::validation_error(format!("{label}: is a {}, not a kubeconfig", other.kind_name()))),
    }
}

fn secret(py: Python<'_>, value: &Bound<'_, PyAny>, label: &str) -> PyResult<Manifest> {
    let bytes = bytes_of(value, label)?;
    let found = match okd_trust::input::detect(label, &bytes).map_err(|e| convert::error(py, e))? {
        Detected::Manifests(objects) => objects.into_iter().find(|m| m.kind == ManifestKind::Secret),
        // catch-all: only manifests can hold the Secret; any other kind is reported as missing it.
        _ => None,
    };
    found.ok_or_else(|| convert::validation_error(format!("{label}: holds no Secret")))
}

/// `(label, value)` pairs of a mapping.
fn items<'py>(value: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let items = value
        .call_method0("items")
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a mapping of label to content")))?;
    let mut out = Vec::new();
    for item in items.try_iter()? {
        out.push(item?.extract::<(String, Bound<'py, PyAny>)>()?);
    }
    Ok(out)
}

fn profile(name: &str) -> PyResult<Profile> {
    name.parse().map_err(PyValueError::new_err)
}

/// Whether a client trusts a server: trusted along `chain`, or untrusted with the `reason`.
#[pyclass(frozen, module = "okd_trust", name = "Verdict")]
pub(crate) struct PyVerdict {
    inner: Verdict,
}

#[pymethods]
impl PyVerdict {
    /// Whether the client will trust the server.
    #[getter]
    fn trusted(&self) -> bool {
        self.inner.is_trusted()
    }

    /// Why not, in the words Go uses (None when trusted).
    #[getter]
    fn reason(&self) -> Option<String> {
        self.inner.reason().map(|r| r.failure.to_string())
    }

    /// The certificate the reason is about (None when trusted).
    #[getter]
    fn certificate(&self) -> Option<PyCertSummary> {
        self.inner.reason().map(|r| summary(&r.certificate))
    }

    /// Every candidate path tried, as `(subjects leaf first, why it failed)` (empty when trusted).
    #[getter]
    fn attempts(&self) -> Vec<(Vec<String>, String)> {
        self.inner
            .reason()
            .map(|r| {
                r.attempts
                    .iter()
                    .map(|a| (a.path.iter().map(|c| c.subject.clone()).collect(), a.failure.to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The chain found, leaf first, trust anchor last (empty when untrusted).
    #[getter]
    fn chain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cert_list(py, self.inner.chain().unwrap_or_default())
    }

    fn __bool__(&self) -> bool {
        self.inner.is_trusted()
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        match self.inner.reason() {
            None => format!("<Verdict trusted chain={}>", self.inner.chain().map_or(0, <[Certificate]>::len)),
            Some(r) => format!("<Verdict untrusted: {}>", r.failure),
        }
    }
}

/// Decides whether a client holding `roots` trusts the server that presents `chain` (leaf
/// first). `usages` are the extended key usages the leaf must allow (names such as
/// `"clientAuth"` or dotted OIDs; default `["serverAuth"]`). The GIL is released while verifying.
#[pyfunction]
#[pyo3(signature = (chain, roots, *, server_name=None, at=None, profile="kubelet", intermediates=None, usages=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify(
    py: Python<'_>,
    chain: &Bound<'_, PyAny>,
    roots: &Bound<'_, PyAny>,
    server_name: Option<String>,
    at: Option<&Bound<'_, PyAny>>,
    profile: &str,
    intermediates: Option<&Bound<'_, PyAny>>,
    usages: Option<Vec<String>>,
) -> PyResult<PyVerdict> {
    let mut presented = certificates(py, chain, "chain")?;
    if presented.is_empty() {
        return Err(PyValueError::new_err("chain holds no certificate"));
    }
    let leaf = presented.remove(0);
    if let Some(extra) = intermediates.filter(|i| !i.is_none()) {
        presented.extend(certificates(py, extra, "intermediates")?);
    }
    let roots = bundle(py, roots, "roots")?;
    let at = timestamp(at)?;
    let profile = self::profile(profile)?;
    let usages = match usages {
        Some(names) => names
            .iter()
            .map(|n| n.parse::<ExtendedKeyUsage>().map_err(|e| PyValueError::new_err(e.to_string())))
            .collect::<PyResult<Vec<_>>>()?,
        None => vec![ExtendedKeyUsage::ServerAuth],
    };
    let inner = py.detach(move || {
        let mut options = VerifyOptions::new(&roots, at).intermediates(&presented).profile(profile).usages(&usages);
        if let Some(name) = server_name.as_deref() {
            options = options.server_name(name);
        }
        verification::verify(&leaf, &options)
    });
    Ok(PyVerdict { inner })
}

/// Sets the CA data of `cluster` (default: the current one) to `bundle` and checks the result as
/// the doctor checks its own repairs: a safe minimal-diff edit, re-parsed, passing client-go's
/// validation, and — when `serving_chain` (leaf first) is given — verifying it for `server_name`
/// (default: the host the kubeconfig dials) at `at` under the kubelet profile. Write `new_text`
/// only when `verified`; `verification` says what was checked or why not. The GIL is released.
#[pyfunction]
#[pyo3(signature = (kubeconfig, bundle, *, cluster=None, serving_chain=None, server_name=None, at=None, source="kubeconfig"))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn repair_kubeconfig(
    py: Python<'_>,
    kubeconfig: &Bound<'_, PyAny>,
    bundle: &Bound<'_, PyAny>,
    cluster: Option<&str>,
    serving_chain: Option<&Bound<'_, PyAny>>,
    server_name: Option<String>,
    at: Option<&Bound<'_, PyAny>>,
    source: &str,
) -> PyResult<PyKubeconfigRepair> {
    let config = PyKubeconfig { inner: self::kubeconfig(py, kubeconfig, source)? };
    let cluster = config.cluster_name(cluster)?;
    let bundle = self::bundle(py, bundle, "bundle")?;
    let chain = match serving_chain.filter(|c| !c.is_none()) {
        Some(chain) => Some(certificates(py, chain, "serving_chain")?),
        None => None,
    };
    let at = timestamp(at)?;
    let source = source.to_owned();
    let inner = py.detach(move || {
        doctor_core::repair_kubeconfig(
            &source,
            &config.inner,
            &cluster,
            &bundle,
            chain.as_deref(),
            server_name.as_deref(),
            at,
        )
    });
    Ok(PyKubeconfigRepair { inner })
}

/// The CA file `kubeconfig` names for `cluster` (default: the current cluster) holding `bundle`,
/// checked as the doctor checks its CA-file repairs: the kubeconfig is left alone; the new text
/// keeps the file's bytes (`old`) and appends what it lacks (or is written anew when expired CAs
/// go), must load as exactly `bundle`, and, with `serving_chain`, `bundle` must verify it for
/// `server_name` (default: the host the kubeconfig dials). Write `new_text` to `path` only when
/// `verified`. The GIL is released.
#[pyfunction]
#[pyo3(signature = (kubeconfig, path, old, bundle, *, cluster=None, serving_chain=None, server_name=None, at=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn repair_ca_file(
    py: Python<'_>,
    kubeconfig: &Bound<'_, PyAny>,
    path: &str,
    old: &[u8],
    bundle: &Bound<'_, PyAny>,
    cluster: Option<&str>,
    serving_chain: Option<&Bound<'_, PyAny>>,
    server_name: Option<String>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyKubeconfigRepair> {
    let config = PyKubeconfig { inner: self::kubeconfig(py, kubeconfig, "kubeconfig")? };
    let cluster = config.cluster_name(cluster)?;
    let bundle = self::bundle(py, bundle, "bundle")?;
    let chain = match serving_chain.filter(|c| !c.is_none()) {
        Some(chain) => Some(certificates(py, chain, "serving_chain")?),
        None => None,
    };
    let at = timestamp(at)?;
    let (path, old) = (path.to_owned(), old.to_vec());
    let inner = py.detach(move || {
        doctor_core::repair_ca_file(
            &config.inner,
            &cluster,
            &path,
            &old,
            &bundle,
            chain.as_deref(),
            server_name.as_deref(),
            at,
        )
    });
    Ok(PyKubeconfigRepair { inner })
}

/// One problem the doctor found.
#[pyclass(frozen, module = "okd_trust", name = "Finding")]
pub(crate) struct PyFinding {
    inner: Finding,
}

#[pymethods]
impl PyFinding {
    /// The stable kebab-case code, e.g. `kubeconfig-untrusted-serving-chain`.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code.as_str()
    }

    /// `error`, `warning` or `info`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity.as_str()
    }

    /// The input it is about (a path or `namespace/name`).
    #[getter]
    fn source(&self) -> String {
        self.inner.source.clone()
    }

    /// What is wrong and why.
    #[getter]
    fn message(&self) -> String {
        self.inner.message.clone()
    }

    /// The certificates involved.
    #[getter]
    fn certificates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        summary_list(py, &self.inner.certificates)
    }

    /// Further facts (dates, counts, reasons).
    #[getter]
    fn details<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in &self.inner.details {
            dict.set_item(k, v)?;
        }
        Ok(dict)
    }

    fn __str__(&self) -> String {
        format!("{} {} {}: {}", self.inner.severity, self.inner.code, self.inner.source, self.inner.message)
    }

    fn __repr__(&self) -> String {
        format!("<Finding {} {} {}>", self.inner.severity, self.inner.code, self.inner.source)
    }
}

/// A kubeconfig rewritten to trust what it trusted plus what the cluster serves.
#[pyclass(frozen, module = "okd_trust", name = "KubeconfigRepair")]
pub(crate) struct PyKubeconfigRepair {
    inner: KubeconfigRepair,
}

#[pymethods]
impl PyKubeconfigRepair {
    /// The kubeconfig's label (normally its path).
    #[getter]
    fn source(&self) -> String {
        self.inner.source.clone()
    }

    /// The cluster entry edited.
    #[getter]
    fn cluster(&self) -> String {
        self.inner.cluster.clone()
    }

    /// The file `new_text` replaces: `"kubeconfig"`, or `"ca-file"` (the CA file the kubeconfig
    /// names; the kubeconfig itself is left as it is).
    #[getter]
    fn target(&self) -> &'static str {
        self.inner.target.as_str()
    }

    /// The CA file's path, resolved like client-go, for a `"ca-file"` repair (else None).
    #[getter]
    fn path(&self) -> Option<String> {
        self.inner.target.ca_file().map(str::to_owned)
    }

    /// The file as read.
    #[getter]
    fn old_text(&self) -> String {
        self.inner.old_text.clone()
    }

    /// The whole new file ("" when the edit was refused).
    #[getter]
    fn new_text(&self) -> String {
        self.inner.new_text.clone()
    }

    /// CAs added.
    #[getter]
    fn added<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        summary_list(py, &self.inner.added)
    }

    /// CAs dropped (expired ones only).
    #[getter]
    fn removed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        summary_list(py, &self.inner.removed)
    }

    /// Whether every check passed; apply only verified repairs.
    #[getter]
    fn verified(&self) -> bool {
        self.inner.verified
    }

    /// What was checked, or why the repair must not be applied.
    #[getter]
    fn verification(&self) -> String {
        self.inner.verification.clone()
    }

    fn __repr__(&self) -> String {
        format!("<KubeconfigRepair {} verified={}>", self.inner.source, self.inner.verified)
    }
}

/// The fix: kubeconfig repairs, the multus ConfigMap patch, and follow-up actions.
#[pyclass(frozen, module = "okd_trust", name = "Plan")]
pub(crate) struct PyPlan {
    inner: Plan,
}

#[pymethods]
impl PyPlan {
    /// One repair per kubeconfig that needs a change.
    #[getter]
    fn kubeconfigs(&self) -> Vec<PyKubeconfigRepair> {
        self.inner.kubeconfigs.iter().map(|r| PyKubeconfigRepair { inner: r.clone() }).collect()
    }

    /// `{"target", "patch", "note"}` for openshift-multus/kube-root-ca.crt, or None.
    #[getter]
    fn multus_patch<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(p) = &self.inner.multus_patch else { return Ok(None) };
        let dict = PyDict::new(py);
        dict.set_item("target", &p.target)?;
        dict.set_item("patch", &p.patch)?;
        dict.set_item("note", &p.note)?;
        Ok(Some(dict))
    }

    /// Follow-up steps in order, as `{"description", "command"}`.
    #[getter]
    fn actions<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.inner
            .actions
            .iter()
            .map(|a| {
                let dict = PyDict::new(py);
                dict.set_item("description", &a.description)?;
                dict.set_item("command", &a.command)?;
                Ok(dict)
            })
            .collect()
    }

    fn __bool__(&self) -> bool {
        !self.inner.is_empty()
    }

    fn __repr__(&self) -> String {
        format!("<Plan kubeconfigs={} actions={}>", self.inner.kubeconfigs.len(), self.inner.actions.len())
    }
}

/// The doctor's answer: verdict, findings, the verified plan, and its renderings.
#[pyclass(frozen, module = "okd_trust", name = "Diagnosis")]
pub(crate) struct PyDiagnosis {
    inner: Diagnosis,
}

#[pymethods]
impl PyDiagnosis {
    /// `healthy`, `at-risk` or `broken`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }

    /// The moment judged.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        datetime(py, self.inner.at)
    }

    /// Every problem found, most severe first.
    #[getter]
    fn findings(&self) -> Vec<PyFinding> {
        self.inner.findings.iter().map(|f| PyFinding { inner: f.clone() }).collect()
    }

    /// The fix.
    #[getter]
    fn plan(&self) -> PyPlan {
        PyPlan { inner: self.inner.plan.clone() }
    }

    /// Versioned JSON (`schema_version` 1).
    fn to_json(&self) -> String {
        report::json(&self.inner)
    }

    /// Prometheus text exposition.
    fn to_prometheus(&self) -> String {
        report::prometheus(&self.inner)
    }

    /// The human report.
    fn to_text(&self) -> String {
        report::text(&self.inner)
    }

    fn __str__(&self) -> String {
        report::text(&self.inner)
    }

    fn __repr__(&self) -> String {
        format!("<Diagnosis {} findings={}>", self.inner.verdict.as_str(), self.inner.findings.len())
    }
}

/// Runs the doctor. `kubeconfigs` and `cluster_cas` map labels (paths, `namespace/name`) to
/// content; content is `str`/`bytes` (auto-detected: PEM, ConfigMap/Secret, kubeconfig) or a
/// parsed `Kubeconfig`/`CaBundle`. The GIL is released while diagnosing.
#[pyfunction]
#[pyo3(signature = (
    kubeconfigs, *, cluster_cas=None, serving_chain=None, server_name=None, multus_ca=None,
    signer_secret=None, at=None, warn_days=30, system_roots=None,
))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn diagnose(
    py: Python<'_>,
    kubeconfigs: &Bound<'_, PyAny>,
    cluster_cas: Option<&Bound<'_, PyAny>>,
    serving_chain: Option<&Bound<'_, PyAny>>,
    server_name: Option<String>,
    multus_ca: Option<&Bound<'_, PyAny>>,
    signer_secret: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    warn_days: u32,
    system_roots: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyDiagnosis> {
    let mut input = DoctorInput::new(timestamp(at)?);
    input.warn_days = warn_days;
    for (label, value) in items(kubeconfigs, "kubeconfigs")? {
        let config = match value.cast::<PyKubeconfig>() {
            Ok(config) => config.get().inner.clone(),
            Err(_) => match okd_trust::input::kubeconfig(&label, &bytes_of(&value, &label)?) {
                Ok(Ok(config)) => config,
                // A kubeconfig client-go cannot load is the doctor's finding, not an exception.
                Ok(Err(error)) => {
                    input.unloadable.push(Labelled::new(label, error));
                    continue;
                }
                Err(e) => return Err(convert::error(py, e)),
            },
        };
        if let Some(path) = config.ca_file(&okd_trust_io::base_dir(&label)) {
            input.ca_files.push(CaFile::new(input.kubeconfigs.len(), path.clone(), okd_trust_io::read(&path)));
        }
        input.kubeconfigs.push(Labelled::new(label, config));
    }
    input.system_roots = match system_roots.filter(|r| !r.is_none()) {
        Some(roots) => Some(Labelled::new("system_roots", bundle(py, roots, "system_roots")?)),
        None => okd_trust_io::system_roots().map(|(label, roots)| Labelled::new(label, roots)),
    };
    if let Some(cas) = cluster_cas.filter(|c| !c.is_none()) {
        for (label, value) in items(cas, "cluster_cas")? {
            let ca = bundle(py, &value, &label)?;
            input.cluster_cas.push(Labelled::new(label, ca));
        }
    }
    if let Some(chain) = serving_chain.filter(|c| !c.is_none()) {
        let label = server_name.clone().unwrap_or_else(|| "api-int".to_owned());
        input.serving_chain = Some(Labelled::new(label, certificates(py, chain, "serving_chain")?));
    }
    if let Some(ca) = multus_ca.filter(|c| !c.is_none()) {
        let label = "openshift-multus/kube-root-ca.crt";
        input.multus_ca = Some(Labelled::new(label, bundle(py, ca, label)?));
    }
    if let Some(value) = signer_secret.filter(|c| !c.is_none()) {
        let label = "openshift-kube-apiserver-operator/loadbalancer-serving-signer";
        input.signer_secret = Some(Labelled::new(label, secret(py, value, label)?));
    }
    input.server_name = server_name;
    let inner = py.detach(move || doctor_core::diagnose(&input));
    Ok(PyDiagnosis { inner })
}
