//! The whole cluster's trust, from a must-gather or `oc get` dumps: every signer keyed by its
//! public key, every bundle and endpoint, Go's verdict on each relationship OpenShift relies on,
//! and what breaks next.
//!
//! The doctor judges one node; this judges the cluster the node belongs to. The caller reads the
//! files (choosing them with [`classify`]) and hands their bytes to [`ClusterInputs`]; the
//! analysis itself, like the rest of the crate, touches nothing outside.
//!
//! Signers are keyed by their SubjectPublicKeyInfo, not their name, so a signer re-keyed under
//! the same subject (`kube-apiserver-lb-signer` in the incident) shows as two keys; endpoints
//! find their issuer by signature. The relationships checked are one table,
//! [`RELATIONSHIPS`], each row with its source.
//!
//! ```
//! use okd_trust::Timestamp;
//! use okd_trust::cluster::{self, ClusterInputs, ClusterOptions};
//!
//! // `oc get configmap -n openshift-config-managed kube-apiserver-server-ca -o yaml`, abridged.
//! let pem = okd_trust::examples::CLUSTER_CA_BUNDLE.replace('\n', "\n    ");
//! let dump = format!(
//!     "kind: ConfigMap\nmetadata:\n  name: kube-apiserver-server-ca\n  namespace: openshift-config-managed\n\
//!      data:\n  ca-bundle.crt: |\n    {pem}\n"
//! );
//! let mut inputs = ClusterInputs::new();
//! inputs.add_file("dumps/kube-apiserver-server-ca.yaml", dump.as_bytes());
//! let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
//! let report = cluster::analyze(&inputs, &ClusterOptions::new(at));
//! assert_eq!(report.bundles.len(), 1);
//! assert!(report.not_seen.iter().any(|s| s.contains("node kubeconfigs")));
//! # Ok::<(), okd_trust::TimestampError>(())
//! ```

mod analysis;
mod dot;
mod edges;
mod findings;
mod graph;
#[cfg(feature = "html")]
mod html;
mod inventory;
mod json;
mod layout;
mod model;
mod objects;
mod prometheus;
mod relations;
mod text;

use std::collections::{BTreeMap, HashSet};

use crate::{CaBundle, Kubeconfig, Limits, Timestamp};

pub use analysis::analyze;
pub use dot::dot;
#[cfg(feature = "html")]
pub use html::html;
pub use json::{SCHEMA_VERSION, json};
pub use layout::{FileRole, classify, gathered_at};
pub use model::{
    AtSource, Bundle, BundleOrigin, ClusterReport, Code, Edge, Endpoint, Finding, LogLine, SecretInfo, Signer,
    Unreadable,
};
pub use objects::{NodeInfo, Update};
pub use prometheus::prometheus;
pub use relations::{BundleSelector, Dial, EndpointSelector, RELATIONSHIPS, Relationship, Usage};
pub use text::text;

use objects::Object;

/// How many x509 lines of kubelet journals are kept as evidence.
const MAX_LOG_LINES: usize = 1_000;

/// The inputs of a cluster analysis, gathered file by file.
///
/// Each `add_*` parses what it is given at once and keeps only what the analysis reads; a file
/// that cannot be read is recorded with its path and reason and skipped, never fatal.
#[derive(Debug, Default)]
pub struct ClusterInputs {
    /// Every object kept, by (kind, namespace, name), with the path it was read from: a
    /// must-gather writes some twice (a `List` and a file of its own), and of two copies the one
    /// from the first path by name is kept, so the result never depends on the order of reading.
    objects: BTreeMap<(&'static str, String, String), (String, Object)>,
    unreadable: Vec<Unreadable>,
    kubeconfig_bundles: Vec<(String, CaBundle)>,
    kubeconfig_servers: Vec<(String, Option<String>)>,
    kubeconfig_notes: Vec<(String, String)>,
    log_lines: Vec<LogLine>,
    log_lines_total: usize,
    /// Every `timestamp` file read, by its directory.
    timestamps: Vec<(String, Timestamp)>,
    /// The directories holding a must-gather's resource tree (`namespaces/`, ...).
    resource_roots: HashSet<String>,
    files_read: usize,
    limits: Limits,
}

impl ClusterInputs {
    /// No inputs yet, within the default [`Limits`] per file.
    pub fn new() -> Self {
        ClusterInputs::default()
    }

