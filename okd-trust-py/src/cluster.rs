//! `okd_trust.cluster.analyze()`: the whole cluster's trust from a must-gather, and its results.
//! The files are read here (through `okd-trust-io`); the analysis is the core's.

use std::path::PathBuf;
use std::sync::Arc;

use okd_trust::cluster::{self, ClusterOptions, ClusterReport, Edge, Endpoint, Finding, Signer};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::bundle::PyCaBundle;
use crate::cert::PyCertificate;
use crate::convert::{self, datetime, timestamp};
use crate::verify::summary_list;

/// Analyzes must-gathers (directories, `.tar`, `.tar.gz`, `.tar.xz`) or `oc get -o yaml|json`
/// dumps at `paths`, judging `kubeconfigs` (paths of node kubeconfigs) against api-int, at the
/// must-gather's own time unless `at` is given. A file that cannot be read inside a must-gather
/// is reported in `unreadable`; a path that cannot be read at all raises `OSError`. The GIL is
/// released while reading and analyzing.
#[pyfunction]
#[pyo3(signature = (paths, at=None, kubeconfigs=Vec::new()))]
pub(crate) fn analyze(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    at: Option<&Bound<'_, PyAny>>,
    kubeconfigs: Vec<PathBuf>,
) -> PyResult<PyClusterReport> {
    let given = match at.filter(|a| !a.is_none()) {
        Some(at) => Some(timestamp(Some(at))?),
        None => None,
    };
    let now = convert::now();
    let report = py.detach(move || -> Result<ClusterReport, String> {
        let inputs = okd_trust_io::must_gather::read_inputs(&paths, &kubeconfigs)
            .map_err(|e| format!("{}: {}", e.path.display(), e.source))?;
        let mut options = ClusterOptions::new(now);
        if let Some(at) = given {
            options = options.at(at);
        }
        Ok(cluster::analyze(&inputs, &options))
    });
    let report = report.map_err(pyo3::exceptions::PyOSError::new_err)?;
    Ok(PyClusterReport { inner: Arc::new(report) })
}

/// The whole cluster's trust: signers, bundles, endpoints, edges, findings.
#[pyclass(frozen, module = "okd_trust.cluster", name = "ClusterReport")]
pub(crate) struct PyClusterReport {
    inner: Arc<ClusterReport>,
}

#[pymethods]
impl PyClusterReport {
    /// `healthy`, `at-risk` or `broken`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }

    /// The moment judged (UTC).
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDateTime>> {
        datetime(py, self.inner.at)
    }

