//! End-to-end scenarios of `okd-trust doctor`: files generated from the testkit into a temporary
//! directory, the built binary run on them, and every `--fix` checked three ways — the new file
//! trusts the served chain, differs from the old one only in the CA value, and a second `--fix`
//! changes nothing.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TempDir;
use common::node::*;
use okd_trust::verify::{self, VerifyOptions};
use okd_trust::{CaBundle, Kubeconfig, Timestamp};
use okd_trust_testkit::okd::{self, DOMAIN};
use okd_trust_testkit::{CertBuilder, Issued, Key, days};
use serde_json::Value;

/// `openshift-multus/kube-root-ca.crt` as `oc get -o yaml` prints it, still trusting only the
/// original signers.
fn stale_multus_ca(dir: &TempDir) -> PathBuf {
    let indented: String = old_pem().lines().map(|l| format!("    {l}\n")).collect();
    dir.write(
        "kube-root-ca.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-root-ca.crt\n  namespace: openshift-multus\ndata:\n  ca.crt: |\n{indented}"
        ),
    )
}

/// A 10-year load-balancer signer with 20 days left at `AT`.
fn lb_signer_expiring_in_20_days() -> Issued {
    CertBuilder::ca(okd::LB_SIGNER)
        .organizational_unit("openshift")
        .key(Key::RsaA)
        .serial(0x1001)
        .validity(AT_UNIX - days(3650) + days(20), AT_UNIX + days(20))
        .self_signed()
}

/// The raw `certificate-authority-data` of the current cluster.
fn ca_data(text: &str) -> String {
    let config = Kubeconfig::parse(text.as_bytes()).unwrap();
    config.current_cluster().unwrap().cluster.certificate_authority_data.clone()
}

/// `bundle` verifies the served chain `chain_pem` (leaf first) for api-int at `AT`, as kubelet would.
fn assert_trusts(bundle: &CaBundle, chain_pem: &str) {
    let chain = CaBundle::from_pem(chain_pem.as_bytes()).unwrap();
    let (leaf, rest) = chain.as_slice().split_first().unwrap();
    let at = Timestamp::parse_rfc3339(AT).unwrap();
    let verdict = verify::verify(leaf, &VerifyOptions::new(bundle, at).intermediates(rest).server_name(API_INT));
    assert!(verdict.is_trusted(), "{verdict}");
}

/// The three properties every written fix must have.
fn assert_good_fix(before: &str, after: &str, chain_pem: &str) {
    assert_ne!(before, after, "the fix changed nothing");
    // 1. Only the CA value differs.
    let (old, new) = (ca_data(before), ca_data(after));
    assert_eq!(after.replace(&new, &old), before, "more than the CA value changed");
    // 2. The new bundle trusts the served chain, as kubelet would.
    let bundle = Kubeconfig::parse(after.as_bytes()).unwrap().ca_bundle("local").unwrap().unwrap();
    assert_trusts(&bundle, chain_pem);
    // Nothing the node trusted before was dropped.
    let before_bundle = Kubeconfig::parse(before.as_bytes()).unwrap().ca_bundle("local").unwrap().unwrap();
    assert!(before_bundle.diff(&bundle).removed.is_empty());
}

/// Runs `--fix`, checks the written files, then a second `--fix` that must change nothing.
fn fix_twice(args: &[&str], files: &[&Path], chain_pem: &str) -> Vec<String> {
    let before: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    let mut all = args.to_vec();
    all.push("--fix");
    let (code, _) = doctor_json(&all);
    assert_eq!(code, 0, "the first --fix should write every repair");
    let after: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    for (b, a) in before.iter().zip(&after) {
        assert_good_fix(b, a, chain_pem);
    }
    let (_, report) = doctor_json(&all);
    assert_eq!(report["plan"]["kubeconfigs"].as_array().unwrap().len(), 0, "{report:#}");
    let again: Vec<String> = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    assert_eq!(again, after, "a second --fix changed the files");
    after
}

