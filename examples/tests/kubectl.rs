//! A differential test against real kubectl: okd-trust must read kubeconfigs the way client-go
//! does, and the doctor must judge a live TLS handshake the way kubectl experiences it.
//!
//! okd-trust predicts kubelet's verdict offline, so every place where it reads a kubeconfig
//! differently from client-go is a wrong prediction, and a wrong repair. kubectl is client-go, so
//! it is the oracle:
//!
//! 1. **Loading.** At least 300 generated kubeconfig shapes per run (`common/kubectl_gen.rs`: the
//!    YAML 1.1 typing of every kind of field, duplicates, documents, anchors and merge keys, JSON,
//!    encodings, CA data in every encoding, CA files by relative and absolute path) are given to
//!    `kubectl config view --raw -o json` and to `okd-trust kubeconfig --format json`. Both must
//!    accept or both refuse; when both accept they must agree on current-context, the clusters,
//!    each cluster's server, tls-server-name and insecure flag, where its CA comes from and which
//!    certificates it holds. The shapes come from a fixed seed and a fresh one from the clock,
//!    printed as `kubectl differential seed: N`; `OKD_TRUST_KUBECTL_SEED=N` replays a run.
//! 2. **Handshake.** A TLS server on 127.0.0.1 serves a re-keyed api-int chain; for kubeconfigs
//!    that trust the old CA, both, a stale CA file, nothing (system roots) or the wrong
//!    tls-server-name, `kubectl get --raw /healthz` and `okd-trust doctor --connect` must reach
//!    the same verdict, and after `doctor --fix` kubectl must get through while its view of the
//!    kubeconfig is unchanged apart from the CA.
//!
//! kubectl: `OKD_TRUST_KUBECTL`, or the newest `kubectl.1.NN` beside the Google Cloud SDK's
//! `kubectl` dispatcher on PATH (which is never run: it may go to the network). Without one both
//! tests say so loudly and pass. kubectl always runs with `KUBECONFIG` unset, a scratch `HOME`
//! and `--kubeconfig`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;
#[path = "common/kubectl_gen.rs"]
mod kubectl_gen;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use common::TempDir;
use common::node::{API_INT, p, stderr};
use kubectl_gen::{KUBECONFIG_PATH, Shape, base64};
use okd_trust_testkit::{CertBuilder, Issued, Key, days};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;

/// The seed every run starts with, so that some shapes are the same on every run.
const FIXED_SEED: u64 = 0x6F6B_6474_7275_7374; // "okdtrust"
/// Shapes per seed; two seeds per run.
const SHAPES_PER_SEED: usize = 180;
const MIN_SHAPES: usize = 300;

// ---------------------------------------------------------------------------------------------
// kubectl and okd-trust.

/// A real kubectl binary, run hermetically.
struct Kubectl {
    path: PathBuf,
    version: String,
    home: TempDir,
}

impl Kubectl {
    /// `OKD_TRUST_KUBECTL`, else the newest `kubectl.1.NN` beside the `kubectl` found on PATH.
    fn find(test: &str) -> Option<Kubectl> {
        let path = match std::env::var_os("OKD_TRUST_KUBECTL") {
            Some(path) => {
                let path = PathBuf::from(path);
                assert!(path.is_file(), "OKD_TRUST_KUBECTL={} is not a file", path.display());
                Some(path)
            }
            None => newest_versioned_kubectl(),
        };
        let Some(path) = path else {
            eprintln!("\n*** kubectl not found: kubectl differential SKIPPED ({test}) ***\n");
            return None;
        };
        let home = TempDir::new("kubectl", &format!("{test}-home"));
        let mut kubectl = Kubectl { path, version: String::new(), home };
        let out = kubectl.command().args(["version", "--client", "-o", "json"]).output().unwrap();
        let version: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{} version: {e}\n{}", kubectl.path.display(), stderr(&out)));
        kubectl.version = version["clientVersion"]["gitVersion"].as_str().unwrap_or("unknown").to_owned();
        eprintln!("kubectl differential: using {} ({})", kubectl.path.display(), kubectl.version);
        Some(kubectl)
    }

