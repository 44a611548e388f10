//! Every certificate of the inputs, once: the CA certificates (signers, keyed by public key),
//! the serving and client certificates (endpoints, each with its issuer found by signature), and
//! the bundles that hold CA certificates, each named `namespace/name[key]`.

use std::collections::{BTreeMap, HashMap, HashSet};

use sha2::{Digest as _, Sha256};

use super::model::{Bundle, BundleOrigin, Endpoint, SecretInfo, Signer};
use super::objects::{ApiUrls, Object, holds_certificate};
use super::{ClusterInputs, Unreadable};
use crate::cert::colon_hex;
use crate::manifest::{Manifest, ManifestKind};
use crate::verify::SignatureCache;
use crate::{CaBundle, Certificate, Limits, Timestamp};

/// Secret keys that hold trust (a bundle) rather than an identity (`tls.crt`).
const SECRET_BUNDLE_KEYS: [&str; 3] = ["ca.crt", "service-ca.crt", "ca-bundle.crt"];

/// The certificates and bundles of the inputs, with what the relationships need to select them.
#[derive(Debug, Default)]
pub(crate) struct Inventory {
    pub(crate) signers: Vec<Signer>,
    pub(crate) bundles: Vec<Bundle>,
    pub(crate) endpoints: Vec<Endpoint>,
    pub(crate) urls: ApiUrls,
    /// Bundles that could not be read (broken PEM, no certificate).
    pub(crate) unreadable: Vec<Unreadable>,
    /// Bundles some of whose PEM blocks were skipped, as Go skips them, with why.
    pub(crate) partly_read: Vec<(String, Vec<String>)>,
    /// Index of a signer by its SPKI SHA-256.
    by_key: HashMap<[u8; 32], usize>,
    /// Index of a bundle and of an endpoint by its source.
    by_bundle_source: HashMap<String, usize>,
    by_endpoint_source: HashMap<String, usize>,
}

impl Inventory {
    pub(crate) fn signer(&self, spki: &[u8; 32]) -> Option<&Signer> {
        self.by_key.get(spki).and_then(|&i| self.signers.get(i))
    }

    pub(crate) fn bundle(&self, source: &str) -> Option<&Bundle> {
        self.by_bundle_source.get(source).and_then(|&i| self.bundles.get(i))
    }

    pub(crate) fn endpoint(&self, source: &str) -> Option<&Endpoint> {
        self.by_endpoint_source.get(source).and_then(|&i| self.endpoints.get(i))
    }
}

/// SHA-256 of a certificate's SubjectPublicKeyInfo: the key, whatever certificate carries it.
pub(crate) fn spki_sha256(cert: &Certificate) -> [u8; 32] {
    Sha256::digest(cert.spki_der()).into()
}

struct Builder<'a> {
    inventory: Inventory,
    /// Parsed bundles by their bytes: the same CA text appears in hundreds of Secrets.
    parsed: HashMap<&'a [u8], Result<CaBundle, String>>,
    /// Every CA certificate seen (by fingerprint), to group by key.
    cas: BTreeMap<[u8; 32], (Certificate, Vec<String>)>,
    secrets_by_key: HashMap<[u8; 32], SecretInfo>,
    leaves: HashSet<[u8; 32]>,
    limits: &'a Limits,
}

