//! Each kubeconfig's trust, decoded once per diagnosis and shared by every check and the plan:
//! the cluster it uses, and what client-go verifies api-int against.

use super::{CaFile, DoctorInput, FleetCache, Labelled};
use crate::kubeconfig::{CaFileTrust, ClusterTrust, KubeconfigError};
use crate::verify::{self, CertSummary, SignatureCache, Verdict, VerifyOptions};
use crate::{CaBundle, Certificate, Kubeconfig, Timestamp};

/// The kubeconfig's cluster the node uses, and what client-go will verify api-int against (its
/// embedded bundle decoded once per diagnosis: every check and the plan share it).
pub(super) struct NodeTrust<'a> {
    /// The kubeconfig's index in `DoctorInput::kubeconfigs`: its identity, unlike its label.
    pub(super) index: usize,
    pub(super) source: &'a str,
    pub(super) kubeconfig: &'a Kubeconfig,
    pub(super) cluster: Option<String>,
    pub(super) trust: Option<Result<ClusterTrust, KubeconfigError>>,
    /// The roots, once known.
    pub(super) roots: Option<Roots<'a>>,
}

/// What client-go verifies the server against, and where it comes from.
pub(super) enum Roots<'a> {
    /// `certificate-authority-data`.
    Embedded(CaBundle),
    /// The file `certificate-authority` names, as read.
    File { file: &'a CaFile, text: &'a [u8], bundle: CaBundle },
    /// The system roots: no CA named, or an empty CA file (client-go reads zero bytes as none).
    System { empty_file: Option<&'a CaFile>, bundle: CaBundle, label: String },
    /// The CA file cannot be used, so client-go refuses the kubeconfig. `text` is what it holds
    /// when it was read but loads no certificate: a repair can keep those bytes and append.
    Unusable { path: String, reason: String, text: Option<&'a [u8]> },
    /// The CA file was not given to the doctor.
    Unread { path: String },
}

fn node_trust<'a>(
    input: &'a DoctorInput,
    index: usize,
    labelled: &'a Labelled<Kubeconfig>,
    fleet: &FleetCache,
) -> NodeTrust<'a> {
    let kubeconfig = &labelled.value;
    let cluster = kubeconfig.current_cluster().map(|c| c.name.clone());
    let trust = cluster.as_deref().map(|c| kubeconfig.trust_shared(c, Some(fleet.ca_data())));
    let roots = match &trust {
        Some(Ok(ClusterTrust::Bundle(bundle))) => Some(Roots::Embedded(bundle.clone())),
        Some(Ok(ClusterTrust::File { path })) => Some(file_roots(input, index, path)),
        Some(Ok(ClusterTrust::SystemRoots)) => Some(system_roots(input, None)),
        _ => None,
    };
    NodeTrust { index, source: &labelled.label, kubeconfig, cluster, trust, roots }
}

/// A CA file's roots, read the way client-go reads it when it builds its TLS client.
fn file_roots<'a>(input: &'a DoctorInput, index: usize, written: &str) -> Roots<'a> {
    let Some(file) = input.ca_files.iter().find(|f| f.kubeconfig == index) else {
        return Roots::Unread { path: written.to_owned() };
    };
    match &file.contents {
        Err(reason) => {
            Roots::Unusable { path: file.path.clone(), reason: format!("cannot be read: {reason}"), text: None }
        }
        Ok(bytes) => match CaFileTrust::from_bytes(bytes) {
            CaFileTrust::Bundle(bundle) => Roots::File { file, text: bytes, bundle },
            CaFileTrust::SystemRoots => system_roots(input, Some(file)),
            CaFileTrust::Unloadable(e) => Roots::Unusable {
                path: file.path.clone(),
                reason: format!("unable to load root certificates: {e}"),
                text: Some(bytes),
            },
        },
    }
}

fn system_roots<'a>(input: &'a DoctorInput, empty_file: Option<&'a CaFile>) -> Roots<'a> {
    match &input.system_roots {
        Some(roots) => Roots::System { empty_file, bundle: roots.value.clone(), label: roots.label.clone() },
        None => Roots::System { empty_file, bundle: CaBundle::default(), label: "no system roots given".into() },
    }
}

/// Every kubeconfig's trust, in input order.
pub(super) fn nodes<'a>(input: &'a DoctorInput, fleet: &FleetCache) -> Vec<NodeTrust<'a>> {
    input.kubeconfigs.iter().enumerate().map(|(i, k)| node_trust(input, i, k, fleet)).collect()
}

impl NodeTrust<'_> {
    /// The CAs the node itself names (embedded or in its CA file); not the system store.
    pub(super) fn bundle(&self) -> Option<&CaBundle> {
        match &self.roots {
            Some(Roots::Embedded(b) | Roots::File { bundle: b, .. }) => Some(b),
            _ => None,
        }
    }

    pub(super) fn server_name(&self, input: &DoctorInput) -> Option<String> {
        input.server_name.clone().or_else(|| self.cluster.as_deref().and_then(|c| self.kubeconfig.server_name(c)))
    }
}

/// The union of every cluster CA source, in input order.
pub(super) fn cluster_bundle(input: &DoctorInput) -> Option<CaBundle> {
    input.cluster_cas.iter().map(|l| l.value.clone()).reduce(|a, b| a.union(&b))
}

pub(super) fn summaries(certs: &[Certificate]) -> Vec<CertSummary> {
    certs.iter().map(|c| CertSummary::new(c, 0)).collect()
}

/// Verifies the served chain against `roots` under the kubelet profile.
pub(super) fn verify_serving(
    input: &DoctorInput,
    roots: &CaBundle,
    server_name: Option<&str>,
    cache: &SignatureCache,
) -> Option<Verdict> {
    verify_chain(&input.serving_chain.as_ref()?.value, roots, server_name, input.at, cache)
}

/// Verifies `chain` (leaf first) against `roots` under the kubelet profile; `None` for an empty chain.
pub(super) fn verify_chain(
    chain: &[Certificate],
    roots: &CaBundle,
    server_name: Option<&str>,
    at: Timestamp,
    cache: &SignatureCache,
) -> Option<Verdict> {
    let (leaf, intermediates) = chain.split_first()?;
    let mut options = VerifyOptions::new(roots, at).intermediates(intermediates).cache(cache);
    if let Some(name) = server_name {
        options = options.server_name(name);
    }
    Some(verify::verify(leaf, &options))
}
