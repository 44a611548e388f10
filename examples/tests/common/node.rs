//! The node files and the doctor runs the end-to-end scenarios share: kubeconfigs trusting a
//! given bundle, the cluster before and after the incident's re-key, and the built binary.
// Each test binary uses its own part of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use okd_trust::{CaBundle, Kubeconfig, examples};
use okd_trust_testkit::okd::{self, DOMAIN};
use okd_trust_testkit::{Issued, days};
use serde_json::Value;

use super::TempDir;

pub(crate) const AT: &str = "2024-05-01T00:00:00Z";
/// 2024-05-01T00:00:00Z.
pub(crate) const AT_UNIX: i64 = 1_714_521_600;
pub(crate) const API_INT: &str = "api-int.ocp.example.com";

pub(crate) fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

pub(crate) fn doctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_okd-trust")).arg("doctor").args(args).output().unwrap()
}

/// Runs the doctor with `--format json` and returns (exit code, report).
pub(crate) fn doctor_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--at", AT, "--format", "json"];
    all.extend_from_slice(args);
    let out = doctor(&all);
    let code = out.status.code().unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), stderr(&out)));
    (code, report)
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub(crate) fn codes(report: &Value) -> Vec<String> {
    let mut codes: Vec<String> =
        report["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap().to_owned()).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// The node kubeconfig of the built-in example, trusting exactly `pem`.
pub(crate) fn kubeconfig_trusting(pem: &str) -> String {
    let config = Kubeconfig::parse(examples::NODE_KUBECONFIG.as_bytes()).unwrap();
    config.with_ca_bundle("local", &CaBundle::from_pem(pem.as_bytes()).unwrap()).unwrap().text
}

/// The same kubeconfig as the machine-config daemon writes it: JSON.
pub(crate) fn json_kubeconfig_trusting(pem: &str) -> String {
    let yaml = Kubeconfig::parse(kubeconfig_trusting(pem).as_bytes()).unwrap();
    let data = &yaml.clusters()[0].cluster.certificate_authority_data;
    let value = serde_json::json!({
        "kind": "Config",
        "apiVersion": "v1",
        "clusters": [{"name": "local", "cluster": {"server": format!("https://{API_INT}:6443"), "certificate-authority-data": data}}],
        "contexts": [{"name": "kubelet", "context": {"cluster": "local", "user": "kubelet"}}],
        "current-context": "kubelet",
        "users": [{"name": "kubelet", "user": {"token": "t"}}]
    });
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

pub(crate) fn old_pem() -> String {
    okd::server_ca_bundle_pem()
}

pub(crate) fn rotated_pem() -> String {
    format!("{}{}", old_pem(), okd::rotated_lb_signer().pem())
}

/// A fresh (five-day-old) api-int leaf signed by `signer`, and the chain api-int serves.
pub(crate) fn chain_from(signer: &Issued, domain: &str) -> (Issued, String) {
    let leaf = okd::api_int_leaf(domain, signer, AT_UNIX - days(5));
    let pem = format!("{}{}", leaf.pem(), signer.pem());
    (leaf, pem)
}

/// The cluster after the incident's upgrade, written into `dir`: its CA bundle (old signers plus
/// the re-keyed one), and the chain api-int serves from the re-keyed signer (path and PEM).
pub(crate) fn rotated_cluster(dir: &TempDir) -> (PathBuf, PathBuf, String) {
    let cluster = dir.write("cluster-ca.pem", &rotated_pem());
    let (_, chain_pem) = chain_from(&okd::rotated_lb_signer(), DOMAIN);
    let chain = dir.write("chain.pem", &chain_pem);
    (cluster, chain, chain_pem)
}
