//! One module per subcommand: each converts its arguments, calls the core, renders the answer.

pub(crate) mod cluster;
pub(crate) mod doctor;
pub(crate) mod inspect;
pub(crate) mod kubeconfig;
pub(crate) mod limbo;
pub(crate) mod verify;

use clap::ValueEnum;
use okd_trust::verify::Profile;

/// How a subcommand that ran to the end turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Trusted, healthy, or simply done (exit 0).
    Success,
    /// Untrusted or a problem found (exit 1).
    Problem,
}

/// `--profile`: which rules decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum ProfileArg {
    /// Exactly what Go's crypto/x509 accepts: kubelet's verdict.
    #[default]
    Kubelet,
    /// Go's checks plus the RFC 5280 / CA-B Forum rules Go skips.
    Strict,
}

impl ProfileArg {
    /// The name as written on the command line.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ProfileArg::Kubelet => "kubelet",
            ProfileArg::Strict => "strict",
        }
    }
}

impl From<ProfileArg> for Profile {
    fn from(arg: ProfileArg) -> Self {
        match arg {
            ProfileArg::Kubelet => Profile::Kubelet,
            ProfileArg::Strict => Profile::Strict,
        }
    }
}
