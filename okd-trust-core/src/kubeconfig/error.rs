use crate::bundle::BundleError;
use crate::{DocumentError, Position};

/// Why a kubeconfig could not be read, or a value in it could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum KubeconfigError {
    /// The YAML/JSON itself is unreadable or over a limit.
    #[error("kubeconfig: {0}")]
    Document(#[from] DocumentError),
    /// The top level is a list or a scalar.
    #[error("kubeconfig: {position}: the top level must be a mapping (apiVersion, kind, clusters, ...)")]
    NotAMapping {
        /// Where the top-level node starts.
        position: Position,
    },
    /// A field has a value of the wrong type (for example a list where a string belongs).
    #[error("kubeconfig: {position}: {path}: {message}")]
    Field {
        /// Where the value is.
        position: Position,
        /// The field, as `clusters[0].cluster.server`.
        path: String,
        /// What was expected.
        message: String,
    },
    /// `apiVersion` or `kind` names something other than a v1 `Config` (client-go reads these two
    /// keys ignoring case; empty or missing means v1 and Config).
    #[error("kubeconfig: {position}: {message}")]
    NotAConfig {
        /// Where the top level starts.
        position: Position,
        /// What client-go says.
        message: String,
    },
    /// Two entries of a list share a name; client-go refuses to load such a file.
    #[error("kubeconfig: {}duplicate name {name:?} in {list}: client-go refuses to load a kubeconfig that names two entries alike", .position.map(|p| format!("{p}: ")).unwrap_or_default())]
    DuplicateName {
        /// `clusters`, `users`, `contexts` or `extensions`.
        list: &'static str,
        /// The repeated name.
        name: String,
        /// Where the second entry starts.
        position: Option<Position>,
    },
    /// No cluster entry has the requested name.
    #[error("kubeconfig: no cluster named {name:?}")]
    NoSuchCluster {
        /// The requested name.
        name: String,
    },
    /// No cluster was named, and the current context names none that exists (`current-context`
    /// unset or dangling).
    #[error("kubeconfig: no current context naming a cluster (current-context unset or dangling); name the cluster")]
    NoCurrentCluster,
    /// `certificate-authority-data` cannot be turned into certificates.
    #[error("kubeconfig: {}cluster {cluster:?}: certificate-authority-data {problem}", .position.map(|p| format!("{p}: ")).unwrap_or_default())]
    InvalidCaData {
        /// The cluster entry.
        cluster: String,
        /// Where the value is.
        position: Option<Position>,
        /// What is wrong with it.
        problem: CaDataProblem,
    },
}

impl KubeconfigError {
    /// Where in the kubeconfig the problem is, when it has a place.
    pub fn position(&self) -> Option<Position> {
        match self {
            KubeconfigError::Document(e) => e.position(),
            KubeconfigError::NotAMapping { position }
            | KubeconfigError::Field { position, .. }
            | KubeconfigError::NotAConfig { position, .. } => Some(*position),
            KubeconfigError::DuplicateName { position, .. } | KubeconfigError::InvalidCaData { position, .. } => {
                *position
            }
            KubeconfigError::NoSuchCluster { .. } | KubeconfigError::NoCurrentCluster => None,
        }
    }
}

/// What is wrong with a `certificate-authority-data` value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CaDataProblem {
    /// Not base64 as Go's `StdEncoding` reads it (spaces, a wrong alphabet, missing padding).
    #[error(
        "is not valid base64 (Go StdEncoding: padding required, only line breaks ignored): illegal data at byte {offset} of the value"
    )]
    Base64 {
        /// Offset of the first offending character in the value.
        offset: usize,
    },
    /// Decodes, but holds no certificate client-go would load.
    #[error("decodes, but {0}")]
    Bundle(BundleError),
}
