//! `okd-trust verify`: would a client holding these CAs trust this served chain?

use std::io::{self, Write as _};
use std::net::IpAddr;
use std::path::PathBuf;

use clap::ValueEnum;
use okd_trust::Timestamp;
use okd_trust::verify::{self, VerifyOptions};

use super::{Outcome, ProfileArg};
use crate::error::CliError;
use crate::input;
use crate::view::VerdictView;

/// Arguments of `okd-trust verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The CA bundle the client trusts (PEM; e.g. a kubeconfig's certificate-authority-data, decoded).
    #[arg(long, value_name = "PATH")]
    roots: PathBuf,
    /// The chain the server sends, leaf first (PEM, or raw `openssl s_client -showcerts` output; `-` for stdin).
    /// Certificates after the leaf are used as intermediates.
    #[arg(long, value_name = "PATH")]
    chain: PathBuf,
    /// More intermediate certificates (PEM), as if the server had sent them too.
    #[arg(long, value_name = "PATH")]
    intermediates: Option<PathBuf>,
    /// The host name the client dials, matched against the leaf's DNS SANs.
    #[arg(long, value_name = "NAME", conflicts_with = "ip")]
    dns_name: Option<String>,
    /// The IP address the client dials, matched against the leaf's IP SANs.
    #[arg(long, value_name = "ADDR", value_parser = input::parse_ip)]
    ip: Option<IpAddr>,
    /// When to verify (RFC 3339, e.g. 2024-05-01T00:00:00Z); default: now.
    #[arg(long, value_name = "RFC3339", value_parser = input::parse_time)]
    at: Option<Timestamp>,
    /// The rules that decide.
    #[arg(long, value_enum, default_value_t)]
    profile: ProfileArg,
    /// How to print the verdict.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
enum Format {
    /// The verdict in words, for people.
    #[default]
    Text,
    /// `{"trusted", "reason", "chain"}`, for scripts.
    Json,
}

/// Runs `okd-trust verify`: exit 0 when trusted, 1 when not.
pub(crate) fn run(args: &Args) -> Result<Outcome, CliError> {
    input::stdin_once([&args.roots, &args.chain].into_iter().chain(&args.intermediates))?;
    let roots = input::bundle("--roots", &args.roots)?;
    let mut chain = input::chain("--chain", &args.chain)?.into_iter();
    let Some(leaf) = chain.next() else {
        return Err(CliError::NoCertificate { option: "--chain", path: args.chain.clone() });
    };
    let mut intermediates: Vec<_> = chain.collect();
    if let Some(path) = &args.intermediates {
        intermediates.extend(input::bundle("--intermediates", path)?.iter().cloned());
    }
    let at = args.at.unwrap_or_else(input::now);
    let server_name = args.dns_name.clone().or_else(|| args.ip.map(|ip| ip.to_string()));

    let mut options = VerifyOptions::new(&roots, at).intermediates(&intermediates).profile(args.profile.into());
    if let Some(name) = &server_name {
        options = options.server_name(name);
    }
    let verdict = verify::verify(&leaf, &options);

    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => write!(out, "{verdict}")?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &VerdictView::new(&verdict)).map_err(io::Error::from)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(if verdict.is_trusted() { Outcome::Success } else { Outcome::Problem })
}
