//! From inventory and edges to findings, each with its evidence.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::edges::split_source;
use super::inventory::{Inventory, spki_sha256};
use super::model::{Bundle, BundleOrigin, Code, Edge, Finding, Signer, Unreadable};
use super::objects::NodeInfo;
use super::{ClusterInputs, ClusterOptions};
use crate::cert::colon_hex;
use crate::diagnose::Severity;
use crate::verify::SignatureCache;
use crate::{CaBundle, Certificate, Timestamp, go_base64};

/// How many evidence lines of one kind a finding carries before it says "and N more".
const MAX_LISTED: usize = 10;

pub(crate) struct Context<'a> {
    pub(crate) inventory: &'a Inventory,
    pub(crate) edges: &'a [Edge],
    pub(crate) nodes: &'a [NodeInfo],
    pub(crate) at: Timestamp,
    pub(crate) options: &'a ClusterOptions,
    pub(crate) cache: &'a SignatureCache,
}

pub(crate) fn all(cx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    untrusted_edges(cx, &mut out);
    rekeyed_signers(cx, &mut out);
    superseded_only(cx, &mut out);
    lifetimes(cx, &mut out);
    rekey_risk(cx, &mut out);
    old_trust(cx, &mut out);
    out
}

/// Findings about the inputs themselves.
pub(crate) fn inputs(
    inputs: &ClusterInputs,
    unreadable: &[Unreadable],
    partly_read: &[(String, Vec<String>)],
) -> Vec<Finding> {
    let mut out = Vec::new();
    if inputs.is_empty() {
        // A mistyped path must not read as a healthy cluster: broken, saying why.
        let message = "nothing the analysis reads was given (no ConfigMap, Secret, ControllerConfig, MachineConfig, \
                       Node or kubelet journal): there is no verdict on the cluster; give a must-gather or \
                       `oc get -o yaml` dumps";
        out.push(Finding::new(Code::NothingRead, Severity::Error, "inputs", message));
    }
    for u in unreadable {
        let message = format!("{} could not be read and was skipped: {}", u.path, u.reason);
        out.push(Finding::new(Code::InputUnreadable, Severity::Warning, &u.path, message));
    }
    // Copies of one bundle (the platform's trusted-ca-bundle in 30 namespaces) skip the same
    // blocks: one finding per distinct set of skips, naming every bundle.
    let mut by_skips: BTreeMap<&[String], Vec<&str>> = BTreeMap::new();
    for (source, skipped) in partly_read {
        by_skips.entry(skipped.as_slice()).or_default().push(source);
    }
    for (skipped, sources) in by_skips {
        let first = sources.first().copied().unwrap_or_default();
        let message = match sources.len() {
            1 => {
                format!("{} PEM block(s) of {first} were skipped, as Go's AppendCertsFromPEM skips them", skipped.len())
            }
            n => format!(
                "{} PEM block(s) of {first} and of {} identical bundle(s) were skipped, as Go's AppendCertsFromPEM \
                 skips them",
                skipped.len(),
                n - 1
            ),
        };
        let mut finding = Finding::new(Code::PemBlocksSkipped, Severity::Info, first, message);
        for why in skipped.iter().take(MAX_LISTED) {
            finding = finding.with_detail("skipped", why.clone());
        }
        for source in sources.iter().skip(1).take(MAX_LISTED) {
            finding = finding.with_detail("also in", *source);
        }
        if sources.len() > MAX_LISTED + 1 {
            finding = finding.with_detail("and", format!("{} more", sources.len() - MAX_LISTED - 1));
        }
        out.push(finding);
    }
    for (source, note) in &inputs.kubeconfig_notes {
        let message = format!("{source} was not judged against api-int: {note}");
        out.push(Finding::new(Code::KubeconfigNotJudged, Severity::Warning, source, message));
    }
    if inputs.log_lines_total > 0 {
        let mut finding = Finding::new(
            Code::KubeletLogX509,
            Severity::Warning,
            inputs.log_lines.first().map(|l| l.path.as_str()).unwrap_or_default(),
            format!("the kubelet journal has {} line(s) with x509 errors", inputs.log_lines_total),
        );
        for line in inputs.log_lines.iter().take(5) {
            finding = finding.with_detail("line", format!("{}:{}: {}", line.path, line.line, line.text));
        }
        out.push(finding);
    }
    out
}

