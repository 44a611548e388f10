//! The crate-wide error: every module's error, for callers who want one type.

use crate::bundle::BundleError;
use crate::cert::{CertError, ChainError};
use crate::diagnose::BundlePolicyError;
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
    /// Served-chain reading.
    #[error(transparent)]
    Chain(#[from] ChainError),
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
    /// No bundle a repair could write ([`repaired_bundle`](crate::diagnose::repaired_bundle)).
    #[error(transparent)]
    BundlePolicy(#[from] BundlePolicyError),
}

/// The class of an error: what the caller can do about it. The bindings translate this, and
/// only this, into their own vocabulary (Python's exception classes, C's status codes).
///
/// Deliberately exhaustive: a binding matches every class without a catch-all, so a new class is
/// a visible, breaking change rather than a silent mislabel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The bytes are not what was asked for: malformed PEM, DER, YAML/JSON, base64 or time, or a
    /// document that is not of a supported kind.
    Parse,
    /// Well-formed, but unusable: a kubeconfig client-go refuses to load, a field of the wrong
    /// type, a file of another kind where a kubeconfig belongs.
    Invalid,
    /// Something the caller named is not there (a cluster).
    NotFound,
    /// The input is over one of [`Limits`](crate::Limits).
    Limit,
    /// An edit that cannot be made safely, or that failed its self-check; nothing was produced.
    UnsafeEdit,
}

impl ErrorKind {
    /// `parse`, `invalid`, `not-found`, `limit` or `unsafe-edit`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Parse => "parse",
            ErrorKind::Invalid => "invalid",
            ErrorKind::NotFound => "not-found",
            ErrorKind::Limit => "limit",
            ErrorKind::UnsafeEdit => "unsafe-edit",
        }
    }
}

impl Error {
    /// The class of this error.
    ///
    /// ```
    /// use okd_trust::{Error, ErrorKind, Kubeconfig};
    /// let syntax = Error::from(Kubeconfig::parse(b"clusters: [\n").unwrap_err());
    /// assert_eq!(syntax.kind(), ErrorKind::Parse);
    /// let typed = Error::from(Kubeconfig::parse(b"clusters:\n- name: a\n  cluster: {server: [1]}\n").unwrap_err());
    /// assert_eq!(typed.kind(), ErrorKind::Invalid);
    /// let config = Kubeconfig::parse(okd_trust::examples::NODE_KUBECONFIG.as_bytes())?;
    /// assert_eq!(Error::from(config.ca_bundle("nowhere").unwrap_err()).kind(), ErrorKind::NotFound);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Pem(e) => pem_kind(e),
            Error::Certificate(e) => cert_kind(e),
            Error::Chain(ChainError::Pem(e)) => pem_kind(e),
            Error::Chain(ChainError::Certificate { source, .. }) => cert_kind(source),
            Error::Chain(_) => ErrorKind::Parse,
            Error::Bundle(e) => bundle_kind(e),
            Error::Document(e) => document_kind(e),
            Error::Kubeconfig(e) => kubeconfig_kind(e),
            Error::Edit(EditError::NoSuchCluster { .. }) => ErrorKind::NotFound,
            Error::Edit(_) => ErrorKind::UnsafeEdit,
            Error::Manifest(e) => manifest_kind(e),
            Error::Timestamp(_) => ErrorKind::Parse,
            Error::Input(e) => input_kind(e),
            Error::BundlePolicy(BundlePolicyError::Empty) => ErrorKind::UnsafeEdit,
        }
    }

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
            Error::Chain(ChainError::DamagedBlock { position, .. } | ChainError::Certificate { position, .. }) => {
                Some(*position)
            }
            Error::Chain(_) => None,
            Error::Bundle(e) => bundle_position(e),
            Error::Document(e) => e.position(),
            Error::Kubeconfig(e) => e.position(),
            Error::Edit(e) => edit_position(e),
            Error::Manifest(e) => manifest_position(e),
            Error::Timestamp(_) => None,
            Error::Input(InputError::Invalid { source, .. }) => source.position(),
            Error::Input(_) | Error::BundlePolicy(_) => None,
        }
    }
}

fn pem_kind(e: &PemError) -> ErrorKind {
    match e {
        PemError::InputTooLarge { .. } | PemError::TooManyBlocks { .. } => ErrorKind::Limit,
    }
}

fn cert_kind(e: &CertError) -> ErrorKind {
    match e {
        CertError::TooLarge { .. } => ErrorKind::Limit,
        CertError::Pem(e) => pem_kind(e),
        _ => ErrorKind::Parse,
    }
}

fn bundle_kind(e: &BundleError) -> ErrorKind {
    match e {
        BundleError::NoCertificates { .. } => ErrorKind::Parse,
        BundleError::Pem(e) => pem_kind(e),
    }
}

fn document_kind(e: &DocumentError) -> ErrorKind {
    match e {
        DocumentError::TooLarge { .. }
        | DocumentError::TooDeep { .. }
        | DocumentError::TooManyNodes { .. }
        | DocumentError::TooManyAliases { .. }
        | DocumentError::TooMuchAliasText { .. } => ErrorKind::Limit,
        _ => ErrorKind::Parse,
    }
}

fn kubeconfig_kind(e: &KubeconfigError) -> ErrorKind {
    match e {
        KubeconfigError::Document(e) => document_kind(e),
        // client-go decodes the CA data as it loads the file: bad base64 is a malformed file.
        KubeconfigError::InvalidCaData { .. } => ErrorKind::Parse,
        KubeconfigError::NoSuchCluster { .. } | KubeconfigError::NoCurrentCluster => ErrorKind::NotFound,
        _ => ErrorKind::Invalid,
    }
}

fn manifest_kind(e: &ManifestError) -> ErrorKind {
    match e {
        ManifestError::Document(e) => document_kind(e),
        ManifestError::Field { .. } => ErrorKind::Invalid,
        ManifestError::Empty | ManifestError::UnsupportedKind { .. } | ManifestError::InvalidBase64 { .. } => {
            ErrorKind::Parse
        }
    }
}

fn input_kind(e: &InputError) -> ErrorKind {
    match e {
        InputError::Invalid { source, .. } => source.kind(),
        InputError::WrongKind { .. }
        | InputError::NoChain { .. }
        | InputError::NoCaKey { .. }
        | InputError::NoCa { .. }
        | InputError::NoSecret { .. } => ErrorKind::Invalid,
        InputError::Unrecognised { .. } => ErrorKind::Parse,
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
