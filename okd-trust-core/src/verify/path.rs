//! Go's `Certificate.Verify`: leaf checks, then every chain to a root by depth-first search,
//! then per-chain filters (extended key usage, name constraints, and the strict profile's rules).

use std::collections::HashSet;

use super::failure::{Attempt, CertSummary, Failure, Untrusted};
use super::signature::{AwsLc, SignatureBackend, check_signature_from};
use super::{Profile, Verdict, VerifyOptions, eku, hostname, name_constraints, policy, strict};
use crate::Certificate;
use crate::cert::{ExtendedKeyUsage, PublicKeyAlgorithm};

pub(super) fn verify(leaf: &Certificate, options: &VerifyOptions<'_>) -> Verdict {
    verify_with(&AwsLc, leaf, options)
}

fn untrusted(failure: Failure, cert: &Certificate, depth: usize, attempts: Vec<Attempt>) -> Verdict {
    Verdict::Untrusted(Untrusted { failure, certificate: CertSummary::new(cert, depth), attempts })
}

pub(super) fn verify_with(backend: &dyn SignatureBackend, leaf: &Certificate, options: &VerifyOptions<'_>) -> Verdict {
    if let Err(failure) = check_validity(leaf, options) {
        return untrusted(failure, leaf, 0, Vec::new());
    }
    if let Some(name) = options.server_name
        && let Err(failure) = hostname::check(leaf, name)
    {
        return untrusted(failure, leaf, 0, Vec::new());
    }

    let candidates = if options.roots.contains(leaf) {
        vec![vec![leaf.clone()]]
    } else {
        let mut search = Search::new(backend, options);
        let chains = search.build(&mut vec![leaf.clone()]);
        if chains.is_empty() {
            let (failure, cert, depth) = search.deciding_failure(leaf);
            return untrusted(failure, &cert, depth, search.attempts);
        }
        chains
    };

    let default_usage = [ExtendedKeyUsage::ServerAuth];
    let usages = if options.usages.is_empty() { &default_usage[..] } else { options.usages };
    let check_usage = !usages.contains(&ExtendedKeyUsage::Any);
    let wanted_usage = || Failure::IncompatibleUsage { wanted: usages.iter().map(ToString::to_string).collect() };
    // Every chain that was built but rejected, with why: the operator sees each candidate path.
    let mut rejected: Vec<Attempt> = Vec::new();
    let mut first_rejection: Option<(Failure, Certificate, usize)> = None;
    let (mut invalid_policies, mut incompatible_usage) = (0, 0);
    // Go's order of the per-chain filters: policies, extended key usage, name constraints.
    for chain in &candidates {
        if !policy::chain_valid(chain) {
            invalid_policies += 1;
            let failure = Failure::InvalidPolicies { chains: 1, incompatible_usage: 0 };
            rejected.push(Attempt { path: summaries(chain), failure });
            continue;
        }
        if check_usage && !eku::chain_allows(chain, usages) {
            incompatible_usage += 1;
            rejected.push(Attempt { path: summaries(chain), failure: wanted_usage() });
            continue;
        }
        let rest = name_constraints::check_chain(chain).and_then(|()| match options.profile {
            Profile::Strict => strict::check_chain(chain, options.server_name),
            Profile::Kubelet => Ok(()),
        });
        match rest {
            Ok(()) => return Verdict::Trusted { chain: chain.clone() },
            Err((index, failure)) => {
                let upto = chain.get(..=index).unwrap_or(chain);
                rejected.push(Attempt { path: summaries(upto), failure: failure.clone() });
                if first_rejection.is_none() {
                    let cert = chain.get(index).unwrap_or(leaf).clone();
                    first_rejection = Some((failure, cert, index));
                }
            }
        }
    }
    // As Go: a name-constraint failure wins, then the counts of the other two filters.
    let (failure, cert, depth) = first_rejection.unwrap_or_else(|| {
        let failure = if invalid_policies > 0 {
            Failure::InvalidPolicies { chains: invalid_policies, incompatible_usage }
        } else {
            wanted_usage()
        };
        (failure, leaf.clone(), 0)
    });
    untrusted(failure, &cert, depth, rejected)
}

fn summaries(chain: &[Certificate]) -> Vec<CertSummary> {
    chain.iter().enumerate().map(|(depth, cert)| CertSummary::new(cert, depth)).collect()
}