    /// kubectl with no KUBECONFIG, a scratch HOME and no proxies.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.path);
        for var in [
            "KUBECONFIG",
            "KUBERNETES_MASTER",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "no_proxy",
        ] {
            command.env_remove(var);
        }
        command.env("HOME", &self.home.0).stdin(Stdio::null());
        command
    }

    fn config_view(&self, kubeconfig: &Path, raw: bool) -> Output {
        let mut command = self.command();
        command.args(["config", "view", "-o", "json"]);
        if raw {
            command.arg("--raw");
        }
        run(command.arg("--kubeconfig").arg(kubeconfig), Duration::from_secs(30))
    }
}

/// The newest `kubectl.1.NN` in the directory the `kubectl` on PATH resolves into.
fn newest_versioned_kubectl() -> Option<PathBuf> {
    let dispatcher =
        std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join("kubectl")).find(|p| p.is_file())?;
    let dir = std::fs::canonicalize(&dispatcher).ok()?.parent()?.to_owned();
    std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            let minor: u32 = name.strip_prefix("kubectl.1.")?.parse().ok()?;
            Some((minor, dir.join(name)))
        })
        .filter(|(_, path)| path.is_file())
        .max_by_key(|(minor, _)| *minor)
        .map(|(_, path)| path)
}

fn okd_trust() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_okd-trust"));
    command.stdin(Stdio::null());
    command
}

/// Runs `command`, killing it after `timeout` (its stderr then says so).
fn run(command: &mut Command, timeout: Duration) -> Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            timed_out = true;
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = err.join().unwrap();
    if timed_out {
        stderr.extend_from_slice(format!("\n[killed after {}s]", timeout.as_secs()).as_bytes());
    }
    Output { status, stdout: out.join().unwrap(), stderr }
}

fn show_output(who: &str, out: &Output) -> String {
    format!(
        "--- {who}: exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).trim_end(),
        String::from_utf8_lossy(&out.stderr).trim_end()
    )
}

// ---------------------------------------------------------------------------------------------
// Part 1: loading.

/// What both sides must agree on for a kubeconfig they both load.
#[derive(Debug, PartialEq, Eq)]
struct Loaded {
    current_context: String,
    clusters: BTreeMap<String, ClusterView>,
}

#[derive(Debug, PartialEq, Eq)]
struct ClusterView {
    server: String,
    tls_server_name: String,
    insecure: bool,
    /// "data", "file" or "none".
    ca_source: String,
    /// The resolved path when the CA is a file.
    ca_path: Option<String>,
    /// Lowercase hex of each certificate's DER.
    certificates: BTreeSet<String>,
    /// okd-trust: whether it gave a reason the CA cannot be used. kubectl: whether client-go
    /// certainly fails on this CA (`Some`), or it depends (`None`; never compared).
    ca_error: Option<bool>,
}

/// One side's answer: loaded, refused (with why), or — for okd-trust only — an answer that
/// does not follow the interface.
enum Answer {
    Loaded(Loaded),
    Refused(String),
    Malformed(String),
}

/// kubectl's `config view --raw -o json`, completed with the CA certificates it points at.
fn kubectl_answer(out: &Output, kubeconfig: &Path) -> Answer {
    if !out.status.success() {
        return Answer::Refused(stderr(out));
    }
    let view: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("kubectl accepted but printed no JSON ({e}):\n{}", show_output("kubectl", out)));
    let base = kubeconfig.parent().unwrap();
    let mut clusters = BTreeMap::new();
    for item in view["clusters"].as_array().into_iter().flatten() {
        let name = item["name"].as_str().unwrap_or_default().to_owned();
        clusters.insert(name, kubectl_cluster(&item["cluster"], base));
    }
    Answer::Loaded(Loaded {
        current_context: view["current-context"].as_str().unwrap_or_default().to_owned(),
        clusters,
    })
}

