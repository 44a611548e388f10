//! The analysis: inventory, edges, findings, verdict.

use super::model::{AtSource, ClusterReport, Finding};
use super::objects::Object;
use super::{ClusterInputs, ClusterOptions, edges, findings, inventory};
use crate::diagnose::{Severity, Verdict};
use crate::verify::SignatureCache;

/// Judges the whole cluster's trust from `inputs`.
///
/// The moment judged is `options.at` when given, else the must-gather's timestamp, else
/// `options.now`; the report says which.
pub fn analyze(inputs: &ClusterInputs, options: &ClusterOptions) -> ClusterReport {
    let (at, at_source) = match (options.at, inputs.gathered_at()) {
        (Some(at), _) => (at, AtSource::Given),
        (None, Some(at)) => (at, AtSource::Gathered),
        (None, None) => (options.now, AtSource::Clock),
    };
    let cache = SignatureCache::new();
    let inventory = inventory::build(inputs, &cache);
    let edges = edges::build(&inventory, &inputs.kubeconfig_servers, at, &cache);
    let mut nodes: Vec<_> = inputs
        .objects
        .values()
        .filter_map(|(_, o)| match o {
            Object::Node(node) => Some(node.clone()),
            _ => None,
        })
        .collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let history = inputs
        .objects
        .values()
        .find_map(|(_, o)| match o {
            Object::ClusterVersion { history } => Some(history.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut unreadable = inputs.unreadable.clone();
    unreadable.extend(inventory.unreadable.iter().cloned());
    unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    let context =
        findings::Context { inventory: &inventory, edges: &edges.edges, nodes: &nodes, at, options, cache: &cache };
    let mut findings: Vec<Finding> = findings::all(&context);
    findings.extend(findings::inputs(inputs, &unreadable, &inventory.partly_read));
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)).then(a.source.cmp(&b.source)));
    let verdict = match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Error) => Verdict::Broken,
        Some(Severity::Warning) => Verdict::AtRisk,
        _ => Verdict::Healthy,
    };
    let mut not_seen = Vec::new();
    if inputs.kubeconfig_bundles.is_empty() && inputs.kubeconfig_notes.is_empty() {
        not_seen.push(
            "node kubeconfigs (/etc/kubernetes/kubeconfig, /var/lib/kubelet/kubeconfig): a must-gather does not \
             collect them; give them with --kubeconfig to judge what kubelet trusts"
                .to_owned(),
        );
    }
    if inventory.urls.internal.is_none() {
        not_seen.push(
            "api-int's host name: no Infrastructure or ControllerConfig in the inputs, so api-int was dialled by \
             the name its own certificate carries"
                .to_owned(),
        );
    }
    for (row, missing) in &edges.unmatched {
        if !matches!(row.bundles, super::BundleSelector::NodeKubeconfigs) {
            not_seen.push(format!("{}: no {missing} in the inputs", row.id));
        }
    }
    let super::inventory::Inventory { signers, bundles, endpoints, .. } = inventory;
    ClusterReport {
        at,
        at_source,
        verdict,
        signers,
        bundles,
        endpoints,
        edges: edges.edges,
        findings,
        unreadable,
        not_seen,
        nodes,
        history,
        kubelet_log: {
            let mut lines = inputs.log_lines.clone();
            lines.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
            lines
        },
        files_read: inputs.files_read,
    }
}
