//! The frame of okd-trust's HTML reports: one self-contained page (styles and script inline, no
//! network, no fonts), its escaping, and tables every column of which sorts and filters.

use std::fmt::Write as _;

/// Text escaped for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's header: what is judged, the verdict, when, and the counts at a glance.
pub(crate) fn header(what: &str, verdict: crate::diagnose::Verdict, judged: &str, counts: &[String]) -> String {
    let name = verdict.as_str();
    let mut html = format!(
        "<header>\n<h1>{what}: <span class=\"verdict {name}\" id=\"verdict\">{}</span></h1>\n<p>{}</p>\n<ul class=\"counts\">",
        name.to_uppercase(),
        escape(judged)
    );
    for count in counts {
        let _ = write!(html, "<li>{}</li>", escape(count));
    }
    html.push_str("</ul>\n</header>\n");
    html
}

/// One finding as an `<article>`: code, severity, source, message, the certificates involved and
/// the further facts by name. Shared by the doctor's and the cluster's pages.
pub(crate) fn finding_article(
    code: &str,
    severity: &str,
    source: &str,
    message: &str,
    certificates: &[crate::verify::CertSummary],
    facts: &[(String, String)],
) -> String {
    let mut html = format!(
        "<article class=\"finding {severity}\" data-code=\"{code}\"><h3><span class=\"code\">{code}</span> [{severity}] {}</h3>\n<p>{}</p>\n<dl>",
        escape(source),
        escape(message)
    );
    for cert in certificates {
        let _ = write!(html, "<dt>certificate</dt><dd>{}</dd>", escape(&cert.to_string()));
    }
    for (name, value) in facts {
        let _ = write!(html, "<dt>{}</dt><dd>{}</dd>", escape(name), evidence_value(value));
    }
    html.push_str("</dl></article>\n");
    html
}

/// A finding's evidence value: shown whole when short, folded behind its first characters when
/// it is a whole bundle or patch (still there to copy).
pub(crate) fn evidence_value(value: &str) -> String {
    match value.char_indices().nth(200) {
        Some((cut, _)) => format!(
            "<details><summary>{}… ({} characters)</summary><pre>{}</pre></details>",
            escape(&value[..cut]),
            value.chars().count(),
            escape(value)
        ),
        None => escape(value),
    }
}

/// A table with a filter box above it; click a heading to sort by that column.
pub(crate) struct Table {
    id: String,
    html: String,
    rows: usize,
}

impl Table {
    pub(crate) fn new(id: &str, headings: &[&str]) -> Self {
        let mut html = format!(
            "<input type=\"search\" class=\"filter\" data-table=\"{id}\" placeholder=\"filter rows\" \
             aria-label=\"filter {id}\">\n<table id=\"{id}\" class=\"sortable\"><thead><tr>"
        );
        for heading in headings {
            let _ = write!(html, "<th>{}</th>", escape(heading));
        }
        html.push_str("</tr></thead><tbody>\n");
        Table { id: id.to_owned(), html, rows: 0 }
    }

    /// A row of cells, given as text; `class` marks the row (e.g. `bad`).
    pub(crate) fn row(&mut self, class: &str, cells: &[String]) {
        let _ = write!(self.html, "<tr class=\"{class}\">");
        for cell in cells {
            let _ = write!(self.html, "<td>{}</td>", escape(cell));
        }
        self.html.push_str("</tr>\n");
        self.rows += 1;
    }

    pub(crate) fn finish(mut self) -> String {
        self.html.push_str("</tbody></table>\n");
        if self.rows == 0 {
            let _ = writeln!(self.html, "<p class=\"empty\">none ({})</p>", self.id);
        }
        self.html
    }
}

/// The whole page around `body`.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         script-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        escape(title)
    )
}

const STYLE: &str = r#"
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1f2937; }
h1 { margin: 0 0 .25rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d1d5db; }
.verdict { display: inline-block; padding: .2rem .8rem; border-radius: .4rem; color: white; }
.verdict.healthy { background: #15803d; } .verdict.at-risk { background: #b45309; } .verdict.broken { background: #b91c1c; }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; }
.counts li { background: #f3f4f6; border-radius: .4rem; padding: .3rem .7rem; }
.finding { border-left: .35rem solid #9ca3af; padding: .3rem .8rem; margin: .6rem 0; background: #f9fafb; }
.finding.error { border-color: #b91c1c; } .finding.warning { border-color: #b45309; } .finding.info { border-color: #2563eb; }
.finding .code { font-family: ui-monospace, monospace; font-weight: bold; }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .4rem 0; }
.finding dt { color: #6b7280; } .finding pre { white-space: pre-wrap; overflow-wrap: anywhere; } .finding dd { margin: 0; font-family: ui-monospace, monospace; font-size: .85rem; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border: 1px solid #e5e7eb; padding: .25rem .45rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f4f6; cursor: pointer; user-select: none; }
th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
tr.bad td { background: #fee2e2; } tr.warn td { background: #fef3c7; }
.filter { margin: .4rem 0; padding: .3rem; width: 20rem; max-width: 100%; }
.graph { overflow: auto; border: 1px solid #e5e7eb; max-height: 80vh; }
.note { color: #6b7280; }
"#;

/// Sorting (click a heading; numbers sort as numbers, dates as their RFC 3339 text) and filtering
/// (rows containing every word typed), for every `table.sortable`; a link's fragment can set both.
const SCRIPT: &str = r#"
"use strict";
function sortTable(table, column, ascending) {
  var th = table.tHead.rows[0].cells[column];
  if (!th) { return; }
  table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
  th.classList.add(ascending ? "asc" : "desc");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = a.cells[column].textContent, y = b.cells[column].textContent;
    var nx = Number(x), ny = Number(y);
    var order = (x !== "" && y !== "" && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
    return ascending ? order : -order;
  });
  rows.forEach(function (row) { body.appendChild(row); });
}
function filterTable(table, text) {
  var words = text.toLowerCase().split(/\s+/).filter(Boolean);
  Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
    var content = row.textContent.toLowerCase();
    row.hidden = !words.every(function (w) { return content.indexOf(w) >= 0; });
  });
}
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () { sortTable(table, column, !th.classList.contains("asc")); });
  });
});
document.querySelectorAll("input.filter").forEach(function (input) {
  input.addEventListener("input", function () { filterTable(document.getElementById(input.dataset.table), input.value); });
});
// A link can carry a view: #filter=<table>:<words>&sort=<table>:<column>[:desc]
(location.hash.replace(/^#/, "").split("&")).forEach(function (part) {
  var eq = part.indexOf("="), what = part.slice(0, eq), args = decodeURIComponent(part.slice(eq + 1)).split(":");
  var table = document.getElementById(args[0]);
  if (!table || eq < 0) { return; }
  if (what === "filter") {
    var text = args.slice(1).join(":");
    var input = document.querySelector('input.filter[data-table="' + args[0] + '"]');
    if (input) { input.value = text; }
    filterTable(table, text);
  } else if (what === "sort") {
    sortTable(table, Number(args[1]), args[2] !== "desc");
  }
});
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn a_page_is_self_contained() {
        let html = page("t", "<p>x</p>");
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(html.contains("default-src 'none'"));
    }
}
