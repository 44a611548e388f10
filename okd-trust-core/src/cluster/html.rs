//! The cluster report as one self-contained HTML page to attach to a support case: the verdict
//! and counts, the findings with their evidence, the trust graph as inline SVG (laid out here by
//! the `layout-rs` crate: no Graphviz at run time), and sortable, filterable tables of signers,
//! bundles, endpoints and relationship edges.

use std::fmt::Write as _;

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::graph::{self, EdgeKind, NodeKind, TrustGraph};
use super::model::ClusterReport;
use crate::cert::colon_hex;
use crate::report::page::{Table, escape, finding_article, header, page};

/// The report as an HTML page (no network, no external scripts or fonts).
pub fn html(report: &ClusterReport) -> String {
    let verdict = report.verdict.as_str();
    let mut body = String::new();
    let trusted = report.edges.iter().filter(|e| e.verdict.is_trusted()).count();
    body.push_str(&header(
        "Cluster trust",
        report.verdict,
        &format!("Judged at {} ({}). {} file(s) read.", report.at, report.at_source.as_str(), report.files_read),
        &[
            format!("{} signer certificates", report.signers.len()),
            format!("{} bundles", report.bundles.len()),
            format!("{} endpoint and client certificates", report.endpoints.len()),
            format!("{trusted} of {} edges trusted", report.edges.len()),
            format!("{} findings", report.findings.len()),
            format!("{} node(s)", report.nodes.len()),
        ],
    ));
    body.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    if report.findings.is_empty() {
        body.push_str("<p class=\"note\">No findings.</p>\n");
    }
    for f in &report.findings {
        body.push_str(&finding_article(
            f.code.as_str(),
            f.severity.as_str(),
            &f.source,
            &f.message,
            &f.certificates,
            &f.details,
        ));
    }
    body.push_str("</section>\n");

    let graph = graph::build(report);
    let _ = write!(
        body,
        "<section id=\"graph\"><h2>Trust graph</h2>\n<p class=\"note\">Signers by public key (blue; red when \
         superseded), bundles with identical copies grouped, endpoints; a red endpoint is one a bundle fails to \
         verify. Public roots only the platform trust bundles carry are left out.</p>\n<div class=\"graph\">{}</div>\n</section>\n",
        svg(&graph)
    );

    body.push_str("<section id=\"signers\"><h2>Signers</h2>\n");
    let mut signers = Table::new(
        "signers-table",
        &[
            "subject",
            "key (SPKI SHA-256)",
            "not before",
            "not after",
            "refresh at",
            "Secret",
            "type",
            "sources",
            "state",
        ],
    );
    for s in &report.signers {
        let secret = s.secret.as_ref();
        let expired = s.certificate.not_after() < report.at;
        let state = match (&s.superseded_by, expired) {
            (Some(_), _) => "superseded",
            (None, true) => "expired",
            (None, false) => "current",
        };
        signers.row(
            if state == "current" { "" } else { "warn" },
            &[
                s.certificate.subject(),
                s.spki_sha256.clone(),
                s.certificate.not_before().to_string(),
                s.certificate.not_after().to_string(),
                s.refresh_at.to_string(),
                secret.map(|s| s.source.clone()).unwrap_or_default(),
                secret.map(|s| s.secret_type.clone()).unwrap_or_default(),
                s.sources.len().to_string(),
                state.to_owned(),
            ],
        );
    }
    body.push_str(&signers.finish());
    body.push_str("</section>\n<section id=\"bundles\"><h2>Bundles</h2>\n");
    let mut bundles = Table::new("bundles-table", &["source", "origin", "certificates", "subjects", "untrusted edges"]);
    let mut failing_by_bundle: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for edge in report.edges.iter().filter(|e| !e.verdict.is_trusted()) {
        *failing_by_bundle.entry(edge.bundle.as_str()).or_default() += 1;
    }
    for b in &report.bundles {
        let failing = failing_by_bundle.get(b.source.as_str()).copied().unwrap_or(0);
        let subjects: Vec<String> = b.certificates.iter().map(|c| c.subject()).collect();
        bundles.row(
            if failing > 0 { "bad" } else { "" },
            &[
                b.source.clone(),
                b.origin.as_str().to_owned(),
                b.certificates.len().to_string(),
                subjects.join("; "),
                failing.to_string(),
            ],
        );
    }
    body.push_str(&bundles.finish());
    body.push_str("</section>\n<section id=\"endpoints\"><h2>Endpoints and client certificates</h2>\n");
    let mut endpoints =
        Table::new("endpoints-table", &["source", "subject", "hostnames", "not after", "issuer key", "sha256"]);
    for e in &report.endpoints {
        let expired = e.certificate.not_after() < report.at;
        endpoints.row(
            if expired { "warn" } else { "" },
            &[
                e.source.clone(),
                e.certificate.subject(),
                e.hostnames.join(", "),
                e.certificate.not_after().to_string(),
                e.issuer_spki_sha256.clone().unwrap_or_else(|| "not found".to_owned()),
                colon_hex(&e.certificate.sha256_fingerprint()),
            ],
        );
    }
    body.push_str(&endpoints.finish());
    body.push_str("</section>\n<section id=\"edges\"><h2>Who trusts what</h2>\n");
    let mut edges =
        Table::new("edges-table", &["relationship", "bundle", "endpoint", "name", "trusted", "reason", "client"]);
    for e in &report.edges {
        edges.row(
            if e.verdict.is_trusted() { "" } else { "bad" },
            &[
                e.relationship.to_owned(),
                e.bundle.clone(),
                e.endpoint.clone(),
                e.server_name.clone().unwrap_or_default(),
                e.verdict.is_trusted().to_string(),
                e.verdict.reason().map(|r| r.failure.code().to_owned()).unwrap_or_default(),
                e.client.to_owned(),
            ],
        );
    }
    body.push_str(&edges.finish());
    body.push_str("</section>\n");
    if !report.unreadable.is_empty() || !report.not_seen.is_empty() {
        body.push_str("<section id=\"unseen\"><h2>Not read, not seen</h2><ul>\n");
        for u in &report.unreadable {
            let _ = writeln!(body, "<li>not read: {}: {}</li>", escape(&u.path), escape(&u.reason));
        }
        for line in &report.not_seen {
            let _ = writeln!(body, "<li>not seen: {}</li>", escape(line));
        }
        body.push_str("</ul></section>\n");
    }
    page(&format!("okd-trust: cluster trust {verdict} at {}", report.at), &body)
}