fn kubectl_cluster(cluster: &Value, base: &Path) -> ClusterView {
    let text = |key: &str| cluster[key].as_str().unwrap_or_default().to_owned();
    let server = text("server");
    let insecure = cluster["insecure-skip-tls-verify"].as_bool().unwrap_or(false);
    let data = text("certificate-authority-data");
    let file = text("certificate-authority");
    let (ca_source, ca_path, bytes) = if !data.is_empty() {
        let decoded =
            base64_decode(&data).unwrap_or_else(|| panic!("kubectl printed CA data that is not base64: {data}"));
        ("data", None, Some(decoded))
    } else if !file.is_empty() {
        let path = resolve_like_client_go(&file, base);
        let bytes = std::fs::read(&path).ok();
        ("file", Some(path), bytes)
    } else {
        ("none", None, None)
    };
    let certificates = bytes.as_deref().map(certificate_hexes).unwrap_or_default();
    // client-go's rootCertPool: a source that yields no certificate cannot be used (unless it is
    // an empty file: system roots); one that yields some can, unless insecure or both are set.
    let tls = server.to_ascii_lowercase().starts_with("https://");
    let ca_error = match (ca_source, &bytes) {
        _ if !tls || (!data.is_empty() && !file.is_empty()) => None,
        ("none", _) => None,
        (_, None) => Some(true),
        (_, Some(b)) if b.is_empty() => None,
        _ if certificates.is_empty() => Some(true),
        _ if insecure => None,
        _ => Some(false),
    };
    ClusterView {
        server,
        tls_server_name: text("tls-server-name"),
        insecure,
        ca_source: ca_source.to_owned(),
        ca_path,
        certificates,
        ca_error,
    }
}

