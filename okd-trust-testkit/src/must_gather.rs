//! Real must-gathers, loaded from their `.tar.xz`, and the incident derived from them.
//!
//! [`MustGather::rekey_lb_signer`] replays the 4.15 upgrade of an old cluster on a healthy
//! must-gather: the load-balancer signer re-created with the same subject and a new key, api-int's
//! serving certificate re-issued from it, the union published where the kube-apiserver operator
//! and kube-controller-manager publish it — except `openshift-multus`, left with the old key as in
//! the incident. [`MustGather::legacy_signer_types`] gives the signer Secrets the legacy type
//! `SecretTypeTLS` of clusters installed at 4.7 or earlier. Edited files are written back as YAML.

use std::io::{self, Read, Write as _};
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use rcgen::{DnType, DnValue, ExtendedKeyUsagePurpose, KeyUsagePurpose, SanType};
use serde_yaml::Value;

use crate::{CertBuilder, Issued, Key, days};

/// Where the shared test data lives, relative to the workspace.
pub const SHARED_DIR: &str = "../shared/must-gather";

/// The two real must-gathers of `../shared/must-gather/`.
pub const ARCHIVES: [&str; 2] = ["ocp-4.8-aws.tar.xz", "ocp-4.9-metal.tar.xz"];

/// The path of a shared must-gather, from any crate of the workspace, when it is there; otherwise
/// `None` after saying so loudly on stderr (the data is present in CI).
pub fn shared_archive(name: &str) -> Option<std::path::PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = workspace.join(SHARED_DIR).join(name);
    if path.is_file() {
        return Some(path);
    }
    eprintln!(
        "SKIPPED: {} is absent: the must-gather tests need ../shared/must-gather/ (present in CI)",
        path.display()
    );
    None
}

/// A must-gather in memory: every member's path and bytes.
#[derive(Debug, Clone)]
pub struct MustGather {
    files: Vec<(String, Vec<u8>)>,
}

/// What [`MustGather::rekey_lb_signer`] made.
#[derive(Debug)]
pub struct Rekey {
    /// The new load-balancer signer.
    pub signer: Issued,
    /// api-int's new serving certificate.
    pub api_int: Issued,
    /// The api-int host name.
    pub api_int_host: String,
    /// The old signer's certificate (PEM).
    pub old_signer_pem: String,
}

impl MustGather {
    /// Loads every member of a `.tar.xz`.
    pub fn load(path: &Path) -> io::Result<Self> {
        let file = std::fs::File::open(path)?;
        let mut archive = tar::Archive::new(liblzma::read::XzDecoder::new(io::BufReader::new(file)));
        let mut files = Vec::new();
        for entry in archive.entries()? {
            let mut entry = entry?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = entry.path()?.to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            files.push((name, bytes));
        }
        Ok(MustGather { files })
    }

    /// Every member, in archive order.
    pub fn files(&self) -> &[(String, Vec<u8>)] {
        &self.files
    }

    /// When it was gathered (Unix seconds), from the first line of its `timestamp` file.
    pub fn gathered_at(&self) -> i64 {
        // The one beside the resource tree, as the README of the shared data says.
        let beside_tree = |p: &str| {
            let dir = p.strip_suffix("timestamp").unwrap_or_default();
            p.ends_with("/timestamp")
                && self.files.iter().any(|(other, _)| other.starts_with(&format!("{dir}namespaces/")))
        };
        let (_, bytes) = self.files.iter().find(|(p, _)| beside_tree(p)).expect("a timestamp file");
        let line = String::from_utf8_lossy(bytes).lines().next().unwrap_or_default().to_owned();
        let mut fields = line.split_whitespace();
        let (date, clock, offset) = (fields.next().unwrap(), fields.next().unwrap(), fields.next().unwrap());
        let number = |text: &str| -> i64 { text.parse().unwrap() };
        let ymd: Vec<i64> = date.split('-').map(number).collect();
        let hms: Vec<i64> = clock.split('.').next().unwrap().split(':').map(number).collect();
        let month = time::Month::try_from(ymd[1] as u8).unwrap();
        let day = time::Date::from_calendar_date(ymd[0] as i32, month, ymd[2] as u8).unwrap();
        let local = day.midnight().assume_utc().unix_timestamp() + hms[0] * 3600 + hms[1] * 60 + hms[2];
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let offset_seconds = sign * (number(&offset[1..3]) * 3600 + number(&offset[3..5]) * 60);
        local - offset_seconds
    }

