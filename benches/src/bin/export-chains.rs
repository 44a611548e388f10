//! Writes the chains of the criterion `verify` bench as PEM files, for Go's benchmark of the same
//! chains (`oracles/go/verifybench`): `DIR/<alg>-<shape>/{leaf,intermediates,root}.pem`.
//!
//! ```sh
//! cargo run -p okd-trust-benches --bin export-chains -- target/go-bench/chains
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

fn pem(der: &[u8]) -> String {
    okd_trust::Certificate::from_der(der).map(|c| c.to_pem()).unwrap_or_default()
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: export-chains DIR");
        return ExitCode::from(2);
    };
    for alg in okd_trust_benches::Alg::ALL {
        for intermediate in [false, true] {
            let chain = okd_trust_benches::chain(alg, intermediate);
            let shape = if intermediate { "leaf-int-root" } else { "leaf-ca" };
            let out = dir.join(format!("{}-{shape}", alg.name()));
            let files = [
                ("leaf.pem", pem(&chain.leaf)),
                ("intermediates.pem", chain.intermediates.iter().map(|d| pem(d)).collect()),
                ("root.pem", pem(&chain.root)),
            ];
            let written = std::fs::create_dir_all(&out)
                .and_then(|()| files.iter().try_for_each(|(name, text)| std::fs::write(out.join(name), text)));
            if let Err(e) = written {
                eprintln!("export-chains: {}: {e}", out.display());
                return ExitCode::FAILURE;
            }
        }
    }
    println!("chains written under {}", dir.display());
    ExitCode::SUCCESS
}
