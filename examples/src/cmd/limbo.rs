//! `okd-trust limbo`: the x509-limbo harness protocol.
//!
//! Reads the suite (`{"version": 1, "testcases": [...]}`) on standard input, decides every case
//! with the core's verifier, and writes `{"version": 1, "harness": "okd-trust-<profile>",
//! "results": [{"id", "actual_result", "context"}]}` on standard output; a summary with timings
//! goes to standard error. Exactly the cases Go's reference harness skips are skipped: CRLs,
//! `max_chain_depth`, and CLIENT validation.

use std::io::{self, BufWriter, Write as _};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use okd_trust::cert::ExtendedKeyUsage;
use okd_trust::verify::{self, Profile, VerifyOptions};
use okd_trust::{CaBundle, Certificate, Timestamp};
use serde::{Deserialize, Serialize};

use super::{Outcome, ProfileArg};
use crate::error::CliError;
use crate::input;

/// Arguments of `okd-trust limbo`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The rules that decide: `kubelet` is scored against Go's verdicts, `strict` against the
    /// suite's `expected_result`.
    #[arg(long, value_enum, default_value_t)]
    profile: ProfileArg,
}

/// The suite file.
#[derive(Debug, Deserialize)]
struct Suite {
    /// Format version (1).
    version: u32,
    /// The cases, in file order.
    testcases: Vec<Testcase>,
}

/// One case: the fields a harness needs (others are ignored).
#[derive(Debug, Deserialize)]
struct Testcase {
    /// Unique id, e.g. `rfc5280::nc::permitted-dn-match`.
    id: String,
    /// Feature tags, e.g. `has-crl`.
    #[serde(default)]
    features: Vec<String>,
    /// Server or client certificate validation.
    validation_kind: ValidationKind,
    /// PEM certificates trusted as roots.
    #[serde(default)]
    trusted_certs: Vec<String>,
    /// PEM certificates sent along with the leaf.
    #[serde(default)]
    untrusted_intermediates: Vec<String>,
    /// The leaf, PEM.
    peer_certificate: String,
    /// RFC 3339; `None` means now.
    validation_time: Option<String>,
    /// Required purposes by name (`serverAuth`, ...); empty means serverAuth.
    #[serde(default)]
    extended_key_usage: Vec<String>,
    /// The name the client dials (DNS or IP), for SERVER cases.
    expected_peer_name: Option<PeerName>,
    /// A bound on the chain length, which Go cannot express.
    max_chain_depth: Option<u64>,
}

/// `validation_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
enum ValidationKind {
    /// A TLS server's certificate (what kubelet checks).
    Server,
    /// A TLS client's certificate.
    Client,
}

/// `expected_peer_name`: the kind (`DNS`, `IP`) is implied by the value, as Go infers it.
#[derive(Debug, Deserialize)]
struct PeerName {
    /// The name or address.
    value: String,
}

/// The results file.
#[derive(Debug, Serialize)]
struct Report<'a> {
    /// Protocol version (1).
    version: u32,
    /// `okd-trust-<profile>`.
    harness: String,
    /// One per case, in suite order.
    results: Vec<CaseResult<'a>>,
}

/// One case's answer.
#[derive(Debug, Serialize)]
struct CaseResult<'a> {
    /// The case id.
    id: &'a str,
    /// The verdict.
    actual_result: Actual,
    /// Why (the failure, or the reason for skipping); `null` on success.
    context: Option<String>,
}

/// `actual_result`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
enum Actual {
    /// The chain verifies.
    Success,
    /// It does not.
    Failure,
    /// Not decided.
    Skipped,
}

/// Largest suite read from standard input: several times today's 41 MB.
const SUITE_LIMIT: usize = 512 << 20;

