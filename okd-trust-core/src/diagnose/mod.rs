//! The doctor: everything that breaks, or will break, trust between a node and api-int — and
//! the exact, verified fix.
//!
//! Inputs are parsed values, labelled with where they came from; the caller reads files, the
//! network and the clock. [`diagnose`] is pure and deterministic for a given `at`.
//!
//! ```
//! use okd_trust::diagnose::{self, DoctorInput, Labelled, Verdict};
//! use okd_trust::{CaBundle, Kubeconfig, Timestamp, examples};
//!
//! let mut input = DoctorInput::new(Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?);
//! input.kubeconfigs.push(Labelled::new("/var/lib/kubelet/kubeconfig", Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes())?));
//! input.cluster_cas.push(Labelled::new("kube-apiserver-server-ca", CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes())?));
//! let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
//! input.serving_chain = Some(Labelled::new("api-int", chain.iter().cloned().collect()));
//! let report = diagnose::diagnose(&input);
//! assert_eq!(report.verdict, Verdict::Broken);
//! assert!(report.plan.kubeconfigs[0].is_verified());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cache;
mod checks;
mod finding;
mod node;
mod plan;
mod repair;
mod signers;

pub use cache::FleetCache;
pub use finding::{Code, Finding, Severity};
pub use plan::{Action, ConfigMapPatch, Plan};
pub use repair::{
    BundlePolicy, BundlePolicyError, KubeconfigRepair, Refusal, RepairOutcome, RepairTarget, repaired_bundle,
};

use crate::kubeconfig::KubeconfigError;
use crate::manifest::Manifest;
use crate::verify::SignatureCache;
use crate::{CaBundle, Certificate, Kubeconfig, Timestamp};

/// A value and where it came from (a path, or `namespace/name`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Labelled<T> {
    /// Where it came from.
    pub label: String,
    /// The value.
    pub value: T,
}

impl<T> Labelled<T> {
    /// Labels `value`.
    pub fn new(label: impl Into<String>, value: T) -> Self {
        Labelled { label: label.into(), value }
    }
}

/// What the doctor looks at. Only the kubeconfigs are required; every other input sharpens the answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DoctorInput {
    /// The moment to judge at.
    pub at: Timestamp,
    /// Certificates expiring within this many days are reported — once past half their lifetime,
    /// when OpenShift would already have renewed them (so a fresh 30-day leaf is not a finding).
    pub warn_days: u32,
    /// The api-int host name; taken from each kubeconfig's `server` when `None`.
    pub server_name: Option<String>,
    /// The node's kubeconfigs (`/etc/kubernetes/kubeconfig`, `/var/lib/kubelet/kubeconfig`).
    pub kubeconfigs: Vec<Labelled<Kubeconfig>>,
    /// Kubeconfigs client-go cannot load, with why ([`Kubeconfig::parse`]'s error): kubelet
    /// cannot start with them, and each is reported as `kubeconfig-invalid`.
    pub unloadable: Vec<Labelled<KubeconfigError>>,
    /// What the cluster serves as trust: `loadbalancer-serving-ca`, `kube-apiserver-server-ca`,
    /// `kubeconfig-data`, or plain PEM.
    pub cluster_cas: Vec<Labelled<CaBundle>>,
    /// The chain api-int serves, leaf first.
    pub serving_chain: Option<Labelled<Vec<Certificate>>>,
    /// multus' trust: `openshift-multus/kube-root-ca.crt` (`ca.crt`).
    pub multus_ca: Option<Labelled<CaBundle>>,
    /// The `loadbalancer-serving-signer` Secret.
    pub signer_secret: Option<Labelled<Manifest>>,
    /// The CA files the kubeconfigs name in `certificate-authority`, as the caller read them
    /// (which file to read: [`Kubeconfig::ca_file`]). A kubeconfig whose file is missing here is
    /// reported as not judged; one whose file could not be read is one kubelet cannot use.
    pub ca_files: Vec<CaFile>,
    /// The system trust store, which client-go uses when a kubeconfig names no CA (or an empty
    /// CA file). `None` judges such a kubeconfig against no roots at all: api-int's signer is a
    /// private CA, which no system store holds.
    pub system_roots: Option<Labelled<CaBundle>>,
}