/// The graph drawn as SVG. Each node's group carries `class="node <kind>"` (and `data-key` for
/// signers), so the page and its tests can find them.
fn svg(graph: &TrustGraph) -> String {
    if graph.nodes.is_empty() {
        return "<p class=\"note\">Nothing to draw.</p>".to_owned();
    }
    let mut visual = VisualGraph::new(Orientation::LeftToRight);
    let mut handles = std::collections::HashMap::new();
    for node in &graph.nodes {
        let fill = match (node.kind, node.alarm) {
            (_, true) => "#fde2e2",
            (NodeKind::Signer, false) => "#dbeafe",
            (NodeKind::Bundle, false) => "#eef2f7",
            (NodeKind::Endpoint, false) => "#e7f6e7",
        };
        let look = StyleAttr::new(Color::fast("black"), 1, Color::from_name(fill), 4, 12);
        let label: Vec<String> = node.label.iter().map(|l| shorten(l, 60)).collect();
        // The box fits its text: about 7 px per character and 15 px per line at 12 px.
        let widest = label.iter().map(|l| l.chars().count()).max().unwrap_or(1);
        let size = Point::new(widest as f64 * 7.2 + 16., label.len() as f64 * 15. + 12.);
        let mut properties = format!("class=\"node {}\" data-id=\"{}\"", node.kind.as_str(), node.id);
        if let Some(key) = &node.key {
            let _ = write!(properties, " data-key=\"{}\"", escape(key));
        }
        let element = Element::create_with_properties(
            ShapeKind::new_box(&label.join("\n")),
            look,
            Orientation::LeftToRight,
            size,
            properties,
        );
        handles.insert(node.id.clone(), visual.add_node(element));
    }
    for edge in &graph.edges {
        let (Some(&from), Some(&to)) = (handles.get(&edge.from), handles.get(&edge.to)) else { continue };
        let (color, style, text) = match (edge.kind, &edge.broken) {
            (EdgeKind::Holds, _) => ("#64748b", LineStyleKind::Dashed, String::new()),
            (EdgeKind::Issued, _) => ("#2563eb", LineStyleKind::Normal, String::new()),
            (EdgeKind::MustVerify, None) => ("#16a34a", LineStyleKind::Normal, String::new()),
            (EdgeKind::MustVerify, Some(reason)) => ("#dc2626", LineStyleKind::Normal, reason.clone()),
        };
        let look = StyleAttr::new(Color::from_name(color).unwrap_or_else(|| Color::fast("black")), 2, None, 0, 10);
        let arrow = Arrow::new(LineEndKind::None, LineEndKind::Arrow, style, &text, &look, &None, &None);
        visual.add_edge(arrow, from, to);
    }
    let mut writer = SVGWriter::new();
    visual.do_it(false, false, false, &mut writer);
    let svg = writer.finalize();
    // The page is HTML: the XML declaration of a standalone SVG file does not belong inline.
    match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    }
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
