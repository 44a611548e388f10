//! The cluster analysis on small, hand-made inputs: what each kind of object contributes, and the
//! findings that the real must-gathers (tested end to end in `examples/tests/cluster.rs`) do not
//! exercise.
#![allow(clippy::unwrap_used, clippy::panic)]

use base64::Engine as _;
use okd_trust::Timestamp;
use okd_trust::cluster::{self, AtSource, ClusterInputs, ClusterOptions, Code, RELATIONSHIPS};
use okd_trust::diagnose::{Severity, Verdict};
use okd_trust_testkit::okd::{self, DOMAIN, ROTATED_AT};

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn indent(pem: &str) -> String {
    pem.trim_end().replace('\n', "\n      ")
}

/// An `oc get` dump of the incident: the re-keyed signer's Secret, api-int's new certificate,
/// the lb bundle with both keys, and multus' bundle with the old key only.
fn incident_dump() -> String {
    let old = okd::lb_signer();
    let new = okd::rotated_lb_signer();
    let leaf = okd::api_int_leaf(DOMAIN, &new, ROTATED_AT);
    format!(
        "apiVersion: v1\nkind: List\nitems:\n\
         - kind: Secret\n  type: kubernetes.io/tls\n  metadata: {{name: loadbalancer-serving-signer, namespace: openshift-kube-apiserver-operator}}\n  data: {{tls.crt: {}}}\n\
         - kind: Secret\n  type: kubernetes.io/tls\n  metadata: {{name: internal-loadbalancer-serving-certkey, namespace: openshift-kube-apiserver}}\n  data: {{tls.crt: {}}}\n\
         - kind: ConfigMap\n  metadata: {{name: loadbalancer-serving-ca, namespace: openshift-kube-apiserver-operator}}\n  data:\n    ca-bundle.crt: |\n      {}\n      {}\n\
         - kind: ConfigMap\n  metadata: {{name: kube-root-ca.crt, namespace: openshift-multus}}\n  data:\n    ca.crt: |\n      {}\n",
        b64(&new.pem()),
        b64(&leaf.pem()),
        indent(&old.pem()),
        indent(&new.pem()),
        indent(&old.pem()),
    )
}

fn at() -> Timestamp {
    Timestamp::from_unix_seconds(ROTATED_AT + 86_400)
}

#[test]
fn an_oc_get_dump_of_the_incident_is_broken_with_the_multus_patch() {
    let mut inputs = ClusterInputs::new();
    inputs.add_file("dumps/incident.yaml", incident_dump().as_bytes());
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    assert_eq!(report.at_source, AtSource::Clock, "no timestamp file: the caller's clock");
    assert_eq!(report.verdict, Verdict::Broken);
    let multus = report
        .findings
        .iter()
        .find(|f| f.code == Code::BundleUntrustedEndpoint && f.source == "openshift-multus/kube-root-ca.crt[ca.crt]")
        .unwrap();
    assert!(multus.message.contains("multus, the CNI plugin"), "{}", multus.message);
    assert!(multus.message.contains(&format!("api-int.{DOMAIN}")), "{}", multus.message);
    assert!(multus.details.iter().any(|(n, v)| n == "patch verified" && v == "true"));
    // The lb bundle holds both keys and verifies api-int.
    let lb = report.edges.iter().find(|e| e.relationship == "loadbalancer-serving-ca→api-int").unwrap();
    assert!(lb.verdict.is_trusted());
    // Two keys, one name: the signer Secret's is current, the other superseded.
    let keys: Vec<_> =
        report.signers.iter().filter(|s| s.certificate.subject().contains("kube-apiserver-lb-signer")).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys.iter().filter(|s| s.superseded_by.is_none()).count(), 1);
    let old = keys.iter().find(|s| s.superseded_by.is_some()).unwrap();
    assert!(report.findings.iter().any(|f| f.code == Code::TrustStillNeeded || f.code == Code::TrustRemovable));
    assert!(report.findings.iter().any(|f| f.code == Code::BundleSupersededKeyOnly
        && f.details.iter().any(|(n, v)| n == "superseded key" && *v == old.spki_sha256)));
    // JSON and Prometheus carry the same verdict.
    let json: serde_json::Value = serde_json::from_str(&cluster::json(&report)).unwrap();
    assert_eq!(json["verdict"], "broken");
    assert_eq!(json["schema_version"], cluster::SCHEMA_VERSION);
    assert!(cluster::prometheus(&report).contains("okd_trust_cluster_verdict{verdict=\"broken\"} 1"));
    assert!(cluster::text(&report).starts_with("BROKEN"));
}

#[test]
fn the_same_object_twice_is_read_once_and_order_does_not_matter() {
    let dump = incident_dump();
    let mut once = ClusterInputs::new();
    once.add_file("a.yaml", dump.as_bytes());
    let mut twice = ClusterInputs::new();
    twice.add_file("b.yaml", dump.as_bytes());
    twice.add_file("a.yaml", dump.as_bytes());
    let options = ClusterOptions::new(at());
    let (one, two) = (cluster::analyze(&once, &options), cluster::analyze(&twice, &options));
    assert_eq!(
        cluster::json(&one).replace("\"files_read\": 1", ""),
        cluster::json(&two).replace("\"files_read\": 2", "")
    );
}

