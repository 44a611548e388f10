//! `okd-trust kubeconfig`: the kubeconfig as kubelet (client-go) reads it — whether it loads at
//! all, and for each cluster the server, the name verified, and the CA certificates it trusts,
//! with a CA file read from where client-go resolves it.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use okd_trust::kubeconfig::{self, CaFileTrust, NamedCluster};
use okd_trust::{CaBundle, Kubeconfig};
use serde::Serialize;

use super::Outcome;
use crate::error::CliError;
use crate::input;

/// Arguments of `okd-trust kubeconfig`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The kubeconfig (YAML or JSON).
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// How to print it.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
enum Format {
    /// A line per cluster, for people.
    #[default]
    Text,
    /// `{"loaded", "error", "current_context", "clusters": [...]}`, for scripts.
    Json,
}

#[derive(Serialize)]
struct View {
    loaded: bool,
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_context: Option<String>,
    clusters: Vec<ClusterView>,
}

#[derive(Serialize)]
struct ClusterView {
    name: String,
    server: String,
    tls_server_name: String,
    insecure: bool,
    ca: CaView,
}

#[derive(Serialize)]
struct CaView {
    /// `data` (certificate-authority-data, which wins), `file` (certificate-authority) or `none`.
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    /// The DER of each certificate, in hex.
    certificates: Vec<String>,
    error: Option<String>,
}

/// Runs `okd-trust kubeconfig`: exit 0 when client-go would load the file, 2 when it would not.
pub(crate) fn run(args: &Args) -> Result<Outcome, CliError> {
    let bytes = input::read("kubeconfig", &args.path)?;
    let view = match Kubeconfig::parse(&bytes) {
        Ok(config) => {
            let base = okd_trust_io::base_dir(&args.path);
            View {
                loaded: true,
                error: None,
                current_context: Some(config.config().current_context.clone()),
                clusters: config.clusters().iter().map(|c| cluster_view(&config, c, &base)).collect(),
            }
        }
        Err(e) => View { loaded: false, error: Some(e.to_string()), current_context: None, clusters: Vec::new() },
    };
    let mut out = io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &view).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Format::Text => write_text(&mut out, &view)?,
    }
    out.flush()?;
    if view.loaded {
        Ok(Outcome::Success)
    } else {
        Err(CliError::Unloadable { path: args.path.clone(), reason: view.error.unwrap_or_default() })
    }
}

fn cluster_view(config: &Kubeconfig, named: &NamedCluster, base: &str) -> ClusterView {
    let cluster = &named.cluster;
    let path = (!cluster.certificate_authority.is_empty())
        .then(|| kubeconfig::resolve_path(base, &cluster.certificate_authority));
    let ca = if !cluster.certificate_authority_data.is_empty() {
        match config.ca_bundle(&named.name) {
            Ok(bundle) => ca_view("data", path, bundle.as_ref(), None),
            Err(e) => ca_view("data", path, None, Some(e.to_string())),
        }
    } else if let Some(file) = path {
        match input::read("certificate-authority", Path::new(&file)) {
            Ok(bytes) => match CaFileTrust::from_bytes(&bytes) {
                CaFileTrust::Bundle(bundle) => ca_view("file", Some(file), Some(&bundle), None),
                CaFileTrust::SystemRoots => {
                    ca_view("file", Some(file), None, Some("empty: client-go uses the system roots".into()))
                }
                CaFileTrust::Unloadable(e) => ca_view("file", Some(file), None, Some(e.to_string())),
            },
            Err(e) => ca_view("file", Some(file), None, Some(e.to_string())),
        }
    } else {
        ca_view("none", None, None, None)
    };
    ClusterView {
        name: named.name.clone(),
        server: cluster.server.clone(),
        tls_server_name: cluster.tls_server_name.clone(),
        insecure: cluster.insecure_skip_tls_verify,
        ca,
    }
}

fn ca_view(source: &'static str, path: Option<String>, bundle: Option<&CaBundle>, error: Option<String>) -> CaView {
    let certificates = bundle.map(|b| b.iter().map(|c| hex(c.der())).collect()).unwrap_or_default();
    CaView { source, path, certificates, error }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_text(out: &mut impl io::Write, view: &View) -> io::Result<()> {
    if let Some(error) = &view.error {
        return writeln!(out, "does not load: {error}");
    }
    writeln!(out, "current-context: {}", view.current_context.as_deref().unwrap_or_default())?;
    for c in &view.clusters {
        let name =
            if c.tls_server_name.is_empty() { String::new() } else { format!(" (verified as {})", c.tls_server_name) };
        let ca = match (c.ca.source, &c.ca.path, &c.ca.error) {
            (_, _, Some(error)) => format!("CA unusable: {error}"),
            ("file", Some(path), None) => format!("{} CA(s) from {path}", c.ca.certificates.len()),
            ("data", _, None) => format!("{} CA(s) embedded", c.ca.certificates.len()),
            _ if c.insecure => "insecure-skip-tls-verify: nothing verified".to_owned(),
            // catch-all: not a core enum (the view's own strings).
            _ => "no CA: the system roots".to_owned(),
        };
        writeln!(out, "cluster {:?}: {}{name}; {ca}", c.name, c.server)?;
    }
    Ok(())
}
