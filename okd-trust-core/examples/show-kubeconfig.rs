//! Parses a kubeconfig (the built-in example node kubeconfig, or a file given as the first
//! argument) and prints its clusters and the CA certificates each one trusts.
//!
//! `cargo run -p okd-trust --example show-kubeconfig [-- PATH [RFC3339-TIME]]`

use std::process::ExitCode;

use okd_trust::kubeconfig::ClusterTrust;
use okd_trust::{Kubeconfig, Timestamp};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (label, text) = match args.next() {
        Some(path) => (path.clone(), std::fs::read(&path)?),
        None => {
            ("built-in example node kubeconfig".to_owned(), okd_trust::examples::NODE_KUBECONFIG.as_bytes().to_vec())
        }
    };
    // The core never reads the clock; this program does, unless a time is given.
    let at = match args.next() {
        Some(t) => Timestamp::parse_rfc3339(&t)?,
        None => Timestamp::from_unix_seconds(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64),
        ),
    };
    let config = Kubeconfig::parse(&text)?;
    println!("{label} ({:?}), current context {:?}, checked at {at}", config.format(), config.config().current_context);
    for problem in config.validate() {
        println!("  invalid: {problem}");
    }
    for cluster in config.clusters() {
        println!("\ncluster {:?}  server {}", cluster.name, cluster.cluster.server);
        match config.trust(&cluster.name)? {
            ClusterTrust::Bundle(bundle) => {
                for warning in bundle.warnings() {
                    println!("  warning: {warning}");
                }
                for cert in &bundle {
                    let days = cert.expires_in(at) / 86_400;
                    println!("  CA  {}", cert.subject());
                    println!(
                        "      not before {}  not after {}  ({days} days left)",
                        cert.not_before(),
                        cert.not_after()
                    );
                    println!("      sha256 {}", cert.sha256_fingerprint_hex());
                }
            }
            ClusterTrust::File { path } => println!("  trusts the CA file {path} (not read by this example)"),
            ClusterTrust::SystemRoots => println!("  trusts the system roots"),
            ClusterTrust::Insecure => println!("  does not verify the server (insecure-skip-tls-verify)"),
            other => println!("  {other:?}"),
        }
    }
    Ok(())
}
