//! A repair says what happened: verified with the verdict that proved it, or refused with a typed
//! reason a front end can act on without reading prose.
#![allow(clippy::unwrap_used, clippy::panic)]

use okd_trust::diagnose::{self, BundlePolicy, BundlePolicyError, Refusal, RepairOutcome};
use okd_trust::{CaBundle, Certificate, ErrorKind, Kubeconfig, Timestamp, examples};

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2024-05-01T00:00:00Z").unwrap()
}

fn cluster() -> CaBundle {
    CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap()
}

fn chain() -> Vec<Certificate> {
    CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes()).unwrap().iter().cloned().collect()
}

fn node() -> Kubeconfig {
    Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap()
}

/// What the node trusted before the incident: the old signer only.
fn stale() -> CaBundle {
    node().ca_bundle("local").unwrap().unwrap()
}

#[test]
fn a_verified_repair_carries_its_proof_and_the_edited_kubeconfig() {
    let wanted = stale().union(&cluster());
    let repair = diagnose::repair_kubeconfig("node", &node(), "local", &wanted, Some(&chain()), None, at());
    let RepairOutcome::Verified { verdict: Some(verdict), .. } = &repair.outcome else {
        panic!("verified with a verdict: {repair:?}")
    };
    assert!(verdict.is_trusted());
    assert_eq!(repair.verdict().as_ref(), Some(verdict));
    assert!(repair.changed && repair.refusal().is_none());
    let edited = repair.edited_kubeconfig().unwrap();
    assert_eq!(edited.text(), repair.new_text().unwrap(), "the kubeconfig the checks read back is the new text");
    assert!(edited.ca_bundle("local").unwrap().unwrap().diff(&wanted).is_unchanged());
    assert!(!repair.added.is_empty() && repair.removed.is_empty());
}

#[test]
fn repairing_to_what_the_file_holds_is_verified_and_unchanged() {
    let repair = diagnose::repair_kubeconfig("node", &node(), "local", &stale(), None, None, at());
    assert!(repair.is_verified() && !repair.changed, "{repair:?}");
    assert_eq!(repair.new_text(), Some(examples::NODE_KUBECONFIG));
    assert!(repair.verdict().is_none(), "no chain given, nothing proved against one");
}

#[test]
fn a_bundle_that_still_does_not_verify_is_refused_as_still_untrusted() {
    let repair = diagnose::repair_kubeconfig("node", &node(), "local", &stale(), Some(&chain()), None, at());
    let Some(Refusal::StillUntrusted(untrusted)) = repair.refusal() else { panic!("{repair:?}") };
    assert!(!untrusted.failure.to_string().is_empty());
    assert_eq!(repair.new_text(), None, "a refused repair writes nothing");
    assert!(!repair.changed, "the file already trusts exactly this bundle");
    assert!(repair.verdict().is_some_and(|v| !v.is_trusted()), "the verdict that refused it");
    assert_eq!(repair.refusal().unwrap().code(), "still-untrusted");
    assert_eq!(repair.refusal().unwrap().kind(), ErrorKind::UnsafeEdit);
    assert!(repair.verification().contains("still does not verify"), "{}", repair.verification());
}

#[test]
fn an_unsafe_edit_is_refused_with_the_edit_error_and_its_class() {
    let insecure = Kubeconfig::parse(
        b"clusters:\n- name: c\n  cluster: {server: \"https://x\", insecure-skip-tls-verify: true}\n\
          contexts:\n- name: k\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: k\n",
    )
    .unwrap();
    let repair = diagnose::repair_kubeconfig("insecure", &insecure, "c", &cluster(), None, None, at());
    assert!(matches!(repair.refusal(), Some(Refusal::EditRefused(_))), "{repair:?}");
    assert_eq!(repair.refusal().unwrap().kind(), ErrorKind::UnsafeEdit);
    // An unknown cluster is the caller's naming mistake, not an unsafe edit.
    let unknown = diagnose::repair_kubeconfig("node", &node(), "elsewhere", &cluster(), None, None, at());
    assert_eq!(unknown.refusal().unwrap().kind(), ErrorKind::NotFound);
}

#[test]
fn a_file_client_go_would_reject_is_refused_as_validation_failed() {
    // A client certificate without its key: client-go refuses the file, edited or not.
    let text =
        examples::NODE_KUBECONFIG.replace("    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n", "");
    let config = Kubeconfig::parse(text.as_bytes()).unwrap();
    assert!(!config.validate().is_empty(), "the fixture must be invalid");
    let repair = diagnose::repair_kubeconfig("node", &config, "local", &cluster(), None, None, at());
    assert!(matches!(repair.refusal(), Some(Refusal::ValidationFailed(_))), "{repair:?}");
    assert_eq!(repair.refusal().unwrap().code(), "validation-failed");
}

#[test]
fn ca_file_repairs_refuse_binary_files_and_prove_unchanged_ones() {
    let text =
        examples::NODE_KUBECONFIG.replace("certificate-authority-data:", "certificate-authority: ca.crt\n    x-was:");
    let config = Kubeconfig::parse(text.as_bytes()).unwrap();
    let not_text = diagnose::repair_ca_file(&config, "local", "ca.crt", b"\xff\xfe\x00", &cluster(), None, None, at());
    assert_eq!(not_text.refusal(), Some(&Refusal::NotText { path: "ca.crt".into() }));

    let held = cluster().to_pem();
    let unchanged =
        diagnose::repair_ca_file(&config, "local", "ca.crt", held.as_bytes(), &cluster(), Some(&chain()), None, at());
    assert!(unchanged.is_verified() && !unchanged.changed, "{unchanged:?}");
    assert!(unchanged.verdict().is_some_and(|v| v.is_trusted()), "an unchanged file is still proved against the chain");
    let old_only = stale().to_pem();
    let untrusted =
        diagnose::repair_ca_file(&config, "local", "ca.crt", old_only.as_bytes(), &stale(), Some(&chain()), None, at());
    assert!(matches!(untrusted.refusal(), Some(Refusal::StillUntrusted(_))), "{untrusted:?}");
    // Refused, and a change was needed: the file lacks the new signer.
    let lacking = diagnose::repair_ca_file(
        &config,
        "local",
        "ca.crt",
        old_only.as_bytes(),
        &cluster(),
        Some(&chain()),
        Some("elsewhere.example.com"),
        at(),
    );
    assert!(lacking.refusal().is_some() && lacking.changed, "{lacking:?}");
}

