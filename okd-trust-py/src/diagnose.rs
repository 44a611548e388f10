//! `diagnose()` and the repairs: `Diagnosis`, `Finding`, `Plan`, `KubeconfigRepair`.

use okd_trust::diagnose::{
    self as doctor_core, BundlePolicy, Diagnosis, DoctorInput, Finding, KubeconfigRepair, Labelled, Plan,
};
use okd_trust::{Certificate, report};
use okd_trust_io::doctor::ReadOn;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyList};

use crate::bundle::PyCaBundle;
use crate::convert::{self, bytes_of, datetime, timestamp};
use crate::input::{bundle, certificates, items, kubeconfig, secret};
use crate::kubeconfig::PyKubeconfig;
use crate::verify::{PyVerdict, summary_list};

/// The bundle a file should trust, by the core's one repair policy: `wanted` alone
/// (`policy="exact"`, or when `current` is None), or `current` followed by the wanted CAs it
/// lacks (`policy="union"`, the default); with `prune_expired`, certificates expired at `at` (default: now)
/// go. Raises `UnsafeEditError` when nothing would be left.
#[pyfunction]
#[pyo3(signature = (current, wanted, *, policy=None, prune_expired=false, at=None))]
pub(crate) fn repaired_bundle(
    py: Python<'_>,
    current: Option<&Bound<'_, PyAny>>,
    wanted: &Bound<'_, PyAny>,
    policy: Option<&str>,
    prune_expired: bool,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyCaBundle> {
    let current = match current.filter(|c| !c.is_none()) {
        Some(current) => Some(bundle(py, current, "current")?),
        None => None,
    };
    let wanted = bundle(py, wanted, "wanted")?;
    let policy = bundle_policy(policy)?;
    let drop_expired_at = if prune_expired { Some(timestamp(at)?) } else { None };
    doctor_core::repaired_bundle(current.as_ref(), &wanted, policy, drop_expired_at)
        .map(PyCaBundle::new)
        .map_err(|e| convert::error(py, e))
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
    let cluster = config.cluster_name(py, cluster)?;
    let bundle = self::bundle(py, bundle, "bundle")?;
    let chain = optional_chain(py, serving_chain)?;
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
    let cluster = config.cluster_name(py, cluster)?;
    let bundle = self::bundle(py, bundle, "bundle")?;
    let chain = optional_chain(py, serving_chain)?;
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

/// A CA bundle file no kubeconfig names (a pinned anchor) at `path`, holding `old`, made to trust
/// `wanted` by `policy` (`"union"` or `"exact"`; with `prune_expired`, certificates expired at
/// `at` go), checked as the doctor checks its CA-file repairs: the old bytes stay and what is
/// missing is appended, the new text loads as exactly the new bundle and, with `serving_chain`,
/// the new bundle verifies it for `server_name`. Write `new_text` only when `verified`; nothing
/// left to trust is refused (`"nothing-left"`). The GIL is released.
#[pyfunction]
#[pyo3(signature = (path, old, wanted, *, policy=None, prune_expired=false, serving_chain=None, server_name=None, at=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn repair_bundle_file(
    py: Python<'_>,
    path: &str,
    old: &[u8],
    wanted: &Bound<'_, PyAny>,
    policy: Option<&str>,
    prune_expired: bool,
    serving_chain: Option<&Bound<'_, PyAny>>,
    server_name: Option<String>,
    at: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyKubeconfigRepair> {
    let wanted = bundle(py, wanted, "wanted")?;
    let policy = bundle_policy(policy)?;
    let chain = optional_chain(py, serving_chain)?;
    let at = timestamp(at)?;
    let (path, old) = (path.to_owned(), old.to_vec());
    let inner = py.detach(move || {
        doctor_core::repair_bundle_file(
            &path,
            &old,
            &wanted,
            policy,
            prune_expired,
            chain.as_deref(),
            server_name.as_deref(),
            at,
        )
    });
    Ok(PyKubeconfigRepair { inner })
}

/// The `policy` argument: a [`BundlePolicy`] by name, the core's default when None.
fn bundle_policy(policy: Option<&str>) -> PyResult<BundlePolicy> {
    policy.map_or(Ok(BundlePolicy::default()), |name| name.parse().map_err(PyValueError::new_err))
}

/// The `serving_chain` argument: None (or absent) for none, else a served chain.
fn optional_chain(py: Python<'_>, serving_chain: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Vec<Certificate>>> {
    serving_chain.filter(|c| !c.is_none()).map(|chain| certificates(py, chain, "serving_chain")).transpose()
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

    /// The whole new file; None when the repair was refused.
    #[getter]
    fn new_text(&self) -> Option<String> {
        self.inner.new_text().map(str::to_owned)
    }

    /// Whether the file would change (False when it already holds the new text). A refused
    /// repair writes nothing; there this says whether a change was needed.
    #[getter]
    fn changed(&self) -> bool {
        self.inner.changed
    }

    /// Nothing is left to write: verified and unchanged, or the file already holds exactly this
    /// bundle, which still does not verify the serving chain (the verdict says so).
    #[getter]
    fn settled(&self) -> bool {
        self.inner.is_settled()
    }

    /// Why the repair must not be applied, as a stable code (`nothing-left`, `edit-refused`,
    /// `not-text`, `reparse-failed`, `validation-failed`, `still-untrusted`); None when verified.
    #[getter]
    fn refusal(&self) -> Option<&'static str> {
        self.inner.refusal().map(|refusal| refusal.code())
    }

    /// The new bundle's verdict on the serving chain, when it was checked: trusted for a verified
    /// repair (its proof, no need to verify again), untrusted for a "still-untrusted" refusal.
    #[getter]
    fn verdict(&self) -> Option<PyVerdict> {
        self.inner.verdict().map(|inner| PyVerdict { inner })
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
        self.inner.is_verified()
    }

    /// What was checked, or why the repair must not be applied.
    #[getter]
    fn verification(&self) -> String {
        self.inner.verification()
    }

    fn __repr__(&self) -> String {
        format!("<KubeconfigRepair {} verified={}>", self.inner.source, self.inner.is_verified())
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
    signer_secret=None, at=None, warn_days=None, system_roots=None, read_files=true,
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
    warn_days: Option<u32>,
    system_roots: Option<&Bound<'_, PyAny>>,
    read_files: bool,
) -> PyResult<PyDiagnosis> {
    let read_on = if read_files { ReadOn::ThisMachine } else { ReadOn::Elsewhere };
    let mut input = DoctorInput::new(timestamp(at)?);
    if let Some(days) = warn_days {
        input.warn_days = days;
    }
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
        okd_trust_io::doctor::add_kubeconfig(&mut input, label, config, read_on);
    }
    let system_roots = match system_roots.filter(|r| !r.is_none()) {
        Some(roots) => Some(bundle(py, roots, "system_roots")?),
        None => None,
    };
    input.system_roots = okd_trust_io::doctor::system_roots(system_roots, read_on);
    if let Some(cas) = cluster_cas.filter(|c| !c.is_none()) {
        for (label, value) in items(cas, "cluster_cas")? {
            let ca = bundle(py, &value, &label)?;
            input.cluster_cas.push(Labelled::new(label, ca));
        }
    }
    if let Some(chain) = optional_chain(py, serving_chain)? {
        input.serving_chain = Some(Labelled::new(DoctorInput::SERVING_CHAIN_LABEL, chain));
    }
    if let Some(ca) = multus_ca.filter(|c| !c.is_none()) {
        let label = DoctorInput::MULTUS_CA_LABEL;
        input.multus_ca = Some(Labelled::new(label, bundle(py, ca, label)?));
    }
    if let Some(value) = signer_secret.filter(|c| !c.is_none()) {
        let label = DoctorInput::SIGNER_SECRET_LABEL;
        input.signer_secret = Some(Labelled::new(label, secret(py, value, label)?));
    }
    input.server_name = server_name;
    let inner = py.detach(move || doctor_core::diagnose(&input));
    Ok(PyDiagnosis { inner })
}
