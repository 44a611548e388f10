//! What stops a subcommand before it can give an answer (exit code 2).

use std::io;
use std::path::PathBuf;

use okd_trust::bundle::BundleError;

/// Bad input or a broken output stream: the command could not decide anything.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A file (or standard input) could not be read.
    #[error("{option} {}: cannot read: {source}", path.display())]
    Read {
        /// The option that named the file, e.g. `--roots`.
        option: &'static str,
        /// The path given (`-` for standard input).
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A CA bundle holds no usable certificate, or exceeds a limit.
    #[error("{option} {}: {source}", path.display())]
    Bundle {
        /// The option that named the file.
        option: &'static str,
        /// The path given.
        path: PathBuf,
        /// The core's reason.
        source: BundleError,
    },
    /// A chain holds no certificate at all.
    #[error("{option} {}: no CERTIFICATE block found (expected PEM, e.g. `openssl s_client -showcerts` output)", path.display())]
    NoCertificate {
        /// The option that named the file.
        option: &'static str,
        /// The path given.
        path: PathBuf,
    },
    /// The x509-limbo suite on standard input is not valid suite JSON.
    #[error("standard input is not an x509-limbo suite: {0}")]
    Suite(#[source] serde_json::Error),
    /// An input file is none of the supported kinds, or does not read as the kind it is.
    #[error("{option} {source}")]
    Input {
        /// The option that named the file.
        option: &'static str,
        /// The core's reason (it names the file).
        source: okd_trust::Error,
    },
    /// An input file is of a supported kind, but not one this option takes.
    #[error("{option} {}: this is a {found}; expected {expected}", path.display())]
    WrongKind {
        /// The option that named the file.
        option: &'static str,
        /// The path given.
        path: PathBuf,
        /// What the file is.
        found: &'static str,
        /// What the option takes.
        expected: &'static str,
    },
    /// client-go would not load this kubeconfig.
    #[error("{}: client-go cannot load it: {reason}", path.display())]
    Unloadable {
        /// The kubeconfig.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// `--connect` could not fetch the served chain.
    #[error("--connect {target}: {reason}")]
    Connect {
        /// `HOST:PORT`.
        target: String,
        /// Why.
        reason: String,
    },
    /// `--fix` refused or failed; the message says what was (not) written.
    #[error("--fix: {0}")]
    Fix(String),
    /// Options that do not go together.
    #[error("{0}")]
    Usage(String),
    /// Writing the answer failed.
    #[error("cannot write the output: {0}")]
    Write(#[from] io::Error),
}
