//! The checks, one function per concern, and the plan built from the same facts.

use super::plan::RepairTarget;
use super::plan::{Action, ConfigMapPatch, KubeconfigRepair, Plan};
use super::{CaFile, Code, DoctorInput, Finding, Labelled, Severity, signers};
use crate::cert::colon_hex;
use crate::kubeconfig::{ClusterTrust, KubeconfigError};
use crate::verify::{self, CertSummary, SignatureCache, Verdict as Trust, VerifyOptions};
use crate::{CaBundle, Certificate, Kubeconfig, Timestamp};

const SIGNER_SECRET_LEGACY_TYPE: &str = "SecretTypeTLS";

/// The kubeconfig's cluster the node uses, and what client-go will verify api-int against (its
/// embedded bundle decoded once per diagnosis: every check and the plan share it).
pub(super) struct NodeTrust<'a> {
    /// The kubeconfig's index in `DoctorInput::kubeconfigs`: its identity, unlike its label.
    index: usize,
    source: &'a str,
    kubeconfig: &'a Kubeconfig,
    cluster: Option<String>,
    trust: Option<Result<ClusterTrust, KubeconfigError>>,
    /// The roots, once known.
    roots: Option<Roots<'a>>,
}

/// What client-go verifies the server against, and where it comes from.
pub(super) enum Roots<'a> {
    /// `certificate-authority-data`.
    Embedded(CaBundle),
    /// The file `certificate-authority` names, as read.
    File { file: &'a CaFile, text: &'a [u8], bundle: CaBundle },
    /// The system roots: no CA named, or an empty CA file (client-go reads zero bytes as none).
    System { empty_file: Option<&'a CaFile>, bundle: CaBundle, label: String },
    /// The CA file cannot be used, so client-go refuses the kubeconfig.
    Unusable { path: String, reason: String },
    /// The CA file was not given to the doctor.
    Unread { path: String },
}

fn node_trust<'a>(
    input: &'a DoctorInput,
    index: usize,
    labelled: &'a Labelled<Kubeconfig>,
    cache: &SignatureCache,
) -> NodeTrust<'a> {
    let kubeconfig = &labelled.value;
    let cluster = kubeconfig.current_cluster().map(|c| c.name.clone());
    let trust = cluster.as_deref().map(|c| kubeconfig.trust_shared(c, Some(cache)));
    let roots = match &trust {
        Some(Ok(ClusterTrust::Bundle(bundle))) => Some(Roots::Embedded(bundle.clone())),
        Some(Ok(ClusterTrust::File { path })) => Some(file_roots(input, index, path)),
        Some(Ok(ClusterTrust::SystemRoots)) => Some(system_roots(input, None)),
        _ => None,
    };
    NodeTrust { index, source: &labelled.label, kubeconfig, cluster, trust, roots }
}

/// A CA file's roots, read the way client-go reads it when it builds its TLS client.
fn file_roots<'a>(input: &'a DoctorInput, index: usize, written: &str) -> Roots<'a> {
    let Some(file) = input.ca_files.iter().find(|f| f.kubeconfig == index) else {
        return Roots::Unread { path: written.to_owned() };
    };
    match &file.contents {
        Err(reason) => Roots::Unusable { path: file.path.clone(), reason: format!("cannot be read: {reason}") },
        // Zero bytes is no CA to client-go: it falls back to the system roots.
        Ok(bytes) if bytes.is_empty() => system_roots(input, Some(file)),
        Ok(bytes) => match CaBundle::from_pem(bytes) {
            Ok(bundle) => Roots::File { file, text: bytes, bundle },
            Err(e) => {
                Roots::Unusable { path: file.path.clone(), reason: format!("unable to load root certificates: {e}") }
            }
        },
    }
}

fn system_roots<'a>(input: &'a DoctorInput, empty_file: Option<&'a CaFile>) -> Roots<'a> {
    match &input.system_roots {
        Some(roots) => Roots::System { empty_file, bundle: roots.value.clone(), label: roots.label.clone() },
        None => Roots::System { empty_file, bundle: CaBundle::default(), label: "no system roots given".into() },
    }
}

