//! `okd-trust`: will this client trust that server — and if not, why?
//!
//! The command-line face of the [`okd_trust`] library. Everything that touches the outside world
//! lives here — files, standard input and output, the clock — so the library stays pure: each
//! subcommand reads its inputs, calls the core, and renders the answer.
//!
//! Exit codes, for every subcommand: 0 success (trusted), 1 a problem was found (untrusted),
//! 2 bad input (unreadable file, no certificate, malformed time, wrong usage).

mod cmd;
mod error;
mod input;
mod replace;
mod view;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cmd::Outcome;

/// Predict, explain and repair the TLS trust of OKD/OpenShift clients (kubelet to api-int).
#[derive(Debug, Parser)]
#[command(name = "okd-trust", version)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// The whole cluster's trust from a must-gather (directory or tarball) or `oc get` dumps.
    Cluster(cmd::cluster::Args),
    /// Diagnose (and with --fix, repair) a node's trust of api-int. Without inputs: the built-in incident.
    Doctor(cmd::doctor::Args),
    /// List every certificate in PEM files, kubeconfigs and ConfigMap/Secret manifests.
    Inspect(cmd::inspect::Args),
    /// Show a kubeconfig as kubelet (client-go) reads it: does it load, and what does each cluster trust.
    Kubeconfig(cmd::kubeconfig::Args),
    /// Verify a served chain against a CA bundle, as kubelet (Go's crypto/x509) would.
    Verify(cmd::verify::Args),
    /// Run the x509-limbo harness protocol: the suite's JSON on stdin, results on stdout.
    Limbo(cmd::limbo::Args),
}

fn main() -> ExitCode {
    // clap exits by itself: 0 for --help and --version, 2 for a usage error.
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Cluster(args) => cmd::cluster::run(args),
        Command::Doctor(args) => cmd::doctor::run(args),
        Command::Inspect(args) => cmd::inspect::run(args),
        Command::Kubeconfig(args) => cmd::kubeconfig::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Limbo(args) => cmd::limbo::run(args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Problem) => ExitCode::from(1),
        Err(e) => {
            eprintln!("okd-trust: error: {e}");
            ExitCode::from(2)
        }
    }
}
