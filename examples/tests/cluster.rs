//! The cluster analysis on the two real must-gathers of `../shared/must-gather/` and on the
//! incident derived from them: through the library (as the bindings call it) and through the
//! `okd-trust cluster` command. Tests that need the shared data skip loudly where it is absent.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use common::TempDir;
use okd_trust::Timestamp;
use okd_trust::cluster::{self, ClusterInputs, ClusterOptions, ClusterReport, Code};
use okd_trust::diagnose::{Severity, Verdict};
use okd_trust_testkit::must_gather::{ARCHIVES, MustGather, shared_archive};
use serde_json::Value;

/// Each shared must-gather, loaded once per test binary.
fn loaded(name: &str) -> Option<&'static MustGather> {
    static LOADED: OnceLock<Vec<(String, MustGather)>> = OnceLock::new();
    let all = LOADED.get_or_init(|| {
        ARCHIVES
            .iter()
            .filter_map(|name| Some(((*name).to_owned(), MustGather::load(&shared_archive(name)?).unwrap())))
            .collect()
    });
    let found = all.iter().find(|(n, _)| n == name).map(|(_, g)| g);
    if found.is_none() {
        shared_archive(name);
    }
    found
}

fn analyze(gather: &MustGather, kubeconfigs: &[(&str, &str)]) -> ClusterReport {
    let mut inputs = ClusterInputs::new();
    for (path, bytes) in gather.files() {
        if cluster::classify(path).is_some() {
            inputs.add_file(path, bytes);
        }
    }
    for (label, text) in kubeconfigs {
        inputs.add_kubeconfig(label, text.as_bytes());
    }
    cluster::analyze(&inputs, &ClusterOptions::new(Timestamp::from_unix_seconds(0)))
}

fn codes(report: &ClusterReport, severity: Severity) -> Vec<&'static str> {
    report.findings.iter().filter(|f| f.severity == severity).map(|f| f.code.as_str()).collect()
}

#[test]
fn both_real_must_gathers_are_healthy_at_their_own_time() {
    for name in ARCHIVES {
        let Some(gather) = loaded(name) else { continue };
        let report = analyze(gather, &[]);
        assert_eq!(report.at_source, cluster::AtSource::Gathered, "{name}");
        assert_eq!(report.at.unix_seconds(), gather.gathered_at(), "{name}");
        assert_eq!(report.verdict, Verdict::Healthy, "{name}: {:#?}", report.findings);
        assert!(codes(&report, Severity::Error).is_empty(), "{name}");
        assert!(report.unreadable.is_empty(), "{name}: {:?}", report.unreadable);
        // Every relationship the table names finds its bundle and endpoint, and every edge holds.
        assert!(report.edges.len() > 1_000, "{name}: {} edges", report.edges.len());
        let untrusted: Vec<_> = report.edges.iter().filter(|e| !e.verdict.is_trusted()).collect();
        assert!(untrusted.is_empty(), "{name}: {untrusted:#?}");
        for relationship in cluster::RELATIONSHIPS {
            let seen = report.edges.iter().any(|e| e.relationship == relationship.id);
            let expected_missing = ["node-kubeconfig→api-int", "kubeconfig-data→api-int"];
            assert_eq!(seen, !expected_missing.contains(&relationship.id), "{name}: {}", relationship.id);
        }
        assert!(report.edges.iter().any(|e| e.bundle == "openshift-multus/kube-root-ca.crt[ca.crt]"
            && e.relationship == "kube-root-ca→api-int"
            && e.server_name.as_deref().is_some_and(|n| n.starts_with("api-int."))));
        // Every signer Secret, as x509-parser finds them, is a source of a signer.
        let expected = gather.signer_secrets();
        for signer in ["loadbalancer-serving-signer", "localhost-serving-signer", "service-network-serving-signer"] {
            let secret = format!("openshift-kube-apiserver-operator/{signer}[tls.crt]");
            assert!(expected.contains(&secret), "{name}: the oracle misses {secret}");
        }
        for secret in &expected {
            assert!(report.signers.iter().any(|s| s.sources.contains(secret)), "{name}: signer {secret} not found");
        }
        assert!(report.not_seen.iter().any(|s| s.contains("node kubeconfigs")));
        assert_eq!(report.nodes.len(), 6, "{name}");
    }
}

