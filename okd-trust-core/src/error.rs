//! The crate-wide error: every module's error, for callers who want one type.

use crate::bundle::BundleError;
use crate::cert::CertError;
use crate::input::InputError;
use crate::kubeconfig::{EditError, KubeconfigError};
use crate::manifest::ManifestError;
use crate::pem::PemError;
use crate::{DocumentError, TimestampError};

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
