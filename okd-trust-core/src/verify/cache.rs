//! Signature checks remembered across verifications.
//!
//! A fleet audit verifies the same served chain against hundreds of node bundles holding the same
//! CAs: the same (issuer, certificate) pairs come up again and again, and the RSA arithmetic is
//! nearly all of the cost. The outcome of Go's `CheckSignatureFrom` depends on the two
//! certificates alone, so it is keyed by their SHA-256 fingerprints, which parsing already
//! computed. The cache is explicit state the caller owns and passes in: the core keeps no globals.

use std::collections::HashMap;
use std::sync::Mutex;

use super::Failure;
use crate::Certificate;

type Key = ([u8; 32], [u8; 32]);

/// Outcomes of signature checks, shared by every verification given it (thread-safe).
///
/// ```
/// use okd_trust::verify::{self, SignatureCache, VerifyOptions};
/// use okd_trust::{CaBundle, Timestamp, examples};
///
/// let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())?;
/// let roots = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes())?;
/// let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z")?;
/// let cache = SignatureCache::new();
/// for _ in 0..3 {
///     let options = VerifyOptions::new(&roots, at).cache(&cache);
///     assert!(verify::verify(chain.get(0).unwrap(), &options).is_trusted());
/// }
/// // Two issuers share the leaf's issuer name (the old and the rotated signer): each is checked
/// // once, and the next two verifications reuse both outcomes.
/// assert_eq!(cache.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct SignatureCache {
    outcomes: Mutex<HashMap<Key, Result<(), Failure>>>,
}

impl SignatureCache {
    /// An empty cache.
    pub fn new() -> Self {
        SignatureCache::default()
    }

    /// How many (issuer, certificate) pairs it remembers.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it remembers nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The remembered outcome for `child` signed by `parent`, or `check`'s, remembered.
    pub(crate) fn check(
        &self,
        child: &Certificate,
        parent: &Certificate,
        check: impl FnOnce() -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let key = (parent.sha256_fingerprint(), child.sha256_fingerprint());
        if let Some(outcome) = self.lock().get(&key) {
            return outcome.clone();
        }
        // Checked outside the lock, so threads verifying different chains do not wait on each other.
        let outcome = check();
        self.lock().insert(key, outcome.clone());
        outcome
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Result<(), Failure>>> {
        // A panic elsewhere cannot leave a half-written entry: insertions are single calls.
        self.outcomes.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
