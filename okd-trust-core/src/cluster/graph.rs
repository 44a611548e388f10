//! The trust graph of a [`ClusterReport`], shaped to be looked at: one node per signer key, one
//! per group of identical bundles (the same `kube-root-ca.crt` in 60 namespaces is one node, and
//! so are revisioned copies), one per current endpoint a relationship names, and three kinds of
//! edge — a bundle holds a key, a key issued a certificate, a bundle must verify an endpoint (red
//! when it does not, with the reason). Public roots that only the platform trust bundles carry
//! are left out: they are not the cluster's own trust. [`dot`](super::dot) and the HTML report
//! draw this one model.

use std::collections::{BTreeMap, BTreeSet};

use super::edges::split_source;
use super::inventory::revision_base;
use super::model::{ClusterReport, Signer};
use crate::Timestamp;

/// A node of the trust graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphNode {
    /// A stable identifier (`s0`, `b3`, `e7`).
    pub(crate) id: String,
    pub(crate) kind: NodeKind,
    /// The lines of its label.
    pub(crate) label: Vec<String>,
    /// The signer key, for signer nodes.
    pub(crate) key: Option<String>,
    /// Drawn as a problem (a superseded key, an untrusted bundle).
    pub(crate) alarm: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Signer,
    Bundle,
    Endpoint,
}

impl NodeKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            NodeKind::Signer => "signer",
            NodeKind::Bundle => "bundle",
            NodeKind::Endpoint => "endpoint",
        }
    }
}

/// An edge of the trust graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphEdge {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) kind: EdgeKind,
    /// For an untrusted "must verify" edge: the failure's code.
    pub(crate) broken: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EdgeKind {
    Holds,
    Issued,
    MustVerify,
}

/// The trust graph.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustGraph {
    pub(crate) nodes: Vec<GraphNode>,
    pub(crate) edges: Vec<GraphEdge>,
    /// Signer keys of the same subject (re-keyed signers), to draw side by side.
    pub(crate) same_subject: Vec<Vec<String>>,
}

fn day(t: Timestamp) -> String {
    t.to_string().get(..10).unwrap_or_default().to_owned()
}

fn short_key(key: &str) -> String {
    key.get(..11).unwrap_or(key).to_owned()
}

/// The group a bundle is drawn in: its object name (revision suffix dropped), key and content.
fn bundle_group(source: &str, origin: super::BundleOrigin) -> (String, String) {
    match split_source(source) {
        Some((object, key)) => {
            let (namespace, name) = object.split_once('/').unwrap_or(("", object));
            let name = revision_base(name).unwrap_or(name);
            match origin {
                super::BundleOrigin::ServiceAccountToken => ("service-account tokens".to_owned(), key.to_owned()),
                _ => (name.to_owned(), format!("{key}|{namespace}")),
            }
        }
        None => (source.to_owned(), String::new()),
    }
}

