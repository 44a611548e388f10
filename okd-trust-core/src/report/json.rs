//! The diagnosis as versioned JSON (the schema is documented on the [`report`](super) module).
//!
//! The shapes below are views, local to this module: the core's types stay free of serialization
//! concerns, and the schema changes only when these structs do.

use serde::Serialize;

use crate::diagnose::{Action, ConfigMapPatch, Diagnosis, Finding, KubeconfigRepair, RepairTarget};
use crate::verify::CertSummary;

/// The version of the JSON schema [`json`] writes.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct ReportView<'a> {
    schema_version: u32,
    verdict: &'static str,
    at: String,
    findings: Vec<FindingView<'a>>,
    plan: PlanView<'a>,
}

#[derive(Serialize)]
struct FindingView<'a> {
    code: &'static str,
    severity: &'static str,
    source: &'a str,
    message: &'a str,
    evidence: EvidenceView<'a>,
}

/// What a finding rests on: the certificates involved, and further facts by name.
#[derive(Serialize)]
struct EvidenceView<'a> {
    certificates: Vec<CertView<'a>>,
    details: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct CertView<'a> {
    subject: &'a str,
    sha256: &'a str,
    not_before: String,
    not_after: String,
}

#[derive(Serialize)]
struct PlanView<'a> {
    kubeconfigs: Vec<RepairView<'a>>,
    multus_patch: Option<PatchView<'a>>,
    actions: Vec<ActionView<'a>>,
}

#[derive(Serialize)]
struct RepairView<'a> {
    source: &'a str,
    /// `kubeconfig`, or `ca-file` with its `path`.
    target: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    cluster: &'a str,
    verified: bool,
    /// The refusal's code; `None` when verified.
    refusal: Option<&'static str>,
    verification: String,
    changed: bool,
    added: Vec<CertView<'a>>,
    removed: Vec<CertView<'a>>,
    /// "" when refused (as schema 1 always had it).
    new_text: &'a str,
}

#[derive(Serialize)]
struct PatchView<'a> {
    target: &'a str,
    patch: &'a str,
    note: &'a str,
}

#[derive(Serialize)]
struct ActionView<'a> {
    description: &'a str,
    command: &'a str,
}

fn certs(summaries: &[CertSummary]) -> Vec<CertView<'_>> {
    summaries
        .iter()
        .map(|c| CertView {
            subject: &c.subject,
            sha256: &c.sha256,
            not_before: c.not_before.to_string(),
            not_after: c.not_after.to_string(),
        })
        .collect()
}

fn finding(f: &Finding) -> FindingView<'_> {
    FindingView {
        code: f.code.as_str(),
        severity: f.severity.as_str(),
        source: &f.source,
        message: &f.message,
        evidence: EvidenceView {
            certificates: certs(&f.certificates),
            details: f.details.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect(),
        },
    }
}

fn repair(r: &KubeconfigRepair) -> RepairView<'_> {
    let path = match &r.target {
        RepairTarget::CaFile { path } => Some(path.as_str()),
        _ => None,
    };
    RepairView {
        source: &r.source,
        target: r.target.as_str(),
        path,
        cluster: &r.cluster,
        verified: r.is_verified(),
        refusal: r.refusal().map(|refusal| refusal.code()),
        verification: r.verification(),
        changed: r.changed,
        added: certs(&r.added),
        removed: certs(&r.removed),
        new_text: r.new_text().unwrap_or_default(),
    }
}

fn patch(p: &ConfigMapPatch) -> PatchView<'_> {
    PatchView { target: &p.target, patch: &p.patch, note: &p.note }
}

fn action(a: &Action) -> ActionView<'_> {
    ActionView { description: &a.description, command: &a.command }
}

/// Renders `diagnosis` as pretty-printed JSON (schema version [`SCHEMA_VERSION`]), ending in a newline.
pub fn json(diagnosis: &Diagnosis) -> String {
    let view = ReportView {
        schema_version: SCHEMA_VERSION,
        verdict: diagnosis.verdict.as_str(),
        at: diagnosis.at.to_string(),
        findings: diagnosis.findings.iter().map(finding).collect(),
        plan: PlanView {
            kubeconfigs: diagnosis.plan.kubeconfigs.iter().map(repair).collect(),
            multus_patch: diagnosis.plan.multus_patch.as_ref().map(patch),
            actions: diagnosis.plan.actions.iter().map(action).collect(),
        },
    };
    // Serializing plain structs of strings, booleans and numbers into a String cannot fail.
    let mut text = serde_json::to_string_pretty(&view).unwrap_or_default();
    text.push('\n');
    text
}