fn key_of(cert: &Certificate) -> String {
    colon_hex(&spki_sha256(cert))
}

/// A bundle that does not verify an endpoint a row says it must: one finding per bundle.
fn untrusted_edges(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut by_bundle: BTreeMap<&str, Vec<&Edge>> = BTreeMap::new();
    for edge in cx.edges.iter().filter(|e| !e.verdict.is_trusted()) {
        by_bundle.entry(edge.bundle.as_str()).or_default().push(edge);
    }
    for (source, edges) in by_bundle {
        let Some(bundle) = cx.inventory.bundle(source) else { continue };
        let endpoints: Vec<String> = dedup(edges.iter().map(|e| endpoint_label(e)));
        let namespace = split_source(source).and_then(|(object, _)| object.split_once('/')).map(|(ns, _)| ns);
        let notable = namespace.and_then(super::relations::namespace_reader);
        let readers: Vec<&str> = dedup(notable.into_iter().chain(edges.iter().map(|e| e.client)));
        let first = edges[0];
        let reason = first.verdict.reason().map(|r| r.failure.to_string()).unwrap_or_default();
        let message = format!(
            "{source} does not verify {} for its clients ({}): {reason}",
            endpoints.join(", "),
            readers.join("; ")
        );
        let mut finding = Finding::new(Code::BundleUntrustedEndpoint, Severity::Error, source, message);
        for edge in &edges {
            let code = edge.verdict.reason().map(|r| r.failure.code()).unwrap_or_default();
            finding = finding.with_detail(
                "edge",
                format!(
                    "{} → {} ({}): {code}",
                    edge.relationship,
                    edge.endpoint,
                    edge.server_name.as_deref().unwrap_or("-")
                ),
            );
        }
        for reader in &readers {
            finding = finding.with_detail("read by", *reader);
        }
        let endpoint_certs: Vec<&super::model::Endpoint> =
            dedup_by(edges.iter().filter_map(|e| cx.inventory.endpoint(&e.endpoint)));
        for endpoint in &endpoint_certs {
            finding = finding.with_certificate(&endpoint.certificate);
            if let Some(signer) = endpoint.issuer_spki_sha256.as_deref().and_then(|k| signer_by_key(cx, k)) {
                finding = finding
                    .with_certificate(&signer.certificate)
                    .with_detail("issuer key", format!("{} ({})", signer.spki_sha256, signer.certificate.subject()));
                let held = bundle.certificates.iter().any(|c| key_of(c) == signer.spki_sha256);
                if !held {
                    finding = finding.with_detail("missing key", signer.spki_sha256.clone());
                }
            }
        }
        if let Some((repaired, verified)) = repair(cx, bundle, &endpoint_certs) {
            finding = finding.with_detail("patch verified", verified.to_string());
            for line in patch(bundle, &repaired) {
                finding = finding.with_detail("fix", line);
            }
        }
        out.push(finding);
    }
}

fn endpoint_label(edge: &Edge) -> String {
    match &edge.server_name {
        Some(name) => format!("{name} ({})", edge.endpoint),
        None => edge.endpoint.clone(),
    }
}

fn dedup<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn dedup_by<'a, T>(items: impl Iterator<Item = &'a T>) -> Vec<&'a T> {
    let mut out: Vec<&'a T> = Vec::new();
    for item in items {
        if !out.iter().any(|o| std::ptr::eq(*o, item)) {
            out.push(item);
        }
    }
    out
}

fn signer_by_key<'a>(cx: &'a Context<'_>, key: &str) -> Option<&'a Signer> {
    // The newest certificate of the key that is valid at the moment judged.
    cx.inventory
        .signers
        .iter()
        .filter(|s| s.spki_sha256 == key)
        .max_by_key(|s| (s.certificate.is_valid_at(cx.at), s.certificate.not_before()))
}

