//! Kubeconfigs: the client-go v1 model, read from YAML or JSON, validated like client-go, and
//! edited without disturbing a byte that did not have to change.
//!
//! ```
//! use okd_trust::Kubeconfig;
//!
//! let config = Kubeconfig::parse(okd_trust::examples::NODE_KUBECONFIG.as_bytes())?;
//! assert_eq!(config.format(), okd_trust::kubeconfig::Format::Yaml);
//! let cluster = config.current_cluster().unwrap();
//! assert!(cluster.cluster.server.starts_with("https://api-int."));
//! assert!(config.validate().is_empty());
//! # Ok::<(), okd_trust::kubeconfig::KubeconfigError>(())
//! ```

mod edit;
mod error;
mod model;
mod shared;
mod validate;

use std::sync::OnceLock;

use crate::bundle::BundleError;
use crate::document::{self, Document, Kind, Node};
use crate::{CaBundle, DocumentError, Limits, Position, go_base64};

pub use edit::{CaEdit, EditError};
pub use error::{CaDataProblem, KubeconfigError};
pub use model::{
    AuthInfo, AuthProviderConfig, Cluster, Config, Context, ExecConfig, ExecEnvVar, NamedAuthInfo, NamedCluster,
    NamedContext, NamedExtension, Preferences,
};
pub(crate) use shared::CaDataCache;
pub use validate::ValidationError;

/// The syntax a kubeconfig was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// YAML, as `oc` and the installer write it.
    Yaml,
    /// JSON, as the machine-config daemon writes it.
    Json,
}

impl Format {
    /// `yaml` or `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// How a cluster entry tells the client to trust its server.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClusterTrust {
    /// `certificate-authority-data`: the decoded bundle (it wins over a path, as in client-go).
    Bundle(CaBundle),
    /// `certificate-authority`: a file the caller must read; the core never touches files.
    File {
        /// The path exactly as written.
        path: String,
    },
    /// Neither is set: the client trusts the system's roots.
    SystemRoots,
    /// `insecure-skip-tls-verify: true` without a CA: the server is not verified at all.
    Insecure,
}

/// What client-go makes of the bytes of the CA file a cluster names (`certificate-authority`)
/// when it builds its TLS client. Exhaustive on purpose: these are client-go's three outcomes.
///
/// ```
/// use okd_trust::kubeconfig::CaFileTrust;
/// let pem = okd_trust::examples::CLUSTER_CA_BUNDLE.as_bytes();
/// assert!(matches!(CaFileTrust::from_bytes(pem), CaFileTrust::Bundle(b) if b.len() == 5));
/// assert_eq!(CaFileTrust::from_bytes(b""), CaFileTrust::SystemRoots);
/// assert!(matches!(CaFileTrust::from_bytes(b"not PEM"), CaFileTrust::Unloadable(_)));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum CaFileTrust {
    /// The certificates it loads (what Go's loader skips is in the bundle's warnings).
    Bundle(CaBundle),
    /// Zero bytes: no CA at all, so client-go falls back to the system roots.
    SystemRoots,
    /// Bytes, but no certificate loads: client-go refuses the kubeconfig ("unable to load root
    /// certificates").
    Unloadable(BundleError),
}

impl CaFileTrust {
    /// Reads a CA file's bytes as client-go does.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return CaFileTrust::SystemRoots;
        }
        match CaBundle::from_pem(bytes) {
            Ok(bundle) => CaFileTrust::Bundle(bundle),
            Err(e) => CaFileTrust::Unloadable(e),
        }
    }
}

/// A parsed kubeconfig: the model, plus the source it came from (for positions and edits).
#[derive(Debug, Clone)]
pub struct Kubeconfig {
    config: Config,
    format: Format,
    document: Document,
    /// Each cluster's decoded `certificate-authority-data`, in `config.clusters` order, filled on
    /// first use: a diagnosis asks for the same bundle several times (checks, plan, edit).
    ca_bundles: Box<[OnceLock<CaData>]>,
}

/// Two kubeconfigs are equal when they were read from the same text (the model follows from it).
impl PartialEq for Kubeconfig {
    fn eq(&self, other: &Self) -> bool {
        self.document.bom_len == other.document.bom_len && self.document.text == other.document.text
    }
}

