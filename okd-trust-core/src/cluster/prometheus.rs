//! The cluster report as Prometheus text exposition.
//!
//! Per certificate, series in x509-certificate-exporter's names and labels for Kubernetes
//! objects (`x509_cert_not_before`, `x509_cert_not_after`, `x509_cert_expired`; labels
//! `secret_namespace`, `secret_name`, `secret_key` for Secrets, `configmap_namespace`,
//! `configmap_name`, `configmap_key` for ConfigMaps, `filepath` for anything else, then
//! `serial_number`, `subject_C` … `subject_CN`, `issuer_C` … `issuer_CN`), one series per
//! certificate and place. The
//! analysis itself in `okd_trust_cluster_*` gauges: the verdict, each edge, findings per code.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::edges::split_source;
use super::model::{BundleOrigin, ClusterReport, Code};
use crate::Certificate;
use crate::diagnose::{Severity, Verdict};
use crate::report::prometheus::{certificate_series, escape_label as escape, family, identity_labels};

/// The report as Prometheus text exposition (version 0.0.4).
pub fn prometheus(report: &ClusterReport) -> String {
    let mut series: Vec<(String, &Certificate)> = Vec::new();
    let mut seen = HashSet::new();
    let origins: std::collections::HashMap<&str, BundleOrigin> =
        report.bundles.iter().map(|b| (b.source.as_str(), b.origin)).collect();
    for signer in &report.signers {
        for source in &signer.sources {
            let origin = origins.get(source.as_str()).copied();
            push(&mut series, &mut seen, place_labels(source, origin), &signer.certificate);
        }
    }
    for endpoint in &report.endpoints {
        push(&mut series, &mut seen, place_labels(&endpoint.source, Some(BundleOrigin::Secret)), &endpoint.certificate);
    }
    let at = report.at;
    let mut out = String::new();
    certificate_series(&mut out, &series, at);
    family(&mut out, "okd_trust_cluster_verdict", "1 for the cluster's verdict, 0 for the others.");
    for verdict in [Verdict::Healthy, Verdict::AtRisk, Verdict::Broken] {
        let _ = writeln!(
            out,
            "okd_trust_cluster_verdict{{verdict=\"{}\"}} {}",
            verdict.as_str(),
            u8::from(verdict == report.verdict)
        );
    }
    family(&mut out, "okd_trust_cluster_edge_trusted", "1 if the bundle verifies the endpoint, 0 if not.");
    for edge in &report.edges {
        let _ = writeln!(
            out,
            "okd_trust_cluster_edge_trusted{{relationship=\"{}\",bundle=\"{}\",endpoint=\"{}\"}} {}",
            escape(edge.relationship),
            escape(&edge.bundle),
            escape(&edge.endpoint),
            u8::from(edge.verdict.is_trusted())
        );
    }
    // Every code and severity, zero or not, so that an alert never sees a series vanish.
    family(&mut out, "okd_trust_cluster_findings", "Findings per code and severity.");
    for &code in Code::ALL {
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            let n = report.findings.iter().filter(|f| f.code == code && f.severity == severity).count();
            let _ = writeln!(out, "okd_trust_cluster_findings{{code=\"{code}\",severity=\"{severity}\"}} {n}");
        }
    }
    family(&mut out, "okd_trust_cluster_time_judged_seconds", "Unix time the analysis judged at.");
    let _ = writeln!(out, "okd_trust_cluster_time_judged_seconds {}", at.unix_seconds());
    out
}

fn push<'a>(
    series: &mut Vec<(String, &'a Certificate)>,
    seen: &mut HashSet<String>,
    place: String,
    cert: &'a Certificate,
) {
    let labels = format!("{place},{}", identity_labels(cert));
    if seen.insert(labels.clone()) {
        series.push((labels, cert));
    }
}

fn place_labels(source: &str, origin: Option<BundleOrigin>) -> String {
    let labels = |kind: &str, object: &str, key: &str| {
        let (ns, name) = object.split_once('/').unwrap_or(("", object));
        format!("{kind}_namespace=\"{}\",{kind}_name=\"{}\",{kind}_key=\"{}\"", escape(ns), escape(name), escape(key))
    };
    match (split_source(source), origin) {
        (Some((object, key)), Some(BundleOrigin::ConfigMap)) => labels("configmap", object, key),
        (Some((object, key)), Some(BundleOrigin::Secret | BundleOrigin::ServiceAccountToken) | None)
            if object.contains('/') && !object.starts_with("csr/") =>
        {
            labels("secret", object, key)
        }
        _ => format!("filepath=\"{}\"", escape(source)),
    }
}