/// The bundle with the issuers of its untrusted endpoints added and expired certificates dropped
/// (the doctor's repair policy), and whether it then verifies every edge of the bundle.
fn repair(cx: &Context<'_>, bundle: &Bundle, endpoints: &[&super::model::Endpoint]) -> Option<(CaBundle, bool)> {
    let issuers: Vec<Certificate> = endpoints
        .iter()
        .filter_map(|e| e.issuer_spki_sha256.as_deref().and_then(|k| signer_by_key(cx, k)))
        .map(|s| s.certificate.clone())
        .collect();
    if issuers.is_empty() {
        return None;
    }
    let repaired = bundle.certificates.union(&CaBundle::from_certificates(issuers)).without_expired(cx.at);
    let repaired_bundle = Bundle { certificates: repaired, ..bundle.clone() };
    let verified = cx.edges.iter().filter(|e| e.bundle == bundle.source).all(|edge| {
        let Some(endpoint) = cx.inventory.endpoint(&edge.endpoint) else { return false };
        super::edges::judge(&repaired_bundle, endpoint, edge.server_name.as_deref(), edge.usage, cx.at, cx.cache)
            .is_trusted()
    });
    let repaired = repaired_bundle.certificates;
    Some((repaired, verified))
}

/// The commands that put `repaired` where `bundle` was read.
fn patch(bundle: &Bundle, repaired: &CaBundle) -> Vec<String> {
    let pem = repaired.to_pem();
    let Some((object, key)) = split_source(&bundle.source) else {
        return vec![format!("on the node: okd-trust doctor --fix (adds the missing CA to {})", bundle.source)];
    };
    let (namespace, name) = object.split_once('/').unwrap_or(("", object));
    let merge = |value: String| shell_quote(&serde_json::json!({ "data": { key: value } }).to_string());
    let (ns, obj) = (shell_quote(namespace), shell_quote(name));
    match bundle.origin {
        BundleOrigin::ConfigMap => {
            let mut lines = vec![format!("oc patch configmap -n {ns} {obj} --type merge -p {}", merge(pem.clone()))];
            if name == "kube-root-ca.crt" {
                lines.push(
                    "kube-controller-manager republishes kube-root-ca.crt from \
                     openshift-kube-controller-manager/serviceaccount-ca: make sure that bundle holds the key too, \
                     or the patch is overwritten; then restart the namespace's pods (oc delete pod --all -n NAMESPACE)"
                        .replace("NAMESPACE", namespace),
                );
            }
            lines
        }
        BundleOrigin::Secret | BundleOrigin::ServiceAccountToken => {
            let body = merge(go_base64::encode(pem.as_bytes()));
            vec![format!("oc patch secret -n {ns} {obj} --type merge -p {body}")]
        }
        BundleOrigin::ControllerConfig | BundleOrigin::MachineConfig => vec![
            "the machine-config operator renders this from kube-apiserver's bundles: fix the source bundle, \
             not this copy"
                .to_owned(),
        ],
        BundleOrigin::NodeKubeconfig => {
            vec![format!("on the node: okd-trust doctor --fix (adds the missing CA to {})", bundle.source)]
        }
    }
}

/// `text` as one shell word: bare when it is made of the characters Kubernetes names use, else
/// single-quoted (a name from a hostile dump must not run anything when the fix is pasted).
fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
    if plain { text.to_owned() } else { format!("'{}'", text.replace('\'', "'\\''")) }
}

/// One subject, two keys.
fn rekeyed_signers(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut by_subject: BTreeMap<String, Vec<&Signer>> = BTreeMap::new();
    for signer in &cx.inventory.signers {
        by_subject.entry(signer.certificate.subject()).or_default().push(signer);
    }
    for signers in by_subject.values() {
        let mut keys: Vec<&Signer> = Vec::new();
        for signer in signers {
            if !keys.iter().any(|k| k.spki_sha256 == signer.spki_sha256) {
                keys.push(signer);
            }
        }
        if keys.len() < 2 {
            continue;
        }
        let Some(current) = keys.iter().find(|k| k.superseded_by.is_none()).copied() else { continue };
        let old: Vec<&Signer> = keys.iter().filter(|k| k.superseded_by.is_some()).copied().collect();
        // A long-lived key replaced before its refresh point is no routine rotation: the incident.
        let early: Vec<&Signer> = old
            .iter()
            .filter(|o| {
                o.certificate.not_before().seconds_until(o.certificate.not_after()) >= 365 * 86_400
                    && o.refresh_at > current.certificate.not_before().max(o.certificate.not_before())
            })
            .copied()
            .collect();
        let severity = if early.is_empty() { Severity::Info } else { Severity::Warning };
        let subject = current.certificate.subject();
        let source = current.secret.as_ref().map_or_else(|| subject.clone(), |s| s.source.clone());
        let mut message = format!(
            "{subject} was re-keyed: {} keys share the name; the current one ({}, notBefore {}) replaced {}",
            keys.len(),
            current.spki_sha256,
            current.certificate.not_before(),
            old.iter()
                .map(|o| format!("{} (notBefore {})", o.spki_sha256, o.certificate.not_before()))
                .collect::<Vec<_>>()
                .join(", "),
        );
        if let Some(first) = early.first() {
            message.push_str(&format!(
                ", long before the old key's refresh point ({}): every client that holds only the old key \
                 stops trusting what the new key signs",
                first.refresh_at
            ));
        }
        let mut finding = Finding::new(Code::SignerRekeyed, severity, source, message);
        for key in &keys {
            finding = finding.with_certificate(&key.certificate).with_detail(
                "key",
                format!(
                    "{} notBefore {} notAfter {}{}",
                    key.spki_sha256,
                    key.certificate.not_before(),
                    key.certificate.not_after(),
                    if key.superseded_by.is_some() { " (superseded)" } else { " (current)" }
                ),
            );
        }
        out.push(finding);
    }
}

