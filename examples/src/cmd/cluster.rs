//! `okd-trust cluster`: the whole cluster's trust from a must-gather or `oc get` dumps.

use std::io::{self, Write as _};
use std::path::PathBuf;

use clap::ValueEnum;
use okd_trust::Timestamp;
use okd_trust::cluster::{self, ClusterOptions};
use okd_trust::diagnose::Verdict;

use super::Outcome;
use crate::error::CliError;
use crate::input;

/// Arguments of `okd-trust cluster`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A must-gather directory, a .tar, .tar.gz or .tar.xz of one (read in place), or
    /// `oc get ... -o yaml|json` dumps.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// A node kubeconfig to judge against api-int (a must-gather has none); repeatable.
    #[arg(long, value_name = "PATH")]
    kubeconfig: Vec<PathBuf>,
    /// When to judge (RFC 3339); default: when the must-gather was taken, else now.
    #[arg(long, value_name = "RFC3339", value_parser = input::parse_time)]
    at: Option<Timestamp>,
    /// How many days ahead a signer's re-key is a warning.
    #[arg(long, value_name = "DAYS", default_value_t = ClusterOptions::DEFAULT_WARN_DAYS)]
    warn_days: u32,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
enum Format {
    /// Verdict, findings with evidence, failing relationships, for people.
    #[default]
    Text,
    /// Versioned JSON (schema 1), for scripts.
    Json,
    /// Prometheus text exposition, in x509-certificate-exporter's names.
    Prometheus,
    /// The trust graph in Graphviz's DOT language (`| dot -Tsvg`).
    Dot,
    /// One self-contained HTML page (findings, the graph as SVG, sortable tables), to attach to a case.
    Html,
}

/// Runs `okd-trust cluster`: exit 0 when healthy, 1 when at risk or broken.
pub(crate) fn run(args: &Args) -> Result<Outcome, CliError> {
    input::stdin_once(args.paths.iter().chain(&args.kubeconfig))?;
    let inputs = okd_trust_io::must_gather::read_inputs(&args.paths, &args.kubeconfig).map_err(|e| CliError::Read {
        option: if e.kubeconfig { "--kubeconfig" } else { "PATH" },
        path: e.path,
        source: e.source,
    })?;
    let mut options = ClusterOptions::new(input::now()).warn_days(args.warn_days);
    if let Some(at) = args.at {
        options = options.at(at);
    }
    let report = cluster::analyze(&inputs, &options);
    // Paths that hold nothing to read are a mistake in the arguments, not a finding to render.
    if let Some(nothing) = report.findings.iter().find(|f| f.code == cluster::Code::NothingRead) {
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        return Err(CliError::Usage(format!("{}: {}", paths.join(", "), nothing.message)));
    }
    let rendered = match args.format {
        Format::Text => cluster::text(&report),
        Format::Json => cluster::json(&report),
        Format::Prometheus => cluster::prometheus(&report),
        Format::Dot => cluster::dot(&report),
        Format::Html => cluster::html(&report),
    };
    io::stdout().lock().write_all(rendered.as_bytes()).map_err(CliError::Write)?;
    Ok(if report.verdict == Verdict::Healthy { Outcome::Success } else { Outcome::Problem })
}