    /// No inputs yet, within `limits` per file.
    pub fn with_limits(limits: Limits) -> Self {
        ClusterInputs { limits, ..ClusterInputs::default() }
    }

    /// Reads a file by its role (see [`classify`]); a file of no role is read as manifests.
    pub fn add_file(&mut self, path: &str, bytes: &[u8]) {
        match classify(path) {
            Some(FileRole::KubeletLog) => self.add_kubelet_log(path, bytes),
            Some(FileRole::GatheredAt) => self.add_timestamp(path, bytes),
            Some(FileRole::Manifests) | None => self.add_manifests(path, bytes),
        }
    }

    /// Reads the objects of a YAML or JSON file (one object or a `List`) and keeps the kinds the
    /// analysis uses. An object already read (same kind, namespace and name) is not read again.
    pub fn add_manifests(&mut self, path: &str, bytes: &[u8]) {
        self.files_read += 1;
        for marker in ["namespaces/", "cluster-scoped-resources/"] {
            if let Some(at) = path.find(marker).filter(|&at| at == 0 || path[..at].ends_with('/')) {
                self.resource_roots.insert(path[..at].to_owned());
            }
        }
        match objects::read(bytes, &self.limits) {
            Ok((objects, failed)) => {
                for mut object in objects {
                    // Only certificates are analysed: the rest of a ConfigMap or Secret is let go.
                    if let Object::Manifest(manifest) = &mut object {
                        manifest.entries.retain(|e| objects::holds_certificate(&e.value));
                    }
                    let held = self.objects.entry(identity(&object));
                    match held {
                        std::collections::btree_map::Entry::Vacant(slot) => {
                            slot.insert((path.to_owned(), object));
                        }
                        std::collections::btree_map::Entry::Occupied(mut slot) if path < slot.get().0.as_str() => {
                            slot.insert((path.to_owned(), object));
                        }
                        std::collections::btree_map::Entry::Occupied(_) => {}
                    }
                }
                for (object, e) in failed {
                    self.unreadable.push(Unreadable { path: format!("{path}: {object}"), reason: e.to_string() });
                }
            }
            Err(e) => self.unreadable.push(Unreadable { path: path.to_owned(), reason: e.to_string() }),
        }
    }

    /// Keeps the x509 errors of a kubelet journal as evidence.
    pub fn add_kubelet_log(&mut self, path: &str, bytes: &[u8]) {
        self.files_read += 1;
        let text = String::from_utf8_lossy(bytes);
        for (i, line) in text.lines().enumerate() {
            if !line.contains("x509: ") {
                continue;
            }
            self.log_lines_total += 1;
            if self.log_lines.len() < MAX_LOG_LINES {
                let end = (0..=line.len().min(500)).rev().find(|&i| line.is_char_boundary(i)).unwrap_or(0);
                self.log_lines.push(LogLine { path: path.to_owned(), line: i + 1, text: line[..end].to_owned() });
            }
        }
    }

    /// Reads a must-gather's `timestamp` file (see [`gathered_at`]).
    pub fn add_timestamp(&mut self, path: &str, bytes: &[u8]) {
        self.files_read += 1;
        match gathered_at(&String::from_utf8_lossy(bytes)) {
            Ok(at) => {
                let dir = path.rfind('/').map_or("", |slash| &path[..=slash]);
                self.timestamps.push((dir.to_owned(), at));
            }
            Err(e) => self.unreadable.push(Unreadable { path: path.to_owned(), reason: e.to_string() }),
        }
    }