    /// Where `at` came from: `given`, `must-gather` or `clock`.
    #[getter]
    fn at_source(&self) -> &'static str {
        self.inner.at_source.as_str()
    }

    /// Every CA certificate, keyed by its public key.
    #[getter]
    fn signers(&self) -> Vec<PySigner> {
        (0..self.inner.signers.len()).map(|index| PySigner { report: self.inner.clone(), index }).collect()
    }

    /// Every bundle.
    #[getter]
    fn bundles(&self) -> Vec<PyBundle> {
        (0..self.inner.bundles.len()).map(|index| PyBundle { report: self.inner.clone(), index }).collect()
    }

    /// Every serving and client certificate.
    #[getter]
    fn endpoints(&self) -> Vec<PyEndpoint> {
        (0..self.inner.endpoints.len()).map(|index| PyEndpoint { report: self.inner.clone(), index }).collect()
    }

    /// Every relationship checked.
    #[getter]
    fn edges(&self) -> Vec<PyEdge> {
        (0..self.inner.edges.len()).map(|index| PyEdge { report: self.inner.clone(), index }).collect()
    }

    /// The findings, most severe first.
    #[getter]
    fn findings(&self) -> Vec<PyClusterFinding> {
        (0..self.inner.findings.len()).map(|index| PyClusterFinding { report: self.inner.clone(), index }).collect()
    }

    /// `(path, reason)` of everything that could not be read.
    #[getter]
    fn unreadable(&self) -> Vec<(String, String)> {
        self.inner.unreadable.iter().map(|u| (u.path.clone(), u.reason.clone())).collect()
    }

    /// What the inputs did not show, in words.
    #[getter]
    fn not_seen(&self) -> Vec<String> {
        self.inner.not_seen.clone()
    }

    /// `(name, roles, ready)` of every node.
    #[getter]
    fn nodes(&self) -> Vec<(String, Vec<String>, Option<bool>)> {
        self.inner.nodes.iter().map(|n| (n.name.clone(), n.roles.clone(), n.ready)).collect()
    }

    /// The report as JSON (schema version 1).
    fn json(&self) -> String {
        cluster::json(&self.inner)
    }

    /// The report as text, for people.
    fn text(&self) -> String {
        cluster::text(&self.inner)
    }

    /// The report as Prometheus text exposition.
    fn prometheus(&self) -> String {
        cluster::prometheus(&self.inner)
    }

    /// The trust graph in Graphviz's DOT language.
    fn dot(&self) -> String {
        cluster::dot(&self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "<ClusterReport {} at {}: {} signers, {} bundles, {} edges, {} findings>",
            self.inner.verdict.as_str(),
            self.inner.at,
            self.inner.signers.len(),
            self.inner.bundles.len(),
            self.inner.edges.len(),
            self.inner.findings.len()
        )
    }
}

macro_rules! item {
    ($name:ident, $py_name:literal, $field:ident, $ty:ty, $doc:literal) => {
        #[doc = $doc]
        #[pyclass(frozen, module = "okd_trust.cluster", name = $py_name)]
        pub(crate) struct $name {
            report: Arc<ClusterReport>,
            index: usize,
        }

        impl $name {
            fn item(&self) -> &$ty {
                &self.report.$field[self.index]
            }
        }
    };
}

item!(PySigner, "Signer", signers, Signer, "A CA certificate, identified by its public key.");
item!(PyBundle, "Bundle", bundles, okd_trust::cluster::Bundle, "A set of trusted certificates some client reads.");
item!(PyEndpoint, "Endpoint", endpoints, Endpoint, "A serving or client certificate.");
item!(PyEdge, "Edge", edges, Edge, "One relationship checked: a bundle must verify an endpoint.");
item!(PyClusterFinding, "ClusterFinding", findings, Finding, "One problem of the cluster, with its evidence.");

#[pymethods]
impl PySigner {
    /// The certificate.
    #[getter]
    fn certificate(&self) -> PyCertificate {
        PyCertificate::new(self.item().certificate.clone())
    }
    /// Its subject (RFC 4514).
    #[getter]
    fn subject(&self) -> String {
        self.item().certificate.subject()
    }
    /// SHA-256 of the public key, colon-separated upper-case hex.
    #[getter]
    fn spki_sha256(&self) -> String {
        self.item().spki_sha256.clone()
    }
    /// Every Secret and bundle it appears in.
    #[getter]
    fn sources(&self) -> Vec<String> {
        self.item().sources.clone()
    }
    /// `namespace/name[tls.crt]` of the Secret holding it, if one does.
    #[getter]
    fn secret(&self) -> Option<String> {
        self.item().secret.as_ref().map(|s| s.source.clone())
    }
    /// That Secret's `type`.
    #[getter]
    fn secret_type(&self) -> Option<String> {
        self.item().secret.as_ref().map(|s| s.secret_type.clone())
    }
    /// When OpenShift's rotation replaces it.
    #[getter]
    fn refresh_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDateTime>> {
        datetime(py, self.item().refresh_at)
    }
    /// The key that replaced this one, if it was re-keyed.
    #[getter]
    fn superseded_by(&self) -> Option<String> {
        self.item().superseded_by.clone()
    }
    fn __repr__(&self) -> String {
        format!("<Signer {} key {}>", self.item().certificate.subject(), self.item().spki_sha256)
    }
}

