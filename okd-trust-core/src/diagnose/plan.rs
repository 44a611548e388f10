//! The fix, as data: new kubeconfig texts (verified before they are offered), the multus
//! ConfigMap patch, and the ordered follow-up actions — built from the facts the checks judged.

use super::node::{NodeTrust, Roots, cluster_bundle};
use super::repair::{self, BundlePolicy, KubeconfigRepair, Refusal, RepairTarget, Serving};
use super::{DoctorInput, FleetCache};
use crate::CaBundle;

/// A JSON merge patch for `openshift-multus/kube-root-ca.crt`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConfigMapPatch {
    /// `namespace/name` of the ConfigMap.
    pub target: String,
    /// The merge patch body (`{"data":{"ca.crt":"..."}}`).
    pub patch: String,
    /// Why this is only a stopgap.
    pub note: String,
}

/// One step an operator runs after the files are fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Action {
    /// What the step achieves.
    pub description: String,
    /// The command.
    pub command: String,
}

/// Everything to do, in order.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Plan {
    /// New kubeconfig contents, one per kubeconfig that needs a change.
    pub kubeconfigs: Vec<KubeconfigRepair>,
    /// The multus ConfigMap patch, when multus does not trust api-int.
    pub multus_patch: Option<ConfigMapPatch>,
    /// Follow-up steps, in order.
    pub actions: Vec<Action>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.kubeconfigs.is_empty() && self.multus_patch.is_none() && self.actions.is_empty()
    }
}

/// The plan for `nodes`: each node's repair to the doctor's policy (union with what the cluster
/// serves, expired dropped), verified; multus' patch; the follow-up steps.
pub(super) fn plan(input: &DoctorInput, nodes: &[NodeTrust<'_>], fleet: &FleetCache) -> Plan {
    let mut plan = Plan::default();
    let Some(cluster) = cluster_bundle(input) else { return plan };
    for node in nodes {
        let (Some(cluster_name), Some(roots)) = (&node.cluster, &node.roots) else { continue };
        let server_name = node.server_name(input);
        let serving = Serving {
            chain: input.serving_chain.as_ref().map(|c| c.value.as_slice()),
            server_name: server_name.as_deref(),
            at: input.at,
            cache: fleet.signatures(),
        };
        let empty = CaBundle::default();
        // What the node names now: nothing when it relies on the system roots, or when its CA
        // file loads no certificate (the same reading `repair_bundle_file` gives a pinned file).
        let current = match roots {
            Roots::Embedded(bundle) | Roots::File { bundle, .. } => bundle,
            Roots::System { .. } | Roots::Unusable { text: Some(_), .. } => &empty,
            Roots::Unusable { text: None, .. } | Roots::Unread { .. } => continue,
        };
        let node_id = (node.index, node.source);
        // The file the repair writes: the CA file the node reads (its path and bytes), else the
        // kubeconfig itself.
        let ca_file = match roots {
            Roots::File { file, text, .. } => Some((file.path.as_str(), *text)),
            Roots::System { empty_file: Some(file), .. } => Some((file.path.as_str(), &b""[..])),
            Roots::Unusable { path, text: Some(text), .. } => Some((path.as_str(), *text)),
            _ => None,
        };
        let Ok(wanted) = repair::repaired_bundle(Some(current), &cluster, BundlePolicy::Union, Some(input.at)) else {
            // Nothing left once the expired go: a refusal that says so, for the file it concerns
            // (nothing to say when the node trusted nothing of its own either).
            if !current.is_empty() {
                let (target, old_text) = match ca_file {
                    Some((path, text)) => {
                        (RepairTarget::CaFile { path: path.to_owned() }, String::from_utf8_lossy(text).into_owned())
                    }
                    None => (RepairTarget::Kubeconfig, node.kubeconfig.text()),
                };
                plan.kubeconfigs.push(repair::refused(
                    node_id,
                    target,
                    cluster_name,
                    old_text,
                    current,
                    Refusal::NothingLeft,
                ));
            }
            continue;
        };
        if current.diff(&wanted).is_unchanged() {
            continue;
        }
        let repair = match ca_file {
            Some((path, text)) => repair::ca_file(node_id, cluster_name, path, text, current, &wanted, &serving),
            None => repair::kubeconfig(node_id, node.kubeconfig, cluster_name, &wanted, &serving),
        };
        plan.kubeconfigs.push(repair);
    }
    if let Some(multus) = &input.multus_ca
        && let Ok(wanted) = repair::repaired_bundle(Some(&multus.value), &cluster, BundlePolicy::Union, Some(input.at))
        && !multus.value.diff(&wanted).is_unchanged()
    {
        let patch = serde_json::json!({ "data": { "ca.crt": wanted.to_pem() } }).to_string();
        plan.multus_patch = Some(ConfigMapPatch {
            target: "openshift-multus/kube-root-ca.crt".into(),
            patch,
            note: "a stopgap: kube-controller-manager republishes kube-root-ca.crt from its service-account CA and \
                       will overwrite this patch; the lasting fix is the cluster's own CA propagation (4.15.10+)"
                .into(),
        });
    }
    if !plan.kubeconfigs.is_empty() {
        plan.actions.push(Action {
            description: "restart kubelet so it reloads its kubeconfig (on each node that was changed)".into(),
            command: "systemctl restart kubelet".into(),
        });
    }
    if plan.multus_patch.is_some() || !plan.kubeconfigs.is_empty() {
        if let Some(patch) = &plan.multus_patch {
            plan.actions.insert(
                0,
                Action {
                    description: "give multus the same CAs (stopgap until the cluster republishes them)".into(),
                    command: format!(
                        "oc patch configmap -n openshift-multus kube-root-ca.crt --type merge -p '{}'",
                        patch.patch
                    ),
                },
            );
        }
        plan.actions.push(Action {
            description: "recreate the multus pods so they pick up the trusted CA".into(),
            command: "oc delete pod -n openshift-multus -l app=multus".into(),
        });
    }
    plan
}
