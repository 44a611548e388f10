//! The relationships of [`RELATIONSHIPS`] applied to an inventory: one edge per bundle and
//! endpoint a row selects, each with Go's verdict (kubelet profile) at the moment judged.

use std::collections::{HashMap, HashSet};

use super::inventory::Inventory;
use super::model::{Bundle, BundleOrigin, Edge, Endpoint};
use super::relations::{BundleSelector, Dial, EndpointSelector, RELATIONSHIPS, Relationship, Usage};
use crate::cert::ExtendedKeyUsage;
use crate::verify::{self, SignatureCache, VerifyOptions};
use crate::{Certificate, Timestamp};

/// What decides a verdict: the bundle's certificates, the endpoint, the name dialled, the usage.
type VerdictKey = (Vec<[u8; 32]>, usize, Option<String>, Usage);

/// The edges, and the rows that found no bundle or no endpoint (by id).
pub(crate) struct Edges {
    pub(crate) edges: Vec<Edge>,
    pub(crate) unmatched: Vec<(&'static Relationship, &'static str)>,
}

pub(crate) fn build(
    inventory: &Inventory,
    kubeconfig_servers: &[(String, Option<String>)],
    at: Timestamp,
    cache: &SignatureCache,
) -> Edges {
    let mut edges = Vec::new();
    let mut unmatched = Vec::new();
    // Verdicts by (bundle content, endpoint, name, usage): hundreds of token Secrets share a CA.
    let mut verdicts: HashMap<VerdictKey, verify::Verdict> = HashMap::new();
    for row in RELATIONSHIPS {
        let mut bundles: Vec<&Bundle> = inventory.bundles.iter().filter(|b| selects_bundle(&row.bundles, b)).collect();
        if matches!(row.bundles, BundleSelector::SecretsNamed { .. }) {
            bundles = newest_revisions(bundles);
        }
        let endpoints = select_endpoints(&row.endpoints, inventory);
        if bundles.is_empty() {
            unmatched.push((row, "bundle"));
            continue;
        }
        if endpoints.is_empty() {
            unmatched.push((row, "endpoint"));
            continue;
        }
        for bundle in bundles {
            let content: Vec<[u8; 32]> = bundle.certificates.iter().map(Certificate::sha256_fingerprint).collect();
            for &(index, dial) in &endpoints {
                let Some(endpoint) = inventory.endpoints.get(index) else { continue };
                let server_name = match bundle.origin {
                    // A kubeconfig dials what its own `server` says.
                    BundleOrigin::NodeKubeconfig => kubeconfig_servers
                        .iter()
                        .find(|(source, _)| *source == bundle.source)
                        .and_then(|(_, name)| name.clone()),
                    _ => dial_name(dial, endpoint, inventory),
                };
                let key = (content.clone(), index, server_name.clone(), row.usage);
                let verdict = verdicts
                    .entry(key)
                    .or_insert_with(|| judge(bundle, endpoint, server_name.as_deref(), row.usage, at, cache))
                    .clone();
                edges.push(Edge {
                    relationship: row.id,
                    client: row.client,
                    bundle: bundle.source.clone(),
                    endpoint: endpoint.source.clone(),
                    server_name,
                    usage: row.usage,
                    verdict,
                });
            }
        }
    }
    Edges { edges, unmatched }
}

pub(crate) fn judge(
    bundle: &Bundle,
    endpoint: &Endpoint,
    server_name: Option<&str>,
    usage: Usage,
    at: Timestamp,
    cache: &SignatureCache,
) -> verify::Verdict {
    let usages = match usage {
        Usage::Server => [ExtendedKeyUsage::ServerAuth],
        Usage::Client => [ExtendedKeyUsage::ClientAuth],
    };
    let mut options = VerifyOptions::new(&bundle.certificates, at)
        .intermediates(&endpoint.intermediates)
        .usages(&usages)
        .cache(cache);
    if let Some(name) = server_name {
        options = options.server_name(name);
    }
    verify::verify(&endpoint.certificate, &options)
}

fn selects_bundle(selector: &BundleSelector, bundle: &Bundle) -> bool {
    let Some((object, key)) = split_source(&bundle.source) else {
        return matches!((selector, bundle.origin), (BundleSelector::NodeKubeconfigs, BundleOrigin::NodeKubeconfig));
    };
    let (namespace, name) = object.split_once('/').unwrap_or(("", object));
    match *selector {
        BundleSelector::Key { namespace: ns, name: n, key: k } => {
            matches!(bundle.origin, BundleOrigin::ConfigMap | BundleOrigin::Secret)
                && namespace == ns
                && name == n
                && key == k
        }
        BundleSelector::EveryNamespace { name: n, key: k } => {
            bundle.origin == BundleOrigin::ConfigMap && name == n && key == k
        }
        BundleSelector::ServiceAccountTokens => bundle.origin == BundleOrigin::ServiceAccountToken && key == "ca.crt",
        BundleSelector::SecretsNamed { prefix } => {
            bundle.origin == BundleOrigin::Secret && name.starts_with(prefix) && key == "ca.crt"
        }
        BundleSelector::ControllerConfig { field } => bundle.origin == BundleOrigin::ControllerConfig && key == field,
        BundleSelector::MachineConfigFile { path } => bundle.origin == BundleOrigin::MachineConfig && key == path,
        BundleSelector::NodeKubeconfigs => bundle.origin == BundleOrigin::NodeKubeconfig,
    }
}