#[pymethods]
impl PyBundle {
    /// `namespace/name[key]`, or where else it was read.
    #[getter]
    fn source(&self) -> String {
        self.item().source.clone()
    }
    /// `configmap`, `secret`, `service-account-token`, `controllerconfig`, `machineconfig` or `kubeconfig`.
    #[getter]
    fn origin(&self) -> &'static str {
        self.item().origin.as_str()
    }
    /// Its certificates.
    #[getter]
    fn certificates(&self) -> PyCaBundle {
        PyCaBundle::new(self.item().certificates.clone())
    }
    fn __repr__(&self) -> String {
        format!("<Bundle {} ({} certificates)>", self.item().source, self.item().certificates.len())
    }
}

#[pymethods]
impl PyEndpoint {
    /// `namespace/name[tls.crt]` or `csr/<name>`.
    #[getter]
    fn source(&self) -> String {
        self.item().source.clone()
    }
    /// The certificate.
    #[getter]
    fn certificate(&self) -> PyCertificate {
        PyCertificate::new(self.item().certificate.clone())
    }
    /// Its DNS and IP SANs.
    #[getter]
    fn hostnames(&self) -> Vec<String> {
        self.item().hostnames.clone()
    }
    /// The key that signed it, found by signature.
    #[getter]
    fn issuer_spki_sha256(&self) -> Option<String> {
        self.item().issuer_spki_sha256.clone()
    }
    fn __repr__(&self) -> String {
        format!("<Endpoint {}>", self.item().source)
    }
}

#[pymethods]
impl PyEdge {
    /// The relationship's id, e.g. `kube-root-ca→api-int`.
    #[getter]
    fn relationship(&self) -> &'static str {
        self.item().relationship
    }
    /// Who reads the bundle.
    #[getter]
    fn client(&self) -> &'static str {
        self.item().client
    }
    /// The bundle's source.
    #[getter]
    fn bundle(&self) -> String {
        self.item().bundle.clone()
    }
    /// The endpoint's source.
    #[getter]
    fn endpoint(&self) -> String {
        self.item().endpoint.clone()
    }
    /// The name verified, for server certificates.
    #[getter]
    fn server_name(&self) -> Option<String> {
        self.item().server_name.clone()
    }
    /// Whether Go (kubelet's profile) trusts it.
    #[getter]
    fn trusted(&self) -> bool {
        self.item().verdict.is_trusted()
    }
    /// The failure's code when untrusted, e.g. `unknown-authority`.
    #[getter]
    fn reason(&self) -> Option<&'static str> {
        self.item().verdict.reason().map(|r| r.failure.code())
    }
    fn __repr__(&self) -> String {
        let edge = self.item();
        format!(
            "<Edge {} {} → {} trusted={}>",
            edge.relationship,
            edge.bundle,
            edge.endpoint,
            edge.verdict.is_trusted()
        )
    }
}

#[pymethods]
impl PyClusterFinding {
    /// The stable kebab-case code, e.g. `bundle-untrusted-endpoint`.
    #[getter]
    fn code(&self) -> &'static str {
        self.item().code.as_str()
    }
    /// `error`, `warning` or `info`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.item().severity.as_str()
    }
    /// What it is about.
    #[getter]
    fn source(&self) -> String {
        self.item().source.clone()
    }
    /// What is wrong and why.
    #[getter]
    fn message(&self) -> String {
        self.item().message.clone()
    }
    /// The certificates involved.
    #[getter]
    fn certificates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        summary_list(py, &self.item().certificates)
    }
    /// `(name, value)` facts, in order (a name may repeat).
    #[getter]
    fn evidence(&self) -> Vec<(String, String)> {
        self.item().details.clone()
    }
    fn __repr__(&self) -> String {
        format!("<Finding {} {} {}>", self.item().severity, self.item().code, self.item().source)
    }
}