/// Every kubeconfig's trust, in input order.
pub(super) fn nodes<'a>(input: &'a DoctorInput, cache: &SignatureCache) -> Vec<NodeTrust<'a>> {
    input.kubeconfigs.iter().enumerate().map(|(i, k)| node_trust(input, i, k, cache)).collect()
}

impl NodeTrust<'_> {
    /// The CAs the node itself names (embedded or in its CA file); not the system store.
    fn bundle(&self) -> Option<&CaBundle> {
        match &self.roots {
            Some(Roots::Embedded(b) | Roots::File { bundle: b, .. }) => Some(b),
            _ => None,
        }
    }

    fn server_name(&self, input: &DoctorInput) -> Option<String> {
        input.server_name.clone().or_else(|| self.cluster.as_deref().and_then(|c| self.kubeconfig.server_name(c)))
    }
}

/// The union of every cluster CA source, in input order.
fn cluster_bundle(input: &DoctorInput) -> Option<CaBundle> {
    input.cluster_cas.iter().map(|l| l.value.clone()).reduce(|a, b| a.union(&b))
}

fn summaries(certs: &[Certificate]) -> Vec<CertSummary> {
    certs.iter().map(|c| CertSummary::new(c, 0)).collect()
}

/// Verifies the served chain against `roots` under the kubelet profile.
fn verify_serving(
    input: &DoctorInput,
    roots: &CaBundle,
    server_name: Option<&str>,
    cache: &SignatureCache,
) -> Option<Trust> {
    verify_chain(&input.serving_chain.as_ref()?.value, roots, server_name, input.at, cache)
}

/// Verifies `chain` (leaf first) against `roots` under the kubelet profile; `None` for an empty chain.
fn verify_chain(
    chain: &[Certificate],
    roots: &CaBundle,
    server_name: Option<&str>,
    at: Timestamp,
    cache: &SignatureCache,
) -> Option<Trust> {
    let (leaf, intermediates) = chain.split_first()?;
    let mut options = VerifyOptions::new(roots, at).intermediates(intermediates).cache(cache);
    if let Some(name) = server_name {
        options = options.server_name(name);
    }
    Some(verify::verify(leaf, &options))
}

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
    findings.extend(signers::recently_rotated(certificates, input.at).into_iter().map(|f| settled(f, nodes, input)));
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