#[test]
fn healthy_cluster_exit_0_and_fix_writes_nothing() {
    let dir = TempDir::new("doctor", "healthy");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let cluster = dir.write("cluster-ca.pem", &old_pem());
    let (_, chain_pem) = chain_from(&okd::lb_signer(), DOMAIN);
    let chain = dir.write("chain.pem", &chain_pem);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    let (code, report) = doctor_json(&args);
    assert_eq!(codes(&report), Vec::<String>::new(), "{report:#}");
    assert_eq!((code, report["verdict"].as_str().unwrap()), (0, "healthy"));
    let before = std::fs::read(&kubeconfig).unwrap();
    let mut with_fix = args.to_vec();
    with_fix.push("--fix");
    assert_eq!(doctor_json(&with_fix).0, 0);
    assert_eq!(std::fs::read(&kubeconfig).unwrap(), before);
    // The text report says so on its first line.
    let out = doctor(&[
        "--at",
        AT,
        "--kubeconfig",
        p(&kubeconfig),
        "--cluster-ca",
        p(&cluster),
        "--serving-chain",
        p(&chain),
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("HEALTHY"));
}

#[test]
fn the_incident_is_diagnosed_and_fixed() {
    let dir = TempDir::new("doctor", "incident");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    let (code, report) = doctor_json(&args);
    assert_eq!(codes(&report), ["ca-not-propagated", "kubeconfig-untrusted-serving-chain", "signer-recently-rotated"]);
    assert_eq!((code, report["verdict"].as_str().unwrap()), (1, "broken"));
    let repair = &report["plan"]["kubeconfigs"][0];
    assert_eq!(repair["verified"], true);
    assert_eq!(repair["added"][0]["subject"], "CN=kube-apiserver-lb-signer,OU=openshift");
    fix_twice(&args, &[&kubeconfig], &chain_pem);
    // Fixed: the rotation is now only worth knowing.
    let (code, report) = doctor_json(&args);
    assert_eq!((code, report["verdict"].as_str().unwrap()), (0, "healthy"), "{report:#}");
}

#[test]
fn rotation_in_progress_is_healthy() {
    let dir = TempDir::new("doctor", "rotating");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&rotated_pem()));
    let cluster = dir.write("cluster-ca.pem", &rotated_pem());
    for signer in [okd::lb_signer(), okd::rotated_lb_signer()] {
        let (_, chain_pem) = chain_from(&signer, DOMAIN);
        let chain = dir.write("chain.pem", &chain_pem);
        let (code, report) =
            doctor_json(&["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)]);
        assert_eq!((code, report["verdict"].as_str().unwrap()), (0, "healthy"), "{report:#}");
        assert!(report["findings"].as_array().unwrap().iter().all(|f| f["severity"] == "info"));
    }
}

#[test]
fn expiring_signer_is_at_risk() {
    let dir = TempDir::new("doctor", "expiring");
    let signer = lb_signer_expiring_in_20_days();
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&signer.pem()));
    let cluster = dir.write("cluster-ca.pem", &signer.pem());
    let (_, chain_pem) = chain_from(&signer, DOMAIN);
    let chain = dir.write("chain.pem", &chain_pem);
    let (code, report) =
        doctor_json(&["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)]);
    assert_eq!(codes(&report), ["cert-expiring-soon"]);
    assert_eq!((code, report["verdict"].as_str().unwrap()), (1, "at-risk"));
    assert!(report["plan"]["kubeconfigs"].as_array().unwrap().is_empty());
}

#[test]
fn both_kubeconfigs_stale_are_both_fixed() {
    let dir = TempDir::new("doctor", "both");
    let bootstrap = dir.write("etc-kubernetes-kubeconfig", &kubeconfig_trusting(&old_pem()));
    let kubelet = dir.write("var-lib-kubelet-kubeconfig", &kubeconfig_trusting(&old_pem()));
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = [
        "--kubeconfig",
        p(&bootstrap),
        "--kubeconfig",
        p(&kubelet),
        "--cluster-ca",
        p(&cluster),
        "--serving-chain",
        p(&chain),
    ];
    let (code, report) = doctor_json(&args);
    assert_eq!(code, 1);
    assert!(!codes(&report).contains(&"kubeconfigs-disagree".to_owned()));
    assert_eq!(report["plan"]["kubeconfigs"].as_array().unwrap().len(), 2);
    fix_twice(&args, &[&bootstrap, &kubelet], &chain_pem);
}

#[test]
fn only_one_stale_kubeconfig_is_fixed_and_the_other_left_alone() {
    let dir = TempDir::new("doctor", "one");
    let bootstrap = dir.write("etc-kubernetes-kubeconfig", &kubeconfig_trusting(&old_pem()));
    let kubelet = dir.write("var-lib-kubelet-kubeconfig", &kubeconfig_trusting(&rotated_pem()));
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = [
        "--kubeconfig",
        p(&bootstrap),
        "--kubeconfig",
        p(&kubelet),
        "--cluster-ca",
        p(&cluster),
        "--serving-chain",
        p(&chain),
    ];
    let (code, report) = doctor_json(&args);
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"kubeconfigs-disagree".to_owned()), "{report:#}");
    let untrusted: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "kubeconfig-untrusted-serving-chain")
        .map(|f| f["source"].as_str().unwrap())
        .collect();
    assert_eq!(untrusted, [p(&bootstrap)]);
    let kubelet_before = std::fs::read(&kubelet).unwrap();
    fix_twice(&args, &[&bootstrap], &chain_pem);
    assert_eq!(std::fs::read(&kubelet).unwrap(), kubelet_before);
}

