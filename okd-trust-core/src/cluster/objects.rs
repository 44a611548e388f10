//! The Kubernetes objects the cluster analysis reads, taken straight from the parsed node tree:
//! ConfigMaps and Secrets (through [`manifest`](crate::manifest)), ControllerConfig,
//! MachineConfigs, Nodes, ClusterVersion, Infrastructure and CertificateSigningRequests. Objects
//! of other kinds in the same file or `List` are skipped without being converted.

use crate::document::{self, Document, Kind, Node};
use crate::manifest::{self, Manifest, ManifestError};
use crate::{Limits, go_base64};

/// One object of a kind the analysis reads.
#[derive(Debug, Clone)]
pub(crate) enum Object {
    /// A ConfigMap or Secret.
    Manifest(Manifest),
    /// `machineconfiguration.openshift.io/ControllerConfig`: the CA data the machine-config
    /// operator writes to nodes, and the API URLs of its embedded Infrastructure.
    ControllerConfig { name: String, ca_data: Vec<(String, Vec<u8>)>, urls: ApiUrls },
    /// `machineconfiguration.openshift.io/MachineConfig`: files it writes that hold certificates.
    MachineConfig { name: String, files: Vec<(String, Vec<u8>)> },
    /// `v1/Node`.
    Node(NodeInfo),
    /// `machineconfiguration.openshift.io/MachineConfigPool`: the rendered MachineConfig its
    /// nodes run now (`status.configuration.name`).
    MachineConfigPool { name: String, current: String },
    /// `config.openshift.io/ClusterVersion`: the update history, newest first.
    ClusterVersion { history: Vec<Update> },
    /// `config.openshift.io/Infrastructure`.
    Infrastructure { urls: ApiUrls },
    /// `certificates.k8s.io/CertificateSigningRequest` with an issued certificate.
    Csr { name: String, signer_name: String, certificate: Vec<u8> },
}

/// The API server URLs a cluster's clients dial.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ApiUrls {
    /// `status.apiServerInternalURI` (api-int).
    pub(crate) internal: Option<String>,
    /// `status.apiServerURL` (api).
    pub(crate) external: Option<String>,
}

/// A node of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeInfo {
    /// `metadata.name`.
    pub name: String,
    /// The roles of its `node-role.kubernetes.io/<role>` labels.
    pub roles: Vec<String>,
    /// Its `Ready` condition (`None` when the object has none).
    pub ready: Option<bool>,
}

/// One entry of a ClusterVersion's `status.history`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Update {
    /// The version, e.g. `4.8.0`.
    pub version: String,
    /// `startedTime`, as written.
    pub started: String,
    /// `Completed` or `Partial`.
    pub state: String,
}

/// Objects that could not be read, each named `kind namespace/name`, with why.
pub(crate) type Failed = Vec<(String, ManifestError)>;

/// Every object of a kind the analysis reads in `input` (one object or a `List`, YAML or JSON).
/// An item of a `List` that cannot be read is returned with its name, and the others still count.
pub(crate) fn read(input: &[u8], limits: &Limits) -> Result<(Vec<Object>, Failed), ManifestError> {
    let document = document::parse(input, limits)?;
    let Some(root) = document.root.as_ref() else { return Ok((Vec::new(), Vec::new())) };
    let kind = text(root, &["kind"]);
    let items: Vec<&Node> = if kind.ends_with("List") {
        root.get("items").map(Node::items).unwrap_or_default().iter().collect()
    } else {
        vec![root]
    };
    let mut objects = Vec::new();
    let mut failed = Vec::new();
    for item in items {
        match read_one(&document, item) {
            Ok(Some(object)) => objects.push(object),
            Ok(None) => {}
            Err(e) => {
                let name = format!(
                    "{} {}/{}",
                    text(item, &["kind"]),
                    text(item, &["metadata", "namespace"]),
                    text(item, &["metadata", "name"])
                );
                failed.push((name, e));
            }
        }
    }
    Ok((objects, failed))
}

/// Whether `bytes` hold a PEM certificate block (public keys and PGP keys are no bundles).
pub(crate) fn holds_certificate(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"-----BEGIN CERTIFICATE-----").is_some()
}