    /// A node kubeconfig (a must-gather has none): its current cluster's CA is judged against
    /// api-int's serving certificate from the inventory.
    pub fn add_kubeconfig(&mut self, label: &str, bytes: &[u8]) {
        self.files_read += 1;
        let config = match Kubeconfig::parse_with_limits(bytes, &self.limits) {
            Ok(config) => config,
            Err(e) => return self.unreadable.push(Unreadable { path: label.to_owned(), reason: e.to_string() }),
        };
        let Some(cluster) = config.current_cluster() else {
            let note = "client-go would not load it: no current cluster".to_owned();
            return self.kubeconfig_notes.push((label.to_owned(), note));
        };
        let name = cluster.name.clone();
        let source = format!("{label}[{name}]");
        self.kubeconfig_servers.push((source.clone(), config.server_name(&name)));
        match config.trust(&name) {
            Ok(crate::kubeconfig::ClusterTrust::Bundle(bundle)) => self.kubeconfig_bundles.push((source, bundle)),
            Ok(crate::kubeconfig::ClusterTrust::File { path }) => self
                .kubeconfig_notes
                .push((source, format!("its CA is the file {path}; read it on the node (okd-trust doctor)"))),
            Ok(crate::kubeconfig::ClusterTrust::SystemRoots) => {
                self.kubeconfig_notes.push((source, "it names no CA: the node's system roots decide".to_owned()))
            }
            Ok(crate::kubeconfig::ClusterTrust::Insecure) => self
                .kubeconfig_notes
                .push((source, "insecure-skip-tls-verify: the server is not verified at all".to_owned())),
            Err(e) => self.unreadable.push(Unreadable { path: source, reason: e.to_string() }),
        }
    }

    /// Records a file the caller could not read (an I/O error, a damaged archive member).
    pub fn add_unreadable(&mut self, path: &str, reason: &str) {
        self.unreadable.push(Unreadable { path: path.to_owned(), reason: reason.to_owned() });
    }

    /// When the must-gather was taken: the `timestamp` file beside its resource tree (a
    /// must-gather writes another one level up, when the gathering starts), else the earliest one
    /// read.
    pub fn gathered_at(&self) -> Option<Timestamp> {
        let beside_tree = self.timestamps.iter().find(|(dir, _)| self.resource_roots.contains(dir));
        beside_tree.or_else(|| self.timestamps.iter().min_by_key(|(_, at)| *at)).map(|(_, at)| *at)
    }

    /// The limits each file is read within.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// How many files were read.
    pub fn files_read(&self) -> usize {
        self.files_read
    }

    /// Whether nothing the analysis uses was read — no object, kubeconfig or journal, and no
    /// relevant file that failed to read either.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
            && self.unreadable.is_empty()
            && self.kubeconfig_bundles.is_empty()
            && self.kubeconfig_notes.is_empty()
            && self.log_lines_total == 0
    }
}

fn identity(object: &Object) -> (&'static str, String, String) {
    match object {
        Object::Manifest(m) => {
            let kind = if m.kind == crate::manifest::ManifestKind::Secret { "Secret" } else { "ConfigMap" };
            (kind, m.metadata.namespace.clone(), m.metadata.name.clone())
        }
        Object::ControllerConfig { name, .. } => ("ControllerConfig", String::new(), name.clone()),
        Object::MachineConfig { name, .. } => ("MachineConfig", String::new(), name.clone()),
        Object::Node(node) => ("Node", String::new(), node.name.clone()),
        Object::ClusterVersion { .. } => ("ClusterVersion", String::new(), String::new()),
        Object::MachineConfigPool { name, .. } => ("MachineConfigPool", String::new(), name.clone()),
        Object::Infrastructure { .. } => ("Infrastructure", String::new(), String::new()),
        Object::Csr { name, .. } => ("CertificateSigningRequest", String::new(), name.clone()),
    }
}

/// How to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterOptions {
    /// The caller's clock, used when neither `at` nor a must-gather timestamp is given.
    pub now: Timestamp,
    /// The moment to judge, overriding the must-gather's own (`--at`).
    pub at: Option<Timestamp>,
    /// How many days ahead a refresh or expiry is a warning.
    pub warn_days: u32,
}

impl ClusterOptions {
    /// How many days ahead a refresh or expiry warns unless told otherwise: the doctor's.
    pub const DEFAULT_WARN_DAYS: u32 = crate::diagnose::DoctorInput::DEFAULT_WARN_DAYS;

    /// Judge at the must-gather's timestamp, else at `now`; warn
    /// [`DEFAULT_WARN_DAYS`](Self::DEFAULT_WARN_DAYS) ahead.
    pub fn new(now: Timestamp) -> Self {
        ClusterOptions { now, at: None, warn_days: Self::DEFAULT_WARN_DAYS }
    }

    /// Judge at `at` whatever the inputs say.
    pub fn at(mut self, at: Timestamp) -> Self {
        self.at = Some(at);
        self
    }

    /// Warn `days` ahead.
    pub fn warn_days(mut self, days: u32) -> Self {
        self.warn_days = days;
        self
    }
}
