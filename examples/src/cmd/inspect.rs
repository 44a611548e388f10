//! `okd-trust inspect`: every certificate in any supported input, one line each.

use std::io::{self, Write as _};
use std::path::PathBuf;

use clap::ValueEnum;
use okd_trust::cert::colon_hex;
use okd_trust::input as detect;
use okd_trust::verify::CertSummary;
use okd_trust::{Certificate, Timestamp};
use serde::Serialize;

use super::Outcome;
use crate::error::CliError;
use crate::input;

/// Arguments of `okd-trust inspect`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Files to read: PEM, kubeconfigs (YAML or JSON), ConfigMap/Secret manifests (or Lists).
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    /// When to count days left from (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339", value_parser = input::parse_time)]
    at: Option<Timestamp>,
    /// How to print the list.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
enum Format {
    /// Aligned columns, for people.
    #[default]
    Table,
    /// A JSON array of objects, for scripts.
    Json,
}

/// One certificate and where it was found.
#[derive(Debug, Serialize)]
struct Row {
    /// The file, plus the cluster entry or `namespace/name[key]` inside it.
    source: String,
    subject: String,
    issuer: String,
    not_before: String,
    not_after: String,
    /// Whole days from `--at` to notAfter (negative once expired).
    days_left: i64,
    /// Full SHA-256 fingerprint, colon-separated upper-case hex.
    sha256: String,
    is_ca: bool,
    /// First and last bytes of the fingerprint, for the table.
    #[serde(skip)]
    sha256_short: String,
}

impl Row {
    fn new(source: String, cert: &Certificate, at: Timestamp) -> Self {
        Row {
            source,
            subject: cert.subject(),
            issuer: cert.issuer(),
            not_before: cert.not_before().to_string(),
            not_after: cert.not_after().to_string(),
            days_left: cert.days_left(at),
            sha256: colon_hex(&cert.sha256_fingerprint()),
            is_ca: cert.is_ca(),
            sha256_short: CertSummary::new(cert, 0).short_fingerprint(),
        }
    }
}

/// Runs `okd-trust inspect`: exit 0 once everything was listed, 2 when a file cannot be read.
pub(crate) fn run(args: &Args) -> Result<Outcome, CliError> {
    input::stdin_once(&args.paths)?;
    let at = args.at.unwrap_or_else(input::now);
    let mut rows = Vec::new();
    for path in &args.paths {
        let shown = path.display().to_string();
        let bytes = input::read("inspect", path)?;
        let detected =
            detect::detect(&shown, &bytes).map_err(|source| CliError::Input { option: "inspect", source })?;
        let sources =
            detected.certificate_sources(&shown).map_err(|source| CliError::Input { option: "inspect", source })?;
        for (source, bundle) in sources {
            rows.extend(bundle.iter().map(|c| Row::new(source.clone(), c, at)));
        }
    }
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &rows).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Table => write_table(&mut out, &rows)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn write_table(out: &mut impl io::Write, rows: &[Row]) -> io::Result<()> {
    let header = ["SOURCE", "SUBJECT", "ISSUER", "NOT BEFORE", "NOT AFTER", "DAYS LEFT", "SHA256", "CA"];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                r.source.clone(),
                r.subject.clone(),
                r.issuer.clone(),
                r.not_before.clone(),
                r.not_after.clone(),
                r.days_left.to_string(),
                r.sha256_short.clone(),
                if r.is_ca { "yes" } else { "no" }.to_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        padded.join("  ").trim_end().to_owned()
    };
    writeln!(out, "{}", line(&header.map(str::to_owned)))?;
    for row in &cells {
        writeln!(out, "{}", line(row))?;
    }
    if rows.is_empty() {
        writeln!(out, "(no certificates)")?;
    }
    Ok(())
}
