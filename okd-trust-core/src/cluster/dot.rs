//! The trust graph in Graphviz's DOT language: `okd-trust cluster --format dot | dot -Tsvg`.

use std::fmt::Write as _;

use super::graph::{self, EdgeKind, NodeKind};
use super::model::ClusterReport;

/// The report's trust graph as DOT: signers keyed by public key (a re-keyed signer's keys side by
/// side, each labelled with subject and dates), bundles (identical copies grouped), endpoints;
/// edges "holds", "issued" and "must verify", the broken ones red with their reason.
pub fn dot(report: &ClusterReport) -> String {
    let graph = graph::build(report);
    let mut out = String::from("digraph trust {\n  rankdir=LR;\n  node [fontname=\"sans-serif\", fontsize=10];\n");
    let _ =
        writeln!(out, "  label={};", quote(&format!("cluster trust at {}: {}", report.at, report.verdict.as_str())));
    for node in &graph.nodes {
        let (shape, fill) = match (node.kind, node.alarm) {
            (NodeKind::Signer, false) => ("box", "#dbeafe"),
            (NodeKind::Signer, true) => ("box", "#fde2e2"),
            (NodeKind::Bundle, false) => ("folder", "#eef2f7"),
            (NodeKind::Bundle, true) => ("folder", "#fde2e2"),
            (NodeKind::Endpoint, false) => ("ellipse", "#e7f6e7"),
            (NodeKind::Endpoint, true) => ("ellipse", "#fde2e2"),
        };
        let _ = writeln!(
            out,
            "  {} [shape={shape}, style=filled, fillcolor=\"{fill}\", class=\"{}\", label={}];",
            node.id,
            node.kind.as_str(),
            quote(&node.label.join("\n"))
        );
    }
    for ids in &graph.same_subject {
        let _ = writeln!(out, "  {{ rank=same; {}; }}", ids.join("; "));
    }
    for edge in &graph.edges {
        let attributes = match (edge.kind, &edge.broken) {
            (EdgeKind::Holds, _) => "style=dashed, color=\"#64748b\", label=\"holds\"".to_owned(),
            (EdgeKind::Issued, _) => "color=\"#2563eb\", label=\"issued\"".to_owned(),
            (EdgeKind::MustVerify, None) => "color=\"#16a34a\", label=\"verifies\"".to_owned(),
            (EdgeKind::MustVerify, Some(reason)) => {
                format!("color=red, penwidth=2, fontcolor=red, label={}", quote(&format!("does not verify: {reason}")))
            }
        };
        let _ = writeln!(out, "  {} -> {} [{attributes}];", edge.from, edge.to);
    }
    out.push_str("}\n");
    out
}

/// A DOT string literal.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
