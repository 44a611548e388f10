//! `okd-trust doctor`: everything that breaks, or will break, trust between a node and api-int,
//! and the exact, verified fix — optionally written to the node's kubeconfigs.
//!
//! All I/O lives here: the inputs are read and auto-detected, the served chain may be fetched
//! over TLS, the core diagnoses and renders, and `--fix` writes files atomically.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use okd_trust::diagnose::{self, DoctorInput, Labelled, Verdict};
use okd_trust::input::{self as detect, Detected};
use okd_trust::manifest::{Manifest, ManifestKind};
use okd_trust::{CaBundle, Certificate, Kubeconfig, Timestamp, examples, report};

use super::Outcome;
use crate::error::CliError;
use crate::input;

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
    /// The api-int host name to verify (default: each kubeconfig's server; also the SNI for --connect).
    #[arg(long, value_name = "NAME")]
    server_name: Option<String>,
    /// multus' trust: the openshift-multus/kube-root-ca.crt ConfigMap, or PEM.
    #[arg(long, value_name = "PATH")]
    multus_ca: Option<PathBuf>,
    /// The openshift-kube-apiserver-operator/loadbalancer-serving-signer Secret (YAML/JSON).
    #[arg(long, value_name = "PATH")]
    signer_secret: Option<PathBuf>,
    /// When to judge (RFC 3339); default: now (2024-05-01T00:00:00Z for the built-in example).
    #[arg(long, value_name = "RFC3339", value_parser = input::parse_time)]
    at: Option<Timestamp>,
    /// Report certificates expiring within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
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
}

