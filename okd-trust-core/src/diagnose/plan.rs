//! The fix, as data: new kubeconfig texts (verified before they are offered), the multus
//! ConfigMap patch, and the ordered follow-up actions.

use crate::verify::CertSummary;

/// A kubeconfig rewritten to trust the union of what it trusted and what the cluster serves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KubeconfigRepair {
    /// Which kubeconfig this repairs: its index in [`DoctorInput::kubeconfigs`](super::DoctorInput).
    /// Write a repair to the file this index was read from — never look the file up by `source`,
    /// a display label that two different paths can share.
    pub kubeconfig: usize,
    /// The kubeconfig (its label, normally the path on the node), for display.
    pub source: String,
    /// The file the repair writes: the kubeconfig itself, or the CA file it names.
    pub target: RepairTarget,
    /// The cluster entry edited.
    pub cluster: String,
    /// The file as it was read (a byte-order mark included, like `new_text`), so renderers can
    /// show the change and callers can tell whether anything changed by comparing the two.
    pub old_text: String,
    /// The whole new file. For a kubeconfig, only the `certificate-authority-data` value differs
    /// from the input; for a CA file, the new certificates are appended (or, when expired ones are
    /// dropped, the whole bundle is written anew). Empty when the edit itself was refused (see
    /// `verification`).
    pub new_text: String,
    /// CAs the new bundle adds.
    pub added: Vec<CertSummary>,
    /// CAs the new bundle drops (expired ones only: the repair never drops a valid CA).
    pub removed: Vec<CertSummary>,
    /// Whether every check passed: the text re-parses, client-go validation finds nothing new, and
    /// (when a serving chain was given) the new bundle verifies it under the kubelet profile.
    pub verified: bool,
    /// What was checked, or why the repair must not be applied.
    pub verification: String,
}

/// Which file a [`KubeconfigRepair`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RepairTarget {
    /// The kubeconfig: its `certificate-authority-data` is set (added when it had none).
    Kubeconfig,
    /// The CA file the kubeconfig names in `certificate-authority`; the kubeconfig is untouched.
    CaFile {
        /// The path as client-go resolves it.
        path: String,
    },
}

impl RepairTarget {
    /// `kubeconfig` or `ca-file`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RepairTarget::Kubeconfig => "kubeconfig",
            RepairTarget::CaFile { .. } => "ca-file",
        }
    }

    /// The CA file's path, for a repair that writes one; `None` when it writes the kubeconfig.
    pub fn ca_file(&self) -> Option<&str> {
        match self {
            RepairTarget::Kubeconfig => None,
            RepairTarget::CaFile { path } => Some(path),
        }
    }
}

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
