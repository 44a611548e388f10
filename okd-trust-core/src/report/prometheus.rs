//! The diagnosis as Prometheus text exposition, for node-exporter's textfile collector.
//!
//! Per-certificate series use the metric and label names of enix's x509-certificate-exporter
//! (`x509_cert_not_before`, `x509_cert_not_after`, `x509_cert_expired`; labels `filepath`,
//! `filename`, `serial_number` in decimal, `subject_C` … `subject_CN`, `issuer_C` … `issuer_CN`,
//! empty when absent), so its dashboards and alerts work on the doctor's output unchanged.
//! `filepath` is the input's label (a path on the node, or `namespace/name`). The doctor's own
//! state is in `okd_trust_*` gauges with a fixed set of series, so alerts never see a series vanish.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::Certificate;
use crate::diagnose::{Code, Diagnosis, Severity, Verdict};

/// The DN attributes exposed as `subject_*` / `issuer_*` labels, in the exporter's order.
const DN_FIELDS: [&str; 6] = ["C", "ST", "L", "O", "OU", "CN"];

/// Renders `diagnosis` in the Prometheus text exposition format (version 0.0.4), with HELP and
/// TYPE lines, one series per certificate and input, and the `okd_trust_*` gauges.
pub fn prometheus(diagnosis: &Diagnosis) -> String {
    let mut seen = HashSet::new();
    let series: Vec<(String, &Certificate)> = diagnosis
        .certificates
        .iter()
        .map(|(source, cert)| (cert_labels(source, cert), cert))
        .filter(|(labels, _)| seen.insert(labels.clone()))
        .collect();
    let at = diagnosis.at;
    let mut out = String::new();
    certificate_series(&mut out, &series, at);
    family(
        &mut out,
        "okd_trust_verdict",
        "1 for the doctor's verdict on the node's trust of api-int, 0 for the others.",
    );
    for verdict in [Verdict::Healthy, Verdict::AtRisk, Verdict::Broken] {
        let _ = writeln!(
            out,
            "okd_trust_verdict{{verdict=\"{}\"}} {}",
            verdict.as_str(),
            u8::from(diagnosis.verdict == verdict)
        );
    }
    family(&mut out, "okd_trust_findings", "Findings of the doctor, by code and severity.");
    for code in Code::ALL {
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            let n = diagnosis.findings.iter().filter(|f| f.code == code && f.severity == severity).count();
            let _ = writeln!(out, "okd_trust_findings{{code=\"{code}\",severity=\"{severity}\"}} {n}");
        }
    }
    family(&mut out, "okd_trust_plan_kubeconfigs", "Kubeconfigs the doctor's plan rewrites.");
    let _ = writeln!(out, "okd_trust_plan_kubeconfigs {}", diagnosis.plan.kubeconfigs.len());
    family(
        &mut out,
        "okd_trust_plan_kubeconfigs_unverified",
        "Kubeconfig rewrites the doctor could not verify (must not be applied).",
    );
    let unverified = diagnosis.plan.kubeconfigs.iter().filter(|r| !r.is_verified()).count();
    let _ = writeln!(out, "okd_trust_plan_kubeconfigs_unverified {unverified}");
    family(&mut out, "okd_trust_run_timestamp_seconds", "Unix time the diagnosis judged at.");
    let _ = writeln!(out, "okd_trust_run_timestamp_seconds {}", at.unix_seconds());
    out
}

/// x509-certificate-exporter's three series (`x509_cert_not_before`, `x509_cert_not_after`,
/// `x509_cert_expired` at `at`) for each certificate with its label set.
pub(crate) fn certificate_series(out: &mut String, series: &[(String, &Certificate)], at: crate::Timestamp) {
    family(out, "x509_cert_not_before", "Unix time of the certificate's notBefore.");
    for (labels, cert) in series {
        let _ = writeln!(out, "x509_cert_not_before{{{labels}}} {}", cert.not_before().unix_seconds());
    }
    family(out, "x509_cert_not_after", "Unix time of the certificate's notAfter.");
    for (labels, cert) in series {
        let _ = writeln!(out, "x509_cert_not_after{{{labels}}} {}", cert.not_after().unix_seconds());
    }
    family(out, "x509_cert_expired", "1 if the certificate was expired at the time judged, 0 otherwise.");
    for (labels, cert) in series {
        let _ = writeln!(out, "x509_cert_expired{{{labels}}} {}", u8::from(cert.not_after() < at));
    }
}

