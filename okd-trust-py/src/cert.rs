//! `Certificate`: one X.509 certificate, read as Go reads it.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash as _, Hasher as _};

use okd_trust::Certificate;
use okd_trust::cert::colon_hex;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDateTime, PyList};

use crate::convert::{self, bytes_of, datetime, timestamp};

/// An X.509 certificate, parsed the way Go's `x509.ParseCertificate` parses it.
#[pyclass(frozen, module = "okd_trust", name = "Certificate")]
pub(crate) struct PyCertificate {
    pub(crate) inner: Certificate,
}

impl PyCertificate {
    pub(crate) fn new(inner: Certificate) -> Self {
        PyCertificate { inner }
    }
}

pub(crate) fn cert_list<'py>(py: Python<'py>, certs: &[Certificate]) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, certs.iter().map(|c| PyCertificate::new(c.clone())))
}

#[pymethods]
impl PyCertificate {
    /// The first CERTIFICATE block of PEM text (`str` or `bytes`).
    #[staticmethod]
    fn from_pem(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let bytes = bytes_of(data, "data")?;
        Certificate::from_pem(&bytes).map(Self::new).map_err(|e| convert::error(py, e))
    }

    /// A DER-encoded certificate.
    #[staticmethod]
    fn from_der(py: Python<'_>, data: &[u8]) -> PyResult<Self> {
        Certificate::from_der(data).map(Self::new).map_err(|e| convert::error(py, e))
    }

    /// Subject, RFC 4514.
    #[getter]
    fn subject(&self) -> String {
        self.inner.subject()
    }

    /// Issuer, RFC 4514.
    #[getter]
    fn issuer(&self) -> String {
        self.inner.issuer()
    }

    /// Serial number, lower-case hex.
    #[getter]
    fn serial(&self) -> String {
        self.inner.serial_hex()
    }

    /// Start of validity (timezone-aware, UTC).
    #[getter]
    fn not_before<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        datetime(py, self.inner.not_before())
    }

    /// End of validity (timezone-aware, UTC).
    #[getter]
    fn not_after<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDateTime>> {
        datetime(py, self.inner.not_after())
    }

    /// Seconds from `at` (default: now) until `notAfter`; negative once expired.
    #[pyo3(signature = (at=None))]
    fn expires_in(&self, at: Option<&Bound<'_, PyAny>>) -> PyResult<i64> {
        Ok(self.inner.expires_in(timestamp(at)?))
    }

    /// Whether `at` (default: now) is within the validity period.
    #[pyo3(signature = (at=None))]
    fn is_valid_at(&self, at: Option<&Bound<'_, PyAny>>) -> PyResult<bool> {
        Ok(self.inner.is_valid_at(timestamp(at)?))
    }

    /// DNS names of the subjectAltName extension.
    #[getter]
    fn dns_names(&self) -> Vec<String> {
        self.inner.dns_names().to_vec()
    }

    /// IP addresses of the subjectAltName extension, as text.
    #[getter]
    fn ip_addresses(&self) -> Vec<String> {
        self.inner.ip_addresses().iter().map(ToString::to_string).collect()
    }

    /// Email addresses of the subjectAltName extension.
    #[getter]
    fn email_addresses(&self) -> Vec<String> {
        self.inner.email_addresses().to_vec()
    }

    /// URIs of the subjectAltName extension.
    #[getter]
    fn uris(&self) -> Vec<String> {
        self.inner.uris().to_vec()
    }

    /// Whether basicConstraints says `cA: TRUE`.
    #[getter]
    fn is_ca(&self) -> bool {
        self.inner.is_ca()
    }

    /// The path length constraint of a CA, when it has one.
    #[getter]
    fn path_len(&self) -> Option<u32> {
        self.inner.basic_constraints().and_then(|b| b.path_len)
    }

    /// Whether the certificate signed itself (issuer equals subject and its own key verifies it).
    #[getter]
    fn is_self_signed(&self) -> bool {
        self.inner.is_self_signed()
    }

    /// Whether issuer and subject are the same name (a root, or a re-keyed signer's cross-sign).
    #[getter]
    fn is_self_issued(&self) -> bool {
        self.inner.is_self_issued()
    }

    /// The Key Usage bits set, by RFC 5280 name (`keyCertSign`, ...); `None` without the extension.
    #[getter]
    fn key_usage(&self) -> Option<Vec<&'static str>> {
        self.inner.key_usage().map(|ku| ku.names().collect())
    }

    /// The Extended Key Usage purposes (`serverAuth`, ..., or a dotted OID); `None` without the
    /// extension (which Go reads as "any purpose").
    #[getter]
    fn extended_key_usage(&self) -> Option<Vec<String>> {
        self.inner.extended_key_usage().map(|ekus| ekus.iter().map(ToString::to_string).collect())
    }

    /// Critical extensions Go does not understand (a chain through them is rejected), dotted OIDs.
    #[getter]
    fn unhandled_critical_extensions(&self) -> Vec<String> {
        self.inner.unhandled_critical_extensions().iter().map(ToString::to_string).collect()
    }

    /// Subject Key Identifier, colon hex.
    #[getter]
    fn subject_key_id(&self) -> Option<String> {
        self.inner.subject_key_id().map(colon_hex)
    }

    /// Authority Key Identifier, colon hex.
    #[getter]
    fn authority_key_id(&self) -> Option<String> {
        self.inner.authority_key_id().map(colon_hex)
    }

    /// The public key algorithm, e.g. `RSA` or `ECDSA P-256`.
    #[getter]
    fn public_key_algorithm(&self) -> String {
        self.inner.public_key_algorithm().to_string()
    }

    /// Key size in bits, when the algorithm has one.
    #[getter]
    fn public_key_bits(&self) -> Option<u32> {
        self.inner.public_key_bits()
    }

    /// The signature algorithm, e.g. `SHA256-RSA`.
    #[getter]
    fn signature_algorithm(&self) -> String {
        self.inner.signature_algorithm().to_string()
    }

    /// X.509 version (1, 2 or 3).
    #[getter]
    fn version(&self) -> u8 {
        self.inner.version()
    }

    /// SHA-256 fingerprint, colon-separated upper-case hex.
    #[getter]
    fn sha256(&self) -> String {
        self.inner.sha256_fingerprint_hex()
    }

    /// SHA-1 fingerprint, colon-separated upper-case hex.
    #[getter]
    fn sha1(&self) -> String {
        colon_hex(&self.inner.sha1_fingerprint())
    }

    /// The DER bytes exactly as read.
    #[getter]
    fn der<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.der())
    }

    /// One PEM CERTIFICATE block.
    fn to_pem(&self) -> String {
        self.inner.to_pem()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyCertificate>().is_ok_and(|o| o.get().inner.der() == self.inner.der())
    }

    fn __hash__(&self) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.inner.sha256_fingerprint().hash(&mut hasher);
        hasher.finish()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Certificate subject={:?} not_after={} sha256={}>",
            self.inner.subject(),
            self.inner.not_after(),
            self.inner.sha256_fingerprint_hex()
        )
    }
}