/// Bundles that hold an old key of a signer and not the key that replaced it: one finding per
/// superseded key, naming every such bundle — those some client fails with first.
fn superseded_only(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let failing: BTreeSet<&str> =
        cx.edges.iter().filter(|e| !e.verdict.is_trusted()).map(|e| e.bundle.as_str()).collect();
    let mut groups: BTreeMap<(String, String), (Certificate, Vec<&Bundle>)> = BTreeMap::new();
    for bundle in &cx.inventory.bundles {
        let keys: Vec<String> = bundle.certificates.iter().map(key_of).collect();
        for (cert, key) in bundle.certificates.iter().zip(&keys) {
            let Some(signer) = cx.inventory.signer(&spki_sha256(cert)) else { continue };
            let Some(newer) = &signer.superseded_by else { continue };
            if !keys.contains(newer) {
                let group = groups.entry((key.clone(), newer.clone())).or_insert_with(|| (cert.clone(), Vec::new()));
                group.1.push(bundle);
            }
        }
    }
    for ((old, newer), (cert, mut bundles)) in groups {
        bundles.sort_by_key(|b| {
            (!failing.contains(b.source.as_str()), b.origin != super::BundleOrigin::ConfigMap, b.source.clone())
        });
        let Some(first) = bundles.first() else { continue };
        let others = match bundles.len() {
            1 => String::new(),
            n => format!(" and {} other bundle(s)", n - 1),
        };
        let message = format!(
            "{}{others} hold only a superseded key of {} ({old}); the key that replaced it ({newer}) is missing",
            first.source,
            cert.subject()
        );
        let mut finding = Finding::new(Code::BundleSupersededKeyOnly, Severity::Warning, &first.source, message)
            .with_certificate(&cert)
            .with_detail("superseded key", old.clone())
            .with_detail("current key", newer.clone());
        for bundle in bundles.iter().take(MAX_LISTED) {
            finding = finding.with_detail("bundle", bundle.source.clone());
        }
        if bundles.len() > MAX_LISTED {
            finding = finding.with_detail("and", format!("{} more bundles", bundles.len() - MAX_LISTED));
        }
        out.push(finding);
    }
}

/// Whether `cert` is the one its current Secret holds (not a copy in a bundle, not a revision).
fn in_current_secret(signer: &Signer) -> bool {
    super::inventory::held_by_current_secret(signer)
}

/// Whether OpenShift's own rotation manages the Secret — its namespaces, or its `auth.openshift.io`
/// annotations — so that its refresh points apply (cert-manager and user certificates renew on
/// schedules of their own).
fn is_platform(secret: &super::model::SecretInfo) -> bool {
    let namespace = secret.source.split('/').next().unwrap_or_default();
    namespace.starts_with("openshift-")
        || namespace.starts_with("kube-")
        || secret.annotations.keys().any(|k| k.starts_with("auth.openshift.io/"))
}

