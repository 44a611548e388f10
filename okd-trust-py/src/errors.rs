//! The exception hierarchy: `okd_trust.Error` and its subclasses.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    okd_trust,
    Error,
    PyException,
    "Base class of every okd_trust error. `line` and `column` (1-based, None for binary input or when \
     unknown) and `offset` (byte offset, or None) say where in the input the problem is."
);
pyo3::create_exception!(
    okd_trust,
    ParseError,
    Error,
    "Input that cannot be read: malformed YAML/JSON, PEM, DER or base64, or an input over a limit."
);
pyo3::create_exception!(
    okd_trust,
    ValidationError,
    Error,
    "Input that reads but is not what client-go accepts: wrong field types, duplicate names, a missing cluster."
);
pyo3::create_exception!(
    okd_trust,
    UnsafeEditError,
    Error,
    "A kubeconfig edit that cannot be made safely (anchors, tags, a CA path and data both set, \
     insecure-skip-tls-verify); nothing is produced."
);

/// Adds the exceptions to the module, with `line`, `column` and `offset` defaulting to None.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<Error>();
    for attr in ["line", "column", "offset"] {
        base.setattr(attr, py.None())?;
    }
    m.add("Error", base)?;
    m.add("ParseError", py.get_type::<ParseError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add("UnsafeEditError", py.get_type::<UnsafeEditError>())?;
    Ok(())
}
