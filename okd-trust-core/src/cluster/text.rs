//! The cluster report in words, for people: verdict, counts, findings with their evidence, the
//! relationships that fail, and what the inputs did not show.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::model::ClusterReport;
use crate::diagnose::Verdict;

/// The report as text.
pub fn text(report: &ClusterReport) -> String {
    let mut out = String::new();
    let verdict = match report.verdict {
        Verdict::Healthy => "HEALTHY",
        Verdict::AtRisk => "AT RISK",
        Verdict::Broken => "BROKEN",
    };
    let trusted = report.edges.iter().filter(|e| e.verdict.is_trusted()).count();
    let _ = writeln!(out, "{verdict}: the cluster's trust at {} ({})", report.at, at_source_words(report));
    let _ = writeln!(
        out,
        "  {} signer certificate(s) ({} key(s)), {} bundle(s), {} endpoint and client certificate(s), \
         {trusted} of {} relationship edge(s) trusted, {} file(s) read",
        report.signers.len(),
        keys(report),
        report.bundles.len(),
        report.endpoints.len(),
        report.edges.len(),
        report.files_read,
    );
    if let Some(installed) = report.history.last() {
        let current = report.history.first().map_or("", |h| h.version.as_str());
        let _ = writeln!(out, "  version {current}, installed as {} ({})", installed.version, installed.started);
    }
    if !report.nodes.is_empty() {
        let ready = report.nodes.iter().filter(|n| n.ready == Some(true)).count();
        let _ = writeln!(out, "  {} node(s), {ready} Ready", report.nodes.len());
    }
    if !report.findings.is_empty() {
        let _ = writeln!(out, "\nFindings:");
    }
    for finding in &report.findings {
        let _ = writeln!(out, "  [{}] {} — {}", finding.severity, finding.code, finding.source);
        let _ = writeln!(out, "      {}", finding.message);
        for cert in &finding.certificates {
            let _ = writeln!(out, "      certificate: {cert}");
        }
        for (name, value) in &finding.details {
            // A patch carries a whole bundle: the text shows its start; JSON carries all of it.
            match value.char_indices().nth(160) {
                Some((cut, _)) if name == "fix" => {
                    let _ = writeln!(out, "      {name}: {}… (whole command: --format json)", &value[..cut]);
                }
                _ => {
                    let _ = writeln!(out, "      {name}: {value}");
                }
            }
        }
    }
    let mut failing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for edge in report.edges.iter().filter(|e| !e.verdict.is_trusted()) {
        let code = edge.verdict.reason().map(|r| r.failure.code()).unwrap_or_default();
        failing.entry(edge.relationship).or_default().push(format!("{} → {}: {code}", edge.bundle, edge.endpoint));
    }
    if !failing.is_empty() {
        let _ = writeln!(out, "\nUntrusted edges:");
        for (relationship, edges) in failing {
            let _ = writeln!(out, "  {relationship}:");
            for edge in edges {
                let _ = writeln!(out, "    {edge}");
            }
        }
    }
    if !report.unreadable.is_empty() {
        let _ = writeln!(out, "\nNot read:");
        for u in &report.unreadable {
            let _ = writeln!(out, "  {}: {}", u.path, u.reason);
        }
    }
    if !report.not_seen.is_empty() {
        let _ = writeln!(out, "\nNot seen:");
        for line in &report.not_seen {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

fn at_source_words(report: &ClusterReport) -> &'static str {
    match report.at_source {
        super::AtSource::Given => "the time given",
        super::AtSource::Gathered => "when the must-gather was taken",
        super::AtSource::Clock => "now",
    }
}

fn keys(report: &ClusterReport) -> usize {
    let mut keys: Vec<&str> = report.signers.iter().map(|s| s.spki_sha256.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys.len()
}
