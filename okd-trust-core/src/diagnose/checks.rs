//! The checks, one function per concern.

use super::node::{NodeTrust, Roots, cluster_bundle, summaries, verify_serving};
use super::{Code, DoctorInput, Finding, Severity, signers};
use crate::kubeconfig::ClusterTrust;
use crate::verify::{SignatureCache, Verdict as Trust};
use crate::{CaBundle, Certificate, Timestamp};

const SIGNER_SECRET_LEGACY_TYPE: &str = "SecretTypeTLS";

pub(super) fn run(
    input: &DoctorInput,
    nodes: &[NodeTrust<'_>],
    certificates: &[(String, Certificate)],
    cache: &SignatureCache,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let cluster = cluster_bundle(input);
    for unloadable in &input.unloadable {
        findings.push(Finding::new(
            Code::KubeconfigInvalid,
            Severity::Error,
            &unloadable.label,
            format!("client-go cannot load it, so kubelet cannot use it: {}", unloadable.value),
        ));
    }
    for node in nodes {
        kubeconfig_checks(input, node, cluster.as_ref(), cache, &mut findings);
    }
    disagreement(nodes, &mut findings);
    for (source, cert) in certificates {
        expiry(source, cert, input.at, input.warn_days, &mut findings);
    }
    let trust_bundles: Vec<&CaBundle> =
        nodes.iter().filter_map(NodeTrust::bundle).chain(input.multus_ca.as_ref().map(|m| &m.value)).collect();
    findings.extend(signers::recently_rotated(certificates, input.at, &trust_bundles));
    if let Some(secret) = &input.signer_secret
        && secret.value.secret_type == SIGNER_SECRET_LEGACY_TYPE
    {
        findings.push(Finding::new(
            Code::SignerSecretLegacyType,
            Severity::Warning,
            &secret.label,
            format!(
                "Secret {} has type {SIGNER_SECRET_LEGACY_TYPE} (clusters installed at 4.7 or earlier): upgrading to a 4.15 \
                 release before 4.15.10 deletes and re-creates it with a new key, and nodes stop trusting api-int. \
                 Upgrade straight to 4.15.10 or later, or make sure node kubeconfigs trust the new signer before they restart.",
                secret.value.qualified_name()
            ),
        ));
    }
    if let Some(multus) = &input.multus_ca {
        let name = input.server_name.clone().or_else(|| nodes.iter().find_map(|n| n.server_name(input)));
        if let Some(Trust::Untrusted(reason)) = verify_serving(input, &multus.value, name.as_deref(), cache) {
            findings.push(
                Finding::new(
                    Code::MultusCaUntrustedServingChain,
                    Severity::Error,
                    &multus.label,
                    format!("multus does not trust what api-int serves, so pod networking fails: {}", reason.failure),
                )
                .with_certificates(summaries(multus.value.as_slice())),
            );
        }
        for warning in multus.value.warnings() {
            findings.push(Finding::new(Code::PemBlocksSkipped, Severity::Warning, &multus.label, warning.to_string()));
        }
    }
    for source in &input.cluster_cas {
        for warning in source.value.warnings() {
            findings.push(Finding::new(Code::PemBlocksSkipped, Severity::Warning, &source.label, warning.to_string()));
        }
    }
    findings
}

fn kubeconfig_checks(
    input: &DoctorInput,
    node: &NodeTrust<'_>,
    cluster: Option<&CaBundle>,
    cache: &SignatureCache,
    findings: &mut Vec<Finding>,
) {
    let source = node.source;
    let problems = node.kubeconfig.validate();
    for problem in &problems {
        findings.push(Finding::new(
            Code::KubeconfigInvalid,
            Severity::Error,
            source,
            format!("client-go rejects it: {problem}"),
        ));
    }
    let Some(cluster_name) = &node.cluster else {
        if problems.is_empty() {
            findings.push(Finding::new(
                Code::KubeconfigInvalid,
                Severity::Error,
                source,
                "no current context names a cluster, so kubelet cannot tell which server to trust",
            ));
        }
        return;
    };
    if let Some(Err(e)) = &node.trust {
        findings.push(Finding::new(Code::KubeconfigInvalid, Severity::Error, source, e.to_string()));
        return;
    }
    if let Some(Ok(ClusterTrust::Insecure)) = &node.trust {
        findings.push(Finding::new(
            Code::KubeconfigInsecure,
            Severity::Warning,
            source,
            format!(
                "cluster {cluster_name:?} sets insecure-skip-tls-verify: any server, including an impostor, is trusted"
            ),
        ));
        return;
    }
    let Some(roots) = &node.roots else { return };
    let (bundle, trusted_by) = match roots {
        Roots::Unread { path } => {
            findings.push(
                Finding::new(
                    Code::CaPathUnresolved,
                    Severity::Info,
                    source,
                    format!("cluster {cluster_name:?} trusts the CA file {path}; pass that file too so the doctor can judge it"),
                )
                .with_detail("path", path.clone()),
            );
            return;
        }
        Roots::Unusable { path, reason, .. } => {
            findings.push(
                Finding::new(
                    Code::KubeconfigInvalid,
                    Severity::Error,
                    source,
                    format!("client-go rejects it: certificate-authority {path} for cluster {cluster_name:?} {reason}"),
                )
                .with_detail("ca_file", path.clone()),
            );
            return;
        }
        Roots::Embedded(bundle) => (bundle, None),
        Roots::File { file, bundle, .. } => (bundle, Some(format!("its CA file {}", file.path))),
        Roots::System { empty_file, bundle, label } => {
            let why = match empty_file {
                Some(file) => format!("the system roots ({label}), as its CA file {} is empty", file.path),
                None => format!("the system roots ({label}), as it names no CA"),
            };
            (bundle, Some(why))
        }
    };
    for warning in bundle.warnings() {
        findings.push(Finding::new(Code::PemBlocksSkipped, Severity::Warning, source, warning.to_string()));
    }
    let serving = verify_serving(input, bundle, node.server_name(input).as_deref(), cache);
    let untrusted = matches!(serving, Some(Trust::Untrusted(_)));
    if let Some(Trust::Untrusted(reason)) = &serving {
        findings.push(
            Finding::new(
                Code::KubeconfigUntrustedServingChain,
                Severity::Error,
                source,
                format!(
                    "kubelet will not trust api-int: {}.{} The node goes NotReady when kubelet next connects.",
                    reason.failure,
                    trusted_by.as_ref().map(|t| format!(" It trusts {t}.")).unwrap_or_default()
                ),
            )
            .with_certificates(vec![reason.certificate.clone()])
            .with_detail("cluster", cluster_name.clone()),
        );
    }
    if let Some(cluster) = cluster {
        let missing: Vec<Certificate> =
            cluster.without_expired(input.at).iter().filter(|c| !bundle.contains(c)).cloned().collect();
        if !missing.is_empty() {
            let severity = if untrusted { Severity::Error } else { Severity::Warning };
            findings.push(
                Finding::new(
                    Code::CaNotPropagated,
                    severity,
                    source,
                    format!(
                        "the cluster serves {} CA(s) this kubeconfig does not trust{}; it breaks as soon as api-int \
                         presents a certificate from one of them",
                        missing.len(),
                        trusted_by.as_ref().map(|t| format!(" (it trusts {t})")).unwrap_or_default()
                    ),
                )
                .with_certificates(summaries(&missing)),
            );
        }
    }
}

fn disagreement(nodes: &[NodeTrust<'_>], findings: &mut Vec<Finding>) {
    let with_bundles: Vec<(&str, &CaBundle)> = nodes.iter().filter_map(|n| Some((n.source, n.bundle()?))).collect();
    let Some(((first_source, first), rest)) = with_bundles.split_first() else { return };
    for (source, bundle) in rest {
        let diff = first.diff(bundle);
        if diff.is_unchanged() {
            continue;
        }
        findings.push(
            Finding::new(
                Code::KubeconfigsDisagree,
                Severity::Warning,
                *source,
                format!(
                    "{source} and {first_source} trust different CAs ({} only in {source}, {} only in {first_source}); \
                     kubelet uses one and the bootstrap path the other, so one of them is stale",
                    diff.added.len(),
                    diff.removed.len()
                ),
            )
            .with_certificates(summaries(&diff.added).into_iter().chain(summaries(&diff.removed)).collect()),
        );
    }
}

fn expiry(source: &str, cert: &Certificate, at: Timestamp, warn_days: u32, findings: &mut Vec<Finding>) {
    let left = cert.expires_in(at);
    if !cert.is_valid_at(at) && left < 0 {
        findings.push(
            Finding::new(
                Code::CertExpired,
                Severity::Warning,
                source,
                format!("{} expired on {}", cert.subject(), cert.not_after()),
            )
            .with_certificates(summaries(std::slice::from_ref(cert))),
        );
    } else if left < i64::from(warn_days) * 86_400 && left < lifetime(cert) / 2 {
        findings.push(
            Finding::new(
                Code::CertExpiringSoon,
                Severity::Warning,
                source,
                format!("{} expires on {} ({} days left)", cert.subject(), cert.not_after(), cert.days_left(at)),
            )
            .with_certificates(summaries(std::slice::from_ref(cert)))
            .with_detail("days_left", cert.days_left(at).to_string()),
        );
    }
}

/// Seconds from notBefore to notAfter. OpenShift renews a certificate once half its lifetime is
/// gone (a 30-day serving certificate after 15 days), so "expiring soon" means inside the warning
/// window *and* past that point: a fresh 30-day leaf is not a finding, an overdue one is.
fn lifetime(cert: &Certificate) -> i64 {
    cert.not_before().seconds_until(cert.not_after())
}

/// Every certificate in the inputs, labelled with its source, each source's copies once.
pub(super) fn certificates(input: &DoctorInput, nodes: &[NodeTrust<'_>]) -> Vec<(String, Certificate)> {
    let mut out = Vec::new();
    for node in nodes {
        if let Some(bundle) = node.bundle() {
            out.extend(bundle.iter().map(|c| (node.source.to_owned(), c.clone())));
        }
    }
    for source in input.cluster_cas.iter().chain(input.multus_ca.as_ref()) {
        out.extend(source.value.iter().map(|c| (source.label.clone(), c.clone())));
    }
    if let Some(chain) = &input.serving_chain {
        out.extend(chain.value.iter().map(|c| (chain.label.clone(), c.clone())));
    }
    // The signer itself: its expiry, and its notBefore (a re-keyed signer is the incident).
    if let Some(secret) = &input.signer_secret
        && let Some(Ok(signer)) = secret.value.get("tls.crt").map(CaBundle::from_pem)
    {
        out.extend(signer.iter().map(|c| (secret.label.clone(), c.clone())));
    }
    out
}
