//! The cluster report as versioned JSON.
//!
//! # Schema, version 1
//!
//! One object. Fields are only ever added within a schema version; a change that removes or
//! re-types a field bumps `schema_version`. Times are RFC 3339 in UTC; fingerprints (`sha256`,
//! `spki_sha256`) are SHA-256, colon-separated upper-case hex. `source` names are
//! `namespace/name[key]` for ConfigMaps and Secrets, `controllerconfig/<name>[field]`,
//! `machineconfig/<name>[path]`, `csr/<name>`, or the label of a kubeconfig given.
//!
//! ```text
//! {
//!   "schema_version": 1,
//!   "at": "2021-08-03T10:11:56.91501602Z",  "at_source": "given" | "must-gather" | "clock",
//!   "verdict": "healthy" | "at-risk" | "broken",
//!   "signers": [{ "subject", "sha256", "spki_sha256", "not_before", "not_after", "refresh_at",
//!                 "sources": [source], "secret": null | {"source", "type", "annotations": {}},
//!                 "superseded_by": null | spki_sha256 }],
//!   "bundles": [{ "source", "origin": "configmap" | "secret" | "service-account-token"
//!                 | "controllerconfig" | "machineconfig" | "kubeconfig",
//!                 "certificates": [sha256] }],
//!   "endpoints": [{ "source", "subject", "sha256", "not_before", "not_after", "hostnames": [],
//!                   "hostname_hint": [], "issuer_spki_sha256": null | spki_sha256,
//!                   "chain": [sha256]   // the certificate, then those sent with it
//!                 }],
//!   "edges": [{ "relationship", "client", "bundle", "endpoint", "server_name": null | name,
//!               "usage": "server" | "client", "trusted": bool,
//!               "reason": null | {"code", "message"} }],
//!   "findings": [{ "code", "severity": "error" | "warning" | "info", "source", "message",
//!                  "evidence": {"certificates": [{"subject", "sha256", "not_before", "not_after"}],
//!                               "details": [{"name", "value"}]} }],   // most severe first
//!   "unreadable": [{"path", "reason"}],
//!   "not_seen": [text],
//!   "nodes": [{"name", "roles": [], "ready": null | bool}],
//!   "history": [{"version", "started", "state"}],
//!   "files_read": n
//! }
//! ```

use serde::Serialize;
use serde_json::{Value, json};

use super::model::ClusterReport;
use crate::cert::colon_hex;

/// The version of the JSON schema [`json()`] writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The report as JSON (schema above), pretty-printed.
pub fn json(report: &ClusterReport) -> String {
    let fingerprint = |c: &crate::Certificate| colon_hex(&c.sha256_fingerprint());
    let signers: Vec<Value> = report
        .signers
        .iter()
        .map(|s| {
            json!({
                "subject": s.certificate.subject(),
                "sha256": fingerprint(&s.certificate),
                "spki_sha256": s.spki_sha256,
                "not_before": s.certificate.not_before().to_string(),
                "not_after": s.certificate.not_after().to_string(),
                "refresh_at": s.refresh_at.to_string(),
                "sources": s.sources,
                "secret": s.secret.as_ref().map(|secret| json!({
                    "source": secret.source,
                    "type": secret.secret_type,
                    "annotations": secret.annotations,
                })),
                "superseded_by": s.superseded_by,
            })
        })
        .collect();
    let bundles: Vec<Value> = report
        .bundles
        .iter()
        .map(|b| {
            json!({
                "source": b.source,
                "origin": b.origin.as_str(),
                "certificates": b.certificates.iter().map(fingerprint).collect::<Vec<_>>(),
            })
        })
        .collect();
    let endpoints: Vec<Value> = report
        .endpoints
        .iter()
        .map(|e| {
            json!({
                "source": e.source,
                "subject": e.certificate.subject(),
                "sha256": fingerprint(&e.certificate),
                "not_before": e.certificate.not_before().to_string(),
                "not_after": e.certificate.not_after().to_string(),
                "hostnames": e.hostnames,
                "hostname_hint": e.hostname_hint,
                "issuer_spki_sha256": e.issuer_spki_sha256,
                "chain": std::iter::once(&e.certificate).chain(&e.intermediates).map(fingerprint).collect::<Vec<_>>(),
            })
        })
        .collect();
    let edges: Vec<Value> = report
        .edges
        .iter()
        .map(|e| {
            json!({
                "relationship": e.relationship,
                "client": e.client,
                "bundle": e.bundle,
                "endpoint": e.endpoint,
                "server_name": e.server_name,
                "usage": e.usage.as_str(),
                "trusted": e.verdict.is_trusted(),
                "reason": e.verdict.reason().map(|r| json!({"code": r.failure.code(), "message": r.failure.to_string()})),
            })
        })
        .collect();
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "code": f.code.as_str(),
                "severity": f.severity.as_str(),
                "source": f.source,
                "message": f.message,
                "evidence": {
                    "certificates": f.certificates.iter().map(|c| json!({
                        "subject": c.subject,
                        "sha256": c.sha256,
                        "not_before": c.not_before.to_string(),
                        "not_after": c.not_after.to_string(),
                    })).collect::<Vec<_>>(),
                    "details": f.details.iter().map(|(name, value)| json!({"name": name, "value": value})).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    let document = Report {
        schema_version: SCHEMA_VERSION,
        at: report.at.to_string(),
        at_source: report.at_source.as_str(),
        verdict: report.verdict.as_str(),
        signers,
        bundles,
        endpoints,
        edges,
        findings,
        unreadable: report.unreadable.iter().map(|u| json!({"path": u.path, "reason": u.reason})).collect(),
        not_seen: &report.not_seen,
        nodes: report.nodes.iter().map(|n| json!({"name": n.name, "roles": n.roles, "ready": n.ready})).collect(),
        history: report
            .history
            .iter()
            .map(|h| json!({"version": h.version, "started": h.started, "state": h.state}))
            .collect(),
        files_read: report.files_read,
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    at: String,
    at_source: &'static str,
    verdict: &'static str,
    signers: Vec<Value>,
    bundles: Vec<Value>,
    endpoints: Vec<Value>,
    edges: Vec<Value>,
    findings: Vec<Value>,
    unreadable: Vec<Value>,
    not_seen: &'a [String],
    nodes: Vec<Value>,
    history: Vec<Value>,
    files_read: usize,
}
