//! `okd-trust doctor`: everything that breaks, or will break, trust between a node and api-int,
//! and the exact, verified fix — optionally written to the node's kubeconfigs.
//!
//! All I/O lives here: the inputs are read and auto-detected, the served chain may be fetched
//! over TLS, the core diagnoses and renders, and `--fix` writes files atomically.

use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::ValueEnum;
use okd_trust::diagnose::{self, CaFile, DoctorInput, FleetCache, Labelled, Verdict};
use okd_trust::input::{self as detect, Detected};
use okd_trust::{CaBundle, Certificate, Kubeconfig, Timestamp, examples, report};

use super::Outcome;
use crate::error::CliError;
use crate::input;
use crate::replace::{self, Locked};

/// When the built-in reproduction is judged: three weeks after the rotation, the day nodes fail.
const DEMO_AT: &str = "2024-05-01T00:00:00Z";

/// Arguments of `okd-trust doctor`. With no input at all, it diagnoses a built-in reproduction
/// of the api-int incident.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A node kubeconfig (repeat: /etc/kubernetes/kubeconfig and /var/lib/kubelet/kubeconfig).
    #[arg(long, value_name = "PATH")]
    kubeconfig: Vec<PathBuf>,
    /// What the cluster serves as trust: kube-apiserver-server-ca, loadbalancer-serving-ca or
    /// kubeconfig-data (ConfigMap YAML/JSON from `oc get -o yaml`), or plain PEM (repeatable).
    #[arg(long, value_name = "PATH")]
    cluster_ca: Vec<PathBuf>,
    /// The chain api-int serves, leaf first (PEM, `openssl s_client -showcerts` output, or a TLS Secret).
    #[arg(long, value_name = "PATH", conflicts_with = "connect")]
    serving_chain: Option<PathBuf>,
    /// Fetch the served chain from HOST:PORT (e.g. api-int.<domain>:6443) without trusting it.
    #[arg(long, value_name = "HOST:PORT")]
    connect: Option<String>,
    /// With --connect: give up when connecting and the TLS handshake together take longer (seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// The api-int host name to verify (default: each kubeconfig's server; also the SNI for --connect).
    #[arg(long, value_name = "NAME")]
    server_name: Option<String>,
    /// multus' trust: the openshift-multus/kube-root-ca.crt ConfigMap, or PEM.
    #[arg(long, value_name = "PATH")]
    multus_ca: Option<PathBuf>,
    /// The system trust store, used for a kubeconfig that names no CA (as client-go does). Default:
    /// the platform bundle (/etc/pki/tls/certs/ca-bundle.crt on RHCOS, Fedora and RHEL;
    /// /etc/ssl/certs/ca-certificates.crt on Debian), or none when neither exists.
    #[arg(long, value_name = "PATH")]
    system_roots: Option<PathBuf>,
    /// The openshift-kube-apiserver-operator/loadbalancer-serving-signer Secret (YAML/JSON).
    #[arg(long, value_name = "PATH")]
    signer_secret: Option<PathBuf>,
    /// When to judge (RFC 3339); default: now (2024-05-01T00:00:00Z for the built-in example).
    #[arg(long, value_name = "RFC3339", value_parser = input::parse_time)]
    at: Option<Timestamp>,
    /// Report certificates expiring within this many days.
    #[arg(long, value_name = "N", default_value_t = DoctorInput::DEFAULT_WARN_DAYS)]
    warn_days: u32,
    /// How to print the diagnosis.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write the verified kubeconfig repairs in place (atomically; refuses if any is unverified).
    #[arg(long)]
    fix: bool,
    /// With --fix: first copy each file to PATH.okd-trust-backup-<time>.
    #[arg(long, requires = "fix")]
    backup: bool,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
enum Format {
    /// For people: verdict, findings, the fix as a diff, the commands.
    #[default]
    Text,
    /// Versioned JSON (schema_version 1), for scripts.
    Json,
    /// Prometheus text exposition, for node-exporter's textfile collector.
    Prometheus,
    /// One self-contained HTML page (findings, the fix, every certificate), to attach to a case.
    Html,
}

impl Args {
    fn has_inputs(&self) -> bool {
        !self.kubeconfig.is_empty()
            || !self.cluster_ca.is_empty()
            || self.serving_chain.is_some()
            || self.connect.is_some()
            || self.multus_ca.is_some()
            || self.signer_secret.is_some()
            || self.system_roots.is_some()
    }
}

