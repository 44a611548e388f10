//! The crate-wide error: every module's error, for callers who want one type.

use crate::bundle::BundleError;
use crate::cert::CertError;
use crate::input::InputError;
use crate::kubeconfig::{EditError, KubeconfigError};
use crate::manifest::ManifestError;
use crate::pem::PemError;
use crate::{DocumentError, Position, TimestampError};

/// Any error of this crate. Each module also has its own precise error type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// PEM scanning.
    #[error(transparent)]
    Pem(#[from] PemError),
    /// Certificate decoding.
    #[error(transparent)]
    Certificate(#[from] CertError),
    /// CA bundle loading.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// YAML/JSON reading.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// Kubeconfig reading.
    #[error(transparent)]
    Kubeconfig(#[from] KubeconfigError),
    /// Kubeconfig editing.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// ConfigMap/Secret reading.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// Time parsing.
    #[error(transparent)]
    Timestamp(#[from] TimestampError),
    /// Input detection: a file that is none of the supported kinds, or does not read as the kind it is.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Error {
    /// Where in the input the problem is, when it has a place: a line and column for text, a byte
    /// offset for DER. Bindings hand this to callers that have no Rust types (Python, C).
    ///
    /// ```
    /// let err = okd_trust::Kubeconfig::parse(b"clusters: [\n").unwrap_err();
    /// let position = okd_trust::Error::from(err).position().unwrap();
    /// assert_eq!(position.line, 2);
    /// ```
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Pem(e) => pem_position(e),
            Error::Certificate(e) => cert_position(e),
            Error::Bundle(e) => bundle_position(e),
            Error::Document(e) => e.position(),
            Error::Kubeconfig(e) => e.position(),
            Error::Edit(e) => edit_position(e),
            Error::Manifest(e) => manifest_position(e),
            Error::Timestamp(_) => None,
            Error::Input(InputError::Invalid { source, .. }) => source.position(),
            Error::Input(_) => None,
        }
    }
}

fn pem_position(e: &PemError) -> Option<Position> {
    match e {
        PemError::TooManyBlocks { position, .. } => Some(*position),
        PemError::InputTooLarge { .. } => None,
    }
}

fn cert_position(e: &CertError) -> Option<Position> {
    match e {
        CertError::Der { position, .. } => *position,
        CertError::Pem(e) => pem_position(e),
        _ => None,
    }
}

fn bundle_position(e: &BundleError) -> Option<Position> {
    match e {
        BundleError::NoCertificates { warnings } => warnings.first().map(|w| w.position),
        BundleError::Pem(e) => pem_position(e),
    }
}

fn edit_position(e: &EditError) -> Option<Position> {
    match e {
        EditError::Shared { position, .. }
        | EditError::Tagged { position, .. }
        | EditError::UnsupportedLayout { position, .. } => Some(*position),
        _ => None,
    }
}

fn manifest_position(e: &ManifestError) -> Option<Position> {
    match e {
        ManifestError::Document(e) => e.position(),
        ManifestError::UnsupportedKind { position, .. }
        | ManifestError::Field { position, .. }
        | ManifestError::InvalidBase64 { position, .. } => Some(*position),
        ManifestError::Empty => None,
    }
}
