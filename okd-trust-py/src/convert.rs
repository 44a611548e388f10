//! Conversions between Python values and the core's types: bytes, times, errors.

use std::time::SystemTime;

use okd_trust::{Position, Timestamp};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDateTime, PyString, PyTzInfo};

use crate::errors::{Error, ParseError, UnsafeEditError, ValidationError};

/// The bytes of a `str` (UTF-8) or of a bytes-like object.
pub(crate) fn bytes_of(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.as_bytes().to_vec());
    }
    if is_bytes(value) {
        return value.extract::<Vec<u8>>();
    }
    let found = value.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err(PyTypeError::new_err(format!("{what} must be str or bytes, not {found}")))
}

/// Whether `value` is `bytes` or `bytearray` (a list of ints is not).
fn is_bytes(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>()
}

/// Whether `value` is text or bytes, i.e. content to read rather than parsed objects.
pub(crate) fn is_content(value: &Bound<'_, PyAny>) -> bool {
    value.is_instance_of::<PyString>() || is_bytes(value)
}

/// The current time: the binding, never the core, reads the clock.
pub(crate) fn now() -> Timestamp {
    Timestamp::from(SystemTime::now())
}

/// `at=None` means now; otherwise a timezone-aware `datetime` or an RFC 3339 string.
pub(crate) fn timestamp(at: Option<&Bound<'_, PyAny>>) -> PyResult<Timestamp> {
    let Some(at) = at.filter(|a| !a.is_none()) else {
        return Ok(now());
    };
    let text: String = if let Ok(s) = at.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if at.is_instance_of::<PyDateTime>() {
        if at.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err("at must be a timezone-aware datetime (e.g. tzinfo=timezone.utc)"));
        }
        at.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err("at must be None, a timezone-aware datetime or an RFC 3339 string"));
    };
    Timestamp::parse_rfc3339(&text).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A timezone-aware (UTC) `datetime`, to the microsecond.
pub(crate) fn datetime<'py>(py: Python<'py>, t: Timestamp) -> PyResult<Bound<'py, PyDateTime>> {
    let (year, month, day, hour, minute, second) = t.to_utc();
    let utc = PyTzInfo::utc(py)?;
    let year = i32::try_from(year).map_err(|_| PyValueError::new_err(format!("year of {t} is out of range")))?;
    // Leap seconds (second 60) do not exist in Python; certificates never carry them in practice.
    let second = second.min(59);
    PyDateTime::new(
        py,
        year,
        month as u8,
        day as u8,
        hour as u8,
        minute as u8,
        second as u8,
        t.subsec_nanos() / 1_000,
        Some(&utc),
    )
}

/// Which Python exception a core error becomes.
#[derive(Clone, Copy)]
enum Class {
    Parse,
    Validation,
    UnsafeEdit,
}

fn class_of(error: &okd_trust::Error) -> Class {
    use okd_trust::ErrorKind as K;
    match error.kind() {
        K::Parse | K::Limit => Class::Parse,
        K::Invalid | K::NotFound => Class::Validation,
        K::UnsafeEdit => Class::UnsafeEdit,
    }
}

/// A core error as the matching `okd_trust` exception, carrying `line`, `column` and `offset`.
pub(crate) fn error(py: Python<'_>, error: impl Into<okd_trust::Error>) -> PyErr {
    let error = error.into();
    let message = error.to_string();
    let err = match class_of(&error) {
        Class::Parse => ParseError::new_err(message),
        Class::Validation => ValidationError::new_err(message),
        Class::UnsafeEdit => UnsafeEditError::new_err(message),
    };
    if let Err(e) = set_position(py, &err, error.position()) {
        return e;
    }
    err
}

/// The base class, for misuse the core does not model.
pub(crate) fn plain_error(message: impl Into<String>) -> PyErr {
    Error::new_err(message.into())
}

fn set_position(py: Python<'_>, err: &PyErr, position: Option<Position>) -> PyResult<()> {
    let value = err.value(py);
    if let Some(p) = position {
        value.setattr("offset", p.offset)?;
        if p.line > 0 {
            value.setattr("line", p.line)?;
            value.setattr("column", p.column)?;
        }
    }
    Ok(())
}