/// Runs `okd-trust doctor`: exit 0 when healthy, 1 when problems were found.
pub(crate) fn run(args: &Args) -> Result<Outcome, CliError> {
    let (input, files) = if args.has_inputs() {
        read_inputs(args)?
    } else {
        if args.fix {
            return Err(CliError::Usage(
                "--fix needs --kubeconfig files to write; without inputs the doctor only shows its built-in example"
                    .into(),
            ));
        }
        (builtin(args)?, Held::default())
    };
    // One cache for this diagnosis and, with --fix, the judgement of the files as written: the
    // second asks mostly the same questions of the same certificates.
    let fleet = FleetCache::new();
    let diagnosis = diagnose::diagnose_with_cache(&input, &fleet);
    let rendered = match args.format {
        Format::Text => report::text(&diagnosis),
        Format::Json => report::json(&diagnosis),
        Format::Prometheus => report::prometheus(&diagnosis),
        Format::Html => report::html(&diagnosis),
    };
    if !args.has_inputs() && args.format == Format::Text {
        eprintln!(
            "okd-trust: no inputs given, so this is the built-in reproduction of the api-int incident: a cluster born in\n\
             2019 whose kube-apiserver-lb-signer was re-keyed by the 4.15 upgrade, judged at {DEMO_AT}, while the\n\
             node's kubeconfigs and multus still trust only the old signer. Run `okd-trust doctor --help` to check a real node.\n"
        );
    }
    let mut out = io::stdout().lock();
    out.write_all(rendered.as_bytes())?;
    out.flush()?;
    let healthy = diagnosis.verdict == Verdict::Healthy;
    if !args.fix {
        return Ok(if healthy { Outcome::Success } else { Outcome::Problem });
    }
    fix(args, &diagnosis, files)?;
    // Exit 0 only if the node is healthy now: judge again with the kubeconfigs as written, so a
    // problem the fix does not touch (multus, an expiring signer, a legacy Secret) still exits 1.
    let after = diagnose::diagnose_with_cache(&with_repairs(input, &diagnosis.plan.kubeconfigs), &fleet);
    if after.verdict != diagnosis.verdict {
        eprintln!("okd-trust: --fix: verdict with the files as written: {}", after.verdict.as_str());
    }
    Ok(if after.verdict == Verdict::Healthy { Outcome::Success } else { Outcome::Problem })
}

/// `input` with each repaired kubeconfig replaced by its new text.
fn with_repairs(mut input: DoctorInput, repairs: &[diagnose::KubeconfigRepair]) -> DoctorInput {
    for repair in repairs {
        let Some(new_text) = repair.new_text() else { continue };
        if repair.target.ca_file().is_some() {
            for file in input.ca_files.iter_mut().filter(|f| f.kubeconfig == repair.kubeconfig) {
                file.contents = Ok(new_text.as_bytes().to_vec());
            }
        } else if let (Some(edited), Some(labelled)) =
            (repair.edited_kubeconfig(), input.kubeconfigs.get_mut(repair.kubeconfig))
        {
            labelled.value = edited.clone();
        }
    }
    input
}

/// The built-in reproduction: both node kubeconfigs, the cluster's bundle, the served chain, and
/// a multus CA that, like the kubeconfigs, holds only the original signers.
fn builtin(args: &Args) -> Result<DoctorInput, CliError> {
    let at = match args.at {
        Some(at) => at,
        None => Timestamp::parse_rfc3339(DEMO_AT).map_err(|e| CliError::Usage(e.to_string()))?,
    };
    let builtin_error = |e: okd_trust::Error| CliError::Input { option: "built-in example", source: e };
    let mut input = DoctorInput::new(at);
    input.warn_days = args.warn_days;
    input.server_name.clone_from(&args.server_name);
    for (label, text) in [
        ("/etc/kubernetes/kubeconfig", examples::BOOTSTRAP_KUBECONFIG),
        ("/var/lib/kubelet/kubeconfig", examples::NODE_KUBECONFIG),
    ] {
        let config = Kubeconfig::parse(text.as_bytes()).map_err(|e| builtin_error(e.into()))?;
        input.kubeconfigs.push(Labelled::new(label, config));
    }
    let cluster = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).map_err(|e| builtin_error(e.into()))?;
    input.cluster_cas.push(Labelled::new("openshift-config-managed/kube-apiserver-server-ca", cluster));
    let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes()).map_err(|e| builtin_error(e.into()))?;
    input.serving_chain = Some(Labelled::new("api-int.ocp.example.com:6443", chain.iter().cloned().collect()));
    let stale = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).map_err(|e| builtin_error(e.into()))?;
    if let Some(bundle) = stale.ca_bundle("local").map_err(|e| builtin_error(e.into()))? {
        input.multus_ca = Some(Labelled::new(DoctorInput::MULTUS_CA_LABEL, bundle));
    }
    Ok(input)
}