#[test]
fn json_kubeconfig_is_fixed_in_place() {
    let dir = TempDir::new("doctor", "json");
    let kubeconfig = dir.write("kubeconfig.json", &json_kubeconfig_trusting(&old_pem()));
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    let (code, report) = doctor_json(&args);
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"kubeconfig-untrusted-serving-chain".to_owned()));
    let after = fix_twice(&args, &[&kubeconfig], &chain_pem);
    let _: Value = serde_json::from_str(&after[0]).unwrap();
}

#[test]
fn crlf_kubeconfig_keeps_its_line_endings() {
    let dir = TempDir::new("doctor", "crlf");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()).replace('\n', "\r\n"));
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    assert_eq!(doctor_json(&args).0, 1);
    let after = fix_twice(&args, &[&kubeconfig], &chain_pem);
    assert_eq!(after[0].matches("\r\n").count(), after[0].matches('\n').count());
}

#[test]
fn byte_order_mark_is_kept_once() {
    let dir = TempDir::new("doctor", "bom");
    let kubeconfig = dir.write("kubeconfig", &format!("\u{feff}{}", kubeconfig_trusting(&old_pem())));
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    assert_eq!(doctor_json(&args).0, 1);
    let after = fix_twice(&args, &[&kubeconfig], &chain_pem);
    assert!(after[0].starts_with("\u{feff}apiVersion"), "{:?}", &after[0][..20]);
}

/// A node kubeconfig whose cluster entry holds `trust` (YAML lines at the cluster's indentation).
fn kubeconfig_with(trust: &str, current_context: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n{trust}    server: https://{API_INT}:6443\n\
         contexts:\n- name: kubelet\n  context:\n    cluster: local\n    user: kubelet\ncurrent-context: {current_context}\nusers:\n- name: kubelet\n  user:\n    token: t\n"
    )
}

#[test]
fn a_stale_ca_file_is_judged_and_repaired_in_place() {
    let dir = TempDir::new("doctor", "cafile");
    std::fs::create_dir_all(dir.0.join("pki")).unwrap();
    let ca_file = dir.write("pki/ca.crt", &old_pem());
    std::fs::create_dir_all(dir.0.join("kubelet")).unwrap();
    // Relative to the kubeconfig's own directory, as client-go resolves it.
    let text = kubeconfig_with("    certificate-authority: ../pki/ca.crt\n", "kubelet");
    let kubeconfig = dir.write("kubelet/kubeconfig", &text);
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    let (code, report) = doctor_json(&args);
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"kubeconfig-untrusted-serving-chain".to_owned()), "{report:#}");
    let repair = &report["plan"]["kubeconfigs"][0];
    assert_eq!((repair["target"].as_str(), repair["verified"].as_bool()), (Some("ca-file"), Some(true)), "{repair:#}");
    let mut with_fix = args.to_vec();
    with_fix.push("--fix");
    assert_eq!(doctor_json(&with_fix).0, 0);
    assert_eq!(std::fs::read_to_string(&kubeconfig).unwrap(), text, "the kubeconfig is left as it is");
    let written = std::fs::read_to_string(&ca_file).unwrap();
    assert!(written.starts_with(&old_pem()), "the CA file keeps every byte it had");
    let bundle = CaBundle::from_pem(written.as_bytes()).unwrap();
    assert_trusts(&bundle, &chain_pem);
    let (code, report) = doctor_json(&with_fix);
    assert_eq!((code, report["plan"]["kubeconfigs"].as_array().unwrap().len()), (0, 0), "{report:#}");
}