/// client-go's `ResolvePaths`: absolute paths stay as written; relative ones are joined to the
/// kubeconfig's directory and cleaned (`filepath.Join`).
fn resolve_like_client_go(path: &str, base: &Path) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    let joined = format!("{}/{path}", base.display());
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The DER (hex) of every CERTIFICATE block, read with rustls' PEM reader. (The generator only
/// puts well-formed certificates in CERTIFICATE blocks, so these are the certificates Go keeps.)
fn certificate_hexes(pem: &[u8]) -> BTreeSet<String> {
    CertificateDer::pem_slice_iter(pem).map_while(Result::ok).map(|der| hex(&der)).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let body = text.trim_end_matches('=');
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in body.bytes() {
        let value = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// okd-trust's `kubeconfig --format json`, checked against its interface.
fn okd_answer(out: &Output) -> Answer {
    let json: Value = match serde_json::from_slice(&out.stdout) {
        Ok(json) => json,
        Err(e) => return Answer::Malformed(format!("stdout is not JSON ({e})")),
    };
    let code = out.status.code();
    match (json["loaded"].as_bool(), code) {
        (Some(true), Some(0)) => {}
        (Some(false), Some(2)) => {
            return Answer::Refused(json["error"].as_str().unwrap_or("(no error text)").to_owned());
        }
        (loaded, code) => return Answer::Malformed(format!("\"loaded\": {loaded:?} with exit code {code:?}")),
    }
    let Some(items) = json["clusters"].as_array() else { return Answer::Malformed("no \"clusters\" list".into()) };
    let mut clusters = BTreeMap::new();
    for item in items {
        let Some(name) = item["name"].as_str() else {
            return Answer::Malformed(format!("cluster without a name: {item}"));
        };
        match okd_cluster(item) {
            Ok(view) => {
                if clusters.insert(name.to_owned(), view).is_some() {
                    return Answer::Malformed(format!("cluster {name:?} listed twice"));
                }
            }
            Err(why) => return Answer::Malformed(format!("cluster {name:?}: {why}")),
        }
    }
    let Some(current_context) = json["current_context"].as_str() else {
        return Answer::Malformed("no \"current_context\" string".into());
    };
    Answer::Loaded(Loaded { current_context: current_context.to_owned(), clusters })
}

fn okd_cluster(item: &Value) -> Result<ClusterView, String> {
    let text = |key: &str| item[key].as_str().map(str::to_owned).ok_or(format!("no \"{key}\" string"));
    let ca = &item["ca"];
    let certificates = ca["certificates"]
        .as_array()
        .ok_or("no \"ca.certificates\" list")?
        .iter()
        .map(|c| c.as_str().map(str::to_ascii_lowercase).ok_or("a certificate that is not a hex string"))
        .collect::<Result<_, _>>()?;
    Ok(ClusterView {
        server: text("server")?,
        tls_server_name: text("tls_server_name")?,
        insecure: item["insecure"].as_bool().ok_or("no \"insecure\" bool")?,
        ca_source: ca["source"].as_str().ok_or("no \"ca.source\"")?.to_owned(),
        ca_path: ca["path"].as_str().map(str::to_owned),
        certificates,
        ca_error: Some(!ca["error"].is_null()),
    })
}

/// One way the two answers differ: a category for the summary and the details.
struct Difference {
    category: &'static str,
    detail: String,
}

fn differences(kubectl: &Answer, okd: &Answer) -> Vec<Difference> {
    let one = |category, detail: String| vec![Difference { category, detail }];
    match (kubectl, okd) {
        (_, Answer::Malformed(why)) => one("okd-trust output not per interface", why.clone()),
        (Answer::Refused(_), Answer::Refused(_)) => Vec::new(),
        (Answer::Loaded(_), Answer::Refused(why)) => one("kubectl loads, okd-trust refuses", why.clone()),
        (Answer::Refused(why), Answer::Loaded(_)) => one("kubectl refuses, okd-trust loads", why.trim().to_owned()),
        (Answer::Loaded(k), Answer::Loaded(o)) => loaded_differences(k, o),
        (Answer::Malformed(_), _) => unreachable!("kubectl's answer is never malformed"),
    }
}

fn loaded_differences(k: &Loaded, o: &Loaded) -> Vec<Difference> {
    let mut found = Vec::new();
    let mut differ = |category, detail: String| found.push(Difference { category, detail });
    if k.current_context != o.current_context {
        differ("current-context", format!("kubectl {:?}, okd-trust {:?}", k.current_context, o.current_context));
    }
    let (names_k, names_o): (BTreeSet<_>, BTreeSet<_>) = (k.clusters.keys().collect(), o.clusters.keys().collect());
    if names_k != names_o {
        differ("cluster names", format!("kubectl {names_k:?}, okd-trust {names_o:?}"));
    }
    for (name, kc) in &k.clusters {
        let Some(oc) = o.clusters.get(name) else { continue };
        let mut field = |category, what: &str, kv: String, ov: String| {
            if kv != ov {
                differ(category, format!("cluster {name:?} {what}: kubectl {kv}, okd-trust {ov}"));
            }
        };
        field("server", "server", format!("{:?}", kc.server), format!("{:?}", oc.server));
        field(
            "tls-server-name",
            "tls-server-name",
            format!("{:?}", kc.tls_server_name),
            format!("{:?}", oc.tls_server_name),
        );
        field("insecure", "insecure", kc.insecure.to_string(), oc.insecure.to_string());
        field("ca source", "CA source", kc.ca_source.clone(), oc.ca_source.clone());
        if kc.ca_source == "file" && oc.ca_source == "file" {
            field("ca path", "CA path", format!("{:?}", kc.ca_path), format!("{:?}", oc.ca_path));
        }
        if kc.certificates != oc.certificates {
            let only =
                |a: &BTreeSet<String>, b: &BTreeSet<String>| a.difference(b).map(|h| short(h)).collect::<Vec<_>>();
            field(
                "ca certificates",
                "CA certificates",
                format!("{} (only here: {:?})", kc.certificates.len(), only(&kc.certificates, &oc.certificates)),
                format!("{} (only here: {:?})", oc.certificates.len(), only(&oc.certificates, &kc.certificates)),
            );
        }
        if let Some(expected) = kc.ca_error
            && oc.ca_error != Some(expected)
        {
            let says = |e| if e { "cannot be used" } else { "can be used" };
            field(
                "ca error",
                "CA",
                says(expected).into(),
                format!("{} (error set: {:?})", says(!expected), oc.ca_error),
            );
        }
    }
    found
}

/// A certificate's hex DER, shortened to its last bytes (where the signature is).
fn short(hex: &str) -> String {
    format!("…{}", &hex[hex.len().saturating_sub(16)..])
}

/// A shape, run through both programs.
struct Trial {
    shape: Shape,
    dir: PathBuf,
    kubectl: Output,
    okd: Output,
    differences: Vec<Difference>,
}

impl Trial {
    fn run(kubectl: &Kubectl, shape: Shape, dir: PathBuf) -> Trial {
        for (path, bytes) in &shape.files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
        let kubeconfig = dir.join(KUBECONFIG_PATH);
        std::fs::create_dir_all(kubeconfig.parent().unwrap()).unwrap();
        std::fs::write(&kubeconfig, shape.bytes(p(&dir))).unwrap();

        let kubectl_out = kubectl.config_view(&kubeconfig, true);
        let okd_out =
            run(okd_trust().args(["kubeconfig", "--format", "json"]).arg(&kubeconfig), Duration::from_secs(30));
        let differences = differences(&kubectl_answer(&kubectl_out, &kubeconfig), &okd_answer(&okd_out));
        Trial { shape, dir, kubectl: kubectl_out, okd: okd_out, differences }
    }

    fn report(&self) -> String {
        let mut out = format!("===== {}\n", self.shape.describe(p(&self.dir)));
        for d in &self.differences {
            out += &format!("\n* {}: {}", d.category, d.detail);
        }
        format!("{out}\n{}\n{}\n", show_output("kubectl", &self.kubectl), show_output("okd-trust", &self.okd))
    }

    fn one_line(&self) -> String {
        let what: Vec<_> = self.differences.iter().map(|d| format!("{}: {}", d.category, d.detail)).collect();
        format!("{} [{}]: {}", self.shape.id, self.shape.labels.join(", "), what.join("; "))
    }
}

fn fresh_seed() -> u64 {
    match std::env::var("OKD_TRUST_KUBECTL_SEED") {
        Ok(seed) => seed.trim().parse().unwrap_or_else(|e| panic!("OKD_TRUST_KUBECTL_SEED={seed}: {e}")),
        Err(_) => {
            let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap();
            now.as_secs() ^ u64::from(now.subsec_nanos()) << 20
        }
    }
}

/// Runs `shapes` on two threads (the machine's cores), in order of the returned trials.
fn run_all(kubectl: &Kubectl, shapes: Vec<Shape>, root: &TempDir) -> Vec<Trial> {
    let total = shapes.len();
    let queue = Mutex::new(shapes.into_iter().enumerate().collect::<Vec<_>>().into_iter());
    let trials = Mutex::new(Vec::with_capacity(total));
    let done = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let Some((i, shape)) = queue.lock().unwrap().next() else { break };
                    let dir = root.0.join(format!("s{i}"));
                    let trial = Trial::run(kubectl, shape, dir);
                    trials.lock().unwrap().push((i, trial));
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n.is_multiple_of(100) {
                        eprintln!("kubectl differential: {n}/{total} shapes");
                    }
                }
            });
        }
    });
    let mut trials = trials.into_inner().unwrap();
    trials.sort_by_key(|(i, _)| *i);
    trials.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn kubectl_and_okd_trust_load_the_same_kubeconfigs() {
    let Some(kubectl) = Kubectl::find("loading") else { return };
    let fresh = fresh_seed();
    eprintln!(
        "kubectl differential seed: {fresh} (and the fixed seed {FIXED_SEED}; replay with OKD_TRUST_KUBECTL_SEED={fresh})"
    );
    let shapes: Vec<Shape> = [FIXED_SEED, fresh]
        .into_iter()
        .flat_map(|seed| (0..SHAPES_PER_SEED).map(move |i| kubectl_gen::shape(seed, i)))
        .collect();
    let root = TempDir::new("kubectl", "loading");
    let trials = run_all(&kubectl, shapes, &root);

    let accepted = trials.iter().filter(|t| t.kubectl.status.success()).count();
    let disagreeing: Vec<&Trial> = trials.iter().filter(|t| !t.differences.is_empty()).collect();
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    for d in disagreeing.iter().flat_map(|t| &t.differences) {
        *by_category.entry(d.category).or_default() += 1;
    }
    eprintln!(
        "kubectl differential: {} shapes, {} agree, {} disagree ({accepted} loaded by kubectl {}, seeds {FIXED_SEED} and {fresh})",
        trials.len(),
        trials.len() - disagreeing.len(),
        disagreeing.len(),
        kubectl.version,
    );
    assert!(trials.len() >= MIN_SHAPES, "only {} shapes ran", trials.len());
    if disagreeing.is_empty() {
        return;
    }
    // Every disagreement in full, into a file; the first ones in full and all in one line here.
    let full: String = disagreeing.iter().map(|t| t.report()).collect();
    let report = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kubectl-differential.txt");
    std::fs::write(&report, &full).unwrap();
    for trial in disagreeing.iter().take(10) {
        eprintln!("{}", trial.report());
    }
    let lines: Vec<String> = disagreeing.iter().map(|t| t.one_line()).collect();
    panic!(
        "kubectl and okd-trust disagree on {} of {} shapes (seed {fresh}; every one in full: {}).\nBy category: {by_category:?}\n{}",
        disagreeing.len(),
        trials.len(),
        report.display(),
        lines.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Part 2: a live handshake.

/// The trust graph of the e2e part, valid around now (kubectl judges at the real clock): the
/// api-int signer before and after its re-key (same subject, new key), an unrelated CA standing
/// in for the system roots, and a leaf for api-int and 127.0.0.1 from the re-keyed signer.
struct LivePki {
    old_ca: Issued,
    new_ca: Issued,
    unrelated_ca: Issued,
    leaf: Issued,
}

impl LivePki {
    fn new() -> LivePki {
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
        let signer = |key, serial| {
            CertBuilder::ca("kube-apiserver-lb-signer")
                .organizational_unit("openshift")
                .key(key)
                .serial(serial)
                .validity(now - days(30), now + days(3650))
                .self_signed()
        };
        let new_ca = signer(Key::RsaE, 0x3005);
        let leaf = CertBuilder::leaf(API_INT)
            .dns(API_INT)
            .ip(IpAddr::V4(Ipv4Addr::LOCALHOST))
            .server_auth()
            .serial(0x3100)
            .validity(now - days(1), now + days(29))
            .signed_by(&new_ca);
        let unrelated_ca = CertBuilder::ca("unrelated-root-ca")
            .key(Key::RsaB)
            .serial(0x3002)
            .validity(now - days(30), now + days(3650))
            .self_signed();
        LivePki { old_ca: signer(Key::RsaA, 0x3001), new_ca, unrelated_ca, leaf }
    }

    /// What the cluster serves as its CA bundle after the re-key: old and new.
    fn cluster_bundle(&self) -> String {
        format!("{}{}", self.old_ca.pem(), self.new_ca.pem())
    }
}

/// A TLS server on 127.0.0.1 answering every request with `200 ok`, until dropped (or after five
/// minutes, whichever comes first).
struct HealthzServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

const HEALTHZ_RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

impl HealthzServer {
    fn start(pki: &LivePki) -> HealthzServer {
        let chain =
            vec![CertificateDer::from(pki.leaf.der().to_vec()), CertificateDer::from(pki.new_ca.der().to_vec())];
        let key = PrivateKeyDer::from_pem_slice(pki.leaf.key.pem().as_bytes()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let give_up = Instant::now() + Duration::from_secs(300);
            while !stopping.load(Ordering::Relaxed) && Instant::now() < give_up {
                match listener.accept() {
                    Ok((socket, _)) => {
                        let config = Arc::clone(&config);
                        std::thread::spawn(move || answer(socket, config));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        HealthzServer { addr, stop, thread: Some(thread) }
    }
}

impl Drop for HealthzServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves one connection: handshake, read the request head, answer, close.
fn answer(mut socket: TcpStream, config: Arc<rustls::ServerConfig>) {
    let _ = socket.set_nonblocking(false);
    let _ = socket.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = socket.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(mut conn) = rustls::ServerConnection::new(config) else { return };
    {
        let mut tls = rustls::Stream::new(&mut conn, &mut socket);
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match tls.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
            if request.len() > 64 * 1024 {
                return;
            }
        }
        if tls.write_all(HEALTHZ_RESPONSE).and_then(|()| tls.flush()).is_err() {
            return;
        }
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut socket);
}

/// Where a handshake case's kubeconfig takes its CA from.
#[derive(Clone, Copy, Debug)]
enum CaSetup {
    /// CA data holding the old signer only.
    StaleData,
    /// CA data holding old and new.
    HealthyData,
    /// `certificate-authority: ../pki/api-int-ca.crt` holding the old signer only.
    StaleFile,
    /// No CA: the system roots.
    Nothing,
}

struct HandshakeCase {
    name: &'static str,
    ca: CaSetup,
    tls_server_name: Option<&'static str>,
    /// What kubectl must conclude (a check of the test's own setup).
    kubectl_trusts: bool,
    /// Whether to repair it with `doctor --fix` and check the repair with kubectl.
    fix: bool,
}

const HANDSHAKE_CASES: &[HandshakeCase] = &[
    HandshakeCase { name: "stale", ca: CaSetup::StaleData, tls_server_name: None, kubectl_trusts: false, fix: true },
    HandshakeCase {
        name: "healthy",
        ca: CaSetup::HealthyData,
        tls_server_name: None,
        kubectl_trusts: true,
        fix: false,
    },
    HandshakeCase {
        name: "stale-ca-file",
        ca: CaSetup::StaleFile,
        tls_server_name: None,
        kubectl_trusts: false,
        fix: true,
    },
    HandshakeCase { name: "no-ca", ca: CaSetup::Nothing, tls_server_name: None, kubectl_trusts: false, fix: true },
    HandshakeCase {
        name: "wrong-tls-server-name",
        ca: CaSetup::HealthyData,
        tls_server_name: Some("wrong.ocp.example.com"),
        kubectl_trusts: false,
        fix: false,
    },
    HandshakeCase {
        name: "right-tls-server-name",
        ca: CaSetup::HealthyData,
        tls_server_name: Some(API_INT),
        kubectl_trusts: true,
        fix: false,
    },
];

/// A node-style kubeconfig for `case` in `dir/conf/kubeconfig` (CA file in `dir/pki/`).
fn write_handshake_kubeconfig(dir: &Path, case: &HandshakeCase, pki: &LivePki, server: SocketAddr) -> PathBuf {
    std::fs::create_dir_all(dir.join("conf")).unwrap();
    std::fs::create_dir_all(dir.join("pki")).unwrap();
    let ca_line = match case.ca {
        CaSetup::StaleData => format!("    certificate-authority-data: {}\n", base64(pki.old_ca.pem().as_bytes())),
        CaSetup::HealthyData => {
            format!("    certificate-authority-data: {}\n", base64(pki.cluster_bundle().as_bytes()))
        }
        CaSetup::StaleFile => {
            std::fs::write(dir.join("pki/api-int-ca.crt"), pki.old_ca.pem()).unwrap();
            "    certificate-authority: ../pki/api-int-ca.crt\n".to_owned()
        }
        CaSetup::Nothing => String::new(),
    };
    let tls_server_name = case.tls_server_name.map(|name| format!("    tls-server-name: {name}\n")).unwrap_or_default();
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: api-int\n  cluster:\n    server: https://{server}\n{ca_line}{tls_server_name}\
         contexts:\n- name: kubelet\n  context:\n    cluster: api-int\n    namespace: default\n    user: kubelet\n\
         current-context: kubelet\npreferences: {{}}\nusers:\n- name: kubelet\n  user:\n    token: node-bootstrap-token\n"
    );
    let path = dir.join("conf/kubeconfig");
    std::fs::write(&path, text).unwrap();
    path
}

/// The files and settings every handshake case shares.
struct Handshake<'a> {
    kubectl: &'a Kubectl,
    server: SocketAddr,
    cluster_ca: PathBuf,
    system_roots: PathBuf,
    empty_dir: PathBuf,
}

impl Handshake<'_> {
    /// kubectl's verdict: `get --raw /healthz` printed `ok`. Go's system roots are the unrelated
    /// CA, as the doctor's `--system-roots`.
    fn kubectl_trusts(&self, kubeconfig: &Path) -> (bool, Output) {
        let mut command = self.kubectl.command();
        command.env("SSL_CERT_FILE", &self.system_roots).env("SSL_CERT_DIR", &self.empty_dir);
        command.args(["get", "--raw", "/healthz", "--request-timeout=5s", "--kubeconfig"]).arg(kubeconfig);
        let out = run(&mut command, Duration::from_secs(30));
        (out.status.success() && String::from_utf8_lossy(&out.stdout).trim() == "ok", out)
    }

    /// The doctor's verdict: no `kubeconfig-untrusted-serving-chain` and no `kubeconfig-invalid`.
    fn doctor_trusts(&self, kubeconfig: &Path, fix: bool) -> Result<(bool, Value), String> {
        let mut command = okd_trust();
        command.args(["doctor", "--format", "json", "--kubeconfig"]).arg(kubeconfig);
        command.arg("--cluster-ca").arg(&self.cluster_ca).args(["--connect", &self.server.to_string()]);
        command.arg("--system-roots").arg(&self.system_roots);
        if fix {
            command.arg("--fix");
        }
        let out = run(&mut command, Duration::from_secs(60));
        let report: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("no JSON report ({e})\n{}", show_output("doctor", &out)))?;
        let findings = report["findings"]
            .as_array()
            .ok_or_else(|| format!("no findings list\n{}", show_output("doctor", &out)))?;
        let untrusted = findings
            .iter()
            .any(|f| matches!(f["code"].as_str(), Some("kubeconfig-untrusted-serving-chain" | "kubeconfig-invalid")));
        Ok((!untrusted, report))
    }

    /// kubectl's (non-raw) view of the kubeconfig without CA data: what a repair must not change.
    fn view_without_ca_data(&self, kubeconfig: &Path) -> Value {
        let out = self.kubectl.config_view(kubeconfig, false);
        assert!(out.status.success(), "{}", show_output("kubectl config view", &out));
        let mut view: Value = serde_json::from_slice(&out.stdout).unwrap();
        for cluster in view["clusters"].as_array_mut().into_iter().flatten() {
            if let Some(fields) = cluster["cluster"].as_object_mut() {
                fields.remove("certificate-authority-data");
            }
        }
        view
    }

    /// Checks one case; returns what went wrong.
    fn check(&self, dir: &Path, case: &HandshakeCase, pki: &LivePki) -> Vec<String> {
        let mut problems = Vec::new();
        let kubeconfig = write_handshake_kubeconfig(dir, case, pki, self.server);
        let (kubectl_trusts, kubectl_out) = self.kubectl_trusts(&kubeconfig);
        if kubectl_trusts != case.kubectl_trusts {
            problems.push(format!(
                "{}: setup: kubectl trusts = {kubectl_trusts}, expected {}\n{}",
                case.name,
                case.kubectl_trusts,
                show_output("kubectl", &kubectl_out)
            ));
        }
        match self.doctor_trusts(&kubeconfig, false) {
            Ok((doctor_trusts, report)) if doctor_trusts != kubectl_trusts => problems.push(format!(
                "{}: kubectl trusts = {kubectl_trusts}, doctor trusts = {doctor_trusts}\nkubectl: {}\ndoctor: {report:#}",
                case.name,
                stderr(&kubectl_out).trim()
            )),
            Ok(_) => {}
            Err(why) => problems.push(format!("{}: doctor: {why}", case.name)),
        }
        if case.fix {
            problems.extend(self.check_fix(&kubeconfig, case));
        }
        problems
    }

    /// `doctor --fix`, then kubectl must get through and see the same kubeconfig apart from the CA.
    fn check_fix(&self, kubeconfig: &Path, case: &HandshakeCase) -> Vec<String> {
        let mut problems = Vec::new();
        let before = self.view_without_ca_data(kubeconfig);
        let old_text = std::fs::read_to_string(kubeconfig).unwrap();
        if let Err(why) = self.doctor_trusts(kubeconfig, true) {
            problems.push(format!("{}: doctor --fix: {why}", case.name));
        }
        let new_text = std::fs::read_to_string(kubeconfig).unwrap();
        let (trusts, out) = self.kubectl_trusts(kubeconfig);
        if !trusts {
            let change = if new_text == old_text {
                "(the kubeconfig is unchanged)".to_owned()
            } else {
                format!("--- kubeconfig before:\n{old_text}\n--- after:\n{new_text}")
            };
            problems.push(format!(
                "{}: after doctor --fix kubectl still fails\n{}\n{change}",
                case.name,
                show_output("kubectl", &out)
            ));
        }
        match self.doctor_trusts(kubeconfig, false) {
            Ok((doctor_trusts, report)) if doctor_trusts != trusts => problems.push(format!(
                "{}: after the fix, kubectl trusts = {trusts}, doctor trusts = {doctor_trusts}\n{report:#}",
                case.name
            )),
            Ok(_) => {}
            Err(why) => problems.push(format!("{}: doctor after the fix: {why}", case.name)),
        }
        let after = self.view_without_ca_data(kubeconfig);
        if before != after {
            problems.push(format!(
                "{}: the repair changed more than the CA (kubectl config view, CA data removed)\nbefore: {before:#}\nafter: {after:#}",
                case.name
            ));
        }
        problems
    }
}

#[test]
fn kubectl_and_the_doctor_agree_on_a_live_handshake() {
    let Some(kubectl) = Kubectl::find("handshake") else { return };
    let pki = LivePki::new();
    let server = HealthzServer::start(&pki);
    let dir = TempDir::new("kubectl", "handshake");
    let empty_dir = dir.0.join("empty");
    std::fs::create_dir_all(&empty_dir).unwrap();
    let handshake = Handshake {
        kubectl: &kubectl,
        server: server.addr,
        cluster_ca: dir.write("cluster-ca.pem", &pki.cluster_bundle()),
        system_roots: dir.write("system-roots.pem", &pki.unrelated_ca.pem()),
        empty_dir,
    };
    let problems: Vec<String> =
        HANDSHAKE_CASES.iter().flat_map(|case| handshake.check(&dir.0.join(case.name), case, &pki)).collect();
    drop(server);
    assert!(problems.is_empty(), "{} problem(s):\n\n{}", problems.len(), problems.join("\n\n"));
}