fn label(path: &Path) -> String {
    path.display().to_string()
}

/// Reads and auto-detects one file.
fn read_detected(option: &'static str, path: &Path) -> Result<Detected, CliError> {
    let bytes = input::read(option, path)?;
    detect::detect(&label(path), &bytes).map_err(|source| CliError::Input { option, source })
}

/// With `--fix`: every kubeconfig opened and locked before it is read, in one order every run
/// agrees on (device and inode), so concurrent runs queue instead of planning from the same bytes.
/// Returned in argument order.
fn lock_kubeconfigs(paths: &[PathBuf]) -> Result<Vec<Locked>, CliError> {
    let mut keyed = Vec::with_capacity(paths.len());
    for (index, path) in paths.iter().enumerate() {
        let meta = fs::metadata(path).map_err(|source| CliError::Read {
            option: "--kubeconfig",
            path: path.clone(),
            source,
        })?;
        let key = (meta.dev(), meta.ino());
        if let Some((_, other, _)) = keyed.iter().find(|(k, _, _)| *k == key) {
            let other: &PathBuf = &paths[*other];
            return Err(CliError::Usage(format!(
                "--kubeconfig {} and {} are the same file; give it once",
                other.display(),
                path.display()
            )));
        }
        keyed.push((key, index, path));
    }
    keyed.sort_by_key(|(key, _, _)| *key);
    let mut locked: Vec<(usize, Locked)> = Vec::with_capacity(paths.len());
    for (_, index, path) in keyed {
        let file = Locked::open(path, okd_trust::Limits::default().max_input_bytes)
            .map_err(|e| CliError::Fix(e.to_string()))?;
        locked.push((index, file));
    }
    locked.sort_by_key(|(index, _)| *index);
    Ok(locked.into_iter().map(|(_, file)| file).collect())
}

/// Reads any supported file as a CA bundle.
fn read_bundle(option: &'static str, path: &Path) -> Result<CaBundle, CliError> {
    read_detected(option, path)?.required_ca_bundle(&label(path)).map_err(|source| CliError::Input { option, source })
}

/// The files `--fix` may write, each locked since before it was read.
#[derive(Default)]
struct Held {
    /// The kubeconfig each `DoctorInput::kubeconfigs` entry was read from.
    kubeconfigs: Vec<Locked>,
    /// The CA files they name, by `DoctorInput::kubeconfigs` index; one file named twice is held once.
    ca_files: Vec<(usize, usize)>,
    ca_locks: Vec<Locked>,
}

