//! End-to-end tests of the `okd-trust` command: the built binary run on files written to a
//! temporary directory, made from the library's embedded example cluster and the testkit.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::TempDir;
use okd_trust::{Kubeconfig, examples};
use okd_trust_testkit::{CertBuilder, Key, days};
use serde_json::{Value, json};

const AT: &str = "2024-05-01T00:00:00Z";
const API_INT: &str = "api-int.ocp.example.com";

impl TempDir {
    /// The example cluster's files: the node's stale CA, the cluster's bundle, the served chain.
    fn example_cluster(&self) -> (PathBuf, PathBuf, PathBuf) {
        (
            self.write("node-ca.pem", &node_ca_pem()),
            self.write("cluster-ca.pem", examples::CLUSTER_CA_BUNDLE),
            self.write("chain.pem", examples::API_INT_SERVING_CHAIN),
        )
    }
}

/// What the node's kubeconfig trusts: the four original signers, not the rotated LB signer.
fn node_ca_pem() -> String {
    let config = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    let cluster = config.current_cluster().unwrap();
    config.ca_bundle(&cluster.name).unwrap().unwrap().to_pem()
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_okd-trust"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "okd-trust panicked: {stderr}");
    output
}

fn verify(roots: &Path, chain: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify", "--roots", path(roots), "--chain", path(chain)];
    args.extend_from_slice(extra);
    run(&args, None)
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap()
}

/// The served chain's certificates as separate PEM blocks.
fn split_pem(text: &str) -> Vec<String> {
    const END: &str = "-----END CERTIFICATE-----";
    text.split_inclusive(END).filter(|b| b.contains("-----BEGIN")).map(|b| format!("{}\n", b.trim())).collect()
}

#[test]
fn the_incident_old_ca_only_is_untrusted() {
    let dir = TempDir::new("cli", "incident");
    let (node_ca, _, chain) = dir.example_cluster();
    let out = verify(&node_ca, &chain, &["--at", AT, "--dns-name", API_INT]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("untrusted: "), "{text}");
    assert!(text.contains("unknown authority"), "{text}");
    assert!(text.contains("kube-apiserver-lb-signer"), "{text}");
}

#[test]
fn the_cluster_bundle_is_trusted() {
    let dir = TempDir::new("cli", "trusted");
    let (_, cluster_ca, chain) = dir.example_cluster();
    let out = verify(&cluster_ca, &chain, &["--at", AT, "--dns-name", API_INT]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("trusted: "), "{text}");
    assert!(text.contains(API_INT), "{text}");
    assert!(stderr(&out).is_empty(), "no warnings expected: {}", stderr(&out));
}