#[test]
fn the_repair_policy_is_one_function() {
    let cluster = cluster();
    let old = stale();
    let union = diagnose::repaired_bundle(Some(&old), &cluster, BundlePolicy::Union, None).unwrap();
    assert_eq!(union.get(0), old.get(0), "what the file trusted stays first");
    assert!(union.diff(&old.union(&cluster)).is_unchanged());
    let exact = diagnose::repaired_bundle(Some(&old), &cluster, BundlePolicy::Exact, None).unwrap();
    assert_eq!(exact, cluster);
    let nothing_yet = diagnose::repaired_bundle(None, &cluster, BundlePolicy::Union, None).unwrap();
    assert_eq!(nothing_yet, cluster);
    let far_future = Timestamp::parse_rfc3339("2999-01-01T00:00:00Z").unwrap();
    assert_eq!(
        diagnose::repaired_bundle(Some(&old), &cluster, BundlePolicy::Union, Some(far_future)),
        Err(BundlePolicyError::Empty)
    );
    assert_eq!("exact".parse::<BundlePolicy>(), Ok(BundlePolicy::Exact));
    assert!("both".parse::<BundlePolicy>().is_err());
}

#[test]
fn a_plan_that_would_leave_nothing_to_trust_is_refused_as_nothing_left() {
    use okd_trust::diagnose::{DoctorInput, Labelled};
    // Long after every example certificate expired: the union, expired dropped, is empty.
    let mut input = DoctorInput::new(Timestamp::parse_rfc3339("2999-01-01T00:00:00Z").unwrap());
    input.kubeconfigs.push(Labelled::new("/var/lib/kubelet/kubeconfig", node()));
    input.cluster_cas.push(Labelled::new("kube-apiserver-server-ca", cluster()));
    let plan = diagnose::diagnose(&input).plan;
    let [repair] = plan.kubeconfigs.as_slice() else { panic!("one repair: {plan:?}") };
    assert_eq!(repair.refusal(), Some(&Refusal::NothingLeft));
    assert_eq!(repair.refusal().unwrap().code(), "nothing-left");
    assert!(repair.changed && !repair.is_settled(), "a change was needed, and none can be made");
}

/// A bundle file no kubeconfig names (a pinned anchor): the policy, the reading of what it holds
/// and the acceptance rule are the doctor's, so the Ansible module restates none of them.
#[test]
fn a_pinned_bundle_file_is_repaired_by_the_same_rules() {
    let file = |old: &[u8], wanted: &CaBundle, policy, prune, chain: Option<&[Certificate]>| {
        diagnose::repair_bundle_file("anchor.pem", old, wanted, policy, prune, chain, None, at())
    };
    // PEM that Go cannot load trusted nothing: it stays byte for byte, and the bundle follows it.
    let damaged = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let repair = file(damaged.as_bytes(), &cluster(), BundlePolicy::Union, false, Some(&chain()));
    let new_text = repair.new_text().unwrap();
    assert!(new_text.starts_with(damaged), "nothing the file held is dropped");
    assert!(CaBundle::from_pem(new_text.as_bytes()).unwrap().diff(&cluster()).is_unchanged());
    assert!(repair.verdict().unwrap().is_trusted() && repair.changed);
    assert_eq!((repair.cluster.as_str(), repair.target.ca_file()), ("", Some("anchor.pem")));

    // Written once, the file is settled: nothing changes on the next run.
    let again = file(new_text.as_bytes(), &cluster(), BundlePolicy::Union, false, Some(&chain()));
    assert!(again.is_settled() && !again.changed);

    // Exact drops valid certificates the wanted bundle lacks, and the file is written anew.
    let leaf_ca = CaBundle::from_certificates(cluster().iter().take(2).cloned());
    let exact = file(new_text.as_bytes(), &leaf_ca, BundlePolicy::Exact, false, None);
    assert_eq!((exact.removed.len(), exact.new_text()), (cluster().len() - 2, Some(leaf_ca.to_pem().as_str())));

    // Pruning everything leaves nothing to write: refused, not an empty file.
    let expired_only = CaBundle::from_certificates(stale().iter().cloned());
    let late = Timestamp::parse_rfc3339("2100-01-01T00:00:00Z").unwrap();
    let nothing =
        diagnose::repair_bundle_file("anchor.pem", b"", &expired_only, BundlePolicy::Union, true, None, None, late);
    assert_eq!(nothing.refusal(), Some(&Refusal::NothingLeft));
    assert!(nothing.new_text().is_none());

    // A bundle that cannot verify what api-int serves is refused, and says why.
    let refused = file(b"", &stale(), BundlePolicy::Union, false, Some(&chain()));
    assert!(matches!(refused.refusal(), Some(Refusal::StillUntrusted(_))));
    assert!(!refused.verdict().unwrap().is_trusted() && !refused.is_settled());
}