/// A rotation every given trust bundle already follows is worth knowing, not a risk: the finding
/// drops to info when each embedded kubeconfig bundle (and multus' CA, when given) trusts the new signer.
fn settled(mut finding: Finding, nodes: &[NodeTrust<'_>], input: &DoctorInput) -> Finding {
    let Some(new_signer) = finding.certificates.first().map(|c| c.sha256.clone()) else { return finding };
    let trusts = |bundle: &CaBundle| bundle.iter().any(|c| colon_hex(&c.sha256_fingerprint()) == new_signer);
    let bundles: Vec<&CaBundle> =
        nodes.iter().filter_map(NodeTrust::bundle).chain(input.multus_ca.as_ref().map(|m| &m.value)).collect();
    if !bundles.is_empty() && bundles.iter().all(|b| trusts(b)) {
        finding.severity = Severity::Info;
        finding.message.push_str(" Every trust bundle given already trusts it.");
    }
    finding
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
        Roots::Unusable { path, reason } => {
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
                source,
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
                format!("{} expires on {} ({} days left)", cert.subject(), cert.not_after(), left / 86_400),
            )
            .with_certificates(summaries(std::slice::from_ref(cert)))
            .with_detail("days_left", (left / 86_400).to_string()),
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

pub(super) fn plan(input: &DoctorInput, nodes: &[NodeTrust<'_>], cache: &SignatureCache) -> Plan {
    let mut plan = Plan::default();
    let Some(cluster) = cluster_bundle(input) else { return plan };
    for node in nodes {
        let (Some(cluster_name), Some(roots)) = (&node.cluster, &node.roots) else { continue };
        let server_name = node.server_name(input);
        let serving = || Serving {
            chain: input.serving_chain.as_ref().map(|c| c.value.as_slice()),
            server_name: server_name.as_deref(),
            at: input.at,
            cache,
        };
        let empty = CaBundle::default();
        // What the node names now; nothing when it relies on the system roots.
        let current = match roots {
            Roots::Embedded(bundle) | Roots::File { bundle, .. } => bundle,
            Roots::System { .. } => &empty,
            Roots::Unusable { .. } | Roots::Unread { .. } => continue,
        };
        let wanted = current.union(&cluster).without_expired(input.at);
        if current.diff(&wanted).is_unchanged() {
            continue;
        }
        let repair = match roots {
            Roots::File { file, text, .. } => {
                repair_ca_file((node.index, node.source), cluster_name, &file.path, text, current, &wanted, serving())
            }
            Roots::System { empty_file: Some(file), .. } => {
                repair_ca_file((node.index, node.source), cluster_name, &file.path, b"", current, &wanted, serving())
            }
            _ => repair((node.index, node.source), node.kubeconfig, cluster_name, &wanted, serving()),
        };
        plan.kubeconfigs.push(repair);
    }
    if let Some(multus) = &input.multus_ca {
        let wanted = multus.value.union(&cluster).without_expired(input.at);
        if !multus.value.diff(&wanted).is_unchanged() {
            let patch = serde_json::json!({ "data": { "ca.crt": wanted.to_pem() } }).to_string();
            plan.multus_patch = Some(ConfigMapPatch {
                target: "openshift-multus/kube-root-ca.crt".into(),
                patch,
                note:
                    "a stopgap: kube-controller-manager republishes kube-root-ca.crt from its service-account CA and \
                       will overwrite this patch; the lasting fix is the cluster's own CA propagation (4.15.10+)"
                        .into(),
            });
        }
    }
    if !plan.kubeconfigs.is_empty() {
        plan.actions.push(Action {
            description: "restart kubelet so it reloads its kubeconfig (on each node that was changed)".into(),
            command: "systemctl restart kubelet".into(),
        });
    }
    if plan.multus_patch.is_some() || !plan.kubeconfigs.is_empty() {
        if let Some(patch) = &plan.multus_patch {
            plan.actions.insert(
                0,
                Action {
                    description: "give multus the same CAs (stopgap until the cluster republishes them)".into(),
                    command: format!(
                        "oc patch configmap -n openshift-multus kube-root-ca.crt --type merge -p '{}'",
                        patch.patch
                    ),
                },
            );
        }
        plan.actions.push(Action {
            description: "recreate the multus pods so they pick up the trusted CA".into(),
            command: "oc delete pod -n openshift-multus -l app=multus".into(),
        });
    }
    plan
}

/// The body of [`super::repair_kubeconfig`], shared with the doctor's plan.
/// What a repaired bundle must verify, and how.
pub(super) struct Serving<'a> {
    /// The served chain, leaf first.
    pub(super) chain: Option<&'a [Certificate]>,
    /// The name dialled; the kubeconfig's server host when `None`.
    pub(super) server_name: Option<&'a str>,
    /// When.
    pub(super) at: Timestamp,
    /// Signature checks to reuse.
    pub(super) cache: &'a SignatureCache,
}

pub(super) fn repair(
    (index, source): (usize, &str),
    kubeconfig: &Kubeconfig,
    cluster_name: &str,
    wanted: &CaBundle,
    serving: Serving<'_>,
) -> KubeconfigRepair {
    let Serving { chain: serving_chain, server_name, at, cache } = serving;
    let current = kubeconfig.ca_bundle(cluster_name).ok().flatten().unwrap_or_default();
    let diff = current.diff(wanted);
    let mut repair = KubeconfigRepair {
        kubeconfig: index,
        source: source.to_owned(),
        target: RepairTarget::Kubeconfig,
        cluster: cluster_name.to_owned(),
        old_text: kubeconfig.text(),
        new_text: String::new(),
        added: summaries(&diff.added),
        removed: summaries(&diff.removed),
        verified: false,
        verification: String::new(),
    };
    let (edit, reparsed) = match kubeconfig.edit_ca_bundle(cluster_name, wanted) {
        Ok(edit) => edit,
        Err(e) => {
            repair.verification = format!("not repairable automatically: {e}");
            return repair;
        }
    };
    // The edit's self-check already re-parsed the new text; parse it here only when it did not.
    let Some(edited) = reparsed.or_else(|| Kubeconfig::parse(edit.text.as_bytes()).ok()) else {
        repair.verification = "the edited file does not parse".into();
        return repair;
    };
    // Verify before write means the written file must pass client-go's validation, whether the
    // problem is new or was there before: kubelet would refuse it either way.
    if let Some(problem) = edited.validate().into_iter().next() {
        repair.verification = format!("client-go would reject the edited file: {problem}");
        return repair;
    }
    let server_name = server_name.map(str::to_owned).or_else(|| kubeconfig.server_name(cluster_name));
    match serving_chain.and_then(|chain| verify_chain(chain, wanted, server_name.as_deref(), at, cache)) {
        Some(Trust::Untrusted(reason)) => {
            repair.verification = format!(
                "the union bundle still does not verify what api-int serves, so the fix is withheld: {}",
                reason.failure
            );
        }
        Some(Trust::Trusted { .. }) => {
            repair.verified = true;
            repair.verification = "re-parsed, client-go validation clean, and the new bundle verifies the api-int serving chain (kubelet profile)".into();
        }
        _ => {
            repair.verified = true;
            repair.verification = "re-parsed and client-go validation clean (no serving chain given, so trust of api-int was not checked)".into();
        }
    }
    repair.new_text = edit.text;
    repair
}

/// A repair of the CA file a kubeconfig names: the kubeconfig stays as it is, and the file gains
/// the CAs it lacks — appended when nothing is dropped, so every byte it had stays; written anew
/// when expired CAs go. Verified like a kubeconfig repair: the new text must load as exactly the
/// wanted bundle, and verify the served chain.
#[allow(clippy::too_many_arguments)]
pub(super) fn repair_ca_file(
    (index, source): (usize, &str),
    cluster_name: &str,
    path: &str,
    old: &[u8],
    current: &CaBundle,
    wanted: &CaBundle,
    serving: Serving<'_>,
) -> KubeconfigRepair {
    let diff = current.diff(wanted);
    let mut repair = KubeconfigRepair {
        kubeconfig: index,
        source: source.to_owned(),
        target: RepairTarget::CaFile { path: path.to_owned() },
        cluster: cluster_name.to_owned(),
        old_text: String::from_utf8_lossy(old).into_owned(),
        new_text: String::new(),
        added: summaries(&diff.added),
        removed: summaries(&diff.removed),
        verified: false,
        verification: String::new(),
    };
    if diff.is_unchanged() {
        // Nothing to add or drop: the file stays as it is, whatever its encoding.
        repair.new_text = repair.old_text.clone();
        repair.verified = true;
        repair.verification = "the CA file already holds exactly this bundle".into();
        return repair;
    }
    let Ok(old_text) = std::str::from_utf8(old) else {
        repair.verification = format!("the CA file {path} is not UTF-8 text, so it is not rewritten automatically");
        return repair;
    };
    let new_text = if diff.removed.is_empty() {
        let mut text = old_text.to_owned();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.extend(diff.added.iter().map(|c| crate::pem::encode("CERTIFICATE", c.der())));
        text
    } else {
        wanted.to_pem()
    };
    match CaBundle::from_pem(new_text.as_bytes()) {
        Ok(reread) if reread.diff(wanted).is_unchanged() => {}
        _ => {
            repair.verification = "the new CA file does not load as the intended bundle".into();
            return repair;
        }
    }
    let Serving { chain, server_name, at, cache } = serving;
    match chain.and_then(|chain| verify_chain(chain, wanted, server_name, at, cache)) {
        Some(Trust::Untrusted(reason)) => {
            repair.verification = format!(
                "the union bundle still does not verify what api-int serves, so the fix is withheld: {}",
                reason.failure
            );
            return repair;
        }
        Some(Trust::Trusted { .. }) => {
            repair.verified = true;
            repair.verification =
                "re-read, and the new CA file verifies the api-int serving chain (kubelet profile)".into();
        }
        _ => {
            repair.verified = true;
            repair.verification = "re-read (no serving chain given, so trust of api-int was not checked)".into();
        }
    }
    repair.new_text = new_text;
    repair
}