/// A CA file that loads no certificate (client-go refuses the kubeconfig) trusted nothing: the
/// repair keeps its bytes and appends the cluster's CAs, as `repair_bundle_file` does for a
/// pinned file, so kubelet can load it again.
#[test]
fn a_ca_file_that_loads_nothing_is_repaired_by_appending() {
    let dir = TempDir::new("doctor", "cafile-damaged");
    let damaged = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let ca_file = dir.write("ca.crt", damaged);
    let text = kubeconfig_with(&format!("    certificate-authority: {}\n", p(&ca_file)), "kubelet");
    let kubeconfig = dir.write("kubeconfig", &text);
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    let (code, report) = doctor_json(&args);
    assert_eq!((code, report["verdict"].as_str()), (1, Some("broken")), "{report:#}");
    assert!(codes(&report).contains(&"kubeconfig-invalid".to_owned()), "{report:#}");
    let repair = &report["plan"]["kubeconfigs"][0];
    assert_eq!((repair["target"].as_str(), repair["verified"].as_bool()), (Some("ca-file"), Some(true)), "{repair:#}");
    let mut with_fix = args.to_vec();
    with_fix.push("--fix");
    doctor_json(&with_fix);
    // Trusted now; the damaged block kept is still worth a warning.
    let (_, report) = doctor_json(&args);
    assert_eq!(report["verdict"].as_str(), Some("at-risk"), "{report:#}");
    assert!(codes(&report).contains(&"pem-blocks-skipped".to_owned()), "{report:#}");
    assert!(!codes(&report).iter().any(|c| c == "kubeconfig-invalid" || c == "kubeconfig-untrusted-serving-chain"));
    let written = std::fs::read_to_string(&ca_file).unwrap();
    assert!(written.starts_with(damaged), "the damaged block stays where it was");
    assert_trusts(&CaBundle::from_pem(written.as_bytes()).unwrap(), &chain_pem);
    assert_eq!(std::fs::read_to_string(&kubeconfig).unwrap(), text, "the kubeconfig is left as it is");
}

#[test]
fn a_missing_ca_file_makes_the_kubeconfig_unusable() {
    let dir = TempDir::new("doctor", "nocafile");
    let text = kubeconfig_with("    certificate-authority: /nonexistent/okd-trust/ca.crt\n", "kubelet");
    let kubeconfig = dir.write("kubeconfig", &text);
    let (cluster, chain, _) = rotated_cluster(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain), "--fix"];
    let (code, report) = doctor_json(&args);
    assert_eq!((code, report["verdict"].as_str()), (1, Some("broken")), "{report:#}");
    assert!(codes(&report).contains(&"kubeconfig-invalid".to_owned()), "{report:#}");
    assert!(report["plan"]["kubeconfigs"].as_array().unwrap().is_empty());
    assert_eq!(std::fs::read_to_string(&kubeconfig).unwrap(), text);
}