pub(crate) fn family(out: &mut String, name: &str, help: &str) {
    let help = help.replace('\\', "\\\\").replace('\n', "\\n");
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
}

/// The exporter's label set for `cert` found in `source`.
fn cert_labels(source: &str, cert: &Certificate) -> String {
    let filename = source.rsplit('/').next().unwrap_or(source);
    let place = [("filepath", source), ("filename", filename)];
    let place: Vec<String> = place.iter().map(|(k, v)| format!("{k}=\"{}\"", escape_label(v))).collect();
    format!("{},{}", place.join(","), identity_labels(cert))
}

/// The exporter's labels that name a certificate wherever it is found: `serial_number` in
/// decimal, `subject_C` … `subject_CN`, `issuer_C` … `issuer_CN`.
pub(crate) fn identity_labels(cert: &Certificate) -> String {
    let mut labels = vec![("serial_number".to_owned(), hex_to_decimal(&cert.serial_hex()))];
    for (prefix, dn) in [("subject", cert.subject()), ("issuer", cert.issuer())] {
        let attributes = dn_attributes(&dn);
        for field in DN_FIELDS {
            let value = attributes.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone()).unwrap_or_default();
            labels.push((format!("{prefix}_{field}"), value));
        }
    }
    labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape_label(v))).collect::<Vec<_>>().join(",")
}

/// A label value escaped per the exposition format: `\` → `\\`, `"` → `\"`, newline → `\n`.
pub(crate) fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The `(type, value)` pairs of an RFC 4514 string, with `\` escapes undone (the first
/// occurrence of a type wins, as the exporter's one-value-per-label does).
fn dn_attributes(dn: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current = String::new();
    let mut chars = dn.chars().peekable();
    let flush = |part: &mut String, out: &mut Vec<(String, String)>| {
        if let Some((k, v)) = part.split_once('=')
            && !out.iter().any(|(seen, _)| seen == k)
        {
            out.push((k.to_owned(), v.to_owned()));
        }
        part.clear();
    };
    // Keep escapes while splitting (so `\=` stays out of split_once), then undo them per value.
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push('\u{0}');
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            ',' | '+' => flush(&mut current, &mut out),
            c => current.push(c),
        }
    }
    flush(&mut current, &mut out);
    out.into_iter().map(|(k, v)| (k, unescape(&v))).collect()
}

/// Undoes the escapes marked by `dn_attributes` (`\0` then the escaped character, or two hex digits).
fn unescape(value: &str) -> String {
    let mut bytes = Vec::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{0}' {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let Some(first) = chars.next() else { break };
        let hex = chars.peek().and_then(|second| Some((first.to_digit(16)? * 16 + second.to_digit(16)?) as u8));
        match hex {
            Some(byte) => {
                chars.next();
                bytes.push(byte);
            }
            None => {
                let mut buf = [0u8; 4];
                bytes.extend_from_slice(first.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A big-endian hex magnitude in decimal (serials are up to 20 octets, beyond `u128`).
fn hex_to_decimal(hex: &str) -> String {
    // Little-endian base-10^9 limbs.
    let mut limbs: Vec<u64> = vec![0];
    for digit in hex.chars().filter_map(|c| c.to_digit(16)) {
        let mut carry = u64::from(digit);
        for limb in &mut limbs {
            let v = *limb * 16 + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        if carry > 0 {
            limbs.push(carry);
        }
    }
    let mut out = String::new();
    for (i, limb) in limbs.iter().rev().enumerate() {
        if i == 0 {
            let _ = write!(out, "{limb}");
        } else {
            let _ = write!(out, "{limb:09}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{dn_attributes, escape_label, hex_to_decimal};

    #[test]
    fn serials_are_decimal() {
        assert_eq!(hex_to_decimal("1001"), "4097");
        assert_eq!(hex_to_decimal(""), "0");
        assert_eq!(hex_to_decimal("ffffffffffffffffffffffffffffffff"), u128::MAX.to_string());
        assert_eq!(hex_to_decimal("0100000000000000000000000000000000"), "340282366920938463463374607431768211456");
    }

    #[test]
    fn dn_attributes_undo_rfc4514_escapes() {
        let attrs = dn_attributes(r"CN=a\,b\22c,OU=openshift+O=x,O=second");
        assert_eq!(
            attrs,
            [("CN".into(), "a,b\"c".into()), ("OU".into(), "openshift".into()), ("O".into(), "x".into())]
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    }
}