/// Runs `okd-trust limbo`. Exits 0 whenever the suite could be read and the results written.
pub(crate) fn run(args: &Args) -> Result<Outcome, CliError> {
    let bytes = input::read_at_most("standard input", Path::new("-"), SUITE_LIMIT)?;
    let suite: Suite = serde_json::from_slice(&bytes).map_err(CliError::Suite)?;
    drop(bytes);
    if suite.version != 1 {
        eprintln!("okd-trust: warning: limbo suite version {} (this harness knows version 1)", suite.version);
    }

    let profile = Profile::from(args.profile);
    let now = input::now();
    let started = Instant::now();
    let mut stats = Stats::default();
    let mut results = Vec::with_capacity(suite.testcases.len());
    for case in &suite.testcases {
        let case_started = Instant::now();
        let (actual, context) = match panic::catch_unwind(AssertUnwindSafe(|| evaluate(case, profile, now))) {
            Ok(answer) => answer,
            Err(payload) => {
                stats.panics += 1;
                let message = payload
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                eprintln!("okd-trust: BUG: case {} panicked: {message}", case.id);
                (Actual::Skipped, Some(format!("okd-trust panicked: {message}")))
            }
        };
        stats.record(&case.id, actual, case_started.elapsed());
        results.push(CaseResult { id: &case.id, actual_result: actual, context });
    }
    let total = started.elapsed();

    let report = Report { version: 1, harness: format!("okd-trust-{}", args.profile.name()), results };
    let mut out = BufWriter::new(io::stdout().lock());
    serde_json::to_writer(&mut out, &report).map_err(io::Error::from)?;
    writeln!(out)?;
    out.flush()?;

    eprintln!(
        "limbo summary: profile={} cases={} success={} failure={} skipped={} panics={} total_ms={} slowest={} slowest_ms={:.3}",
        args.profile.name(),
        suite.testcases.len(),
        stats.success,
        stats.failure,
        stats.skipped,
        stats.panics,
        total.as_millis(),
        stats.slowest_id.unwrap_or("-"),
        stats.slowest.as_secs_f64() * 1000.0,
    );
    Ok(Outcome::Success)
}

/// Counts and the slowest case.
#[derive(Debug, Default)]
struct Stats<'a> {
    success: usize,
    failure: usize,
    skipped: usize,
    panics: usize,
    slowest: Duration,
    slowest_id: Option<&'a str>,
}

impl<'a> Stats<'a> {
    fn record(&mut self, id: &'a str, actual: Actual, took: Duration) {
        match actual {
            Actual::Success => self.success += 1,
            Actual::Failure => self.failure += 1,
            Actual::Skipped => self.skipped += 1,
        }
        if self.slowest_id.is_none() || took > self.slowest {
            self.slowest = took;
            self.slowest_id = Some(id);
        }
    }
}

/// Decides one case, skipping exactly what Go's reference harness skips.
fn evaluate(case: &Testcase, profile: Profile, now: Timestamp) -> (Actual, Option<String>) {
    if case.validation_kind == ValidationKind::Client {
        return skipped("unimplemented validationKindClient");
    }
    if case.features.iter().any(|f| f == "has-crl") {
        return skipped("CRLs not supported");
    }
    if case.max_chain_depth.is_some() {
        return skipped("max chain depth not supported");
    }
    let at = match &case.validation_time {
        None => now,
        Some(text) => match Timestamp::parse_rfc3339(text) {
            Ok(at) => at,
            Err(e) => return skipped(&format!("validation_time: {e}")),
        },
    };
    let leaf = match Certificate::from_pem(case.peer_certificate.as_bytes()) {
        Ok(leaf) => leaf,
        Err(e) => return (Actual::Failure, Some(format!("peer certificate: {e}"))),
    };
    let roots = CaBundle::from_certificates(certificates(&case.trusted_certs));
    // The intermediates are presented with the leaf: a TLS client parses the whole Certificate
    // message before it verifies, so one that does not parse fails the handshake, used or not.
    let mut intermediates = Vec::with_capacity(case.untrusted_intermediates.len());
    for (index, pem) in case.untrusted_intermediates.iter().enumerate() {
        match Certificate::from_pem(pem.as_bytes()) {
            Ok(cert) => intermediates.push(cert),
            Err(e) => return (Actual::Failure, Some(format!("intermediate {index}: {e}"))),
        }
    }
    let usages: Vec<ExtendedKeyUsage> = case.extended_key_usage.iter().map(|name| usage(name)).collect();

    let mut options = VerifyOptions::new(&roots, at).intermediates(&intermediates).usages(&usages).profile(profile);
    if let Some(peer) = &case.expected_peer_name {
        options = options.server_name(&peer.value);
    }
    let verdict = verify::verify(&leaf, &options);
    match verdict.reason() {
        None => (Actual::Success, None),
        Some(reason) => (Actual::Failure, Some(reason.failure.to_string())),
    }
}

fn skipped(why: &str) -> (Actual, Option<String>) {
    (Actual::Skipped, Some(why.to_owned()))
}

/// The trusted certificates, each loaded like Go's `AppendCertsFromPEM` (how client-go builds its
/// pool from CA data): what does not parse is dropped without a word.
fn certificates(pems: &[String]) -> Vec<Certificate> {
    pems.iter()
        .filter_map(|pem| CaBundle::from_pem(pem.as_bytes()).ok())
        .flat_map(|bundle| bundle.as_slice().to_vec())
        .collect()
}

/// A limbo EKU name as the core's purpose (the suite's names are Go's, which the core reads; any
/// other is taken as a dotted OID).
fn usage(name: &str) -> ExtendedKeyUsage {
    name.parse().unwrap_or_else(|_| ExtendedKeyUsage::from_oid(name))
}