#[test]
fn no_ca_at_all_is_judged_against_the_system_roots_and_given_one() {
    let dir = TempDir::new("doctor", "noca");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_with("", "kubelet"));
    // A system store with a public-looking CA and none of the cluster's.
    let system = dir.write(
        "system.pem",
        &okd_trust_testkit::pem_bundle(&[&CertBuilder::ca("Public Root CA").key(Key::RsaD).self_signed()]),
    );
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = [
        "--kubeconfig",
        p(&kubeconfig),
        "--cluster-ca",
        p(&cluster),
        "--serving-chain",
        p(&chain),
        "--system-roots",
        p(&system),
    ];
    let (code, report) = doctor_json(&args);
    assert_eq!(code, 1);
    let finding =
        report["findings"].as_array().unwrap().iter().find(|f| f["code"] == "kubeconfig-untrusted-serving-chain");
    let message = finding.unwrap_or_else(|| panic!("{report:#}"))["message"].as_str().unwrap();
    assert!(message.contains("names no CA") && message.contains(p(&system)), "{message}");
    let before = std::fs::read_to_string(&kubeconfig).unwrap();
    let mut with_fix = args.to_vec();
    with_fix.push("--fix");
    assert_eq!(doctor_json(&with_fix).0, 0);
    let after = std::fs::read_to_string(&kubeconfig).unwrap();
    assert!(after.contains("certificate-authority-data: "), "{after}");
    let bundle = Kubeconfig::parse(after.as_bytes()).unwrap().ca_bundle("local").unwrap().unwrap();
    assert_trusts(&bundle, &chain_pem);
    assert_eq!(after.lines().count(), before.lines().count() + 1, "one line added, nothing else changed");
}

#[test]
fn no_usable_current_context_is_never_repaired() {
    let dir = TempDir::new("doctor", "nocontext");
    let (cluster, chain, _) = rotated_cluster(&dir);
    for context in ["\"\"", "nope"] {
        let stale = kubeconfig_trusting(&old_pem());
        let text = stale.replace("current-context: kubelet", &format!("current-context: {context}"));
        assert_ne!(text, stale);
        let kubeconfig = dir.write("kubeconfig", &text);
        let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain), "--fix"];
        let (code, report) = doctor_json(&args);
        assert_eq!((code, report["verdict"].as_str()), (1, Some("broken")), "{report:#}");
        assert!(codes(&report).contains(&"kubeconfig-invalid".to_owned()), "{report:#}");
        assert!(report["plan"]["kubeconfigs"].as_array().unwrap().iter().all(|r| r["verified"] == false), "{report:#}");
        assert_eq!(std::fs::read_to_string(&kubeconfig).unwrap(), text);
    }
}

#[test]
fn a_kubeconfig_client_go_cannot_load_is_a_finding() {
    let dir = TempDir::new("doctor", "unloadable");
    let stale = kubeconfig_trusting(&old_pem());
    let text = stale.replace("user: kubelet\n", "user: kubelet\n    namespace: 2019\n");
    assert_ne!(text, stale);
    let kubeconfig = dir.write("kubeconfig", &text);
    let (cluster, chain, _) = rotated_cluster(&dir);
    let (code, report) =
        doctor_json(&["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)]);
    assert_eq!((code, report["verdict"].as_str()), (1, Some("broken")), "{report:#}");
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("namespace") && message.contains("number"), "{message}");
}

#[test]
fn wrong_san_is_untrusted_and_fix_refuses_to_write() {
    let dir = TempDir::new("doctor", "san");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let cluster = dir.write("cluster-ca.pem", &rotated_pem());
    let (_, chain_pem) = chain_from(&okd::rotated_lb_signer(), "other.example.com");
    let chain = dir.write("chain.pem", &chain_pem);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    let (code, report) = doctor_json(&args);
    assert_eq!(code, 1);
    assert!(codes(&report).contains(&"kubeconfig-untrusted-serving-chain".to_owned()));
    let repair = &report["plan"]["kubeconfigs"][0];
    assert_eq!(repair["verified"], false, "{repair:#}");
    assert!(repair["verification"].as_str().unwrap().contains("api-int.other.example.com"), "{repair:#}");
    let before = std::fs::read(&kubeconfig).unwrap();
    let mut with_fix = args.to_vec();
    with_fix.extend(["--fix", "--backup"]);
    let out = doctor(&[&["--at", AT][..], &with_fix].concat());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("refusing to write anything"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&kubeconfig).unwrap(), before);
    assert_eq!(std::fs::read_dir(&dir.0).unwrap().count(), 3, "no backup or temporary file may be left");
}