fn read_inputs(args: &Args) -> Result<(DoctorInput, Held), CliError> {
    input::stdin_once(
        args.kubeconfig
            .iter()
            .chain(&args.cluster_ca)
            .chain(&args.serving_chain)
            .chain(&args.multus_ca)
            .chain(&args.signer_secret)
            .chain(&args.system_roots),
    )?;
    let mut input = DoctorInput::new(args.at.unwrap_or_else(input::now));
    input.warn_days = args.warn_days;
    input.server_name.clone_from(&args.server_name);
    let mut held = Held::default();
    let mut locked =
        if args.fix { lock_kubeconfigs(&args.kubeconfig)?.into_iter().map(Some).collect() } else { Vec::new() };
    for (n, path) in args.kubeconfig.iter().enumerate() {
        let file = locked.get_mut(n).and_then(Option::take);
        let bytes = match &file {
            Some(file) => file.bytes().to_vec(),
            None => input::read("--kubeconfig", path)?,
        };
        let config = match detect::kubeconfig(&label(path), &bytes) {
            Ok(Ok(config)) => config,
            // A kubeconfig client-go cannot load is a finding (kubelet cannot start), not bad input.
            Ok(Err(error)) => {
                input.unloadable.push(Labelled::new(label(path), error));
                continue;
            }
            Err(okd_trust::Error::Input(detect::InputError::WrongKind { found, .. })) => {
                return Err(CliError::WrongKind {
                    option: "--kubeconfig",
                    path: path.clone(),
                    found,
                    expected: "a kubeconfig",
                });
            }
            Err(source) => return Err(CliError::Input { option: "--kubeconfig", source }),
        };
        let index = input.kubeconfigs.len();
        if let Some(ca_path) = config.ca_file(&okd_trust_io::base_dir(path)) {
            input.ca_files.push(read_ca_file(index, &ca_path, args.fix, &mut held)?);
        }
        input.kubeconfigs.push(Labelled::new(label(path), config));
        if let Some(file) = file {
            held.kubeconfigs.push(file);
        }
    }
    input.system_roots = system_roots(args.system_roots.as_deref())?;
    for path in &args.cluster_ca {
        input.cluster_cas.push(Labelled::new(label(path), read_bundle("--cluster-ca", path)?));
    }
    if let Some(path) = &args.serving_chain {
        // PEM or a TLS Secret's tls.crt, read strictly by the core: whole or not at all.
        let chain = input::chain("--serving-chain", path)?;
        input.serving_chain = Some(Labelled::new(label(path), chain));
    }
    if let Some(target) = &args.connect {
        let chain = fetch_chain(target, args.server_name.as_deref(), Duration::from_secs(args.timeout))?;
        input.serving_chain = Some(Labelled::new(target.clone(), chain));
    }
    if let Some(path) = &args.multus_ca {
        input.multus_ca = Some(Labelled::new(label(path), read_bundle("--multus-ca", path)?));
    }
    if let Some(path) = &args.signer_secret {
        let secret = read_detected("--signer-secret", path)?
            .required_secret(&label(path))
            .map_err(|source| CliError::Input { option: "--signer-secret", source })?;
        input.signer_secret = Some(Labelled::new(label(path), secret));
    }
    Ok((input, held))
}

/// A CA file a kubeconfig names, read as client-go would read it (locked first under `--fix`, so
/// its repair is written from the bytes judged). A file that cannot be read is the doctor's to
/// judge — kubelet refuses such a kubeconfig — so its error is passed on, not raised.
fn read_ca_file(kubeconfig: usize, path: &str, fix: bool, held: &mut Held) -> Result<CaFile, CliError> {
    let limit = okd_trust::Limits::default().max_input_bytes;
    if !fix {
        let contents = input::open_regular(Path::new(path))
            .and_then(|file| input::read_bounded(file, limit))
            .map_err(|e| e.to_string());
        return Ok(CaFile::new(kubeconfig, path, contents));
    }
    let identity = fs::metadata(path).map(|m| (m.dev(), m.ino())).ok();
    let shared = held.ca_locks.iter().position(|l| Some(l.identity()) == identity);
    let slot = match shared {
        Some(slot) => slot,
        None => match Locked::open(Path::new(path), limit) {
            Ok(lock) => {
                held.ca_locks.push(lock);
                held.ca_locks.len() - 1
            }
            Err(replace::ReplaceError::Io { source, .. }) => {
                return Ok(CaFile::new(kubeconfig, path, Err(source.to_string())));
            }
            Err(e) => return Err(CliError::Fix(e.to_string())),
        },
    };
    held.ca_files.push((kubeconfig, slot));
    Ok(CaFile::new(kubeconfig, path, Ok(held.ca_locks[slot].bytes().to_vec())))
}

/// `--system-roots`, or the platform's bundle; `None` when there is none to read.
fn system_roots(given: Option<&Path>) -> Result<Option<Labelled<CaBundle>>, CliError> {
    if let Some(path) = given {
        return Ok(Some(Labelled::new(label(path), input::bundle("--system-roots", path)?)));
    }
    // The platform's, found and read as the bindings find them (okd_trust_io, as Go does).
    Ok(okd_trust_io::doctor::system_roots(None, okd_trust_io::doctor::ReadOn::ThisMachine))
}