/// What [`Kubeconfig::ca_bundle`] answers for one cluster.
pub(crate) type CaData = Result<Option<CaBundle>, KubeconfigError>;

impl Kubeconfig {
    /// Parses a kubeconfig (YAML or JSON, optionally behind a UTF-8 byte-order mark) with the default [`Limits`].
    ///
    /// An empty input is an empty configuration, as in client-go; [`Kubeconfig::validate`] then says so.
    pub fn parse(input: &[u8]) -> Result<Self, KubeconfigError> {
        Self::parse_with_limits(input, &Limits::default())
    }

    /// Parses a kubeconfig within explicit limits.
    pub fn parse_with_limits(input: &[u8], limits: &Limits) -> Result<Self, KubeconfigError> {
        // Only the first document counts: client-go never reads past it.
        Self::from_document(document::parse_first(input, limits)?)
    }

    /// The kubeconfig in a document already read (with [`document::parse_first`]): input
    /// detection parses once and hands the document over.
    pub(crate) fn from_document(document: Document) -> Result<Self, KubeconfigError> {
        let format = match document.text.trim_start().as_bytes().first() {
            Some(b'{') => Format::Json,
            _ => Format::Yaml,
        };
        let config = match &document.root {
            None => Config::default(),
            // A document that is only null (empty, `~`, `null`) is an empty configuration, as in client-go.
            Some(root @ Node { kind: Kind::Scalar { style: document::Style::Plain, .. }, tag: None, .. })
                if matches!(root.as_str(), Some("" | "~" | "null" | "Null" | "NULL")) =>
            {
                Config::default()
            }
            Some(root @ Node { kind: Kind::Mapping(_), .. }) => read_model(&document, root)?,
            Some(root) => {
                return Err(KubeconfigError::NotAMapping { position: document.position(root.start) });
            }
        };
        let ca_bundles = config.clusters.iter().map(|_| OnceLock::new()).collect();
        let kubeconfig = Kubeconfig { config, format, document, ca_bundles };
        kubeconfig.check_unique_names()?;
        Ok(kubeconfig)
    }

    /// The client-go model.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// YAML or JSON.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The text the kubeconfig was read from (without a byte-order mark).
    pub fn source(&self) -> &str {
        &self.document.text
    }

    /// All cluster entries, in file order.
    pub fn clusters(&self) -> &[NamedCluster] {
        &self.config.clusters
    }

    /// The cluster entry called `name`.
    pub fn cluster(&self, name: &str) -> Option<&NamedCluster> {
        self.config.clusters.iter().find(|c| c.name == name)
    }

    /// The user entry called `name`.
    pub fn user(&self, name: &str) -> Option<&NamedAuthInfo> {
        self.config.users.iter().find(|u| u.name == name)
    }

    /// The context entry called `name`.
    pub fn context(&self, name: &str) -> Option<&NamedContext> {
        self.config.contexts.iter().find(|c| c.name == name)
    }

    /// The context named by `current-context`, if it exists.
    pub fn current_context(&self) -> Option<&NamedContext> {
        self.context(&self.config.current_context)
    }

    /// The cluster client-go connects to: the one the current context names. There is no
    /// fallback (not even to a file's only cluster): with no such context, client-go uses an
    /// empty one, which names the cluster `""` — and [`Kubeconfig::validate`] reports the file as
    /// unusable.
    pub fn current_cluster(&self) -> Option<&NamedCluster> {
        let name = self.current_context().map_or("", |c| c.context.cluster.as_str());
        self.cluster(name)
    }

    /// Cluster `name`, or the current context's cluster when `name` is `None`: how every front
    /// end resolves an optional cluster argument.
    ///
    /// ```
    /// use okd_trust::Kubeconfig;
    /// use okd_trust::kubeconfig::KubeconfigError;
    /// let config = Kubeconfig::parse(okd_trust::examples::NODE_KUBECONFIG.as_bytes())?;
    /// assert_eq!(config.cluster_or_current(None)?.name, "local");
    /// assert!(matches!(config.cluster_or_current(Some("gone")), Err(KubeconfigError::NoSuchCluster { .. })));
    /// let empty = Kubeconfig::parse(b"")?;
    /// assert_eq!(empty.cluster_or_current(None).unwrap_err(), KubeconfigError::NoCurrentCluster);
    /// # Ok::<(), KubeconfigError>(())
    /// ```
    pub fn cluster_or_current(&self, name: Option<&str>) -> Result<&NamedCluster, KubeconfigError> {
        match name {
            Some(name) => self.cluster(name).ok_or_else(|| KubeconfigError::NoSuchCluster { name: name.to_owned() }),
            None => self.current_cluster().ok_or(KubeconfigError::NoCurrentCluster),
        }
    }