#[test]
fn stale_multus_ca_gets_a_stopgap_patch() {
    let dir = TempDir::new("doctor", "multus");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&rotated_pem()));
    let (cluster, chain, _) = rotated_cluster(&dir);
    let multus = stale_multus_ca(&dir);
    let args = [
        "--kubeconfig",
        p(&kubeconfig),
        "--cluster-ca",
        p(&cluster),
        "--serving-chain",
        p(&chain),
        "--multus-ca",
        p(&multus),
    ];
    let (code, report) = doctor_json(&args);
    assert_eq!(codes(&report), ["multus-ca-untrusted-serving-chain", "signer-recently-rotated"], "{report:#}");
    assert_eq!((code, report["verdict"].as_str().unwrap()), (1, "broken"));
    let patch = &report["plan"]["multus_patch"];
    assert_eq!(patch["target"], "openshift-multus/kube-root-ca.crt");
    assert!(patch["note"].as_str().unwrap().contains("stopgap"));
    assert!(report["plan"]["kubeconfigs"].as_array().unwrap().is_empty());
}

#[test]
fn fix_exits_1_while_a_problem_it_cannot_write_remains() {
    let dir = TempDir::new("doctor", "fix-multus");
    let before = kubeconfig_trusting(&old_pem());
    let kubeconfig = dir.write("kubeconfig", &before);
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let multus = stale_multus_ca(&dir);
    let args = ["--kubeconfig", p(&kubeconfig), "--cluster-ca", p(&cluster), "--serving-chain", p(&chain)];
    let multus_args = [&args[..], &["--multus-ca", p(&multus), "--fix"]].concat();
    let (code, _) = doctor_json(&multus_args);
    assert_eq!(code, 1, "multus still trusts only the old signer, so the node is not healthy yet");
    let after = std::fs::read_to_string(&kubeconfig).unwrap();
    assert_good_fix(&before, &after, &chain_pem);
}

#[test]
fn legacy_signer_secret_is_flagged() {
    let dir = TempDir::new("doctor", "secret");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let secret = dir.write(
        "signer.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: loadbalancer-serving-signer\n  namespace: openshift-kube-apiserver-operator\ntype: SecretTypeTLS\nstringData:\n  tls.crt: \"\"\n",
    );
    let (code, report) = doctor_json(&["--kubeconfig", p(&kubeconfig), "--signer-secret", p(&secret)]);
    assert_eq!(codes(&report), ["signer-secret-legacy-type"]);
    assert_eq!(code, 1);
}

#[test]
fn the_signer_secret_certificate_is_judged_too() {
    let dir = TempDir::new("doctor", "secret-cert");
    let signer = lb_signer_expiring_in_20_days();
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let indented: String = signer.pem().lines().map(|l| format!("    {l}\n")).collect();
    let secret = dir.write(
        "signer.yaml",
        &format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: loadbalancer-serving-signer\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n{indented}"
        ),
    );
    let (code, report) = doctor_json(&["--kubeconfig", p(&kubeconfig), "--signer-secret", p(&secret)]);
    assert_eq!(codes(&report), ["cert-expiring-soon"], "{report:#}");
    assert_eq!(report["findings"][0]["source"], p(&secret));
    assert_eq!(code, 1);
}