/// The checks Go runs on every certificate it puts in a chain, leaf included.
fn check_validity(cert: &Certificate, options: &VerifyOptions<'_>) -> Result<(), Failure> {
    let critical = cert.unhandled_critical_extensions();
    if !critical.is_empty() {
        return Err(Failure::UnhandledCriticalExtension { oids: critical.iter().map(ToString::to_string).collect() });
    }
    if options.at < cert.not_before() {
        return Err(Failure::NotYetValid { not_before: cert.not_before(), at: options.at });
    }
    if options.at > cert.not_after() {
        return Err(Failure::Expired { not_after: cert.not_after(), at: options.at });
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Intermediate,
}

/// One depth-first search over candidate issuers, with Go's shared signature-check budget.
struct Search<'a> {
    backend: &'a dyn SignatureBackend,
    options: &'a VerifyOptions<'a>,
    intermediates: Vec<Certificate>,
    checks: usize,
    exhausted: bool,
    attempts: Vec<Attempt>,
    /// The last non-signature failure of a candidate that matched by name (what Go returns).
    last_failure: Option<(Failure, Certificate, usize)>,
}

impl<'a> Search<'a> {
    fn new(backend: &'a dyn SignatureBackend, options: &'a VerifyOptions<'a>) -> Self {
        // A pool holds each certificate once, as Go's CertPool does.
        let mut seen = HashSet::new();
        let intermediates =
            options.intermediates.iter().filter(|c| seen.insert(c.sha256_fingerprint())).cloned().collect();
        Search {
            backend,
            options,
            intermediates,
            checks: 0,
            exhausted: false,
            attempts: Vec::new(),
            last_failure: None,
        }
    }

    /// Every chain that extends `path` (leaf first) to a root.
    fn build(&mut self, path: &mut Vec<Certificate>) -> Vec<Vec<Certificate>> {
        let mut chains = Vec::new();
        let Some(child) = path.last().cloned() else { return chains };
        let roots: Vec<Certificate> = potential_parents(self.options.roots.iter(), &child);
        let intermediates: Vec<Certificate> = potential_parents(self.intermediates.iter(), &child);
        let candidates = roots
            .into_iter()
            .map(|c| (Role::Root, c))
            .chain(intermediates.into_iter().map(|c| (Role::Intermediate, c)));
        for (role, candidate) in candidates {
            // Go passes over issuers with a key it cannot use and issuers already in the path
            // (loops) without spending a signature check on them.
            if matches!(candidate.public_key_algorithm(), PublicKeyAlgorithm::Other(_))
                || already_in_chain(&candidate, path)
            {
                continue;
            }
            if let Err(failure) = self.consider(role, &candidate, &child, path) {
                let depth = path.len();
                let mut tried: Vec<CertSummary> =
                    path.iter().enumerate().map(|(d, c)| CertSummary::new(c, d)).collect();
                tried.push(CertSummary::new(&candidate, depth));
                let is_signature_problem = matches!(
                    failure,
                    Failure::BadSignature
                        | Failure::ParentCannotSign { .. }
                        | Failure::InsecureSignatureAlgorithm { .. }
                        | Failure::UnsupportedAlgorithm { .. }
                        | Failure::KeyAlgorithmMismatch { .. }
                        | Failure::RsaKeyTooSmall { .. }
                );
                if !is_signature_problem && !matches!(failure, Failure::SignatureCheckLimit { .. }) {
                    self.last_failure = Some((failure.clone(), candidate.clone(), depth));
                }
                self.attempts.push(Attempt { path: tried, failure });
                continue;
            }
            match role {
                Role::Root => {
                    let mut chain = path.clone();
                    chain.push(candidate);
                    chains.push(chain);
                }
                Role::Intermediate => {
                    path.push(candidate);
                    chains.extend(self.build(path));
                    path.pop();
                }
            }
        }
        chains
    }