fn read_one(document: &Document, node: &Node) -> Result<Option<Object>, ManifestError> {
    let name = || text(node, &["metadata", "name"]).to_owned();
    Ok(Some(match text(node, &["kind"]) {
        "ConfigMap" | "Secret" => Object::Manifest(manifest::read_object(document, node)?),
        "ControllerConfig" => {
            let spec = node.get("spec");
            let ca_data = ["kubeAPIServerServingCAData", "rootCAData", "additionalTrustBundle", "cloudProviderCAData"]
                .iter()
                .filter_map(|field| {
                    let value = spec?.get(field)?.as_str()?;
                    let bytes = go_base64::decode(value).ok()?;
                    (!bytes.is_empty()).then(|| ((*field).to_owned(), bytes))
                })
                .collect();
            let urls = spec.and_then(|s| s.get("infra")).map(api_urls).unwrap_or_default();
            Object::ControllerConfig { name: name(), ca_data, urls }
        }
        "MachineConfig" => {
            let files = path(node, &["spec", "config", "storage", "files"]).map(Node::items).unwrap_or_default();
            let files = files
                .iter()
                .filter_map(|file| {
                    let source = text(file, &["contents", "source"]);
                    let bytes = data_url(source)?;
                    holds_certificate(&bytes).then(|| (text(file, &["path"]).to_owned(), bytes))
                })
                .collect();
            Object::MachineConfig { name: name(), files }
        }
        "Node" => {
            let roles = match path(node, &["metadata", "labels"]).map(|n| &n.kind) {
                Some(Kind::Mapping(entries)) => entries
                    .iter()
                    .filter_map(|(k, _)| k.as_str()?.strip_prefix("node-role.kubernetes.io/").map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let conditions = path(node, &["status", "conditions"]).map(Node::items).unwrap_or_default();
            let ready =
                conditions.iter().find(|c| text(c, &["type"]) == "Ready").map(|c| text(c, &["status"]) == "True");
            Object::Node(NodeInfo { name: name(), roles, ready })
        }
        "ClusterVersion" => {
            let history = path(node, &["status", "history"]).map(Node::items).unwrap_or_default();
            let history = history
                .iter()
                .map(|h| Update {
                    version: text(h, &["version"]).to_owned(),
                    started: text(h, &["startedTime"]).to_owned(),
                    state: text(h, &["state"]).to_owned(),
                })
                .collect();
            Object::ClusterVersion { history }
        }
        "Infrastructure" => Object::Infrastructure { urls: api_urls(node) },
        "MachineConfigPool" => Object::MachineConfigPool {
            name: name(),
            current: text(node, &["status", "configuration", "name"]).to_owned(),
        },
        "CertificateSigningRequest" => {
            let issued = text(node, &["status", "certificate"]);
            let Ok(certificate) = go_base64::decode(issued) else { return Ok(None) };
            if certificate.is_empty() {
                return Ok(None);
            }
            Object::Csr { name: name(), signer_name: text(node, &["spec", "signerName"]).to_owned(), certificate }
        }
        _ => return Ok(None),
    }))
}

fn api_urls(infrastructure: &Node) -> ApiUrls {
    let url = |field| Some(text(infrastructure, &["status", field])).filter(|u| !u.is_empty()).map(str::to_owned);
    ApiUrls { internal: url("apiServerInternalURI"), external: url("apiServerURL") }
}

fn path<'a>(node: &'a Node, keys: &[&str]) -> Option<&'a Node> {
    keys.iter().try_fold(node, |n, key| n.get(key))
}

/// The scalar at `keys`, or "" when absent or not a scalar.
fn text<'a>(node: &'a Node, keys: &[&str]) -> &'a str {
    path(node, keys).and_then(Node::as_str).unwrap_or_default()
}

/// The bytes of an RFC 2397 `data:` URL, as Ignition reads a file's `contents.source`.
fn data_url(source: &str) -> Option<Vec<u8>> {
    let (meta, data) = source.strip_prefix("data:")?.split_once(',')?;
    if meta.ends_with(";base64") {
        return go_base64::decode(data).ok();
    }
    let bytes = data.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn data_urls_decode_percent_and_base64() {
        assert_eq!(data_url("data:,a%20b%0A").unwrap(), b"a b\n");
        assert_eq!(data_url("data:text/plain;charset=utf-8;base64,aGk=").unwrap(), b"hi");
        assert_eq!(data_url("https://example.com/x"), None);
    }

    #[test]
    fn a_list_keeps_the_kinds_read_and_skips_the_rest() {
        let yaml = b"kind: List\nitems:\n- kind: Pod\n  metadata: {name: p}\n\
            - kind: Node\n  metadata: {name: m0, labels: {node-role.kubernetes.io/master: ''}}\n  status: {conditions: [{type: Ready, status: 'True'}]}\n\
            - kind: Infrastructure\n  status: {apiServerInternalURI: 'https://api-int.c.example:6443'}\n";
        let (objects, failed) = read(yaml, &Limits::default()).unwrap();
        assert!(failed.is_empty());
        assert_eq!(objects.len(), 2);
        assert!(matches!(&objects[0], Object::Node(n) if n.roles == ["master"] && n.ready == Some(true)));
        assert!(
            matches!(&objects[1], Object::Infrastructure { urls } if urls.internal.as_deref() == Some("https://api-int.c.example:6443"))
        );
    }
}