pub(crate) fn build(inputs: &ClusterInputs, cache: &SignatureCache) -> Inventory {
    let mut b = Builder {
        inventory: Inventory::default(),
        parsed: HashMap::new(),
        cas: BTreeMap::new(),
        secrets_by_key: HashMap::new(),
        leaves: HashSet::new(),
        limits: &inputs.limits,
    };
    let names: HashSet<(&str, &str)> = inputs
        .objects
        .values()
        .map(|(_, object)| object)
        .filter_map(|o| match o {
            Object::Manifest(m) if m.kind == ManifestKind::Secret => {
                Some((m.metadata.namespace.as_str(), m.metadata.name.as_str()))
            }
            _ => None,
        })
        .collect();
    // What the pools run now: a rendered MachineConfig no pool runs any more is history, and its
    // files are on no node. Without pools in the inputs, every MachineConfig counts.
    let current: HashSet<&str> = inputs
        .objects
        .values()
        .filter_map(|(_, o)| match o {
            Object::MachineConfigPool { current, .. } if !current.is_empty() => Some(current.as_str()),
            _ => None,
        })
        .collect();
    for (_, object) in inputs.objects.values() {
        match object {
            Object::Manifest(m) => b.manifest(m, &names),
            Object::ControllerConfig { name, ca_data, urls } => {
                for (field, bytes) in ca_data {
                    b.bundle(format!("controllerconfig/{name}[{field}]"), BundleOrigin::ControllerConfig, bytes);
                }
                b.urls(urls);
            }
            Object::MachineConfig { name, files } => {
                let rendered = name.starts_with("rendered-");
                if !current.is_empty() && (!rendered || !current.contains(name.as_str())) {
                    continue;
                }
                for (path, bytes) in files {
                    b.bundle(format!("machineconfig/{name}[{path}]"), BundleOrigin::MachineConfig, bytes);
                }
            }
            Object::Infrastructure { urls } => b.urls(urls),
            Object::Csr { name, signer_name, certificate } => {
                b.leaf(format!("csr/{name}"), certificate, None, Some(signer_name.clone()), None);
            }
            Object::Node(_) | Object::ClusterVersion { .. } | Object::MachineConfigPool { .. } => {}
        }
    }
    for (label, bundle) in &inputs.kubeconfig_bundles {
        let source = label.clone();
        b.add_bundle(source, BundleOrigin::NodeKubeconfig, bundle.clone());
    }
    b.finish(cache)
}

impl<'a> Builder<'a> {
    fn urls(&mut self, urls: &ApiUrls) {
        let current = &mut self.inventory.urls;
        current.internal = current.internal.take().or_else(|| urls.internal.clone());
        current.external = current.external.take().or_else(|| urls.external.clone());
    }

    fn parse(&mut self, bytes: &'a [u8]) -> Result<CaBundle, String> {
        let limits = self.limits;
        self.parsed
            .entry(bytes)
            .or_insert_with(|| CaBundle::from_pem_with_limits(bytes, limits).map_err(|e| e.to_string()))
            .clone()
    }

    fn manifest(&mut self, m: &'a Manifest, secret_names: &HashSet<(&str, &str)>) {
        let ns = m.metadata.namespace.as_str();
        let name = m.metadata.name.as_str();
        let revision_of = revision_base(name).filter(|base| secret_names.contains(&(ns, base))).map(str::to_owned);
        for entry in &m.entries {
            let source = format!("{ns}/{name}[{}]", entry.key);
            let holds_pem = holds_certificate(&entry.value);
            match m.kind {
                ManifestKind::Secret if entry.key == "tls.crt" && holds_pem => {
                    let info = SecretInfo {
                        source: source.clone(),
                        secret_type: m.secret_type.clone(),
                        annotations: m.metadata.annotations.clone(),
                        revision_of: revision_of.clone(),
                    };
                    self.identity(source, &entry.value, info);
                }
                ManifestKind::Secret if SECRET_BUNDLE_KEYS.contains(&entry.key.as_str()) && holds_pem => {
                    let origin = if m.secret_type == "kubernetes.io/service-account-token" {
                        BundleOrigin::ServiceAccountToken
                    } else {
                        BundleOrigin::Secret
                    };
                    self.bundle(source, origin, &entry.value);
                }
                ManifestKind::ConfigMap if holds_pem => self.bundle(source, BundleOrigin::ConfigMap, &entry.value),
                _ => {}
            }
        }
    }

    /// A Secret's `tls.crt`: a CA certificate (a signer's Secret) or a leaf and its chain.
    fn identity(&mut self, source: String, bytes: &'a [u8], info: SecretInfo) {
        let chain = match self.parse(bytes) {
            Ok(chain) => chain,
            Err(reason) => return self.inventory.unreadable.push(Unreadable { path: source, reason }),
        };
        let Some(first) = chain.get(0).cloned() else { return };
        for cert in chain.iter().skip(1).filter(|c| c.is_ca()) {
            self.ca(cert, &source);
        }
        if first.is_ca() {
            self.ca(&first, &source);
            let key = spki_sha256(&first);
            // The current Secret speaks for the key (a revisioned copy only when nothing else
            // does); of two current ones, the first by name, whatever order they were read in.
            let rank = |s: &SecretInfo| (s.revision_of.is_some(), s.source.clone());
            let keep = self.secrets_by_key.get(&key).is_none_or(|held| rank(&info) < rank(held));
            if keep {
                self.secrets_by_key.insert(key, info);
            }
        } else {
            let hint = info.annotations.get("auth.openshift.io/certificate-hostnames").cloned();
            let rest = chain.iter().skip(1).cloned().collect();
            self.leaf_parsed(source, first, rest, None, Some(info), hint);
        }
    }