#[test]
fn the_incident_is_broken_names_the_rekeyed_signer_and_multus_and_gives_a_patch_that_works() {
    let Some(gather) = loaded(ARCHIVES[0]) else { return };
    let mut incident = gather.clone();
    let rekey = incident.rekey_lb_signer(3);
    let report = analyze(&incident, &[]);
    assert_eq!(report.verdict, Verdict::Broken);

    let rekeyed = report.findings.iter().find(|f| f.code == Code::SignerRekeyed).expect("signer-rekeyed");
    assert!(rekeyed.message.contains("kube-apiserver-lb-signer"), "{}", rekeyed.message);
    assert_eq!(rekeyed.source, "openshift-kube-apiserver-operator/loadbalancer-serving-signer[tls.crt]");
    assert_eq!(rekeyed.severity, Severity::Warning, "a 10-year signer re-keyed early");

    let untrusted: Vec<_> = report.findings.iter().filter(|f| f.code == Code::BundleUntrustedEndpoint).collect();
    let sources: Vec<&str> = untrusted.iter().map(|f| f.source.as_str()).collect();
    assert!(sources.contains(&"openshift-multus/kube-root-ca.crt[ca.crt]"), "{sources:?}");
    assert!(sources.iter().all(|s| s.starts_with("openshift-multus/")), "only multus is stale: {sources:?}");
    let multus = untrusted.iter().find(|f| f.source == "openshift-multus/kube-root-ca.crt[ca.crt]").unwrap();
    assert!(multus.message.contains("multus"), "{}", multus.message);
    assert!(multus.message.contains(&rekey.api_int_host));
    let detail = |name: &str| multus.details.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(detail("patch verified").as_deref(), Some("true"));
    let fix = detail("fix").expect("a patch");
    assert!(fix.starts_with("oc patch configmap -n openshift-multus kube-root-ca.crt --type merge -p '"), "{fix}");
    // The old-key-only finding names the bundle too.
    assert!(report.findings.iter().any(|f| f.code == Code::BundleSupersededKeyOnly
        && f.source == "openshift-multus/kube-root-ca.crt[ca.crt]"));

    // Apply the patch as `oc patch` would, and judge again: multus trusts api-int.
    let body: Value = serde_json::from_str(fix.split('\'').nth(1).unwrap()).unwrap();
    let patched = body["data"]["ca.crt"].as_str().unwrap().to_owned();
    assert!(patched.contains(rekey.signer.pem().trim()), "the patch adds the new signer");
    incident.edit_configmap("openshift-multus", "kube-root-ca.crt", "ca.crt", |_| patched.clone());
    let after = analyze(&incident, &[]);
    let multus_edges: Vec<_> =
        after.edges.iter().filter(|e| e.bundle == "openshift-multus/kube-root-ca.crt[ca.crt]").collect();
    assert!(!multus_edges.is_empty() && multus_edges.iter().all(|e| e.verdict.is_trusted()), "{multus_edges:#?}");
}