/// Expired, past refresh, or re-keying soon.
fn lifetimes(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut judge = |cert: &Certificate, source: &str, refresh_at: Timestamp, kind: &str| {
        let lifetime = cert.not_before().seconds_until(cert.not_after());
        if cert.not_after() < cx.at {
            let message = format!("the {kind} in {source} ({}) expired on {}", cert.subject(), cert.not_after());
            out.push(Finding::new(Code::CertExpired, Severity::Error, source, message).with_certificate(cert));
        } else if refresh_at <= cx.at {
            let message = format!(
                "the {kind} in {source} ({}) is past its refresh point ({}) and still in place; it expires on {} \
                 (in {} days): the operator that rotates it has not",
                cert.subject(),
                refresh_at,
                cert.not_after(),
                cert.days_left(cx.at)
            );
            out.push(
                Finding::new(Code::CertPastRefresh, Severity::Warning, source, message)
                    .with_certificate(cert)
                    .with_detail("refresh at", refresh_at.to_string()),
            );
        } else if lifetime >= 365 * 86_400 && cx.at.seconds_until(refresh_at) < i64::from(cx.options.warn_days) * 86_400
        {
            let message = format!(
                "{} re-keys on {} (in {} days): every bundle its clients hold, node kubeconfigs included, must \
                 carry the new key before api-int serves a certificate it signs",
                cert.subject(),
                refresh_at,
                cx.at.days_until(refresh_at)
            );
            out.push(
                Finding::new(Code::SignerRefreshDue, Severity::Warning, source, message)
                    .with_certificate(cert)
                    .with_detail("refresh at", refresh_at.to_string()),
            );
        }
    };
    for signer in &cx.inventory.signers {
        if in_current_secret(signer) && signer.secret.as_ref().is_some_and(is_platform) {
            let source = signer.secret.as_ref().map(|s| s.source.as_str()).unwrap_or_default();
            judge(&signer.certificate, source, signer.refresh_at, "signer");
        }
    }
    for endpoint in &cx.inventory.endpoints {
        if endpoint.secret.as_ref().is_some_and(|s| s.revision_of.is_none() && is_platform(s)) {
            let refresh_at = super::inventory::refresh_point(&endpoint.certificate);
            judge(&endpoint.certificate, &endpoint.source, refresh_at, "certificate");
        }
    }
}

/// Signer Secrets an upgrade to 4.15 before 4.15.10 would re-create with a new key.
fn rekey_risk(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut unowned = Vec::new();
    for signer in &cx.inventory.signers {
        let Some(secret) = signer.secret.as_ref().filter(|_| in_current_secret(signer)) else {
            continue;
        };
        if !secret.annotations.contains_key("openshift.io/owning-component") {
            unowned.push(secret.source.clone());
        }
        // What 4.15's rotation re-creates: a signer Secret of any type but kubernetes.io/tls
        // (installers of 4.7 and earlier wrote the legacy SecretTypeTLS).
        if secret.secret_type == "kubernetes.io/tls" {
            continue;
        }
        // What the key anchors, and whether nodes hold it where nothing updates it.
        let anchored: Vec<&Edge> = cx
            .edges
            .iter()
            .filter(|e| {
                cx.inventory.endpoint(&e.endpoint).and_then(|p| p.issuer_spki_sha256.as_deref())
                    == Some(signer.spki_sha256.as_str())
            })
            .collect();
        let api_endpoints: Vec<&str> = dedup(
            anchored
                .iter()
                .filter(|e| e.relationship.ends_with("→api-int") || e.relationship.ends_with("→api"))
                .map(|e| e.endpoint.as_str()),
        );
        let subject = signer.certificate.subject();
        let mut finding = if api_endpoints.is_empty() {
            Finding::new(
                Code::SignerRekeyRisk,
                Severity::Info,
                &secret.source,
                format!(
                    "{} has the type {:?}, not kubernetes.io/tls: an upgrade to 4.15 before 4.15.10 re-creates it \
                     with a new key ({subject}); nothing nodes hold outside the cluster's own republishing depends on it",
                    secret.source, secret.secret_type
                ),
            )
        } else {
            let nodes: Vec<&str> = cx.nodes.iter().map(|n| n.name.as_str()).collect();
            let exposure = if nodes.is_empty() {
                "every node".to_owned()
            } else {
                format!("all {} nodes ({})", nodes.len(), nodes.join(", "))
            };
            Finding::new(
                Code::SignerRekeyRisk,
                Severity::Warning,
                &secret.source,
                format!(
                    "{} has the type {:?}, not kubernetes.io/tls: an upgrade to 4.15 before 4.15.10 re-creates it \
                     with a new key ({subject}) and re-issues {} from it, while {exposure} keep the old key in \
                     /etc/kubernetes/kubeconfig and /var/lib/kubelet/kubeconfig: kubelet stops trusting api-int. \
                     Upgrade to 4.15.10 or later, or convert the Secret's type to kubernetes.io/tls first (keeping \
                     tls.crt and tls.key)",
                    secret.source,
                    secret.secret_type,
                    api_endpoints.join(", ")
                ),
            )
            .with_detail("exposure", exposure)
        };
        finding = finding
            .with_certificate(&signer.certificate)
            .with_detail("secret type", secret.secret_type.clone())
            .with_detail("key", signer.spki_sha256.clone());
        for edge in anchored.iter().take(MAX_LISTED) {
            finding = finding.with_detail("anchors", format!("{} → {}", edge.relationship, edge.endpoint));
        }
        out.push(finding);
    }
    if !unowned.is_empty() {
        let message = format!(
            "{} signer Secret(s) carry no openshift.io/owning-component annotation: 4.15's certificate rotation \
             rewrites their metadata, and before 4.15.10 re-creates (re-keys) those whose type is not \
             kubernetes.io/tls",
            unowned.len()
        );
        let mut finding = Finding::new(Code::SignerRekeyRisk, Severity::Info, "signer Secrets", message);
        for source in unowned.iter().take(MAX_LISTED) {
            finding = finding.with_detail("secret", source.clone());
        }
        if unowned.len() > MAX_LISTED {
            finding = finding.with_detail("and", format!("{} more", unowned.len() - MAX_LISTED));
        }
        out.push(finding);
    }
}

