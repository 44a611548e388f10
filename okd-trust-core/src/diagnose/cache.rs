//! Work a fleet audit shares across nodes: every node asks the same questions of the same CAs.

use crate::kubeconfig::CaDataCache;
use crate::verify::SignatureCache;

/// What one diagnosis can reuse from another: signature checks and whole verdicts (see
/// [`SignatureCache`]), and the bundles decoded from `certificate-authority-data` every node
/// embeds alike. Explicit state the caller owns: the core keeps no globals. Thread-safe.
///
/// ```
/// use okd_trust::diagnose::{self, DoctorInput, FleetCache, Labelled};
/// use okd_trust::{CaBundle, Kubeconfig, Timestamp, examples};
///
/// let fleet = FleetCache::new();
/// let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
/// for node in ["worker-0", "worker-1"] {
///     let mut input = DoctorInput::new(Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?);
///     input.kubeconfigs.push(Labelled::new(node, Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes())?));
///     input.serving_chain = Some(Labelled::new("api-int", chain.iter().cloned().collect()));
///     diagnose::diagnose_with_cache(&input, &fleet);
/// }
/// // The second node's signature checks were all answered from the first's.
/// assert!(!fleet.signatures().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct FleetCache {
    signatures: SignatureCache,
    ca_data: CaDataCache,
}

impl FleetCache {
    /// An empty cache.
    pub fn new() -> Self {
        FleetCache::default()
    }

    /// The signature checks and verdicts it remembers.
    pub fn signatures(&self) -> &SignatureCache {
        &self.signatures
    }

    pub(super) fn ca_data(&self) -> &CaDataCache {
        &self.ca_data
    }
}
