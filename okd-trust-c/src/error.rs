//! Status codes, the error object, and the per-thread last error.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::CString;

use okd_trust_core::Position;

/// The outcome of a call.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OkdTrustStatus {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullPointer = 1,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 2,
    /// The input could not be read (malformed PEM, certificate, YAML/JSON, CA data, or over a limit),
    /// or an argument is out of range. The error usually carries a position.
    InvalidInput = 3,
    /// What was asked for does not exist (no such cluster, no current context, no embedded CA, an
    /// index past the end).
    NotFound = 4,
    /// A kubeconfig edit was refused, or failed its verification; nothing was produced.
    EditRefused = 5,
    /// An internal error (a Rust panic, caught at the boundary). Please report it.
    Panic = 6,
}

/// An error: a status, a message and, when known, where in the input the problem is.
///
/// Owned by the caller when returned by okd_trust_last_error; release with okd_trust_error_free.
pub struct OkdTrustError {
    pub(crate) status: OkdTrustStatus,
    pub(crate) message: CString,
    pub(crate) position: Option<Position>,
}

/// An error on its way to C.
#[derive(Debug)]
pub(crate) struct FfiError {
    pub(crate) status: OkdTrustStatus,
    pub(crate) message: String,
    pub(crate) position: Option<Position>,
}

impl FfiError {
    pub(crate) fn new(status: OkdTrustStatus, message: impl Into<String>) -> Self {
        FfiError { status, message: message.into(), position: None }
    }

    pub(crate) fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    pub(crate) fn null(what: &str) -> Self {
        FfiError::new(OkdTrustStatus::NullPointer, format!("{what} is NULL"))
    }

    pub(crate) fn utf8(what: &str, valid_up_to: usize) -> Self {
        FfiError::new(OkdTrustStatus::InvalidUtf8, format!("{what} is not valid UTF-8 (at byte {valid_up_to})"))
            .at(Some(Position::at_byte(valid_up_to)))
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        FfiError::new(OkdTrustStatus::InvalidInput, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        FfiError::new(OkdTrustStatus::NotFound, message)
    }

    pub(crate) fn panic(payload: &(dyn Any + Send)) -> Self {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        FfiError::new(OkdTrustStatus::Panic, format!("internal error (please report it): {detail}"))
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<FfiError>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(error: FfiError) {
    // `try_with`: during thread teardown there is nowhere to record it, and no reason to panic.
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = Some(error));
}

pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|slot| *slot.borrow_mut() = None);
}

/// A copy of the calling thread's last error, if any.
pub(crate) fn last_error() -> Option<OkdTrustError> {
    LAST_ERROR.try_with(|slot| slot.borrow().as_ref().map(to_c)).ok().flatten()
}

fn to_c(e: &FfiError) -> OkdTrustError {
    let message = CString::new(e.message.replace('\0', "\u{fffd}")).unwrap_or_default();
    OkdTrustError { status: e.status, message, position: e.position }
}

impl From<okd_trust_core::Error> for FfiError {
    /// The core decides the class and the place; this only names the status.
    fn from(e: okd_trust_core::Error) -> Self {
        FfiError::of_kind(e.kind(), e.to_string()).at(e.position())
    }
}

impl FfiError {
    /// An error of the core's class `kind`: the one place C's statuses are named from it.
    pub(crate) fn of_kind(kind: okd_trust_core::ErrorKind, message: impl Into<String>) -> Self {
        use okd_trust_core::ErrorKind as K;
        let status = match kind {
            K::Parse | K::Invalid | K::Limit => OkdTrustStatus::InvalidInput,
            K::NotFound => OkdTrustStatus::NotFound,
            K::UnsafeEdit => OkdTrustStatus::EditRefused,
        };
        FfiError::new(status, message)
    }
}

impl From<okd_trust_core::bundle::BundleError> for FfiError {
    fn from(e: okd_trust_core::bundle::BundleError) -> Self {
        okd_trust_core::Error::from(e).into()
    }
}

impl From<okd_trust_core::kubeconfig::KubeconfigError> for FfiError {
    fn from(e: okd_trust_core::kubeconfig::KubeconfigError) -> Self {
        okd_trust_core::Error::from(e).into()
    }
}