/// Per namespace, the bundle of the highest revision (`name-N`): older revisions are kept by
/// the installer but no longer mounted.
fn newest_revisions(bundles: Vec<&Bundle>) -> Vec<&Bundle> {
    let revision = |b: &Bundle| -> (String, u64) {
        let object = split_source(&b.source).map_or("", |(object, _)| object);
        let (namespace, name) = object.split_once('/').unwrap_or(("", object));
        let number = super::inventory::revision_base(name)
            .and_then(|base| name.get(base.len() + 1..))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        (namespace.to_owned(), number)
    };
    let mut newest: HashMap<String, (u64, &Bundle)> = HashMap::new();
    for bundle in bundles {
        let (namespace, number) = revision(bundle);
        if newest.get(&namespace).is_none_or(|(held, _)| *held < number) {
            newest.insert(namespace, (number, bundle));
        }
    }
    let mut chosen: Vec<&Bundle> = newest.into_values().map(|(_, b)| b).collect();
    chosen.sort_by(|a, b| a.source.cmp(&b.source));
    chosen
}

/// `object[key]` split in two.
pub(crate) fn split_source(source: &str) -> Option<(&str, &str)> {
    let (object, key) = source.strip_suffix(']')?.split_once('[')?;
    Some((object, key))
}

fn is_current_secret(endpoint: &Endpoint, namespace: &str, name: &str) -> bool {
    endpoint.secret.as_ref().is_some_and(|s| s.revision_of.is_none())
        && endpoint.source == format!("{namespace}/{name}[tls.crt]")
}

fn select_endpoints(selector: &EndpointSelector, inventory: &Inventory) -> Vec<(usize, Dial)> {
    let endpoints = inventory.endpoints.iter().enumerate();
    match *selector {
        EndpointSelector::Secret { namespace, name, dial } => {
            endpoints.filter(|(_, e)| is_current_secret(e, namespace, name)).map(|(i, _)| (i, dial)).collect()
        }
        EndpointSelector::ClientSecrets { suffix } => endpoints
            .filter(|(_, e)| {
                let current = e.secret.as_ref().is_some_and(|s| s.revision_of.is_none());
                let name = split_source(&e.source).map(|(object, _)| object).unwrap_or_default();
                current && name.ends_with(suffix)
            })
            .map(|(i, _)| (i, Dial::None))
            .collect(),
        EndpointSelector::Csr { signer_name } => {
            // The newest certificate per subject: older ones were rotated away.
            let mut newest: HashMap<&[u8], usize> = HashMap::new();
            for (i, e) in endpoints.filter(|(_, e)| e.csr_signer.as_deref() == Some(signer_name)) {
                let subject = e.certificate.raw_subject();
                let newer = newest
                    .get(subject)
                    .and_then(|&j| inventory.endpoints.get(j))
                    .is_none_or(|held| held.certificate.not_before() < e.certificate.not_before());
                if newer {
                    newest.insert(subject, i);
                }
            }
            let mut chosen: Vec<usize> = newest.into_values().collect();
            chosen.sort_unstable();
            let dial = match signer_name {
                "kubernetes.io/kubelet-serving" => Dial::FirstDnsName,
                _ => Dial::None,
            };
            chosen.into_iter().map(|i| (i, dial)).collect()
        }
        EndpointSelector::ServiceServingCerts => {
            let mut seen = HashSet::new();
            endpoints
                .filter(|(_, e)| {
                    e.secret.as_ref().is_some_and(|s| s.revision_of.is_none() && service_of(s).is_some())
                        && seen.insert(e.source.clone())
                })
                .map(|(i, _)| (i, Dial::FirstDnsName))
                .collect()
        }
    }
}

/// The Service a serving-certificate Secret was issued for, from the service CA operator's annotation.
fn service_of(secret: &super::model::SecretInfo) -> Option<&str> {
    ["service.beta.openshift.io/originating-service-name", "service.alpha.openshift.io/originating-service-name"]
        .iter()
        .find_map(|a| secret.annotations.get(*a))
        .map(String::as_str)
}

fn dial_name(dial: Dial, endpoint: &Endpoint, inventory: &Inventory) -> Option<String> {
    let host = |url: &Option<String>| url.as_deref().and_then(crate::kubeconfig::host_of_url);
    match dial {
        Dial::ApiInt => host(&inventory.urls.internal).or_else(|| dns_starting(endpoint, "api-int.")),
        Dial::Api => host(&inventory.urls.external).or_else(|| dns_starting(endpoint, "api.")),
        Dial::Name(name) => Some(name.to_owned()),
        Dial::FirstDnsName => {
            // A service certificate is dialled as <service>.<namespace>.svc.
            let service = endpoint.secret.as_ref().and_then(service_of);
            let namespace = endpoint.source.split('/').next().unwrap_or_default();
            match service {
                Some(service) => Some(format!("{service}.{namespace}.svc")),
                None => endpoint.certificate.dns_names().first().cloned(),
            }
        }
        Dial::None => None,
    }
}

fn dns_starting(endpoint: &Endpoint, prefix: &str) -> Option<String> {
    endpoint.certificate.dns_names().iter().find(|n| n.starts_with(prefix)).cloned()
}