#[test]
fn a_node_kubeconfig_with_the_old_key_is_untrusted_and_one_with_both_keys_is_trusted() {
    let Some(gather) = loaded(ARCHIVES[0]) else { return };
    let mut incident = gather.clone();
    let rekey = incident.rekey_lb_signer(3);
    let kubeconfig = |pem: &str| {
        use base64::Engine as _;
        let data = base64::engine::general_purpose::STANDARD.encode(pem);
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n    server: https://{}:6443\n    \
             certificate-authority-data: {data}\ncontexts:\n- name: kubelet\n  context: {{cluster: local, user: kubelet}}\n\
             current-context: kubelet\nusers:\n- name: kubelet\n  user: {{}}\n",
            rekey.api_int_host
        )
    };
    let stale = kubeconfig(&rekey.old_signer_pem);
    let fixed = kubeconfig(&format!("{}{}", rekey.old_signer_pem, rekey.signer.pem()));
    let report = analyze(&incident, &[("/etc/kubernetes/kubeconfig", &stale), ("/var/lib/kubelet/kubeconfig", &fixed)]);
    let edge = |label: &str| {
        report
            .edges
            .iter()
            .find(|e| e.bundle.starts_with(label) && e.relationship == "node-kubeconfig→api-int")
            .unwrap()
    };
    assert!(!edge("/etc/kubernetes/kubeconfig").verdict.is_trusted());
    assert!(edge("/var/lib/kubelet/kubeconfig").verdict.is_trusted());
    assert_eq!(edge("/var/lib/kubelet/kubeconfig").server_name.as_deref(), Some(rekey.api_int_host.as_str()));
    assert!(report.findings.iter().any(|f| f.code == Code::BundleUntrustedEndpoint
        && f.source == "/etc/kubernetes/kubeconfig[local]"
        && f.details.iter().any(|(n, v)| n == "fix" && v.contains("okd-trust doctor --fix"))));
    assert!(!report.not_seen.iter().any(|s| s.contains("node kubeconfigs")));
}

#[test]
fn legacy_signer_types_put_the_cluster_at_risk_before_the_upgrade() {
    let Some(gather) = loaded(ARCHIVES[1]) else { return };
    let mut legacy = gather.clone();
    legacy.legacy_signer_types();
    let report = analyze(&legacy, &[]);
    assert_eq!(report.verdict, Verdict::AtRisk, "{:#?}", report.findings);
    let risk = report
        .findings
        .iter()
        .find(|f| {
            f.code == Code::SignerRekeyRisk
                && f.source == "openshift-kube-apiserver-operator/loadbalancer-serving-signer[tls.crt]"
        })
        .expect("the lb signer's pre-upgrade finding");
    assert_eq!(risk.severity, Severity::Warning);
    assert!(risk.message.contains("4.15.10"), "{}", risk.message);
    let exposure = risk.details.iter().find(|(n, _)| n == "exposure").map(|(_, v)| v.as_str()).unwrap();
    assert!(exposure.starts_with("all 6 nodes"), "{exposure}");
    // A signer nothing on the nodes depends on is worth knowing, not a warning.
    assert!(report.findings.iter().any(|f| f.code == Code::SignerRekeyRisk
        && f.source == "openshift-kube-apiserver-operator/aggregator-client-signer[tls.crt]"
        && f.severity == Severity::Info));
    assert!(codes(&report, Severity::Error).is_empty());
}

