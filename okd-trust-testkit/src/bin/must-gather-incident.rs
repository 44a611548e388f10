//! Writes the api-int incident replayed on a real must-gather, for trying `okd-trust cluster`:
//!
//! ```text
//! cargo run -p okd-trust-testkit --bin must-gather-incident -- ../shared/must-gather/ocp-4.8-aws.tar.xz incident.tar.xz
//! okd-trust cluster incident.tar.xz
//! ```
//!
//! `--legacy` writes the pre-upgrade variant instead: the kube-apiserver operator's signer Secrets
//! of the legacy type `SecretTypeTLS`.

use std::path::Path;
use std::process::ExitCode;

use okd_trust_testkit::must_gather::MustGather;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let legacy = args.iter().any(|a| a == "--legacy");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [from, to] = paths.as_slice() else {
        eprintln!("usage: must-gather-incident [--legacy] MUST-GATHER.tar.xz OUT.tar.xz");
        return ExitCode::from(2);
    };
    let mut gather = match MustGather::load(Path::new(from)) {
        Ok(gather) => gather,
        Err(e) => {
            eprintln!("must-gather-incident: {from}: {e}");
            return ExitCode::from(2);
        }
    };
    if legacy {
        gather.legacy_signer_types();
    } else {
        gather.rekey_lb_signer(3);
    }
    if let Err(e) = gather.write_tar_xz(Path::new(to)) {
        eprintln!("must-gather-incident: {to}: {e}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