/// Where Linux keeps the system trust store Go's `crypto/x509` loads (RHCOS, Fedora and RHEL
/// first, then Debian and Ubuntu): the first that exists is what a kubeconfig without a CA trusts.
/// Data for the front ends, which read files; the core reads none.
pub const SYSTEM_ROOT_FILES: [&str; 2] = ["/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/certs/ca-certificates.crt"];

/// A CA file a kubeconfig names, as the caller read it: the core reads no files.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CaFile {
    /// Which kubeconfig names it: the index in [`DoctorInput::kubeconfigs`].
    pub kubeconfig: usize,
    /// The path, resolved as client-go resolves it ([`Kubeconfig::ca_file`]).
    pub path: String,
    /// The file's bytes, or why it could not be read (the operating system's words).
    pub contents: Result<Vec<u8>, String>,
}

impl CaFile {
    /// The CA file of kubeconfig number `kubeconfig`, as read from `path`.
    pub fn new(kubeconfig: usize, path: impl Into<String>, contents: Result<Vec<u8>, String>) -> Self {
        CaFile { kubeconfig, path: path.into(), contents }
    }
}

impl DoctorInput {
    /// The label of the served chain when the caller has none of its own (a binding given a value,
    /// not a file).
    pub const SERVING_CHAIN_LABEL: &'static str = "api-int";
    /// The label of a cluster CA bundle when the caller has none of its own (`cluster-ca[1]`,
    /// ... when there are several).
    pub const CLUSTER_CA_LABEL: &'static str = "cluster-ca";
    /// The label of multus' CA when the caller has none of its own.
    pub const MULTUS_CA_LABEL: &'static str = "openshift-multus/kube-root-ca.crt";
    /// The label of the signer Secret when the caller has none of its own.
    pub const SIGNER_SECRET_LABEL: &'static str = "openshift-kube-apiserver-operator/loadbalancer-serving-signer";
    /// The label of system roots the caller gives as a value.
    pub const SYSTEM_ROOTS_LABEL: &'static str = "system-roots";

    /// How many days ahead expiry is reported unless the caller says otherwise.
    pub const DEFAULT_WARN_DAYS: u32 = 30;

    /// No inputs yet; warn [`DoctorInput::DEFAULT_WARN_DAYS`] ahead.
    pub fn new(at: Timestamp) -> Self {
        DoctorInput {
            at,
            warn_days: Self::DEFAULT_WARN_DAYS,
            server_name: None,
            kubeconfigs: Vec::new(),
            unloadable: Vec::new(),
            cluster_cas: Vec::new(),
            serving_chain: None,
            multus_ca: None,
            signer_secret: None,
            ca_files: Vec::new(),
            system_roots: None,
        }
    }
}

/// The overall state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// Nothing wrong.
    Healthy,
    /// Trust works now but will break, or is weakened.
    AtRisk,
    /// Trust is broken now.
    Broken,
}

impl Verdict {
    /// `healthy`, `at-risk` or `broken`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Healthy => "healthy",
            Verdict::AtRisk => "at-risk",
            Verdict::Broken => "broken",
        }
    }

    /// 0 healthy, 1 at risk, 2 broken: stable, for bindings whose own enums carry these numbers.
    pub fn rank(self) -> u8 {
        match self {
            Verdict::Healthy => 0,
            Verdict::AtRisk => 1,
            Verdict::Broken => 2,
        }
    }
}

/// The doctor's answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The time judged at.
    pub at: Timestamp,
    /// Healthy, at risk, or broken.
    pub verdict: Verdict,
    /// Every problem found, most severe first.
    pub findings: Vec<Finding>,
    /// The fix.
    pub plan: Plan,
    /// Every certificate looked at, with the input it came from (for expiry metrics).
    pub certificates: Vec<(String, Certificate)>,
}

/// Runs every check and builds the plan.
pub fn diagnose(input: &DoctorInput) -> Diagnosis {
    diagnose_with_cache(input, &FleetCache::new())
}