/// A kubeconfig as read from disk, kept so `--fix` can check nothing changed under it.
struct NodeFile {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Args {
    fn has_inputs(&self) -> bool {
        !self.kubeconfig.is_empty()
            || !self.cluster_ca.is_empty()
            || self.serving_chain.is_some()
            || self.connect.is_some()
            || self.multus_ca.is_some()
            || self.signer_secret.is_some()
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
        (builtin(args)?, Vec::new())
    };
    let diagnosis = diagnose::diagnose(&input);
    let rendered = match args.format {
        Format::Text => report::text(&diagnosis),
        Format::Json => report::json(&diagnosis),
        Format::Prometheus => report::prometheus(&diagnosis),
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
    fix(args, &diagnosis, &files)?;
    // Exit 0 only if the node is healthy now: judge again with the kubeconfigs as written, so a
    // problem the fix does not touch (multus, an expiring signer, a legacy Secret) still exits 1.
    let after = diagnose::diagnose(&with_repairs(input, &diagnosis.plan.kubeconfigs));
    if after.verdict != diagnosis.verdict {
        eprintln!("okd-trust: --fix: verdict with the files as written: {}", after.verdict.as_str());
    }
    Ok(if after.verdict == Verdict::Healthy { Outcome::Success } else { Outcome::Problem })
}

/// `input` with each repaired kubeconfig replaced by its new text.
fn with_repairs(mut input: DoctorInput, repairs: &[diagnose::KubeconfigRepair]) -> DoctorInput {
    for labelled in &mut input.kubeconfigs {
        let repaired = repairs.iter().find(|r| r.source == labelled.label && r.verified);
        if let Some(config) = repaired.and_then(|r| Kubeconfig::parse(r.new_text.as_bytes()).ok()) {
            labelled.value = config;
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
        input.multus_ca = Some(Labelled::new("openshift-multus/kube-root-ca.crt", bundle));
    }
    Ok(input)
}

fn label(path: &Path) -> String {
    path.display().to_string()
}

/// Reads and auto-detects one file.
fn read_detected(option: &'static str, path: &Path) -> Result<(Vec<u8>, Detected), CliError> {
    let bytes = input::read(option, path)?;
    let detected = detect::detect(&label(path), &bytes).map_err(|source| CliError::Input { option, source })?;
    Ok((bytes, detected))
}

/// Reads any supported file as a CA bundle.
fn read_bundle(option: &'static str, path: &Path) -> Result<CaBundle, CliError> {
    let (_, detected) = read_detected(option, path)?;
    detected.ca_bundle().map_err(|source| CliError::Input { option, source })?.ok_or(CliError::Missing {
        option,
        path: path.to_owned(),
        what: "holds no CA certificate",
    })
}

fn read_inputs(args: &Args) -> Result<(DoctorInput, Vec<NodeFile>), CliError> {
    let mut input = DoctorInput::new(args.at.unwrap_or_else(input::now));
    input.warn_days = args.warn_days;
    input.server_name.clone_from(&args.server_name);
    let mut files = Vec::new();
    for path in &args.kubeconfig {
        let (bytes, detected) = read_detected("--kubeconfig", path)?;
        let Detected::Kubeconfig(config) = detected else {
            return Err(CliError::WrongKind {
                option: "--kubeconfig",
                path: path.clone(),
                found: detected.kind_name(),
                expected: "a kubeconfig",
            });
        };
        input.kubeconfigs.push(Labelled::new(label(path), *config));
        files.push(NodeFile { path: path.clone(), bytes });
    }
    for path in &args.cluster_ca {
        input.cluster_cas.push(Labelled::new(label(path), read_bundle("--cluster-ca", path)?));
    }
    if let Some(path) = &args.serving_chain {
        let (_, detected) = read_detected("--serving-chain", path)?;
        let chain = match &detected {
            // Keep the strict, ordered reading of a served chain (a certificate that fails to parse is an error).
            Detected::Pem(_) => input::chain("--serving-chain", path)?,
            Detected::Manifests(_) => read_bundle("--serving-chain", path)?.iter().cloned().collect(),
            _ => {
                return Err(CliError::WrongKind {
                    option: "--serving-chain",
                    path: path.clone(),
                    found: detected.kind_name(),
                    expected: "PEM certificates or a TLS Secret",
                });
            }
        };
        input.serving_chain = Some(Labelled::new(label(path), chain));
    }
    if let Some(target) = &args.connect {
        let chain = fetch_chain(target, args.server_name.as_deref())?;
        input.serving_chain = Some(Labelled::new(target.clone(), chain));
    }
    if let Some(path) = &args.multus_ca {
        input.multus_ca = Some(Labelled::new(label(path), read_bundle("--multus-ca", path)?));
    }
    if let Some(path) = &args.signer_secret {
        let (_, detected) = read_detected("--signer-secret", path)?;
        let secret: Option<Manifest> = match detected {
            Detected::Manifests(objects) => objects.into_iter().find(|m| m.kind == ManifestKind::Secret),
            _ => None,
        };
        let secret = secret.ok_or(CliError::Missing {
            option: "--signer-secret",
            path: path.clone(),
            what: "holds no Secret",
        })?;
        input.signer_secret = Some(Labelled::new(label(path), secret));
    }
    Ok((input, files))
}

/// Fetches the chain `target` serves, leaf first, over TLS, without judging it: judging is the
/// doctor's job, so the handshake must succeed with exactly the certificates kubelet would refuse.
fn fetch_chain(target: &str, server_name: Option<&str>) -> Result<Vec<Certificate>, CliError> {
    use std::net::{TcpStream, ToSocketAddrs as _};
    use std::sync::Arc;
    use std::time::Duration;

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
    let timeout = Duration::from_secs(10);
    let addrs = target.to_socket_addrs().map_err(|e| fail(format!("cannot resolve: {e}")))?;
    let mut last = String::from("no address");
    let mut tcp = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                tcp = Some(stream);
                break;
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    let mut tcp = tcp.ok_or_else(|| fail(format!("cannot connect: {last}")))?;
    tcp.set_read_timeout(Some(timeout)).map_err(|e| fail(e.to_string()))?;
    tcp.set_write_timeout(Some(timeout)).map_err(|e| fail(e.to_string()))?;
    let mut conn = ClientConnection::new(Arc::new(config), sni).map_err(|e| fail(e.to_string()))?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).map_err(|e| fail(format!("TLS handshake failed: {e}")))?;
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
    let _ = conn.complete_io(&mut tcp);
    if chain.is_empty() {
        return Err(fail("the server sent no certificate".into()));
    }
    Ok(chain)
}

/// Writes every repair, or nothing: refuses when any is unverified, or a file changed since it was read.
fn fix(args: &Args, diagnosis: &diagnose::Diagnosis, files: &[NodeFile]) -> Result<(), CliError> {
    let repairs = &diagnosis.plan.kubeconfigs;
    if repairs.is_empty() {
        eprintln!("okd-trust: --fix: no kubeconfig needs a change; nothing written");
        return Ok(());
    }
    let unverified: Vec<String> = repairs
        .iter()
        .filter(|r| !r.verified || r.new_text.is_empty())
        .map(|r| format!("{} ({})", r.source, r.verification))
        .collect();
    if !unverified.is_empty() {
        return Err(CliError::Fix(format!(
            "refusing to write anything: {} repair(s) could not be verified: {}",
            unverified.len(),
            unverified.join("; ")
        )));
    }
    let mut writes = Vec::new();
    for repair in repairs {
        let file = files
            .iter()
            .find(|f| label(&f.path) == repair.source)
            .ok_or_else(|| CliError::Fix(format!("{}: not a file given with --kubeconfig", repair.source)))?;
        let target =
            fs::canonicalize(&file.path).map_err(|e| CliError::Fix(format!("{}: {e}", file.path.display())))?;
        let now =
            fs::read(&target).map_err(|e| CliError::Fix(format!("{}: cannot re-read: {e}", file.path.display())))?;
        if now != file.bytes {
            return Err(CliError::Fix(format!(
                "{} changed while the doctor was reading it; nothing written, run it again",
                file.path.display()
            )));
        }
        // The new text keeps the byte-order mark of the file, if it had one.
        writes.push((file.path.clone(), target, repair.new_text.clone().into_bytes()));
    }
    if args.backup {
        let stamp = basic_time(input::now());
        for (shown, target, _) in &writes {
            let backup = backup_path(target, &stamp);
            copy_new(target, &backup)
                .map_err(|e| CliError::Fix(format!("{}: backup failed, nothing written: {e}", shown.display())))?;
            eprintln!("okd-trust: --backup: {} -> {}", shown.display(), backup.display());
        }
    }
    for (n, (shown, target, bytes)) in writes.iter().enumerate() {
        write_atomic(target, bytes).map_err(|e| {
            let done: Vec<String> = writes[..n].iter().map(|(p, _, _)| p.display().to_string()).collect();
            CliError::Fix(format!("{}: write failed ({e}); already written: [{}]", shown.display(), done.join(", ")))
        })?;
        eprintln!("okd-trust: --fix: wrote {}", shown.display());
    }
    eprintln!("okd-trust: --fix: done; now run the follow-up actions listed above (restart kubelet first)");
    Ok(())
}

/// `YYYYMMDDTHHMMSSZ` (RFC 3339 basic format, UTC).
fn basic_time(at: Timestamp) -> String {
    let (y, mo, d, h, mi, s) = at.to_utc();
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

fn backup_path(target: &Path, stamp: &str) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".okd-trust-backup-{stamp}"));
    target.with_file_name(name)
}

/// Copies `from` to a new file `to` (never overwriting one) with the same permissions, synced.
fn copy_new(from: &Path, to: &Path) -> io::Result<()> {
    let bytes = fs::read(from)?;
    let mut file = OpenOptions::new().write(true).create_new(true).open(to)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    fs::set_permissions(to, fs::metadata(from)?.permissions())
}

/// Replaces `target` atomically: a temporary file in the same directory, with the original's
/// permissions and (where the process may) owner, written and synced, then renamed over it.
fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let metadata = fs::metadata(target)?;
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut name = std::ffi::OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(format!(".okd-trust-{}.tmp", std::process::id()));
    let temp = dir.join(name);
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        fs::set_permissions(&temp, metadata.permissions())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            // Keeping the owner needs privileges; an unprivileged run keeps its own (and says nothing).
            let _ = std::os::unix::fs::fchown(&file, Some(metadata.uid()), Some(metadata.gid()));
        }
        file.sync_all()?;
        fs::rename(&temp, target)?;
        // Make the rename itself durable.
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
