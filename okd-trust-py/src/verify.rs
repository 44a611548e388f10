//! `verify()`, its `Verdict`, and `CertSummary`, how reports name a certificate.

use okd_trust::Certificate;
use okd_trust::cert::ExtendedKeyUsage;
use okd_trust::verify::{self as verification, CertSummary, Profile, Verdict, VerifyOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyList};

use crate::cert::cert_list;
use crate::convert::{datetime, timestamp};
use crate::input::{bundle, certificates};

/// A certificate as reports identify it: subject, fingerprint, validity, depth in a chain.
#[pyclass(frozen, module = "okd_trust", name = "CertSummary")]
pub(crate) struct PyCertSummary {
    inner: CertSummary,
}

pub(crate) fn summary_list<'py>(py: Python<'py>, summaries: &[CertSummary]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, summaries.iter().map(|s| PyCertSummary { inner: s.clone() }))
}

pub(crate) fn summary(summary: &CertSummary) -> PyCertSummary {
    PyCertSummary { inner: summary.clone() }
}

#[pymethods]
impl PyCertSummary {
    /// Subject, RFC 4514.
    #[getter]
    fn subject(&self) -> String {
        self.inner.subject.clone()
    }

    /// SHA-256 fingerprint, colon-separated upper-case hex.
    #[getter]
    fn sha256(&self) -> String {
        self.inner.sha256.clone()
    }

    /// Start of validity.
    #[getter]
    fn not_before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        datetime(py, self.inner.not_before)
    }

    /// End of validity.
    #[getter]
    fn not_after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        datetime(py, self.inner.not_after)
    }

    /// 0 for a leaf, 1 for its issuer, and so on.
    #[getter]
    fn depth(&self) -> usize {
        self.inner.depth
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!("<CertSummary {}>", self.inner)
    }
}

fn profile(name: &str) -> PyResult<Profile> {
    name.parse().map_err(PyValueError::new_err)
}

/// Whether a client trusts a server: trusted along `chain`, or untrusted with the `reason`.
#[pyclass(frozen, module = "okd_trust", name = "Verdict")]
pub(crate) struct PyVerdict {
    pub(crate) inner: Verdict,
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
        // Empty is the core's default, serverAuth (as in Go).
        None => Vec::new(),
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