#[test]
fn kubelet_journal_x509_lines_are_evidence() {
    let mut inputs = ClusterInputs::new();
    inputs.add_file("dumps/incident.yaml", incident_dump().as_bytes());
    let journal = "Apr 11 kubelet[1]: I0411 started\n\
                   Apr 11 kubelet[1]: E0411 reflector.go:138: Get \"https://api-int.ocp.example.com:6443/api\": x509: certificate signed by unknown authority\n";
    inputs.add_file("mg/quay/host_service_logs/masters/kubelet_service.log", journal.as_bytes());
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    let finding = report.findings.iter().find(|f| f.code == Code::KubeletLogX509).unwrap();
    assert_eq!(finding.severity, Severity::Warning);
    assert!(
        finding
            .details
            .iter()
            .any(|(n, v)| n == "line" && v.contains("kubelet_service.log:2:") && v.contains("unknown authority"))
    );
}

#[test]
fn the_timestamp_beside_the_resource_tree_decides() {
    let mut inputs = ClusterInputs::new();
    inputs.add_file("mg/timestamp", b"2021-08-03 12:11:56.9 +0200 CEST m=+1.6\n");
    inputs.add_file("mg/quay/timestamp", b"2021-08-03 12:12:00 +0200 CEST m=+5.1\n");
    inputs.add_file("mg/quay/namespaces/openshift-multus/core/configmaps.yaml", b"kind: List\nitems: []\n");
    assert_eq!(inputs.gathered_at().unwrap().to_string(), "2021-08-03T10:12:00Z");
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    assert_eq!(report.at_source, AtSource::Gathered);
    let given = cluster::analyze(&inputs, &ClusterOptions::new(at()).at(at()));
    assert_eq!((given.at, given.at_source), (at(), AtSource::Given));
}

#[test]
fn machine_configs_controller_config_and_nodes_are_read() {
    let ca = okd::localhost_signer().pem();
    let data_url: String = ca
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let yaml = format!(
        "kind: List\nitems:\n\
         - kind: MachineConfig\n  metadata: {{name: 00-worker}}\n  spec:\n    config:\n      storage:\n        files:\n        - path: /etc/kubernetes/kubelet-ca.crt\n          contents: {{source: 'data:,{data_url}'}}\n        - path: /etc/motd\n          contents: {{source: 'data:,hello'}}\n\
         - kind: ControllerConfig\n  metadata: {{name: machine-config-controller}}\n  spec:\n    kubeAPIServerServingCAData: {}\n    infra: {{status: {{apiServerInternalURI: 'https://api-int.{DOMAIN}:6443'}}}}\n\
         - kind: Node\n  metadata: {{name: worker-0, labels: {{node-role.kubernetes.io/worker: ''}}}}\n  status: {{conditions: [{{type: Ready, status: 'False'}}]}}\n\
         - kind: ClusterVersion\n  metadata: {{name: version}}\n  status: {{history: [{{version: 4.15.3, startedTime: '2024-04-10T00:00:00Z', state: Completed}}, {{version: 4.6.1, startedTime: '2019-06-01T00:00:00Z', state: Completed}}]}}\n",
        b64(&ca)
    );
    let mut inputs = ClusterInputs::new();
    inputs.add_file("dumps/mco.yaml", yaml.as_bytes());
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    let sources: Vec<&str> = report.bundles.iter().map(|b| b.source.as_str()).collect();
    assert_eq!(
        sources,
        [
            "controllerconfig/machine-config-controller[kubeAPIServerServingCAData]",
            "machineconfig/00-worker[/etc/kubernetes/kubelet-ca.crt]"
        ]
    );
    assert!(report.bundles.iter().all(|b| b.certificates.len() == 1));
    assert_eq!(report.nodes[0].name, "worker-0");
    assert_eq!(report.nodes[0].ready, Some(false));
    assert_eq!(report.history.last().unwrap().version, "4.6.1", "installed as 4.6");
    assert!(cluster::text(&report).contains("installed as 4.6.1"));
}

#[test]
fn unreadable_values_are_named_and_public_keys_are_no_bundles() {
    let yaml = "kind: List\nitems:\n\
        - kind: ConfigMap\n  metadata: {name: broken, namespace: ns}\n  data:\n    ca.crt: \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"\n\
        - kind: ConfigMap\n  metadata: {name: keys, namespace: ns}\n  data:\n    sa.pub: \"-----BEGIN RSA PUBLIC KEY-----\\nAAAA\\n-----END RSA PUBLIC KEY-----\\n\"\n";
    let mut inputs = ClusterInputs::new();
    inputs.add_file("dumps/ns.yaml", yaml.as_bytes());
    inputs.add_file("dumps/garbage.yaml", b"kind: [unclosed");
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    let paths: Vec<&str> = report.unreadable.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(paths, ["dumps/garbage.yaml", "ns/broken[ca.crt]"]);
    assert!(report.bundles.is_empty());
    assert_eq!(report.verdict, Verdict::AtRisk, "what could not be read is a warning");
}

