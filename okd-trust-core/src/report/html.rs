//! The doctor's diagnosis of one node as one self-contained HTML page: the verdict, the findings
//! with their evidence, the plan (each kubeconfig change as a diff, verified or not), and a
//! sortable, filterable table of every certificate looked at.

use std::fmt::Write as _;

use super::page::{Table, escape, finding_article, header, page};
use super::text::diff;
use crate::cert::colon_hex;
use crate::diagnose::Diagnosis;

/// The diagnosis as an HTML page (no network, no external scripts or fonts).
pub fn html(diagnosis: &Diagnosis) -> String {
    let verdict = diagnosis.verdict.as_str();
    let mut body = String::new();
    body.push_str(&header(
        "Node trust",
        diagnosis.verdict,
        &format!("Judged at {}.", diagnosis.at),
        &[
            format!("{} findings", diagnosis.findings.len()),
            format!("{} kubeconfig repair(s)", diagnosis.plan.kubeconfigs.len()),
            format!("{} certificates looked at", diagnosis.certificates.len()),
        ],
    ));
    body.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    if diagnosis.findings.is_empty() {
        body.push_str("<p class=\"note\">No findings.</p>\n");
    }
    for f in &diagnosis.findings {
        body.push_str(&finding_article(
            f.code.as_str(),
            f.severity.as_str(),
            &f.source,
            &f.message,
            &f.certificates,
            &f.details,
        ));
    }
    body.push_str("</section>\n<section id=\"plan\"><h2>The fix</h2>\n");
    let plan = &diagnosis.plan;
    if plan.is_empty() {
        body.push_str("<p class=\"note\">Nothing to change.</p>\n");
    }
    for repair in &plan.kubeconfigs {
        let _ = write!(
            body,
            "<article class=\"finding {}\"><h3>{} (cluster {})</h3>\n<p>{}</p>\n<pre>{}</pre></article>\n",
            if repair.is_verified() { "info" } else { "error" },
            escape(&repair.source),
            escape(&repair.cluster),
            escape(&repair.verification()),
            escape(
                &repair
                    .new_text()
                    .map(|new| diff(&repair.source, &repair.old_text, new).join("\n"))
                    .unwrap_or_default()
            )
        );
    }
    if let Some(patch) = &plan.multus_patch {
        let _ = write!(
            body,
            "<article class=\"finding warning\"><h3>{}</h3>\n<pre>{}</pre>\n<p>{}</p></article>\n",
            escape(&patch.target),
            escape(&patch.patch),
            escape(&patch.note)
        );
    }
    if !plan.actions.is_empty() {
        body.push_str("<ol>\n");
        for action in &plan.actions {
            let _ =
                writeln!(body, "<li>{}: <code>{}</code></li>", escape(&action.description), escape(&action.command));
        }
        body.push_str("</ol>\n");
    }
    body.push_str("</section>\n<section id=\"certificates\"><h2>Certificates</h2>\n");
    let mut table = Table::new("certificates-table", &["input", "subject", "not before", "not after", "sha256"]);
    for (source, cert) in &diagnosis.certificates {
        table.row(
            if cert.not_after() < diagnosis.at { "warn" } else { "" },
            &[
                source.clone(),
                cert.subject(),
                cert.not_before().to_string(),
                cert.not_after().to_string(),
                colon_hex(&cert.sha256_fingerprint()),
            ],
        );
    }
    body.push_str(&table.finish());
    body.push_str("</section>\n");
    page(&format!("okd-trust: node trust {verdict} at {}", diagnosis.at), &body)
}