    fn leaf(
        &mut self,
        source: String,
        bytes: &'a [u8],
        secret: Option<SecretInfo>,
        csr_signer: Option<String>,
        hint: Option<String>,
    ) {
        match self.parse(bytes) {
            Ok(chain) => {
                let mut certs = chain.iter().cloned();
                if let Some(first) = certs.next() {
                    self.leaf_parsed(source, first, certs.collect(), csr_signer, secret, hint);
                }
            }
            Err(reason) => self.inventory.unreadable.push(Unreadable { path: source, reason }),
        }
    }

    fn leaf_parsed(
        &mut self,
        source: String,
        certificate: Certificate,
        intermediates: Vec<Certificate>,
        csr_signer: Option<String>,
        secret: Option<SecretInfo>,
        hint: Option<String>,
    ) {
        self.leaves.insert(certificate.sha256_fingerprint());
        let mut hostnames: Vec<String> = certificate.dns_names().to_vec();
        hostnames.extend(certificate.ip_addresses().iter().map(ToString::to_string));
        let hostname_hint = hint
            .map(|h| h.split(',').map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        self.inventory.endpoints.push(Endpoint {
            source,
            certificate,
            intermediates,
            hostnames,
            hostname_hint,
            issuer_spki_sha256: None,
            secret,
            csr_signer,
        });
    }

    fn bundle(&mut self, source: String, origin: BundleOrigin, bytes: &'a [u8]) {
        if !holds_certificate(bytes) {
            return;
        }
        match self.parse(bytes) {
            Ok(bundle) => {
                // A repeated certificate loses nothing; any other skipped block is worth saying.
                let skipped = bundle
                    .warnings()
                    .iter()
                    .filter(|w| !matches!(w.kind, crate::bundle::BundleWarningKind::Duplicate { .. }))
                    .map(ToString::to_string)
                    .collect::<Vec<_>>();
                if !skipped.is_empty() {
                    self.inventory.partly_read.push((source.clone(), skipped));
                }
                self.add_bundle(source, origin, bundle);
            }
            Err(reason) => self.inventory.unreadable.push(Unreadable { path: source, reason }),
        }
    }

    fn add_bundle(&mut self, source: String, origin: BundleOrigin, bundle: CaBundle) {
        for cert in bundle.iter().filter(|c| c.is_ca()) {
            self.ca(cert, &source);
        }
        self.inventory.bundles.push(Bundle { source, origin, certificates: bundle });
    }

    fn ca(&mut self, cert: &Certificate, source: &str) {
        let (_, sources) = self.cas.entry(cert.sha256_fingerprint()).or_insert_with(|| (cert.clone(), Vec::new()));
        if sources.last().is_none_or(|s| s != source) {
            sources.push(source.to_owned());
        }
    }

    fn finish(mut self, cache: &SignatureCache) -> Inventory {
        // One signer per CA certificate; certificates of one key share its identity.
        for (fingerprint, (certificate, sources)) in std::mem::take(&mut self.cas) {
            if self.leaves.contains(&fingerprint) {
                continue;
            }
            let key = spki_sha256(&certificate);
            let secret = self.secrets_by_key.get(&key).cloned();
            self.inventory.signers.push(Signer {
                spki_sha256: colon_hex(&key),
                refresh_at: refresh_point(&certificate),
                certificate,
                sources,
                secret,
                superseded_by: None,
            });
        }
        let inventory = &mut self.inventory;
        // The same inputs give the same report, whatever order the files were read in.
        for signer in &mut inventory.signers {
            signer.sources.sort_unstable();
            signer.sources.dedup();
        }
        inventory.signers.sort_by_cached_key(|s| {
            (s.certificate.subject(), s.certificate.not_before(), s.certificate.sha256_fingerprint())
        });
        inventory.bundles.sort_by(|a, b| a.source.cmp(&b.source));
        inventory.endpoints.sort_by(|a, b| a.source.cmp(&b.source));
        inventory.by_bundle_source = inventory.bundles.iter().enumerate().map(|(i, b)| (b.source.clone(), i)).collect();
        inventory.by_endpoint_source =
            inventory.endpoints.iter().enumerate().map(|(i, e)| (e.source.clone(), i)).collect();
        for (i, signer) in inventory.signers.iter().enumerate() {
            inventory.by_key.entry(spki_sha256(&signer.certificate)).or_insert(i);
        }
        mark_superseded(&mut inventory.signers);
        // Issuers by signature, among the CA certificates whose subject is the leaf's issuer.
        let mut by_subject: HashMap<&[u8], Vec<&Certificate>> = HashMap::new();
        for signer in &inventory.signers {
            by_subject.entry(signer.certificate.raw_subject()).or_default().push(&signer.certificate);
        }
        let issuers: Vec<Option<String>> = inventory
            .endpoints
            .iter()
            .map(|endpoint| {
                let candidates = by_subject.get(endpoint.certificate.raw_issuer())?;
                let issuer = candidates.iter().find(|ca| crate::verify::signed_by(&endpoint.certificate, ca, cache))?;
                Some(colon_hex(&spki_sha256(issuer)))
            })
            .collect();
        for (endpoint, issuer) in inventory.endpoints.iter_mut().zip(issuers) {
            endpoint.issuer_spki_sha256 = issuer;
        }
        self.inventory
    }
}

/// `name` without a revision suffix (`-<digits>`), when it has one.
pub(crate) fn revision_base(name: &str) -> Option<&str> {
    let (base, revision) = name.rsplit_once('-')?;
    (!revision.is_empty() && revision.bytes().all(|b| b.is_ascii_digit())).then_some(base)
}

/// When OpenShift's cert rotation replaces a certificate: at 80% of a lifetime of a year or more
/// (10-year signers at 8 years, 365-day ones at 292 days), else at half of it (60-day signers at
/// 30 days, 30-day leaves at 15), as the operators' rotation settings give them.
pub(crate) fn refresh_point(cert: &Certificate) -> Timestamp {
    let lifetime = cert.not_before().seconds_until(cert.not_after());
    let share = if lifetime >= 365 * 86_400 { lifetime / 5 * 4 } else { lifetime / 2 };
    cert.not_before().saturating_add_seconds(share)
}

/// Marks every key of a subject that another key of the same subject replaced. The current key
/// is the one its signer Secret holds now; without such a Secret, the newest. Subjects compare as
/// names (RFC 4514 text), so a re-created signer whose name is encoded differently still counts.
fn mark_superseded(signers: &mut [Signer]) {
    let rank = |s: &Signer| (held_by_current_secret(s), s.certificate.not_before());
    let mut current: HashMap<String, ((bool, Timestamp), String)> = HashMap::new();
    for signer in signers.iter() {
        let candidate = (rank(signer), signer.spki_sha256.clone());
        match current.get(&signer.certificate.subject()) {
            Some(held) if held.0 >= candidate.0 => {}
            _ => {
                current.insert(signer.certificate.subject(), candidate);
            }
        }
    }
    for signer in signers.iter_mut() {
        if let Some((_, key)) = current.get(&signer.certificate.subject())
            && *key != signer.spki_sha256
        {
            signer.superseded_by = Some(key.clone());
        }
    }
}

/// Whether the signer's certificate is the `tls.crt` of its current (not revisioned) Secret.
pub(crate) fn held_by_current_secret(signer: &Signer) -> bool {
    signer.secret.as_ref().is_some_and(|s| s.revision_of.is_none() && signer.sources.contains(&s.source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_suffixes_are_digits_only() {
        assert_eq!(revision_base("kubelet-client-7"), Some("kubelet-client"));
        assert_eq!(revision_base("etcd-peer-ip-10-0-187-218.ec2.internal"), None);
        assert_eq!(revision_base("serving-cert"), None);
    }
}