    /// The user of the current context.
    pub fn current_user(&self) -> Option<&NamedAuthInfo> {
        self.current_context().and_then(|c| self.user(&c.context.user))
    }

    /// The CA bundle embedded in `certificate-authority-data` of cluster `name`, decoded the way
    /// client-go decodes it; `Ok(None)` when the cluster embeds none.
    pub fn ca_bundle(&self, cluster: &str) -> Result<Option<CaBundle>, KubeconfigError> {
        self.ca_bundle_shared(cluster, None)
    }

    /// [`Kubeconfig::ca_bundle`], taking an earlier decode of the same data from `shared` (a fleet
    /// audit meets the same `certificate-authority-data` on every node).
    fn ca_bundle_shared(
        &self,
        cluster: &str,
        shared: Option<&CaDataCache>,
    ) -> Result<Option<CaBundle>, KubeconfigError> {
        let (index, entry) = self
            .config
            .clusters
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == cluster)
            .ok_or_else(|| KubeconfigError::NoSuchCluster { name: cluster.to_owned() })?;
        let decode = || match shared {
            Some(cache) => cache.decoded(&entry.cluster.certificate_authority_data, || self.decode_ca_bundle(entry)),
            None => self.decode_ca_bundle(entry),
        };
        match self.ca_bundles.get(index) {
            Some(memo) => memo.get_or_init(decode).clone(),
            None => decode(),
        }
    }

    fn decode_ca_bundle(&self, entry: &NamedCluster) -> CaData {
        let (cluster, data) = (entry.name.as_str(), entry.cluster.certificate_authority_data.as_str());
        if data.is_empty() {
            return Ok(None);
        }
        // Located only on failure: finding a line and column walks the text, and a kubeconfig of
        // n clusters asks n times.
        let invalid = |problem| KubeconfigError::InvalidCaData {
            cluster: cluster.to_owned(),
            position: self.position_of(&["clusters", cluster, "cluster", "certificate-authority-data"]),
            problem,
        };
        let pem = go_base64::decode(data).map_err(|offset| invalid(CaDataProblem::Base64 { offset }))?;
        CaBundle::from_pem(&pem).map(Some).map_err(|e| invalid(CaDataProblem::Bundle(e)))
    }

    /// How cluster `name` tells its clients to trust the server.
    pub fn trust(&self, cluster: &str) -> Result<ClusterTrust, KubeconfigError> {
        self.trust_shared(cluster, None)
    }

    /// [`Kubeconfig::trust`], decoding CA data through `shared`.
    pub(crate) fn trust_shared(
        &self,
        cluster: &str,
        shared: Option<&CaDataCache>,
    ) -> Result<ClusterTrust, KubeconfigError> {
        let entry = self.cluster(cluster).ok_or_else(|| KubeconfigError::NoSuchCluster { name: cluster.to_owned() })?;
        let c = &entry.cluster;
        if let Some(bundle) = self.ca_bundle_shared(cluster, shared)? {
            return Ok(ClusterTrust::Bundle(bundle));
        }
        Ok(if !c.certificate_authority.is_empty() {
            ClusterTrust::File { path: c.certificate_authority.clone() }
        } else if c.insecure_skip_tls_verify {
            ClusterTrust::Insecure
        } else {
            ClusterTrust::SystemRoots
        })
    }

    /// The CA file client-go reads for the current cluster, when it names one in
    /// `certificate-authority` (and embeds no data, which would win): the path as written when
    /// absolute, else joined to `base_dir` — the absolute directory of the kubeconfig as given,
    /// links not resolved — and cleaned lexically, as client-go's `ResolvePaths` does (`~` is not
    /// expanded). The core never reads it; the caller does, and passes the bytes to the doctor.
    ///
    /// ```
    /// use okd_trust::Kubeconfig;
    /// let text = "clusters:\n- name: c\n  cluster: {server: \"https://x\", certificate-authority: ../pki/ca.crt}\n\
    ///             contexts:\n- name: k\n  context: {cluster: c}\ncurrent-context: k\n";
    /// let config = Kubeconfig::parse(text.as_bytes())?;
    /// assert_eq!(config.ca_file("/etc/kubernetes/kubelet").as_deref(), Some("/etc/kubernetes/pki/ca.crt"));
    /// # Ok::<(), okd_trust::kubeconfig::KubeconfigError>(())
    /// ```
    pub fn ca_file(&self, base_dir: &str) -> Option<String> {
        self.cluster_ca_file(&self.current_cluster()?.name, base_dir)
    }

    /// [`ca_file`](Self::ca_file) for cluster `name`: the file client-go reads when it connects
    /// to that cluster; `None` when there is no such cluster, it embeds its CA data or names no
    /// file.
    pub fn cluster_ca_file(&self, name: &str, base_dir: &str) -> Option<String> {
        let cluster = &self.cluster(name)?.cluster;
        if cluster.certificate_authority.is_empty() || !cluster.certificate_authority_data.is_empty() {
            return None;
        }
        Some(resolve_path(base_dir, &cluster.certificate_authority))
    }

    /// The host a client verifies the server certificate against: `tls-server-name` when set,
    /// otherwise the host of `server` (without port or brackets).
    pub fn server_name(&self, cluster: &str) -> Option<String> {
        let c = &self.cluster(cluster)?.cluster;
        if !c.tls_server_name.is_empty() {
            return Some(c.tls_server_name.clone());
        }
        host_of_url(&c.server)
    }

    /// Every problem client-go reports before it connects with this file's current context, all at
    /// once (empty when kubelet can use the file), plus `insecure-skip-tls-verify` combined with a
    /// CA, which client-go refuses when it connects.
    pub fn validate(&self) -> Vec<ValidationError> {
        validate::validate(self)
    }

    /// Where a value sits in the source; the path names list entries by their `name`
    /// (`["clusters", "api-int", "cluster", "server"]`).
    pub fn position_of(&self, path: &[&str]) -> Option<Position> {
        let node = self.node_at(path)?;
        Some(self.document.position(node.start))
    }

    fn node_at(&self, path: &[&str]) -> Option<&Node> {
        let mut node = self.document.root.as_ref()?;
        let mut keys = path.iter();
        while let Some(key) = keys.next() {
            node = node.get(key)?;
            if matches!(node.kind, Kind::Sequence(_)) {
                let name = keys.next()?;
                node = node.items().iter().find(|item| item.get("name").and_then(Node::as_str) == Some(name))?;
            }
        }
        Some(node)
    }

    fn check_unique_names(&self) -> Result<(), KubeconfigError> {
        fn first_duplicate<'a>(names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
            let mut seen = std::collections::HashSet::new();
            names.into_iter().find(|name| !seen.insert(*name))
        }
        let lists = [
            ("clusters", first_duplicate(self.config.clusters.iter().map(|c| c.name.as_str()))),
            ("users", first_duplicate(self.config.users.iter().map(|u| u.name.as_str()))),
            ("contexts", first_duplicate(self.config.contexts.iter().map(|c| c.name.as_str()))),
            // client-go's conversion skips an extension with no value, so only valued ones can clash.
            (
                "extensions",
                first_duplicate(
                    self.config.extensions.iter().filter(|e| !e.extension.is_null()).map(|e| e.name.as_str()),
                ),
            ),
        ];
        for (list, duplicate) in lists {
            if let Some(name) = duplicate {
                let position = self.document.root.as_ref().and_then(|root| {
                    let item = root
                        .get(list)?
                        .items()
                        .iter()
                        .filter(|i| i.get("name").and_then(Node::as_str) == Some(name))
                        .nth(1)?;
                    Some(self.document.position(item.start))
                });
                return Err(KubeconfigError::DuplicateName { list, name: name.to_owned(), position });
            }
        }
        Ok(())
    }
}