#[test]
fn intermediates_and_ip_options_are_accepted() {
    let dir = TempDir::new("cli", "options");
    let (_, cluster_ca, chain) = dir.example_cluster();
    let leaf_only = dir.write("leaf.pem", &split_pem(examples::API_INT_SERVING_CHAIN)[0]);
    let out = verify(&cluster_ca, &leaf_only, &["--intermediates", path(&chain), "--at", AT, "--dns-name", API_INT]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    // The leaf has no IP SAN.
    let out = verify(&cluster_ca, &chain, &["--at", AT, "--ip", "[192.0.2.1]"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("192.0.2.1"), "{}", stdout(&out));
    // Strict adds rules but still decides.
    let out = verify(&cluster_ca, &chain, &["--at", AT, "--dns-name", API_INT, "--profile", "strict"]);
    assert!([0, 1].contains(&code(&out)), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn a_wrong_name_is_untrusted() {
    let dir = TempDir::new("cli", "wrong-name");
    let (_, cluster_ca, chain) = dir.example_cluster();
    let out = verify(&cluster_ca, &chain, &["--at", AT, "--dns-name", "api.ocp.example.com"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("api.ocp.example.com"), "{text}");
    assert!(text.contains(API_INT), "the valid names are listed: {text}");

    let out = verify(&cluster_ca, &chain, &["--at", AT, "--dns-name", "api.ocp.example.com", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["reason"]["code"], "hostname-mismatch");
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = TempDir::new("cli", "json");
    let (node_ca, cluster_ca, chain) = dir.example_cluster();

    let out = verify(&cluster_ca, &chain, &["--at", AT, "--dns-name", API_INT, "--format", "json"]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["trusted"], true);
    assert!(doc["reason"].is_null());
    let chain_view = doc["chain"].as_array().unwrap();
    assert!(chain_view.len() >= 2, "{doc}");
    for cert in chain_view {
        let keys: Vec<&str> = cert.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["subject", "issuer", "sha256", "not_before", "not_after"]);
    }
    assert_eq!(chain_view[0]["subject"], format!("CN={API_INT}"));
    assert_eq!(chain_view[0]["issuer"], "CN=kube-apiserver-lb-signer,OU=openshift");
    assert_eq!(chain_view[0]["sha256"].as_str().unwrap().len(), 32 * 3 - 1);
    assert!(chain_view[0]["not_before"].as_str().unwrap().ends_with('Z'));

    let out = verify(&node_ca, &chain, &["--at", AT, "--dns-name", API_INT, "--format", "json"]);
    assert_eq!(code(&out), 1, "{}{}", stdout(&out), stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["trusted"], false);
    assert_eq!(doc["chain"], json!([]));
    let reason = &doc["reason"];
    assert_eq!(reason["code"], "unknown-authority");
    assert!(reason["failure"].as_str().unwrap().contains("unknown authority"), "{reason}");
    for key in ["subject", "sha256", "not_before", "not_after", "depth"] {
        assert!(!reason["certificate"][key].is_null(), "certificate.{key} missing: {reason}");
    }
    for attempt in reason["attempts"].as_array().unwrap() {
        assert!(attempt["path"].is_array() && attempt["failure"].is_string() && attempt["code"].is_string());
    }
}

/// `openssl s_client -connect api-int:6443 -showcerts` prints text around the PEM blocks.
fn s_client_output() -> String {
    let blocks = split_pem(examples::API_INT_SERVING_CHAIN);
    let mut text = String::from(
        "CONNECTED(00000003)\ndepth=1 OU = openshift, CN = kube-apiserver-lb-signer\n\
         verify error:num=19:self-signed certificate in certificate chain\n---\nCertificate chain\n",
    );
    for (i, block) in blocks.iter().enumerate() {
        text.push_str(&format!(" {i} s:CN = something\n   i:OU = openshift, CN = kube-apiserver-lb-signer\n"));
        text.push_str("   a:PKEY: id-ecPublicKey, 256 (bit); sigalg: RSA-SHA256\n");
        text.push_str(block);
    }
    text.push_str(
        "---\nServer certificate\nsubject=CN = api-int.ocp.example.com\n---\nNo client certificate CA names sent\n",
    );
    text.push_str("SSL handshake has read 2412 bytes and written 401 bytes\n---\nDONE\n");
    text
}

#[test]
fn openssl_s_client_output_is_a_valid_chain() {
    let dir = TempDir::new("cli", "s-client");
    let (_, cluster_ca, _) = dir.example_cluster();
    let s_client = dir.write("s_client.txt", &s_client_output());
    let out = verify(&cluster_ca, &s_client, &["--at", AT, "--dns-name", API_INT]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).is_empty(), "text around the blocks is not worth a warning: {}", stderr(&out));

    // The same, piped in.
    let out = run(
        &["verify", "--roots", path(&cluster_ca), "--chain", "-", "--at", AT, "--dns-name", API_INT],
        Some(&s_client_output()),
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let dir = TempDir::new("cli", "bad-input");
    let (_, cluster_ca, chain) = dir.example_cluster();
    let missing = dir.0.join("missing.pem");
    let garbage = dir.write("garbage.pem", "this is not a certificate\n");
    let broken = dir.write("broken.pem", "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");

    let cases: [(&str, Vec<&str>, &str); 7] = [
        ("missing roots", vec!["--roots", path(&missing), "--chain", path(&chain)], "cannot read"),
        ("missing chain", vec!["--roots", path(&cluster_ca), "--chain", path(&missing)], "cannot read"),
        ("garbage roots", vec!["--roots", path(&garbage), "--chain", path(&chain)], "no certificates found"),
        ("garbage chain", vec!["--roots", path(&cluster_ca), "--chain", path(&garbage)], "no CERTIFICATE block"),
        ("unparseable leaf", vec!["--roots", path(&cluster_ca), "--chain", path(&broken)], "cannot be parsed"),
        ("bad --at", vec!["--roots", path(&cluster_ca), "--chain", path(&chain), "--at", "May 1st"], "RFC 3339"),
        (
            "both names",
            vec!["--roots", path(&cluster_ca), "--chain", path(&chain), "--dns-name", API_INT, "--ip", "10.0.0.1"],
            "cannot be used with",
        ),
    ];
    for (what, args, message) in cases {
        let mut argv = vec!["verify"];
        argv.extend(args);
        let out = run(&argv, None);
        assert_eq!(code(&out), 2, "{what}: {}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).is_empty(), "{what}: nothing on stdout");
        assert!(stderr(&out).contains(message), "{what}: {}", stderr(&out));
    }
}

/// A tiny x509-limbo suite: the example cluster, a testkit IP case, and each kind of skip.
fn limbo_suite() -> Value {
    let ca = CertBuilder::ca("limbo-root").key(Key::P256).validity(0, days(3650)).self_signed();
    let ip = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    let ip_leaf =
        CertBuilder::leaf("ip-leaf").key(Key::P384).ip(ip).server_auth().validity(0, days(365)).signed_by(&ca);
    let served = split_pem(examples::API_INT_SERVING_CHAIN);
    let case = |id: &str| {
        json!({
            "id": id, "conflicts_with": [], "features": [], "importance": "high", "description": "test",
            "validation_kind": "SERVER", "trusted_certs": split_pem(examples::CLUSTER_CA_BUNDLE),
            "untrusted_intermediates": [], "peer_certificate": served[0], "peer_certificate_key": null,
            "validation_time": "2024-05-01T00:00:00.5+00:00", "signature_algorithms": [], "key_usage": [],
            "extended_key_usage": [], "expected_result": "SUCCESS",
            "expected_peer_name": {"kind": "DNS", "value": API_INT}, "expected_peer_names": [],
            "max_chain_depth": null, "crls": [],
        })
    };
    let mut rotated = case("okd::rotated-signer-in-bundle");
    rotated["trusted_certs"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
    let mut stale = case("okd::stale-node-bundle");
    stale["trusted_certs"] = json!(split_pem(&node_ca_pem()));
    let mut ip_case = case("testkit::ip-san");
    ip_case["trusted_certs"] = json!([ca.pem()]);
    ip_case["peer_certificate"] = json!(ip_leaf.pem());
    ip_case["validation_time"] = json!("1971-01-01T00:00:00Z");
    ip_case["expected_peer_name"] = json!({"kind": "IP", "value": "10.0.0.1"});
    ip_case["extended_key_usage"] = json!(["serverAuth"]);
    let mut bad_peer = case("bad::peer");
    bad_peer["peer_certificate"] = json!("not a certificate");
    let mut crl = case("skip::crl");
    crl["features"] = json!(["has-crl"]);
    let mut depth = case("skip::depth");
    depth["max_chain_depth"] = json!(1);
    let mut client = case("skip::client");
    client["validation_kind"] = json!("CLIENT");
    client["expected_peer_name"] = Value::Null;
    json!({"version": 1, "testcases": [rotated, stale, ip_case, bad_peer, crl, depth, client]})
}

#[test]
fn limbo_harness_protocol() {
    let suite = limbo_suite().to_string();
    let out = run(&["limbo"], Some(&suite));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["harness"], "okd-trust-kubelet");
    let results = doc["results"].as_array().unwrap();
    let got: Vec<(&str, &str)> =
        results.iter().map(|r| (r["id"].as_str().unwrap(), r["actual_result"].as_str().unwrap())).collect();
    assert_eq!(
        got,
        [
            ("okd::rotated-signer-in-bundle", "SUCCESS"),
            ("okd::stale-node-bundle", "FAILURE"),
            ("testkit::ip-san", "SUCCESS"),
            ("bad::peer", "FAILURE"),
            ("skip::crl", "SKIPPED"),
            ("skip::depth", "SKIPPED"),
            ("skip::client", "SKIPPED"),
        ]
    );
    let context = |i: usize| results[i]["context"].as_str().unwrap_or_default().to_owned();
    assert!(results[0]["context"].is_null());
    assert!(context(1).contains("unknown authority"), "{}", context(1));
    assert!(context(3).starts_with("peer certificate:"), "{}", context(3));
    assert_eq!(context(4), "CRLs not supported");
    assert_eq!(context(5), "max chain depth not supported");
    assert_eq!(context(6), "unimplemented validationKindClient");
    let log = stderr(&out);
    assert!(log.contains("limbo summary: profile=kubelet cases=7 success=2 failure=2 skipped=3 panics=0"), "{log}");

    let out = run(&["limbo", "--profile", "strict"], Some(&suite));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["harness"], "okd-trust-strict");
    assert_eq!(doc["results"].as_array().unwrap().len(), 7);
}

#[test]
fn limbo_refuses_what_is_not_a_suite() {
    let out = run(&["limbo"], Some("{\"version\": 1}"));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not an x509-limbo suite"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
}