/// [`diagnose`], reusing work across calls: a fleet audit passes one cache for every node, so the
/// served chain's signatures are checked once per distinct CA rather than per node, a verification
/// every node asks alike is answered once, and CA data every node embeds alike is decoded once.
pub fn diagnose_with_cache(input: &DoctorInput, fleet: &FleetCache) -> Diagnosis {
    // Each kubeconfig's embedded bundle is decoded once and shared by every check and the plan.
    let nodes = node::nodes(input, fleet);
    let certificates = checks::certificates(input, &nodes);
    let mut findings = checks::run(input, &nodes, &certificates, fleet.signatures());
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let plan = plan::plan(input, &nodes, fleet);
    let verdict = match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Error) => Verdict::Broken,
        Some(Severity::Warning) => Verdict::AtRisk,
        _ => Verdict::Healthy,
    };
    Diagnosis { at: input.at, verdict, findings, plan, certificates }
}

/// Makes the CA file `kubeconfig` names for `cluster` (`certificate-authority: PATH`) hold
/// `bundle`, checked exactly as the doctor checks the CA-file repairs it offers: the kubeconfig
/// stays untouched; the file gains the CAs it lacks, appended after its own bytes when nothing is
/// dropped, written anew when expired ones go, and stays byte for byte when it already holds
/// exactly `bundle`; the new text must load as exactly `bundle`; and — when `serving_chain` (leaf
/// first) is given — `bundle` must verify it under the kubelet profile at `at`, for `server_name`
/// or else the host the kubeconfig dials for `cluster`.
///
/// `path` is the file as client-go resolves it ([`Kubeconfig::ca_file`]) and `old` what it holds
/// now. The result's `target` is [`RepairTarget::CaFile`]; write its
/// [`new_text`](KubeconfigRepair::new_text) to `path` only when the outcome is verified.
///
/// ```
/// use okd_trust::{CaBundle, Kubeconfig, Timestamp, diagnose, examples};
/// use okd_trust::diagnose::RepairTarget;
///
/// let text = examples::NODE_KUBECONFIG.replace("certificate-authority-data:", "certificate-authority: ca.crt\n    x-was:");
/// let config = Kubeconfig::parse(text.as_bytes())?;
/// let cluster = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes())?;
/// let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
/// let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
/// let repair = diagnose::repair_ca_file(&config, "local", "ca.crt", b"", &cluster, Some(chain.as_slice()), None, at);
/// assert!(repair.is_verified(), "{}", repair.verification());
/// assert_eq!(repair.target, RepairTarget::CaFile { path: "ca.crt".into() });
/// let written = repair.new_text().unwrap();
/// let again = diagnose::repair_ca_file(&config, "local", "ca.crt", written.as_bytes(), &cluster, None, None, at);
/// assert!(again.is_verified() && !again.changed, "a file that holds the bundle stays as it is");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn repair_ca_file(
    kubeconfig: &Kubeconfig,
    cluster: &str,
    path: &str,
    old: &[u8],
    bundle: &CaBundle,
    serving_chain: Option<&[Certificate]>,
    server_name: Option<&str>,
    at: Timestamp,
) -> KubeconfigRepair {
    let cache = SignatureCache::new();
    let dialled = server_name.map(str::to_owned).or_else(|| kubeconfig.server_name(cluster));
    let serving = repair::Serving { chain: serving_chain, server_name: dialled.as_deref(), at, cache: &cache };
    // What client-go would load from the file now: what does not parse adds nothing.
    let current = CaBundle::from_pem(old).unwrap_or_default();
    repair::ca_file((0, path), cluster, path, old, &current, bundle, &serving)
}