/// Fetches the chain `target` serves, leaf first, over TLS, without judging it: judging is the
/// doctor's job, so the handshake must succeed with exactly the certificates kubelet would refuse.
///
/// One deadline covers connecting and the whole handshake: each read waits only for what is left
/// of it, so a server that trickles bytes cannot hold the doctor past `timeout`.
fn fetch_chain(target: &str, server_name: Option<&str>, timeout: Duration) -> Result<Vec<Certificate>, CliError> {
    use std::net::{TcpStream, ToSocketAddrs as _};
    use std::sync::Arc;

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};

    /// DANGEROUS BY DESIGN, and only here: accepts any server certificate. The doctor fetches the
    /// chain precisely to decide, offline and with Go's rules, whether kubelet would trust it — a
    /// verifying client would abort on the very chain that needs diagnosing. Nothing is sent over
    /// this connection; it is closed as soon as the handshake has delivered the certificates. The
    /// handshake signatures are still checked, so the peer proves it holds the leaf's key.
    #[derive(Debug)]
    struct AcceptAnyChain(Arc<CryptoProvider>);

    impl ServerCertVerifier for AcceptAnyChain {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp_response: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.0.signature_verification_algorithms.supported_schemes()
        }
    }

    let fail = |reason: String| CliError::Connect { target: target.to_owned(), reason };
    let host = match target.rsplit_once(':') {
        Some((host, port)) if port.parse::<u16>().is_ok() => host.trim_start_matches('[').trim_end_matches(']'),
        // catch-all: not a core enum (an Option of text).
        _ => return Err(fail("expected HOST:PORT, e.g. api-int.ocp.example.com:6443".into())),
    };
    let sni = ServerName::try_from(server_name.unwrap_or(host).to_owned())
        .map_err(|e| fail(format!("{:?} is not a valid server name: {e}", server_name.unwrap_or(host))))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyChain(provider)))
        .with_no_client_auth();
    let deadline = Instant::now() + timeout;
    let timed_out =
        || fail(format!("timed out after {}s connecting and completing the TLS handshake", timeout.as_secs()));
    // What is left of the deadline, or `None` once it has passed.
    let left = || deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
    let is_timeout = |e: &io::Error| matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut);
    let addrs = target.to_socket_addrs().map_err(|e| fail(format!("cannot resolve: {e}")))?;
    let mut last = String::from("no address");
    let mut tcp = None;
    for addr in addrs {
        let Some(left) = left() else { return Err(timed_out()) };
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => {
                tcp = Some(stream);
                break;
            }
            Err(e) if is_timeout(&e) => last = format!("{addr}: timed out"),
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    let mut tcp = tcp.ok_or_else(|| fail(format!("cannot connect: {last}")))?;
    let mut conn = ClientConnection::new(Arc::new(config), sni).map_err(|e| fail(e.to_string()))?;
    while conn.is_handshaking() {
        let Some(left) = left() else { return Err(timed_out()) };
        tcp.set_read_timeout(Some(left)).map_err(|e| fail(e.to_string()))?;
        tcp.set_write_timeout(Some(left)).map_err(|e| fail(e.to_string()))?;
        // One read or write at a time (not `complete_io`, which keeps reading as long as bytes
        // arrive), so the deadline is looked at between any two of them.
        let io = if conn.wants_write() {
            conn.write_tls(&mut tcp)
        } else {
            match conn.read_tls(&mut tcp) {
                Ok(0) => return Err(fail("TLS handshake failed: the server closed the connection".into())),
                Ok(n) => {
                    conn.process_new_packets().map_err(|e| fail(format!("TLS handshake failed: {e}")))?;
                    Ok(n)
                }
                Err(e) => Err(e),
            }
        };
        match io {
            Ok(_) => {}
            Err(e) if is_timeout(&e) => return Err(timed_out()),
            Err(e) => return Err(fail(format!("TLS handshake failed: {e}"))),
        }
    }
    let ders = conn.peer_certificates().ok_or_else(|| fail("the server sent no certificate".into()))?;
    let chain = ders
        .iter()
        .enumerate()
        .map(|(i, der)| {
            Certificate::from_der(der.as_ref()).map_err(|e| fail(format!("certificate {i} of the served chain: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    conn.send_close_notify();
    // The goodbye is a courtesy: bounded by a moment, never by the server.
    let _ = tcp.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = conn.write_tls(&mut tcp);
    if chain.is_empty() {
        return Err(fail("the server sent no certificate".into()));
    }
    Ok(chain)
}

/// Writes every repair, or nothing: refuses when any is unverified. Each file was locked before it
/// was read and is written under that lock; one that changed anyway is left alone.
fn fix(args: &Args, diagnosis: &diagnose::Diagnosis, mut held: Held) -> Result<(), CliError> {
    for file in held.kubeconfigs.iter().chain(&held.ca_locks) {
        for leftover in replace::leftovers(file.shown()) {
            eprintln!(
                "okd-trust: --fix: warning: {} was left by an interrupted run (not this one); check it and remove it",
                leftover.display()
            );
        }
    }
    let repairs = &diagnosis.plan.kubeconfigs;
    if repairs.is_empty() {
        eprintln!("okd-trust: --fix: no kubeconfig needs a change; nothing written");
        return Ok(());
    }
    let unverified: Vec<String> =
        repairs.iter().filter_map(|r| r.refusal().map(|refusal| format!("{} ({refusal})", r.source))).collect();
    if !unverified.is_empty() {
        return Err(CliError::Fix(format!(
            "refusing to write anything: {} repair(s) could not be verified: {}",
            unverified.len(),
            unverified.join("; ")
        )));
    }
    // A repair is written to the file its index was read from: the identity, never the label. A
    // CA file two kubeconfigs share gets one write (their repairs agree: they read the same bytes).
    let mut writes: Vec<(Slot, &[u8])> = Vec::with_capacity(repairs.len());
    for repair in repairs {
        let Some(new_text) = repair.new_text() else { continue };
        let slot = if repair.target.ca_file().is_some() {
            held.ca_files.iter().find(|(k, _)| *k == repair.kubeconfig).map(|(_, slot)| Slot::CaFile(*slot))
        } else {
            (repair.kubeconfig < held.kubeconfigs.len()).then_some(Slot::Kubeconfig(repair.kubeconfig))
        };
        let Some(slot) = slot else {
            return Err(CliError::Fix(format!("{}: no file held to write this repair to", repair.source)));
        };
        match writes.iter().find(|(s, _)| *s == slot) {
            Some((_, bytes)) if *bytes == new_text.as_bytes() => {}
            Some(_) => {
                return Err(CliError::Fix(format!(
                    "{}: two repairs of one file disagree; nothing written",
                    repair.source
                )));
            }
            None => writes.push((slot, new_text.as_bytes())),
        }
    }
    if args.backup {
        let stamp = basic_time(input::now());
        for (slot, _) in &writes {
            let file = held.get(*slot);
            let backup = backup_path(file.shown(), &stamp);
            file.backup(&backup).map_err(|e| CliError::Fix(e.to_string()))?;
            eprintln!("okd-trust: --backup: {} -> {}", file.shown().display(), backup.display());
        }
    }
    let mut done: Vec<String> = Vec::new();
    for (slot, bytes) in writes {
        let file = held.get(slot);
        // Said before the rename, so an interrupted run leaves a trace of what it was doing; a
        // re-run judges every file afresh and plans only what is still needed.
        eprintln!("okd-trust: --fix: writing {}", file.shown().display());
        file.replace(bytes).map_err(|e| CliError::Fix(format!("{e}; already written: [{}]", done.join(", "))))?;
        eprintln!("okd-trust: --fix: wrote {}", file.shown().display());
        done.push(file.shown().display().to_string());
    }
    eprintln!("okd-trust: --fix: done; now run the follow-up actions listed above (restart kubelet first)");
    Ok(())
}

/// A file `--fix` holds: a kubeconfig, or a CA file one names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Kubeconfig(usize),
    CaFile(usize),
}

impl Held {
    fn get(&mut self, slot: Slot) -> &mut Locked {
        match slot {
            Slot::Kubeconfig(i) => &mut self.kubeconfigs[i],
            Slot::CaFile(i) => &mut self.ca_locks[i],
        }
    }
}

/// `YYYYMMDDTHHMMSSZ` (RFC 3339 basic format, UTC).
fn basic_time(at: Timestamp) -> String {
    let (y, mo, d, h, mi, s) = at.to_utc();
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// `PATH.okd-trust-backup-STAMP`, beside the path as given (a link's backup sits beside the link).
fn backup_path(target: &Path, stamp: &str) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".okd-trust-backup-{stamp}"));
    target.with_file_name(name)
}