fn okd_trust(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_okd-trust")).args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_command_reads_the_tarball_in_place_and_a_directory_alike() {
    let Some(path) = shared_archive(ARCHIVES[1]) else { return };
    let Some(gather) = loaded(ARCHIVES[1]) else { return };
    let (code, from_tarball, stderr) = okd_trust(&["cluster", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let dir = TempDir::new("cluster", "directory");
    gather.write_dir(&dir.0).unwrap();
    let (code, from_directory, _) = okd_trust(&["cluster", dir.0.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let (tarball, directory): (Value, Value) =
        (serde_json::from_str(&from_tarball).unwrap(), serde_json::from_str(&from_directory).unwrap());
    assert_eq!(tarball["schema_version"], 1);
    assert_eq!(tarball["verdict"], "healthy");
    assert_eq!(tarball["at_source"], "must-gather");
    for field in ["signers", "bundles", "endpoints", "edges", "findings"] {
        assert_eq!(tarball[field], directory[field], "{field} differ between the tarball and the directory");
    }
    let signer = &tarball["signers"][0];
    for field in ["subject", "sha256", "spki_sha256", "not_before", "not_after", "sources"] {
        assert!(!signer[field].is_null(), "signers[].{field}");
    }
    let edge = &tarball["edges"][0];
    for field in ["bundle", "endpoint", "trusted", "reason"] {
        assert!(edge.get(field).is_some(), "edges[].{field}");
    }
    let (code, metrics, _) = okd_trust(&["cluster", path.to_str().unwrap(), "--format", "prometheus"]);
    assert_eq!(code, 0);
    assert!(metrics.contains("okd_trust_cluster_verdict{verdict=\"healthy\"} 1"));
    assert!(metrics.contains(
        "x509_cert_not_after{secret_namespace=\"openshift-kube-apiserver-operator\",secret_name=\"loadbalancer-serving-signer\",secret_key=\"tls.crt\""
    ));
    assert!(
        metrics.contains(
            "x509_cert_not_after{configmap_namespace=\"openshift-multus\",configmap_name=\"kube-root-ca.crt\""
        )
    );
}

#[test]
fn the_command_exits_1_on_the_incident_and_prints_the_multus_patch() {
    let Some(gather) = loaded(ARCHIVES[0]) else { return };
    let mut incident = gather.clone();
    incident.rekey_lb_signer(3);
    let dir = TempDir::new("cluster", "incident");
    let archive = dir.0.join("incident.tar.xz");
    incident.write_tar_xz(&archive).unwrap();
    let (code, text, stderr) = okd_trust(&["cluster", archive.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(text.starts_with("BROKEN"), "{text}");
    assert!(text.contains("signer-rekeyed"));
    assert!(text.contains("openshift-multus/kube-root-ca.crt[ca.crt]"));
    assert!(text.contains("fix: oc patch configmap -n openshift-multus kube-root-ca.crt"));
}

#[test]
fn bad_input_is_reported_with_its_path_and_skipped() {
    let Some(path) = shared_archive(ARCHIVES[1]) else { return };
    let dir = TempDir::new("cluster", "bad-input");
    // A tarball cut in half: what was read counts, the rest is reported.
    let bytes = std::fs::read(&path).unwrap();
    let truncated = dir.0.join("truncated.tar.xz");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let (code, json, stderr) = okd_trust(&["cluster", truncated.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let unreadable = report["unreadable"].as_array().unwrap();
    assert!(unreadable.iter().any(|u| u["path"].as_str().unwrap().contains("truncated.tar.xz")), "{unreadable:?}");
    assert!(report["findings"].as_array().unwrap().iter().any(|f| f["code"] == "input-unreadable"));

    // A must-gather with a file that is not YAML and a ConfigMap with a broken PEM block.
    let root = dir.0.join("mg/namespaces");
    std::fs::create_dir_all(root.join("broken/core")).unwrap();
    std::fs::create_dir_all(root.join("garbage/core")).unwrap();
    std::fs::write(root.join("garbage/core/configmaps.yaml"), "kind: List\nitems: [\n\t\u{1}").unwrap();
    std::fs::write(
        root.join("broken/core/configmaps.yaml"),
        "kind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: bad-ca, namespace: broken}\n  data:\n    \
         ca.crt: \"-----BEGIN CERTIFICATE-----\\nnot base64\\n-----END CERTIFICATE-----\\n\"\n",
    )
    .unwrap();
    let (code, json, stderr) = okd_trust(&["cluster", dir.0.join("mg").to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let paths: Vec<&str> =
        report["unreadable"].as_array().unwrap().iter().map(|u| u["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"namespaces/garbage/core/configmaps.yaml"), "{paths:?}");
    assert!(paths.contains(&"broken/bad-ca[ca.crt]"), "{paths:?}");

    // Nothing relevant at all is bad input.
    let empty = dir.0.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, _, stderr) = okd_trust(&["cluster", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nothing the analysis reads"), "{stderr}");
    let missing = Path::new(&dir.0).join("missing.tar.xz");
    let (code, _, _) = okd_trust(&["cluster", missing.to_str().unwrap()]);
    assert_eq!(code, 2);
}