fn read_model(document: &Document, root: &Node) -> Result<Config, KubeconfigError> {
    let not_json = |e: document::NotJson| {
        KubeconfigError::Document(DocumentError::NotJson { position: document.position(e.at), reason: e.reason })
    };
    // client-go converts the whole document to JSON, then sniffs the version, then reads fields.
    document::check(root, document::Reading::Untyped).map_err(not_json)?;
    check_version(root)
        .map_err(|message| KubeconfigError::NotAConfig { position: document.position(root.start), message })?;
    document::from_checked_node::<Config>(root, document::Reading::Untyped).map_err(|e| KubeconfigError::Field {
        position: document.position(e.offset(root.start)),
        path: e.path(),
        message: e.message,
    })
}

/// client-go first reads `apiVersion` and `kind` with Go's case-insensitive key matching (of keys
/// in sorted order, the last that matches wins), defaults empty ones to `v1` and `Config`, and
/// refuses anything else.
fn check_version(root: &Node) -> Result<(), String> {
    let Kind::Mapping(pairs) = &root.kind else { return Ok(()) };
    // `read_model` checked the document first, so these entries read.
    let entries = document::entries(pairs, document::Reading::Untyped).unwrap_or_default();
    let sniff = |name: &str| -> Result<String, String> {
        let mut found: Vec<&(std::borrow::Cow<'_, str>, &Node)> =
            entries.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let value = match found.last() {
            None => return Ok(String::new()),
            Some((_, node)) => document::from_checked_node::<serde_json::Value>(node, document::Reading::Untyped)
                .map_err(|_| format!("couldn't get version/kind: {name} does not read"))?,
        };
        match value {
            serde_json::Value::Null => Ok(String::new()),
            serde_json::Value::String(s) => Ok(s),
            other => Err(format!("couldn't get version/kind: {name} is not a string but {other}")),
        }
    };
    let (version, kind) = (sniff("apiVersion")?, sniff("kind")?);
    let version = if version.is_empty() { "v1" } else { version.as_str() };
    let kind = if kind.is_empty() { "Config" } else { kind.as_str() };
    if version.matches('/').count() > 1 {
        return Err(format!("unexpected GroupVersion string: {version}"));
    }
    if version != "v1" || kind != "Config" {
        return Err(format!(
            "no kind {kind:?} is registered for version {version:?}: a kubeconfig is apiVersion v1, kind Config"
        ));
    }
    Ok(())
}

/// A file path written in a kubeconfig as client-go resolves it (`ResolvePaths`): as written when
/// absolute, else joined to `base_dir` — the absolute directory of the kubeconfig as given, links
/// not resolved — and cleaned lexically. `~` is not expanded.
///
/// ```
/// use okd_trust::kubeconfig::resolve_path;
/// assert_eq!(resolve_path("/etc/kubernetes", "../pki/./ca.crt"), "/etc/pki/ca.crt");
/// assert_eq!(resolve_path("/etc/kubernetes", "/etc/ca.crt"), "/etc/ca.crt");
/// assert_eq!(resolve_path("/root", "~/ca.crt"), "/root/~/ca.crt");
/// ```
pub fn resolve_path(base_dir: &str, path: &str) -> String {
    if path.starts_with('/') { path.to_owned() } else { go_clean(&format!("{base_dir}/{path}")) }
}

/// Go's `filepath.Clean` on Unix: one slash between elements, `.` dropped, `..` taking the element
/// before it (and nothing at the root), `.` for an empty result.
fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// The host of an `https://host:port/path` URL, without brackets around IPv6 literals.
pub(crate) fn host_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split_once(']')?.0
    } else {
        host_port
            .rsplit_once(':')
            .map_or(host_port, |(host, port)| if port.bytes().all(|b| b.is_ascii_digit()) { host } else { host_port })
    };
    (!host.is_empty()).then(|| host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{go_clean, host_of_url};

    #[test]
    fn cleans_paths_like_go() {
        for (path, clean) in [
            ("/etc/kubernetes/../pki/ca.crt", "/etc/pki/ca.crt"),
            ("/a//b/./c/", "/a/b/c"),
            ("/../x", "/x"),
            ("a/../../b", "../b"),
            ("", "."),
            ("/work/~/ca.crt", "/work/~/ca.crt"),
        ] {
            assert_eq!(go_clean(path), clean, "{path}");
        }
    }

    #[test]
    fn finds_the_host_of_server_urls() {
        assert_eq!(host_of_url("https://api-int.c1.example.com:6443").as_deref(), Some("api-int.c1.example.com"));
        assert_eq!(host_of_url("https://[fd00::1]:6443/").as_deref(), Some("fd00::1"));
        assert_eq!(host_of_url("https://10.0.0.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(host_of_url("https://"), None);
    }
}
