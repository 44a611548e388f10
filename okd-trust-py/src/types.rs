//! Certificates, CA bundles and kubeconfigs as Python classes.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash as _, Hasher as _};

use okd_trust::cert::colon_hex;
use okd_trust::verify::CertSummary;
use okd_trust::{CaBundle, Certificate, Kubeconfig};
use pyo3::exceptions::PyIndexError;
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
    inner: okd_trust::BundleDiff,
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
        match detected.ca_bundle().map_err(|e| convert::error(py, e))? {
            Some(bundle) => Ok(Self::new(bundle)),
            None => Err(convert::validation_error(format!("{label}: holds no CA certificate"))),
        }
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

/// A kubeconfig (YAML or JSON), read and validated like client-go, edited without disturbing a
/// byte that does not have to change.
#[pyclass(frozen, module = "okd_trust", name = "Kubeconfig")]
pub(crate) struct PyKubeconfig {
    pub(crate) inner: Kubeconfig,
}

impl PyKubeconfig {
    pub(crate) fn cluster_name(&self, cluster: Option<&str>) -> PyResult<String> {
        match cluster {
            Some(name) => Ok(name.to_owned()),
            None => self.inner.current_cluster().map(|c| c.name.clone()).ok_or_else(|| {
                convert::validation_error(
                    "the kubeconfig has no current cluster (current-context unset or dangling): pass cluster=",
                )
            }),
        }
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

    /// The CA file client-go reads for the current cluster (its `certificate-authority`, resolved
    /// against `base_dir`, the kubeconfig's directory), or None when it names none.
    fn ca_file(&self, base_dir: &str) -> Option<String> {
        self.inner.ca_file(base_dir)
    }

    /// The bundle in `certificate-authority-data` of `cluster` (default: the current cluster),
    /// or None when it embeds none.
    #[pyo3(signature = (cluster=None))]
    fn ca_bundle(&self, py: Python<'_>, cluster: Option<&str>) -> PyResult<Option<PyCaBundle>> {
        let name = self.cluster_name(cluster)?;
        self.inner.ca_bundle(&name).map(|b| b.map(PyCaBundle::new)).map_err(|e| convert::error(py, e))
    }

    /// The server of `cluster` (default: the current cluster).
    #[pyo3(signature = (cluster=None))]
    fn server(&self, cluster: Option<&str>) -> PyResult<Option<String>> {
        let name = self.cluster_name(cluster)?;
        Ok(self.inner.cluster(&name).map(|c| c.cluster.server.clone()))
    }

    /// The host name a client verifies the server against: `tls-server-name`, else the host of `server`.
    #[pyo3(signature = (cluster=None))]
    fn server_name(&self, cluster: Option<&str>) -> PyResult<Option<String>> {
        let name = self.cluster_name(cluster)?;
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
        let name = self.cluster_name(cluster)?;
        self.inner.with_ca_bundle(&name, &bundle.inner).map(|edit| edit.text).map_err(|e| convert::error(py, e))
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.inner.clusters().iter().map(|c| c.name.as_str()).collect();
        format!("<Kubeconfig {} clusters={names:?}>", self.format())
    }
}
