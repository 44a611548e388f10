//! Go's `checkChainForKeyUsage`: extended key usages nest down the chain. A CA that lists
//! purposes restricts everything below it; a certificate without the extension (or with an empty
//! one, or with anyExtendedKeyUsage) restricts nothing.

use crate::Certificate;
use crate::cert::ExtendedKeyUsage;

/// Whether every certificate of `chain` (leaf first) allows at least one of `requested`.
pub(super) fn chain_allows(chain: &[Certificate], requested: &[ExtendedKeyUsage]) -> bool {
    let mut alive: Vec<&ExtendedKeyUsage> = requested.iter().collect();
    for cert in chain.iter().rev() {
        let Some(listed) = cert.extended_key_usage() else { continue };
        if listed.is_empty() || listed.contains(&ExtendedKeyUsage::Any) {
            continue;
        }
        // Unknown purposes never satisfy a request: Go compares only the purposes it knows.
        alive.retain(|wanted| !matches!(wanted, ExtendedKeyUsage::Other(_)) && listed.contains(wanted));
        if alive.is_empty() {
            return false;
        }
    }
    true
}