#[test]
fn a_node_kubeconfig_naming_a_ca_file_is_not_judged_and_says_why() {
    let kubeconfig = "clusters:\n- name: c\n  cluster: {server: 'https://api-int.ocp.example.com:6443', certificate-authority: /etc/kubernetes/ca.crt}\n\
                      contexts:\n- name: k\n  context: {cluster: c}\ncurrent-context: k\n";
    let mut inputs = ClusterInputs::new();
    inputs.add_file("dumps/incident.yaml", incident_dump().as_bytes());
    inputs.add_kubeconfig("/var/lib/kubelet/kubeconfig", kubeconfig.as_bytes());
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    let finding = report.findings.iter().find(|f| f.code == Code::KubeconfigNotJudged).unwrap();
    assert!(finding.message.contains("/etc/kubernetes/ca.crt"), "{}", finding.message);
    assert!(!report.not_seen.iter().any(|s| s.contains("node kubeconfigs")));
}

#[test]
fn the_relationship_table_is_well_formed() {
    let mut ids: Vec<&str> = RELATIONSHIPS.iter().map(|r| r.id).collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "relationship ids are unique");
    assert!(RELATIONSHIPS.iter().all(|r| !r.source.is_empty() && !r.client.is_empty()));
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert!(codes.contains(&"bundle-untrusted-endpoint") && codes.contains(&"signer-rekey-risk"));
}

#[test]
fn one_unreadable_item_of_a_list_costs_only_itself() {
    let pem = okd::localhost_signer().pem();
    let yaml = format!(
        "kind: List\nitems:\n\
         - kind: Secret\n  metadata: {{name: bad, namespace: ns}}\n  data: {{ca.crt: '!!not base64!!'}}\n\
         - kind: ConfigMap\n  metadata: {{name: good, namespace: ns}}\n  data:\n    ca.crt: |\n      {}\n",
        indent(&pem)
    );
    let mut inputs = ClusterInputs::new();
    inputs.add_file("mg/namespaces/ns/core/list.yaml", yaml.as_bytes());
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    assert_eq!(report.bundles.len(), 1, "the good ConfigMap is read");
    assert_eq!(report.unreadable.len(), 1);
    assert!(report.unreadable[0].path.contains("Secret ns/bad"), "{:?}", report.unreadable);
}

#[test]
fn only_the_machine_configs_the_pools_run_count() {
    let ca = okd::localhost_signer().pem();
    let file = |name: &str| {
        format!(
            "- kind: MachineConfig\n  metadata: {{name: {name}}}\n  spec:\n    config:\n      storage:\n        files:\n        - path: /etc/kubernetes/kubelet-ca.crt\n          contents: {{source: 'data:;base64,{}'}}\n",
            b64(&ca)
        )
    };
    let yaml = format!(
        "kind: List\nitems:\n{}{}{}- kind: MachineConfigPool\n  metadata: {{name: worker}}\n  status: {{configuration: {{name: rendered-worker-new}}}}\n",
        file("rendered-worker-old"),
        file("rendered-worker-new"),
        file("00-worker")
    );
    let mut inputs = ClusterInputs::new();
    inputs.add_file("dumps/mco.yaml", yaml.as_bytes());
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    let sources: Vec<&str> = report.bundles.iter().map(|b| b.source.as_str()).collect();
    assert_eq!(sources, ["machineconfig/rendered-worker-new[/etc/kubernetes/kubelet-ca.crt]"]);
}

/// A hundred signers, each its own key, each drawn once: the graph groups, it does not fan out.
#[cfg(feature = "html")]
#[test]
fn the_html_graph_draws_a_node_per_signer_key_at_a_hundred_signers() {
    let mut inputs = ClusterInputs::new();
    for (path, bytes) in okd_trust_testkit::must_gather::synthetic_cluster(100) {
        inputs.add_file(&path, &bytes);
    }
    let report = cluster::analyze(&inputs, &ClusterOptions::new(at()));
    assert_eq!(report.signers.len(), 100);
    let html = cluster::html(&report);
    assert_eq!(html.matches("class=\"node signer\"").count(), 100);
    for signer in &report.signers {
        assert!(html.contains(&format!("data-key=\"{}\"", signer.spki_sha256)));
    }
    let dot = cluster::dot(&report);
    assert_eq!(dot.lines().filter(|l| l.contains("class=\"signer\"")).count(), 100);
}

/// A mistyped path, or a directory of unrelated files, must never read as a healthy cluster.
#[test]
fn nothing_read_is_broken_never_healthy() {
    let report = cluster::analyze(&ClusterInputs::new(), &ClusterOptions::new(at()));
    assert_eq!(report.verdict, Verdict::Broken);
    let codes: Vec<Code> = report.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, [Code::NothingRead]);
    assert!(report.findings[0].message.contains("no verdict on the cluster"));
}
