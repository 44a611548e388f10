//! Go's per-chain name-constraint check. (Being written.)

use super::Failure;
use crate::Certificate;

/// Checks every SAN of every certificate in `chain` (leaf first) against the name constraints of
/// every certificate above it. On failure: the index in `chain` of the constraining certificate.
pub(super) fn check_chain(chain: &[Certificate]) -> Result<(), (usize, Failure)> {
    let _ = chain;
    Ok(())
}
