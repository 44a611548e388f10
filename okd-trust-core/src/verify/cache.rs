//! Signature checks and whole verifications remembered across calls.
//!
//! A fleet audit verifies the same served chain against hundreds of node bundles holding the same
//! CAs: the same (issuer, certificate) pairs come up again and again, and the RSA arithmetic is
//! nearly all of the cost. The outcome of Go's `CheckSignatureFrom` depends on the two
//! certificates alone, so it is keyed by their SHA-256 fingerprints. A whole verification depends
//! on its inputs alone (certificates, name, time, usages, profile, budget), so when every node
//! asks the same question the verdict itself is remembered, keyed by all of them. For the same
//! reason the cache is explicit state the caller owns and passes in: the core keeps no globals.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Failure, Profile, Verdict, VerifyOptions};
use crate::cert::ExtendedKeyUsage;
use crate::{Certificate, Timestamp};

type Key = ([u8; 32], [u8; 32]);

/// Everything a verdict depends on; certificates by SHA-256 fingerprint, in the order given.
#[derive(Debug, PartialEq, Eq, Hash)]
struct VerifyKey {
    leaf: [u8; 32],
    intermediates: Vec<[u8; 32]>,
    roots: Vec<[u8; 32]>,
    server_name: Option<String>,
    at: Timestamp,
    usages: Vec<ExtendedKeyUsage>,
    profile: Profile,
    max_signature_checks: usize,
}

impl VerifyKey {
    fn new(leaf: &Certificate, options: &VerifyOptions<'_>) -> Self {
        VerifyKey {
            leaf: leaf.sha256_fingerprint(),
            intermediates: options.intermediates.iter().map(Certificate::sha256_fingerprint).collect(),
            roots: options.roots.iter().map(Certificate::sha256_fingerprint).collect(),
            server_name: options.server_name.map(str::to_owned),
            at: options.at,
            // No usages means serverAuth, as in Go: one key for both ways of asking.
            usages: if options.usages.is_empty() {
                vec![ExtendedKeyUsage::ServerAuth]
            } else {
                options.usages.to_vec()
            },
            profile: options.profile,
            max_signature_checks: options.budget.max_signature_checks,
        }
    }
}

/// Outcomes of signature checks and of whole verifications, shared by every verification given
/// it (thread-safe).
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
    verdicts: Mutex<HashMap<VerifyKey, Verdict>>,
}

impl SignatureCache {
    /// An empty cache.
    pub fn new() -> Self {
        SignatureCache::default()
    }

    /// How many (issuer, certificate) pairs it remembers (whole verdicts are not counted).
    pub fn len(&self) -> usize {
        lock(&self.outcomes).len()
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
        remembered(&self.outcomes, (parent.sha256_fingerprint(), child.sha256_fingerprint()), check)
    }

    /// The remembered verdict for verifying `leaf` with `options`, or `verify`'s, remembered.
    pub(crate) fn verdict(
        &self,
        leaf: &Certificate,
        options: &VerifyOptions<'_>,
        verify: impl FnOnce() -> Verdict,
    ) -> Verdict {
        remembered(&self.verdicts, VerifyKey::new(leaf, options), verify)
    }
}

/// The value remembered under `key`, or `compute`'s, remembered.
fn remembered<K: Eq + std::hash::Hash, V: Clone>(map: &Mutex<HashMap<K, V>>, key: K, compute: impl FnOnce() -> V) -> V {
    if let Some(value) = lock(map).get(&key) {
        return value.clone();
    }
    // Computed outside the lock, so threads verifying different chains do not wait on each other.
    let value = compute();
    lock(map).insert(key, value.clone());
    value
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere cannot leave a half-written entry: insertions are single calls.
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::verify::{self, Budget};
    use crate::{CaBundle, examples};

    /// A verdict from the cache is the one a fresh verification gives, and any input that
    /// differs (name, time, profile, budget, roots) is a different question.
    #[test]
    fn remembered_verdicts_answer_only_the_same_question() {
        let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes()).unwrap();
        let roots = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap();
        let old_roots = CaBundle::from_certificates(roots.iter().skip(1).cloned());
        let leaf = chain.get(0).unwrap();
        let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z").unwrap();
        let later = Timestamp::parse_rfc3339("2040-05-01T00:00:00Z").unwrap();
        let cache = SignatureCache::new();
        let variants = [
            VerifyOptions::new(&roots, at).intermediates(&chain.as_slice()[1..]),
            VerifyOptions::new(&roots, at).intermediates(&chain.as_slice()[1..]).server_name("api-int.ocp.example.com"),
            VerifyOptions::new(&roots, at).intermediates(&chain.as_slice()[1..]).server_name("elsewhere.example.com"),
            VerifyOptions::new(&roots, later).intermediates(&chain.as_slice()[1..]),
            VerifyOptions::new(&roots, at).profile(Profile::Strict),
            VerifyOptions::new(&roots, at).budget(Budget { max_signature_checks: 0 }),
            VerifyOptions::new(&old_roots, at),
        ];
        for _ in 0..2 {
            for options in &variants {
                let fresh = verify::verify(leaf, options);
                assert_eq!(verify::verify(leaf, &options.clone().cache(&cache)), fresh);
            }
        }
        assert_eq!(lock(&cache.verdicts).len(), variants.len());
    }

    #[test]
    fn no_usages_and_server_auth_are_one_question() {
        let roots = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap();
        let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes()).unwrap();
        let at = Timestamp::parse_rfc3339("2024-05-01T00:00:00Z").unwrap();
        let leaf = chain.get(0).unwrap();
        let server = [ExtendedKeyUsage::ServerAuth];
        let cache = SignatureCache::new();
        verify::verify(leaf, &VerifyOptions::new(&roots, at).cache(&cache));
        verify::verify(leaf, &VerifyOptions::new(&roots, at).usages(&server).cache(&cache));
        assert_eq!(lock(&cache.verdicts).len(), 1);
        let client = [ExtendedKeyUsage::ClientAuth];
        verify::verify(leaf, &VerifyOptions::new(&roots, at).usages(&client).cache(&cache));
        assert_eq!(lock(&cache.verdicts).len(), 2);
    }
}