/// Superseded or expired CAs in bundles: removable when nothing chains to them, else who needs them.
fn old_trust(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Certificates by issuer name, to look for dependents by signature.
    let mut by_issuer: HashMap<&[u8], Vec<(String, &Certificate)>> = HashMap::new();
    for endpoint in &cx.inventory.endpoints {
        by_issuer
            .entry(endpoint.certificate.raw_issuer())
            .or_default()
            .push((endpoint.source.clone(), &endpoint.certificate));
    }
    for signer in &cx.inventory.signers {
        if !signer.certificate.is_self_issued() {
            by_issuer
                .entry(signer.certificate.raw_issuer())
                .or_default()
                .push((signer.certificate.subject(), &signer.certificate));
        }
    }
    for signer in &cx.inventory.signers {
        let expired = signer.certificate.not_after() < cx.at;
        if signer.superseded_by.is_none() && !expired {
            continue;
        }
        let bundles: Vec<&str> = cx
            .inventory
            .bundles
            .iter()
            .filter(|b| b.certificates.contains(&signer.certificate))
            .map(|b| b.source.as_str())
            .collect();
        // Only the cluster's own trust: a bundle some relationship reads (the platform's public
        // roots in trusted-ca-bundle are not the cluster's to prune).
        if !bundles.iter().any(|b| cx.edges.iter().any(|e| e.bundle == *b)) {
            continue;
        }
        let dependents: Vec<&str> = by_issuer
            .get(signer.certificate.raw_subject())
            .into_iter()
            .flatten()
            .filter(|(_, cert)| {
                *cert != &signer.certificate && crate::verify::signed_by(cert, &signer.certificate, cx.cache)
            })
            .map(|(source, _)| source.as_str())
            .collect();
        let why = if expired { "expired" } else { "superseded" };
        let subject = signer.certificate.subject();
        let mut finding = if dependents.is_empty() {
            Finding::new(
                Code::TrustRemovable,
                Severity::Info,
                &subject,
                format!(
                    "the {why} key {} of {subject} is in {} bundle(s) and no certificate the inputs show chains to \
                     it (checked by signature): it can be removed from them",
                    signer.spki_sha256,
                    bundles.len()
                ),
            )
        } else {
            Finding::new(
                Code::TrustStillNeeded,
                Severity::Info,
                &subject,
                format!(
                    "the {why} key {} of {subject} still anchors {} certificate(s): keep it in its bundles until \
                     they are re-issued",
                    signer.spki_sha256,
                    dependents.len()
                ),
            )
        };
        finding = finding.with_certificate(&signer.certificate);
        for source in dependents.iter().take(MAX_LISTED) {
            finding = finding.with_detail("needed by", *source);
        }
        for source in bundles.iter().take(MAX_LISTED) {
            finding = finding.with_detail("bundle", *source);
        }
        if bundles.len() > MAX_LISTED {
            finding = finding.with_detail("and", format!("{} more bundles", bundles.len() - MAX_LISTED));
        }
        out.push(finding);
    }
}
