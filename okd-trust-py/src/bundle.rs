//! `CaBundle` and what comparing or loading one reports: `BundleDiff`, `BundleWarning`.

use okd_trust::{CaBundle, Certificate};
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::cert::{PyCertificate, cert_list};
use crate::convert::{self, bytes_of, timestamp};

/// Something Go's PEM loader would skip silently: a non-certificate block, a duplicate, garbage.
#[pyclass(frozen, module = "okd_trust", name = "BundleWarning")]
pub(crate) struct PyBundleWarning {
    /// What was skipped and why.
    #[pyo3(get)]
    message: String,
    /// `not-a-certificate`, `certificate-with-headers`, `unparseable`, `duplicate` or `malformed-pem`.
    #[pyo3(get)]
    kind: &'static str,
    /// 1-based line of the skipped block.
    #[pyo3(get)]
    line: usize,
    /// 1-based column of the skipped block.
    #[pyo3(get)]
    column: usize,
    /// Byte offset of the skipped block.
    #[pyo3(get)]
    offset: usize,
}

#[pymethods]
impl PyBundleWarning {
    fn __str__(&self) -> String {
        self.message.clone()
    }

    fn __repr__(&self) -> String {
        format!("<BundleWarning {}>", self.message)
    }
}

/// What changes from one bundle to another, by fingerprint.
#[pyclass(frozen, module = "okd_trust", name = "BundleDiff")]
pub(crate) struct PyBundleDiff {
    inner: okd_trust::bundle::BundleDiff,
}

#[pymethods]
impl PyBundleDiff {
    /// In the newer bundle only.
    #[getter]
    fn added<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cert_list(py, &self.inner.added)
    }

    /// In the older bundle only.
    #[getter]
    fn removed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cert_list(py, &self.inner.removed)
    }

    /// In both.
    #[getter]
    fn kept<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cert_list(py, &self.inner.kept)
    }

    /// Whether both bundles hold the same certificates.
    #[getter]
    fn unchanged(&self) -> bool {
        self.inner.is_unchanged()
    }

    fn __bool__(&self) -> bool {
        !self.inner.is_unchanged()
    }

    fn __repr__(&self) -> String {
        format!(
            "<BundleDiff added={} removed={} kept={}>",
            self.inner.added.len(),
            self.inner.removed.len(),
            self.inner.kept.len()
        )
    }
}

/// An ordered, de-duplicated set of CA certificates, loaded like Go's `AppendCertsFromPEM`.
#[pyclass(frozen, sequence, module = "okd_trust", name = "CaBundle")]
pub(crate) struct PyCaBundle {
    pub(crate) inner: CaBundle,
}

impl PyCaBundle {
    pub(crate) fn new(inner: CaBundle) -> Self {
        PyCaBundle { inner }
    }
}

#[pymethods]
impl PyCaBundle {
    /// Loads PEM text (`str` or `bytes`); skipped blocks become `warnings`; no certificate at all
    /// raises `ParseError`.
    #[staticmethod]
    fn from_pem(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bytes = bytes_of(data, "data")?;
        CaBundle::from_pem(&bytes).map(Self::new).map_err(|e| convert::error(py, e))
    }

    /// Loads any input that holds CA certificates, recognised by content: PEM, a ConfigMap or
    /// Secret (`oc get -o yaml|json`, keys ca-bundle.crt, ca.crt, tls.crt), or a kubeconfig (its
    /// current cluster's certificate-authority-data). `label` names the input in errors.
    #[staticmethod]
    #[pyo3(signature = (data, label = "input"))]
    fn load(py: Python<'_>, data: &Bound<'_, PyAny>, label: &str) -> PyResult<Self> {
        let bytes = bytes_of(data, "data")?;
        let detected = okd_trust::input::detect(label, &bytes).map_err(|e| convert::error(py, e))?;
        detected.required_ca_bundle(label).map(Self::new).map_err(|e| convert::error(py, e))
    }

    /// A bundle of these certificates, in order, later duplicates dropped.
    #[staticmethod]
    fn from_certificates(certificates: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut certs = Vec::new();
        for item in certificates.try_iter()? {
            certs.push(item?.cast::<PyCertificate>()?.get().inner.clone());
        }
        Ok(Self::new(CaBundle::from_certificates(certs)))
    }

    /// What loading skipped, in input order.
    #[getter]
    fn warnings(&self) -> Vec<PyBundleWarning> {
        self.inner
            .warnings()
            .iter()
            .map(|w| PyBundleWarning {
                message: w.to_string(),
                kind: w.kind.code(),
                line: w.position.line,
                column: w.position.column,
                offset: w.position.offset,
            })
            .collect()
    }

    /// This bundle's certificates, then those of `other` not already present.
    fn union(&self, other: &PyCaBundle) -> Self {
        Self::new(self.inner.union(&other.inner))
    }

    /// The certificates not yet expired at `at` (default: now).
    #[pyo3(signature = (at=None))]
    fn without_expired(&self, at: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Ok(Self::new(self.inner.without_expired(timestamp(at)?)))
    }

    /// What changes from this bundle to `newer`.
    fn diff(&self, newer: &PyCaBundle) -> PyBundleDiff {
        PyBundleDiff { inner: self.inner.diff(&newer.inner) }
    }

    /// Canonical PEM: one block per certificate, in order.
    fn to_pem(&self) -> String {
        self.inner.to_pem()
    }

    /// The certificates, in order.
    #[getter]
    fn certificates<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        cert_list(py, self.inner.as_slice())
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<PyCertificate> {
        let len = self.inner.len() as isize;
        let i = if index < 0 { index + len } else { index };
        usize::try_from(i)
            .ok()
            .and_then(|i| self.inner.get(i))
            .map(|c| PyCertificate::new(c.clone()))
            .ok_or_else(|| PyIndexError::new_err("CaBundle index out of range"))
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(cert_list(py, self.inner.as_slice())?.try_iter()?.into_any())
    }

    fn __contains__(&self, cert: &Bound<'_, PyAny>) -> bool {
        cert.cast::<PyCertificate>().is_ok_and(|c| self.inner.contains(&c.get().inner))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyCaBundle>().is_ok_and(|o| o.get().inner.as_slice() == self.inner.as_slice())
    }

    fn __repr__(&self) -> String {
        let subjects: Vec<String> = self.inner.iter().map(Certificate::subject).collect();
        format!("<CaBundle {} certificate(s): {subjects:?}>", self.inner.len())
    }
}