pub(crate) fn build(report: &ClusterReport) -> TrustGraph {
    let mut graph = TrustGraph::default();
    let related: BTreeSet<&str> = report.edges.iter().map(|e| e.bundle.as_str()).collect();
    // The cluster's own signers: held by a Secret, issuing an endpoint, or in a bundle a
    // relationship reads.
    let issuers: BTreeSet<&str> = report.endpoints.iter().filter_map(|e| e.issuer_spki_sha256.as_deref()).collect();
    let own = |s: &Signer| {
        s.secret.is_some()
            || issuers.contains(s.spki_sha256.as_str())
            || s.sources.iter().any(|src| related.contains(src.as_str()))
    };
    let mut key_ids: BTreeMap<&str, String> = BTreeMap::new();
    let mut subjects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for signer in report.signers.iter().filter(|s| own(s)) {
        if key_ids.contains_key(signer.spki_sha256.as_str()) {
            continue;
        }
        let id = format!("s{}", key_ids.len());
        key_ids.insert(&signer.spki_sha256, id.clone());
        subjects.entry(signer.certificate.subject()).or_default().push(id.clone());
        let mut label = vec![
            signer.certificate.subject(),
            format!("key {}", short_key(&signer.spki_sha256)),
            format!("{} → {}", day(signer.certificate.not_before()), day(signer.certificate.not_after())),
        ];
        if let Some(secret) = &signer.secret {
            label.push(secret.source.clone());
        }
        if signer.superseded_by.is_some() {
            label.push("superseded".to_owned());
        }
        graph.nodes.push(GraphNode {
            id,
            kind: NodeKind::Signer,
            label,
            key: Some(signer.spki_sha256.clone()),
            alarm: signer.superseded_by.is_some(),
        });
    }
    graph.same_subject = subjects.into_values().filter(|ids| ids.len() > 1).collect();

    // Bundles a relationship reads or that hold a drawn key, grouped by name and content.
    let mut groups: BTreeMap<(String, String, Vec<String>), Vec<&str>> = BTreeMap::new();
    for bundle in &report.bundles {
        let keys: Vec<String> = bundle
            .certificates
            .iter()
            .map(super::inventory::spki_sha256)
            .map(|k| crate::cert::colon_hex(&k))
            .filter(|k| key_ids.contains_key(k.as_str()))
            .collect();
        if keys.is_empty() && !related.contains(bundle.source.as_str()) {
            continue;
        }
        let (name, key) = bundle_group(&bundle.source, bundle.origin);
        // Namespaces differ inside a group; the content decides.
        let key = key.split('|').next().unwrap_or_default().to_owned();
        groups.entry((name, key, keys)).or_default().push(&bundle.source);
    }
    let mut bundle_ids: BTreeMap<&str, String> = BTreeMap::new();
    let untrusted: BTreeSet<&str> =
        report.edges.iter().filter(|e| !e.verdict.is_trusted()).map(|e| e.bundle.as_str()).collect();
    for (i, ((name, key, keys), members)) in groups.iter().enumerate() {
        let id = format!("b{i}");
        let mut label = vec![if key.is_empty() { name.clone() } else { format!("{name}[{key}]") }];
        match members.as_slice() {
            [one] => label.push((*one).to_owned()),
            many => label.push(format!("{} copies", many.len())),
        }
        let alarm = members.iter().any(|m| untrusted.contains(m));
        for member in members {
            bundle_ids.insert(member, id.clone());
        }
        for k in keys {
            if let Some(signer) = key_ids.get(k.as_str()) {
                graph.edges.push(GraphEdge {
                    from: id.clone(),
                    to: signer.clone(),
                    kind: EdgeKind::Holds,
                    broken: None,
                });
            }
        }
        graph.nodes.push(GraphNode { id, kind: NodeKind::Bundle, label, key: None, alarm });
    }

    // Endpoints some relationship names, with their issuers.
    let mut endpoint_ids: BTreeMap<&str, String> = BTreeMap::new();
    let endpoints: BTreeMap<&str, &super::Endpoint> = report.endpoints.iter().map(|e| (e.source.as_str(), e)).collect();
    for edge in &report.edges {
        if endpoint_ids.contains_key(edge.endpoint.as_str()) {
            continue;
        }
        let Some(&endpoint) = endpoints.get(edge.endpoint.as_str()) else { continue };
        let id = format!("e{}", endpoint_ids.len());
        endpoint_ids.insert(&endpoint.source, id.clone());
        let label = vec![
            endpoint.source.clone(),
            edge.server_name.clone().unwrap_or_else(|| endpoint.certificate.subject()),
            format!("{} → {}", day(endpoint.certificate.not_before()), day(endpoint.certificate.not_after())),
        ];
        if let Some(issuer) = endpoint.issuer_spki_sha256.as_deref().and_then(|k| key_ids.get(k)) {
            graph.edges.push(GraphEdge { from: issuer.clone(), to: id.clone(), kind: EdgeKind::Issued, broken: None });
        }
        graph.nodes.push(GraphNode { id, kind: NodeKind::Endpoint, label, key: None, alarm: false });
    }
    // One "must verify" edge per bundle group and endpoint: broken if any member fails.
    let mut must: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    for edge in &report.edges {
        let (Some(from), Some(to)) = (bundle_ids.get(edge.bundle.as_str()), endpoint_ids.get(edge.endpoint.as_str()))
        else {
            continue;
        };
        let broken = edge.verdict.reason().map(|r| r.failure.code().to_owned());
        let slot = must.entry((from.clone(), to.clone())).or_insert(None);
        if slot.is_none() {
            *slot = broken;
        }
    }
    for ((from, to), broken) in must {
        if broken.is_some()
            && let Some(node) = graph.nodes.iter_mut().find(|n| n.id == to)
        {
            node.alarm = true;
        }
        graph.edges.push(GraphEdge { from, to, kind: EdgeKind::MustVerify, broken });
    }
    graph
}