    /// Writes every member under `dir`.
    pub fn write_dir(&self, dir: &Path) -> io::Result<()> {
        for (path, bytes) in &self.files {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, bytes)?;
        }
        Ok(())
    }

    /// Writes the must-gather as a `.tar.xz` (fast compression).
    pub fn write_tar_xz(&self, path: &Path) -> io::Result<()> {
        let file = std::fs::File::create(path)?;
        let mut builder = tar::Builder::new(liblzma::write::XzEncoder::new(file, 1));
        for (name, bytes) in &self.files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, bytes.as_slice())?;
        }
        builder.into_inner()?.finish()?.flush()
    }

    /// The incident: see the module documentation. The new signer dates from `days_before` days
    /// before the must-gather was taken.
    pub fn rekey_lb_signer(&mut self, days_before: i64) -> Rekey {
        let start = self.gathered_at() - days(days_before);
        let old_leaf = self.secret_data("openshift-kube-apiserver", "internal-loadbalancer-serving-certkey", "tls.crt");
        let old_signer_pem = String::from_utf8(self.secret_data(
            "openshift-kube-apiserver-operator",
            "loadbalancer-serving-signer",
            "tls.crt",
        ))
        .unwrap();
        let (leaf_cn, leaf_dns) = subject_and_dns(&old_leaf);
        let mut signer = CertBuilder::ca("kube-apiserver-lb-signer")
            .key(Key::RsaE)
            .serial(0x4_15_10)
            .validity(start, start + days(3650));
        // The installer's names, byte for byte: OU then CN, both PrintableString.
        let mut name = rcgen::DistinguishedName::new();
        name.push(DnType::OrganizationalUnitName, DnValue::PrintableString("openshift".try_into().unwrap()));
        name.push(DnType::CommonName, DnValue::PrintableString("kube-apiserver-lb-signer".try_into().unwrap()));
        signer.params.distinguished_name = name;
        signer.params.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        let signer = signer.self_signed();
        let mut leaf = CertBuilder::leaf(&leaf_cn).key(Key::RsaB).serial(0x4_15_11).validity(start, start + days(30));
        leaf = leaf.eku(ExtendedKeyUsagePurpose::ServerAuth);
        leaf.params.subject_alt_names =
            leaf_dns.iter().map(|d| SanType::DnsName(d.as_str().try_into().unwrap())).collect();
        let api_int = leaf.signed_by(&signer);
        let api_int_host = leaf_dns.iter().find(|d| d.starts_with("api-int.")).cloned().unwrap_or_default();

        let new_pem = signer.pem();
        self.edit_secret("openshift-kube-apiserver-operator", "loadbalancer-serving-signer", |secret| {
            set_data(secret, "tls.crt", new_pem.as_bytes());
        });
        let leaf_pem = api_int.pem();
        self.edit_secret("openshift-kube-apiserver", "internal-loadbalancer-serving-certkey", |secret| {
            set_data(secret, "tls.crt", leaf_pem.as_bytes());
        });
        let add = |text: &str| format!("{}{}", text, new_pem);
        self.edit_configmap("openshift-kube-apiserver-operator", "loadbalancer-serving-ca", "ca-bundle.crt", add);
        self.edit_configmap("openshift-config-managed", "kube-apiserver-server-ca", "ca-bundle.crt", add);
        self.edit_configmap("openshift-kube-controller-manager", "serviceaccount-ca", "ca-bundle.crt", add);
        // kube-controller-manager republishes the union everywhere — but multus' copy is stale.
        self.edit_all(|namespace, item| {
            if namespace == "openshift-multus" {
                return false;
            }
            let kind = item.get("kind").and_then(Value::as_str).unwrap_or_default();
            let name = item.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or_default();
            let secret_type = item.get("type").and_then(Value::as_str).unwrap_or_default();
            if kind == "ConfigMap" && name == "kube-root-ca.crt" {
                let current = item["data"]["ca.crt"].as_str().unwrap_or_default().to_owned();
                item["data"]["ca.crt"] = Value::String(format!("{current}{new_pem}"));
                return true;
            }
            if kind == "Secret" && secret_type == "kubernetes.io/service-account-token" {
                let Some(encoded) = item.get("data").and_then(|d| d.get("ca.crt")).and_then(Value::as_str) else {
                    return false;
                };
                let mut pem = BASE64.decode(encoded).unwrap();
                pem.extend_from_slice(new_pem.as_bytes());
                set_data(item, "ca.crt", &pem);
                return true;
            }
            false
        });
        Rekey { signer, api_int, api_int_host, old_signer_pem }
    }

    /// Gives every signer Secret of the kube-apiserver operator the legacy type `SecretTypeTLS`.
    pub fn legacy_signer_types(&mut self) {
        self.edit_all(|namespace, item| {
            let name = item.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or_default();
            let is_signer = namespace == "openshift-kube-apiserver-operator"
                && item.get("kind").and_then(Value::as_str) == Some("Secret")
                && name.ends_with("-signer");
            if is_signer {
                item["type"] = Value::String("SecretTypeTLS".into());
            }
            is_signer
        });
    }

    /// `namespace/name[tls.crt]` of every Secret whose `tls.crt` starts with a CA certificate, as
    /// x509-parser reads them: the signer Secrets an analysis must find.
    pub fn signer_secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (path, bytes) in &self.files {
            if !path.ends_with("/core/secrets.yaml") {
                continue;
            }
            let list: Value = serde_yaml::from_slice(bytes).unwrap();
            for item in list["items"].as_sequence().into_iter().flatten() {
                let Some(encoded) = item["data"]["tls.crt"].as_str() else { continue };
                let pem = BASE64.decode(encoded).unwrap();
                let Ok((_, block)) = x509_parser::pem::parse_x509_pem(&pem) else { continue };
                let Ok(cert) = block.parse_x509() else { continue };
                if cert.is_ca() {
                    let meta = &item["metadata"];
                    out.push(format!(
                        "{}/{}[tls.crt]",
                        meta["namespace"].as_str().unwrap_or_default(),
                        meta["name"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
        out
    }

    /// Replaces the value of `key` in a ConfigMap of the must-gather.
    pub fn edit_configmap(&mut self, namespace: &str, name: &str, key: &str, edit: impl Fn(&str) -> String) {
        let path = format!("namespaces/{namespace}/core/configmaps.yaml");
        self.edit_list(&path, |item| {
            if item["metadata"]["name"].as_str() != Some(name) {
                return false;
            }
            let current = item["data"][key].as_str().unwrap_or_default().to_owned();
            item["data"][key] = Value::String(edit(&current));
            true
        });
    }

    /// The decoded value of `key` of a Secret of the must-gather.
    pub fn secret_data(&self, namespace: &str, name: &str, key: &str) -> Vec<u8> {
        let path = format!("namespaces/{namespace}/core/secrets.yaml");
        let (_, bytes) = self.files.iter().find(|(p, _)| p.ends_with(&path)).expect("the namespace's secrets");
        let list: Value = serde_yaml::from_slice(bytes).unwrap();
        let item = list["items"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|i| i["metadata"]["name"].as_str() == Some(name))
            .expect("the secret");
        BASE64.decode(item["data"][key].as_str().unwrap()).unwrap()
    }

    fn edit_secret(&mut self, namespace: &str, name: &str, edit: impl Fn(&mut Value)) {
        let path = format!("namespaces/{namespace}/core/secrets.yaml");
        self.edit_list(&path, |item| {
            if item["metadata"]["name"].as_str() != Some(name) {
                return false;
            }
            edit(item);
            true
        });
    }

    fn edit_list(&mut self, path_suffix: &str, mut edit: impl FnMut(&mut Value) -> bool) {
        let (_, bytes) = self.files.iter_mut().find(|(p, _)| p.ends_with(path_suffix)).expect("the list file");
        let mut list: Value = serde_yaml::from_slice(bytes).unwrap();
        let mut changed = false;
        for item in list["items"].as_sequence_mut().unwrap() {
            changed |= edit(item);
        }
        assert!(changed, "nothing to edit in {path_suffix}");
        *bytes = serde_yaml::to_string(&list).unwrap().into_bytes();
    }

    /// Runs `edit(namespace, item)` on every ConfigMap and Secret of every namespace's lists.
    fn edit_all(&mut self, mut edit: impl FnMut(&str, &mut Value) -> bool) {
        for (path, bytes) in &mut self.files {
            let parts: Vec<&str> = path.split('/').collect();
            let Some(at) = parts.iter().position(|p| *p == "namespaces") else { continue };
            let is_list = matches!(parts.get(at + 2..), Some(["core", "configmaps.yaml" | "secrets.yaml"]));
            if !is_list {
                continue;
            }
            let namespace = parts[at + 1].to_owned();
            let mut list: Value = serde_yaml::from_slice(bytes).unwrap();
            let mut changed = false;
            if let Some(items) = list["items"].as_sequence_mut() {
                for item in items {
                    changed |= edit(&namespace, item);
                }
            }
            if changed {
                *bytes = serde_yaml::to_string(&list).unwrap().into_bytes();
            }
        }
    }
}

fn set_data(secret: &mut Value, key: &str, bytes: &[u8]) {
    secret["data"][key] = Value::String(BASE64.encode(bytes));
}

/// The common name and DNS SANs of the first certificate of a PEM text.
fn subject_and_dns(pem: &[u8]) -> (String, Vec<String>) {
    let (_, block) = x509_parser::pem::parse_x509_pem(pem).unwrap();
    let cert = block.parse_x509().unwrap();
    let cn = cert.subject().iter_common_name().next().and_then(|c| c.as_str().ok()).unwrap_or_default().to_owned();
    let dns = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .filter_map(|n| match n {
                    x509_parser::extensions::GeneralName::DNSName(d) => Some((*d).to_owned()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    (cn, dns)
}

/// A synthetic inventory for scaling measurements: `n` namespaces, each with a signer Secret (a
/// key of its own, generated afresh), a serving certificate Secret it issued, and a ConfigMap
/// bundle, as one `List` per kind.
pub fn synthetic_cluster(n: usize) -> Vec<(String, Vec<u8>)> {
    let mut secrets = Vec::new();
    let mut configmaps = Vec::new();
    for i in 0..n {
        let namespace = format!("synthetic-{i}");
        let ca = CertBuilder::ca(&format!("synthetic-signer-{i}"))
            .fresh_key()
            .serial(i as u64 + 1)
            .validity(0, days(3650 * 8))
            .self_signed();
        let leaf = CertBuilder::leaf(&format!("service-{i}"))
            .dns(&format!("service-{i}.{namespace}.svc"))
            .serial(i as u64 + 100_000)
            .validity(0, days(3650 * 8))
            .server_auth()
            .signed_by(&ca);
        let secret = |name: &str, pem: &str| {
            format!(
                "- apiVersion: v1\n  kind: Secret\n  type: kubernetes.io/tls\n  metadata:\n    name: {name}\n    namespace: {namespace}\n  data:\n    tls.crt: {}\n",
                BASE64.encode(pem)
            )
        };
        secrets.push(secret("signer", &ca.pem()));
        secrets.push(secret("serving-cert", &leaf.pem()));
        let indented = ca.pem().replace('\n', "\n      ");
        configmaps.push(format!(
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: ca-bundle\n    namespace: {namespace}\n  data:\n    ca-bundle.crt: |\n      {indented}\n"
        ));
    }
    vec![
        (
            "synthetic/secrets.yaml".into(),
            format!("apiVersion: v1\nkind: List\nitems:\n{}", secrets.concat()).into_bytes(),
        ),
        (
            "synthetic/configmaps.yaml".into(),
            format!("apiVersion: v1\nkind: List\nitems:\n{}", configmaps.concat()).into_bytes(),
        ),
    ]
}