/// A CA bundle file that no kubeconfig names — an anchor under
/// `/etc/pki/ca-trust/source/anchors`, an application's pinned `kube-ca.crt` — made to trust
/// `wanted` by `policy`, and checked as the doctor checks its CA-file repairs.
///
/// The file's current bundle is what Go's `AppendCertsFromPEM` loads from `old` (empty for a
/// new, empty or unreadable file: what does not load trusted nothing). The bundle to write is
/// [`repaired_bundle`] of it and `wanted`, certificates expired at `at` dropped when
/// `prune_expired`; none left is refused as [`Refusal::NothingLeft`]. The new text keeps `old`
/// byte for byte and appends what it lacks (a damaged block stays where it was, skipped as Go
/// skips it), or is written anew when certificates go; it must load as exactly that bundle; and
/// with `serving_chain` (leaf first) the bundle must verify it under the kubelet profile at `at`,
/// for `server_name` when given.
///
/// The result's `source` and `target` name `path`, its `cluster` is empty and its `kubeconfig`
/// index 0; with [`BundlePolicy::Exact`] `removed` can hold certificates that are still valid.
///
/// ```
/// use okd_trust::diagnose::{self, BundlePolicy};
/// use okd_trust::{CaBundle, Timestamp, examples};
///
/// let cluster = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes())?;
/// let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
/// let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
/// let old = b"# pinned by hand\n";
/// let repair = diagnose::repair_bundle_file(
///     "anchor.pem", old, &cluster, BundlePolicy::Union, false, Some(chain.as_slice()), None, at,
/// );
/// assert!(repair.is_verified() && repair.changed, "{}", repair.verification());
/// assert!(repair.new_text().unwrap().starts_with("# pinned by hand\n-----BEGIN CERTIFICATE-----"));
/// // A pinned bundle that cannot verify what the cluster serves is never written.
/// let stale = CaBundle::from_certificates(cluster.iter().take(1).cloned());
/// let refused = diagnose::repair_bundle_file(
///     "anchor.pem", old, &stale, BundlePolicy::Exact, false, Some(chain.as_slice()), None, at,
/// );
/// assert_eq!(refused.refusal().map(|r| r.code()), Some("still-untrusted"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn repair_bundle_file(
    path: &str,
    old: &[u8],
    wanted: &CaBundle,
    policy: BundlePolicy,
    prune_expired: bool,
    serving_chain: Option<&[Certificate]>,
    server_name: Option<&str>,
    at: Timestamp,
) -> KubeconfigRepair {
    let cache = SignatureCache::new();
    let serving = repair::Serving { chain: serving_chain, server_name, at, cache: &cache };
    let current = CaBundle::from_pem(old).unwrap_or_default();
    match repaired_bundle(Some(&current), wanted, policy, prune_expired.then_some(at)) {
        Ok(bundle) => repair::ca_file((0, path), "", path, old, &current, &bundle, &serving),
        Err(BundlePolicyError::Empty) => {
            let target = RepairTarget::CaFile { path: path.to_owned() };
            let old_text = String::from_utf8_lossy(old).into_owned();
            repair::refused((0, path), target, "", old_text, &current, Refusal::NothingLeft)
        }
    }
}

/// Sets `certificate-authority-data` of `cluster` to `bundle`, and checks the result exactly as
/// the doctor checks each repair it offers: the edit must be safe (see
/// [`Kubeconfig::with_ca_bundle`]), the new text must re-parse, client-go validation must find no
/// problem at all, and — when `serving_chain` (leaf first) is given — the new bundle must verify it
/// under the kubelet profile at `at`, for `server_name` or else the host the kubeconfig dials.
///
/// `source` labels the kubeconfig in the result (whose `kubeconfig` index is 0). Apply the
/// [`new_text`](KubeconfigRepair::new_text) only when the [`outcome`](KubeconfigRepair::outcome)
/// is verified; a refusal says, typed, why the edit must not be applied.
///
/// ```
/// use okd_trust::{CaBundle, Kubeconfig, Timestamp, diagnose, examples};
///
/// let config = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes())?;
/// let cluster = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes())?;
/// let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
/// let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
/// let bundle = config.ca_bundle("local")?.unwrap().union(&cluster).without_expired(at);
/// let repair = diagnose::repair_kubeconfig("kubeconfig", &config, "local", &bundle, Some(chain.as_slice()), None, at);
/// assert!(repair.is_verified(), "{}", repair.verification());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn repair_kubeconfig(
    source: &str,
    kubeconfig: &Kubeconfig,
    cluster: &str,
    bundle: &CaBundle,
    serving_chain: Option<&[Certificate]>,
    server_name: Option<&str>,
    at: Timestamp,
) -> KubeconfigRepair {
    let cache = SignatureCache::new();
    let serving = repair::Serving { chain: serving_chain, server_name, at, cache: &cache };
    repair::kubeconfig((0, source), kubeconfig, cluster, bundle, &serving)
}