#[test]
fn backup_keeps_the_original() {
    let dir = TempDir::new("doctor", "backup");
    let original = kubeconfig_trusting(&old_pem());
    let kubeconfig = dir.write("kubeconfig", &original);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&kubeconfig, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let (cluster, chain, chain_pem) = rotated_cluster(&dir);
    let args = [
        "--kubeconfig",
        p(&kubeconfig),
        "--cluster-ca",
        p(&cluster),
        "--serving-chain",
        p(&chain),
        "--fix",
        "--backup",
    ];
    assert_eq!(doctor_json(&args).0, 0);
    let backups: Vec<PathBuf> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.to_string_lossy().contains("kubeconfig.okd-trust-backup-"))
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(std::fs::read_to_string(&backups[0]).unwrap(), original);
    assert_good_fix(&original, &std::fs::read_to_string(&kubeconfig).unwrap(), &chain_pem);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&kubeconfig).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn no_inputs_runs_the_builtin_incident() {
    let out = doctor(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.starts_with("BROKEN"), "{text}");
    for expected in [
        "[kubeconfig-untrusted-serving-chain] /var/lib/kubelet/kubeconfig",
        "THE FIX",
        "@@ ",
        "systemctl restart kubelet",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(stderr(&out).contains("built-in reproduction"));
    let (code, report) = doctor_json(&[]);
    assert_eq!((code, report["schema_version"].as_u64()), (1, Some(1)));
    assert_eq!(report["plan"]["kubeconfigs"].as_array().unwrap().len(), 2);
    let metrics = doctor(&["--format", "prometheus"]);
    let metrics = String::from_utf8(metrics.stdout).unwrap();
    assert!(metrics.contains("okd_trust_verdict{verdict=\"broken\"} 1"));
    assert!(metrics.contains("# TYPE x509_cert_not_after gauge"));
    // --fix has nothing to write without files.
    assert_eq!(doctor(&["--fix"]).status.code(), Some(2));
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = TempDir::new("doctor", "bad");
    let pod = dir.write("pod.yaml", "kind: Pod\nmetadata: {}\n");
    let out = doctor(&["--kubeconfig", p(&pod)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(p(&pod)), "{}", stderr(&out));
    let pem = dir.write("ca.pem", &old_pem());
    let out = doctor(&["--kubeconfig", p(&pem)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("expected a kubeconfig"), "{}", stderr(&out));
}

#[test]
fn inspect_lists_every_certificate() {
    let dir = TempDir::new("doctor", "inspect");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let cluster = dir.write("cluster-ca.pem", &rotated_pem());
    let out = Command::new(env!("CARGO_BIN_EXE_okd-trust"))
        .args(["inspect", p(&kubeconfig), p(&cluster), "--at", AT, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 9);
    assert_eq!(rows[0]["is_ca"], true);
    assert_eq!(rows[8]["not_before"], "2024-04-10T00:00:00Z");
    let table =
        Command::new(env!("CARGO_BIN_EXE_okd-trust")).args(["inspect", p(&cluster), "--at", AT]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.starts_with("SOURCE"), "{table}");
    assert_eq!(table.lines().count(), 6);
}

#[test]
fn connect_fetches_the_served_chain_without_trusting_it() {
    use std::net::TcpListener;
    use std::sync::Arc;

    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let rotated = okd::rotated_lb_signer();
    let (leaf, chain_pem) = chain_from(&rotated, DOMAIN);
    let certs = vec![CertificateDer::from(leaf.der().to_vec()), CertificateDer::from(rotated.der().to_vec())];
    let key = PrivateKeyDer::from_pem_slice(leaf.key.pem().as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let target = listener.local_addr().unwrap().to_string();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut conn = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        while conn.is_handshaking() {
            if conn.complete_io(&mut socket).is_err() {
                break;
            }
        }
        let _ = conn.complete_io(&mut socket);
    });

    let dir = TempDir::new("doctor", "connect");
    let kubeconfig = dir.write("kubeconfig", &kubeconfig_trusting(&old_pem()));
    let cluster = dir.write("cluster-ca.pem", &rotated_pem());
    let (code, report) = doctor_json(&[
        "--kubeconfig",
        p(&kubeconfig),
        "--cluster-ca",
        p(&cluster),
        "--connect",
        &target,
        "--server-name",
        API_INT,
    ]);
    server.join().unwrap();
    assert_eq!(code, 1, "{report:#}");
    assert!(codes(&report).contains(&"kubeconfig-untrusted-serving-chain".to_owned()), "{report:#}");
    let repair = &report["plan"]["kubeconfigs"][0];
    assert_eq!(repair["verified"], true, "{repair:#}");
    assert_good_fix(&std::fs::read_to_string(&kubeconfig).unwrap(), repair["new_text"].as_str().unwrap(), &chain_pem);
}
