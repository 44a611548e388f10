//! Snapshot tests of the doctor's renderings on the built-in incident and on a healthy node, at a
//! fixed time. The expected outputs are committed under `tests/snapshots/`; after an intended
//! change, regenerate them with `UPDATE_SNAPSHOTS=1 cargo test -p okd-trust --test report` and
//! review the diff.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use okd_trust::diagnose::{self, Diagnosis, DoctorInput, Labelled};
use okd_trust::{CaBundle, Kubeconfig, Timestamp, examples, report};

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2024-05-01T00:00:00Z").unwrap()
}

fn bundle(pem: &str) -> CaBundle {
    CaBundle::from_pem(pem.as_bytes()).unwrap()
}

/// The built-in incident: both node kubeconfigs trust only the old signers, multus too.
fn incident() -> Diagnosis {
    let mut input = DoctorInput::new(at());
    for (label, text) in [
        ("/etc/kubernetes/kubeconfig", examples::BOOTSTRAP_KUBECONFIG),
        ("/var/lib/kubelet/kubeconfig", examples::NODE_KUBECONFIG),
    ] {
        input.kubeconfigs.push(Labelled::new(label, Kubeconfig::parse(text.as_bytes()).unwrap()));
    }
    input
        .cluster_cas
        .push(Labelled::new("openshift-config-managed/kube-apiserver-server-ca", bundle(examples::CLUSTER_CA_BUNDLE)));
    input.serving_chain = Some(Labelled::new(
        "api-int.ocp.example.com:6443",
        bundle(examples::API_INT_SERVING_CHAIN).iter().cloned().collect(),
    ));
    let stale = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap().ca_bundle("local").unwrap().unwrap();
    input.multus_ca = Some(Labelled::new("openshift-multus/kube-root-ca.crt", stale));
    diagnose::diagnose(&input)
}

/// The same node after the fix: nothing to do.
fn healthy() -> Diagnosis {
    let node = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    let fixed = node.with_ca_bundle("local", &bundle(examples::CLUSTER_CA_BUNDLE)).unwrap().text;
    let mut input = DoctorInput::new(Timestamp::parse_rfc3339("2024-04-12T00:00:00Z").unwrap());
    input.kubeconfigs.push(Labelled::new("/var/lib/kubelet/kubeconfig", Kubeconfig::parse(fixed.as_bytes()).unwrap()));
    input.cluster_cas.push(Labelled::new("kube-apiserver-server-ca", bundle(examples::CLUSTER_CA_BUNDLE)));
    input.serving_chain =
        Some(Labelled::new("api-int", bundle(examples::API_INT_SERVING_CHAIN).iter().cloned().collect()));
    diagnose::diagnose(&input)
}

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SNAPSHOTS=1 to create it", path.display()));
    if expected != actual {
        let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{name} differs from its snapshot from line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_SNAPSHOTS=1 regenerates it)",
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn incident_text() {
    check("incident.txt", &report::text(&incident()));
}

#[test]
fn incident_json() {
    check("incident.json", &report::json(&incident()));
}

#[test]
fn incident_prometheus() {
    check("incident.prom", &report::prometheus(&incident()));
}

#[test]
fn healthy_text_and_json() {
    let diagnosis = healthy();
    let text = report::text(&diagnosis);
    assert_eq!(
        text,
        "HEALTHY: nothing breaks trust between the node and api-int (0 errors, 0 warnings, 1 info; at 2024-04-12T00:00:00Z)\n\n\
         INFO (1)\n\n  [signer-recently-rotated] /var/lib/kubelet/kubeconfig\n"
            .to_owned()
            + &text[text.find("    10-year signer").unwrap()..]
    );
    assert!(text.ends_with("\nNothing to fix.\n"), "{text}");
    check("healthy.json", &report::json(&diagnosis));
}

#[test]
fn json_has_the_documented_shape() {
    let value: serde_json::Value = serde_json::from_str(&report::json(&incident())).unwrap();
    assert_eq!(value["schema_version"], report::SCHEMA_VERSION);
    assert_eq!(value["verdict"], "broken");
    assert_eq!(value["at"], "2024-05-01T00:00:00Z");
    let finding = &value["findings"][0];
    for key in ["code", "severity", "source", "message", "evidence"] {
        assert!(finding.get(key).is_some(), "finding lacks {key}");
    }
    assert!(finding["evidence"]["details"].is_object());
    for key in ["subject", "sha256", "not_before", "not_after"] {
        assert!(finding["evidence"]["certificates"][0].get(key).is_some(), "certificate lacks {key}");
    }
    let repair = &value["plan"]["kubeconfigs"][0];
    for key in ["source", "cluster", "verified", "verification", "added", "removed", "new_text"] {
        assert!(repair.get(key).is_some(), "repair lacks {key}");
    }
    assert!(value["plan"]["multus_patch"]["note"].as_str().unwrap().contains("stopgap"));
    assert!(value["plan"]["actions"].as_array().unwrap().iter().all(|a| a["command"].is_string()));
}

#[test]
fn prometheus_has_every_code_and_valid_lines() {
    let text = report::prometheus(&incident());
    for code in diagnose::Code::ALL {
        assert!(text.contains(&format!("okd_trust_findings{{code=\"{code}\",severity=\"error\"}}")), "{code}");
    }
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "bad sample line {line:?}");
    }
    assert!(text.contains("okd_trust_plan_kubeconfigs 2\n"));
}
