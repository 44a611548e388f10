//! Python values to core inputs: certificates, bundles, kubeconfigs and Secrets from the binding's
//! own objects or any content the core's input detection reads.

use okd_trust::cert::ServedChain;
use okd_trust::manifest::Manifest;
use okd_trust::{CaBundle, Certificate, Kubeconfig, Limits};
use pyo3::exceptions::{PyOSError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::bundle::PyCaBundle;
use crate::cert::PyCertificate;
use crate::convert::{self, bytes_of};
use crate::kubeconfig::PyKubeconfig;

/// Certificates from a `Certificate`, a `CaBundle`, an iterable of `Certificate`s, or content:
/// PEM text or a TLS Secret, read as a served chain (strictly, by the core).
pub(crate) fn certificates(py: Python<'_>, value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<Certificate>> {
    if let Ok(cert) = value.cast::<PyCertificate>() {
        return Ok(vec![cert.get().inner.clone()]);
    }
    if let Ok(bundle) = value.cast::<PyCaBundle>() {
        // Only a bundle whose loading skipped nothing is taken as a chain (the core's rule).
        let chain =
            ServedChain::try_from(&bundle.get().inner).map_err(|e| convert::error(py, okd_trust::Error::from(e)))?;
        return Ok(chain.certificates);
    }
    if convert::is_content(value) {
        // A served chain is read whole or not at all (the core's reader): a damaged leaf skipped
        // would leave the intermediate alone, which verifies.
        let bytes = bytes_of(value, what)?;
        let chain =
            okd_trust::input::served_chain(what, &bytes, &Limits::default()).map_err(|e| convert::error(py, e))?;
        return Ok(chain.certificates);
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
pub(crate) fn bundle(py: Python<'_>, value: &Bound<'_, PyAny>, label: &str) -> PyResult<CaBundle> {
    if let Ok(bundle) = value.cast::<PyCaBundle>() {
        return Ok(bundle.get().inner.clone());
    }
    if convert::is_content(value) {
        let bytes = bytes_of(value, label)?;
        let detected = okd_trust::input::detect(label, &bytes).map_err(|e| convert::error(py, e))?;
        return detected.required_ca_bundle(label).map_err(|e| convert::error(py, e));
    }
    Ok(CaBundle::from_certificates(certificates(py, value, label)?))
}

pub(crate) fn kubeconfig(py: Python<'_>, value: &Bound<'_, PyAny>, label: &str) -> PyResult<Kubeconfig> {
    if let Ok(config) = value.cast::<PyKubeconfig>() {
        return Ok(config.get().inner.clone());
    }
    let bytes = bytes_of(value, label)?;
    okd_trust::input::detect(label, &bytes).and_then(|d| d.into_kubeconfig(label)).map_err(|e| convert::error(py, e))
}

pub(crate) fn secret(py: Python<'_>, value: &Bound<'_, PyAny>, label: &str) -> PyResult<Manifest> {
    let bytes = bytes_of(value, label)?;
    okd_trust::input::detect(label, &bytes).and_then(|d| d.required_secret(label)).map_err(|e| convert::error(py, e))
}

/// `(label, value)` pairs of a mapping.
pub(crate) fn items<'py>(value: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let items = value
        .call_method0("items")
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a mapping of label to content")))?;
    let mut out = Vec::new();
    for item in items.try_iter()? {
        out.push(item?.extract::<(String, Bound<'py, PyAny>)>()?);
    }
    Ok(out)
}

/// The bytes of the regular file `path`, at most the input limit: a FIFO, a device or a socket
/// is refused without blocking on it. Raises OSError saying why not.
#[pyfunction]
pub(crate) fn read_file<'py>(py: Python<'py>, path: &str) -> PyResult<Bound<'py, PyBytes>> {
    let bytes =
        py.detach(|| okd_trust_io::read(path)).map_err(|reason| PyOSError::new_err(format!("{path}: {reason}")))?;
    Ok(PyBytes::new(py, &bytes))
}

/// The directory a kubeconfig's relative paths resolve against, given its label (its path), as
/// client-go resolves them.
#[pyfunction]
pub(crate) fn base_dir(label: &str) -> String {
    okd_trust_io::base_dir(label)
}