    /// Go's `considerCandidate` after its silent skips: budget, signature, then the candidate's own checks.
    fn consider(
        &mut self,
        role: Role,
        candidate: &Certificate,
        child: &Certificate,
        path: &[Certificate],
    ) -> Result<(), Failure> {
        self.checks += 1;
        if self.exhausted || self.checks > self.options.budget.max_signature_checks {
            self.exhausted = true;
            return Err(Failure::SignatureCheckLimit { limit: self.options.budget.max_signature_checks });
        }
        let backend = self.backend;
        match self.options.cache {
            Some(cache) => cache.check(child, candidate, || check_signature_from(backend, child, candidate))?,
            None => check_signature_from(backend, child, candidate)?,
        }
        check_validity(candidate, self.options)?;
        if role == Role::Intermediate && !candidate.basic_constraints().is_some_and(|bc| bc.ca) {
            return Err(Failure::NotAuthorizedToSign);
        }
        if let Some(path_len) = candidate.basic_constraints().and_then(|bc| bc.path_len) {
            // Every certificate between the leaf and this CA counts, self-issued ones too (as in Go).
            let intermediates = path.len() - 1;
            if intermediates > path_len as usize {
                return Err(Failure::TooManyIntermediates { path_len, intermediates });
            }
        }
        Ok(())
    }

    /// What Go reports when no chain was found: the last candidate's own failure, or else
    /// "unknown authority" for the certificate whose issuer could not be found.
    fn deciding_failure(&self, leaf: &Certificate) -> (Failure, Certificate, usize) {
        if self.exhausted {
            let limit = self.options.budget.max_signature_checks;
            return (Failure::SignatureCheckLimit { limit }, leaf.clone(), 0);
        }
        if let Some((failure, cert, depth)) = &self.last_failure {
            return (failure.clone(), cert.clone(), *depth);
        }
        // The deepest certificate reached whose issuer is missing: follow the presented chain up.
        let mut stuck = (leaf.clone(), 0);
        for attempt in &self.attempts {
            if let Some(below) = attempt.path.len().checked_sub(2)
                && below >= stuck.1
                && let Some(cert) = self.find_presented(&attempt.path[below].sha256)
            {
                stuck = (cert, below);
            }
        }
        let (cert, depth) = stuck;
        let same_name = |c: &&Certificate| c.raw_subject() == cert.raw_issuer();
        let in_bundle: Vec<CertSummary> =
            self.options.roots.iter().filter(same_name).map(|c| CertSummary::new(c, depth + 1)).collect();
        let presented = self
            .intermediates
            .iter()
            .filter(same_name)
            .filter(|c| !self.options.roots.contains(c))
            .map(|c| CertSummary::new(c, depth + 1))
            .collect();
        let failure = Failure::UnknownAuthority {
            issuer: cert.issuer(),
            same_name_in_bundle: in_bundle,
            same_name_presented: presented,
        };
        (failure, cert, depth)
    }

    fn find_presented(&self, sha256: &str) -> Option<Certificate> {
        self.intermediates.iter().find(|c| CertSummary::new(c, 0).sha256 == sha256).cloned()
    }
}

/// Go's `findPotentialParents`: same raw subject as the child's issuer, ordered key-id match
/// first, then one key id missing, then mismatching key ids. Key ids only order; they never exclude.
fn potential_parents<'c>(pool: impl Iterator<Item = &'c Certificate>, child: &Certificate) -> Vec<Certificate> {
    let (mut matching, mut one_missing, mut mismatching) = (Vec::new(), Vec::new(), Vec::new());
    let aki = child.authority_key_id().unwrap_or_default();
    for candidate in pool.filter(|c| c.raw_subject() == child.raw_issuer()) {
        let ski = candidate.subject_key_id().unwrap_or_default();
        if ski == aki {
            matching.push(candidate.clone());
        } else if ski.is_empty() || aki.is_empty() {
            one_missing.push(candidate.clone());
        } else {
            mismatching.push(candidate.clone());
        }
    }
    matching.extend(one_missing);
    matching.extend(mismatching);
    matching
}

/// Go's `alreadyInChain`: same subject, same key and the same SAN extension (or none on both).
fn already_in_chain(candidate: &Certificate, chain: &[Certificate]) -> bool {
    let san = |c: &Certificate| c.extension(&crate::cert::Oid::SUBJECT_ALT_NAME).map(|e| e.value.to_vec());
    chain.iter().any(|c| {
        c.raw_subject() == candidate.raw_subject() && c.spki_der() == candidate.spki_der() && san(c) == san(candidate)
    })
}
