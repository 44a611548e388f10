//! `Kubeconfig`: read and validated like client-go, edited byte-for-byte.

use okd_trust::Kubeconfig;
use pyo3::prelude::*;

use crate::bundle::PyCaBundle;
use crate::convert::{self, bytes_of};

/// A kubeconfig (YAML or JSON), read and validated like client-go, edited without disturbing a
/// byte that does not have to change.
#[pyclass(frozen, module = "okd_trust", name = "Kubeconfig")]
pub(crate) struct PyKubeconfig {
    pub(crate) inner: Kubeconfig,
}

impl PyKubeconfig {
    pub(crate) fn cluster_name(&self, py: Python<'_>, cluster: Option<&str>) -> PyResult<String> {
        let cluster = self.inner.cluster_or_current(cluster).map_err(|e| convert::error(py, e))?;
        Ok(cluster.name.clone())
    }
}

fn json_value<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| convert::plain_error(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

#[pymethods]
impl PyKubeconfig {
    /// Parses a kubeconfig (`str` or `bytes`, YAML or JSON). Unreadable text raises `ParseError`,
    /// fields of the wrong type or duplicate names raise `ValidationError`.
    #[staticmethod]
    fn parse(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bytes = bytes_of(data, "data")?;
        Kubeconfig::parse(&bytes).map(|inner| PyKubeconfig { inner }).map_err(|e| convert::error(py, e))
    }

    /// `yaml` or `json`.
    #[getter]
    fn format(&self) -> &'static str {
        self.inner.format().as_str()
    }

    /// The text it was read from (without a byte-order mark).
    #[getter]
    fn source(&self) -> String {
        self.inner.source().to_owned()
    }

    /// The cluster entries as dicts, keyed as in the file (`name`, `cluster.server`, ...).
    #[getter]
    fn clusters<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value(py, &self.inner.config().clusters)
    }

    /// The user entries as dicts, keyed as in the file.
    #[getter]
    fn users<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value(py, &self.inner.config().users)
    }

    /// The context entries as dicts, keyed as in the file.
    #[getter]
    fn contexts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_value(py, &self.inner.config().contexts)
    }

    /// `current-context`, or None when unset.
    #[getter]
    fn current_context(&self) -> Option<String> {
        Some(self.inner.config().current_context.clone()).filter(|c| !c.is_empty())
    }

    /// The name of the current context's cluster, if any (no fallback, as in client-go).
    #[getter]
    fn current_cluster(&self) -> Option<String> {
        self.inner.current_cluster().map(|c| c.name.clone())
    }

    /// The CA file client-go reads for `cluster` (default: the current cluster): its
    /// `certificate-authority`, resolved against `base_dir` (the kubeconfig's directory; see
    /// `okd_trust.base_dir`), or None when it names none.
    #[pyo3(signature = (base_dir, cluster=None))]
    fn ca_file(&self, py: Python<'_>, base_dir: &str, cluster: Option<&str>) -> PyResult<Option<String>> {
        let name = self.cluster_name(py, cluster)?;
        Ok(self.inner.cluster_ca_file(&name, base_dir))
    }

    /// The bundle in `certificate-authority-data` of `cluster` (default: the current cluster),
    /// or None when it embeds none.
    #[pyo3(signature = (cluster=None))]
    fn ca_bundle(&self, py: Python<'_>, cluster: Option<&str>) -> PyResult<Option<PyCaBundle>> {
        let name = self.cluster_name(py, cluster)?;
        self.inner.ca_bundle(&name).map(|b| b.map(PyCaBundle::new)).map_err(|e| convert::error(py, e))
    }

    /// The server of `cluster` (default: the current cluster).
    #[pyo3(signature = (cluster=None))]
    fn server(&self, py: Python<'_>, cluster: Option<&str>) -> PyResult<Option<String>> {
        let name = self.cluster_name(py, cluster)?;
        Ok(self.inner.cluster(&name).map(|c| c.cluster.server.clone()))
    }

    /// The host name a client verifies the server against: `tls-server-name`, else the host of `server`.
    #[pyo3(signature = (cluster=None))]
    fn server_name(&self, py: Python<'_>, cluster: Option<&str>) -> PyResult<Option<String>> {
        let name = self.cluster_name(py, cluster)?;
        Ok(self.inner.server_name(&name))
    }

    /// Every problem client-go's validation would report, as messages (empty when valid).
    fn validate(&self) -> Vec<String> {
        self.inner.validate().iter().map(ToString::to_string).collect()
    }

    /// The whole text with `certificate-authority-data` of `cluster` (default: the current
    /// cluster) set to `bundle`; every other byte unchanged. Raises `UnsafeEditError` when the
    /// edit cannot be made safely. Returns the input unchanged when it already trusts exactly `bundle`.
    #[pyo3(signature = (bundle, cluster=None))]
    fn with_ca_bundle(&self, py: Python<'_>, bundle: &PyCaBundle, cluster: Option<&str>) -> PyResult<String> {
        let name = self.cluster_name(py, cluster)?;
        self.inner.with_ca_bundle(&name, &bundle.inner).map(|edit| edit.text).map_err(|e| convert::error(py, e))
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.inner.clusters().iter().map(|c| c.name.as_str()).collect();
        format!("<Kubeconfig {} clusters={names:?}>", self.format())
    }
}
