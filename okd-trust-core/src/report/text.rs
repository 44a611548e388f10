//! The diagnosis in words, for a person at a terminal at 3 a.m.: the verdict first, then what is
//! wrong, then exactly what to do.

use std::fmt::Write as _;

use super::abbreviate;
use crate::diagnose::{ConfigMapPatch, Diagnosis, Finding, KubeconfigRepair, RepairTarget, Severity, Verdict};
use crate::verify::CertSummary;

/// Text wraps at this column.
const WIDTH: usize = 100;
/// Changed lines longer than this are abbreviated.
const LINE_MAX: usize = 88;
/// Commands longer than this are abbreviated (the JSON rendering carries them whole).
const COMMAND_MAX: usize = 160;

/// Renders `diagnosis` as plain text: the verdict on the first line, the findings grouped by
/// severity, then the plan — each kubeconfig change as a diff of the changed lines only, the
/// multus patch, and the numbered follow-up commands.
pub fn text(diagnosis: &Diagnosis) -> String {
    let mut out = String::new();
    out.push_str(&headline(diagnosis));
    out.push('\n');
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Finding> = diagnosis.findings.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let title = match severity {
            Severity::Error => "ERRORS: trust is broken now",
            Severity::Warning => "WARNINGS: will break, or weakens trust",
            _ => "INFO",
        };
        let _ = writeln!(out, "\n{title} ({})", group.len());
        for finding in group {
            render_finding(&mut out, finding);
        }
    }
    render_plan(&mut out, diagnosis);
    out
}

fn headline(diagnosis: &Diagnosis) -> String {
    let count = |s: Severity| diagnosis.findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, infos) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    let tally = format!(
        "{errors} error{}, {warnings} warning{}, {infos} info",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    match diagnosis.verdict {
        Verdict::Broken => {
            format!("BROKEN: trust between the node and api-int is broken now ({tally}; at {})", diagnosis.at)
        }
        Verdict::AtRisk => {
            format!("AT RISK: trust works now but will break or is weakened ({tally}; at {})", diagnosis.at)
        }
        _ => format!("HEALTHY: nothing breaks trust between the node and api-int ({tally}; at {})", diagnosis.at),
    }
}

fn render_finding(out: &mut String, finding: &Finding) {
    let _ = writeln!(out, "\n  [{}] {}", finding.code, finding.source);
    wrap_into(out, &finding.message, "    ");
    for cert in &finding.certificates {
        wrap_into(out, &format!("cert: {}", cert_line(cert)), "    ");
    }
    for (name, value) in &finding.details {
        wrap_into(out, &format!("{name}: {value}"), "    ");
    }
}

/// `subject (notBefore …, sha256 AB:CD:EF:01…9A:BC)`, plus notAfter (expiry matters as much).
fn cert_line(cert: &CertSummary) -> String {
    format!(
        "{} (notBefore {}, notAfter {}, sha256 {})",
        cert.subject,
        cert.not_before,
        cert.not_after,
        cert.short_fingerprint()
    )
}

fn render_plan(out: &mut String, diagnosis: &Diagnosis) {
    let plan = &diagnosis.plan;
    if plan.is_empty() {
        out.push_str("\nNothing to fix.\n");
        return;
    }
    out.push_str("\nTHE FIX\n");
    for repair in &plan.kubeconfigs {
        render_repair(out, repair);
    }
    if let Some(patch) = &plan.multus_patch {
        render_patch(out, patch);
    }
    if !plan.actions.is_empty() {
        out.push_str("\n  Then, in this order:\n");
        for (n, action) in plan.actions.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", n + 1, action.description);
            let command = abbreviate(&action.command, COMMAND_MAX, 12);
            let _ = writeln!(out, "       $ {command}");
            if command != action.command {
                out.push_str("       (abbreviated; `--format json` prints the whole command)\n");
            }
        }
    }
}

fn render_repair(out: &mut String, repair: &KubeconfigRepair) {
    let state = if repair.is_verified() { "verified" } else { "NOT VERIFIED, do not apply" };
    let _ = writeln!(out, "\n  {} (cluster {:?}): {state}", repair.source, repair.cluster);
    let shown = match &repair.target {
        RepairTarget::CaFile { path } => {
            let _ = writeln!(out, "    writes its CA file {path}; the kubeconfig itself is left as it is");
            path.as_str()
        }
        _ => repair.source.as_str(),
    };
    wrap_into(out, &repair.verification(), "    ");
    for cert in &repair.added {
        wrap_into(out, &format!("+ trust {}", cert_line(cert)), "    ");
    }
    for cert in &repair.removed {
        wrap_into(out, &format!("- drop  {} (expired)", cert_line(cert)), "    ");
    }
    let Some(new_text) = repair.new_text() else { return };
    for line in diff(shown, &repair.old_text, new_text) {
        let _ = writeln!(out, "    {line}");
    }
}

fn render_patch(out: &mut String, patch: &ConfigMapPatch) {
    let _ = writeln!(out, "\n  ConfigMap {} (merge patch, multus' trust):", patch.target);
    let _ = writeln!(out, "    {}", abbreviate(&patch.patch, LINE_MAX, 16));
    wrap_into(out, &format!("note: {}", patch.note), "    ");
}

/// A unified-style diff of the changed region only, with one line of context on each side and
/// every long line abbreviated. Line endings (LF or CRLF) are not shown.
pub(crate) fn diff(label: &str, old: &str, new: &str) -> Vec<String> {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = old_lines.iter().zip(&new_lines).take_while(|(a, b)| a == b).count();
    let max_suffix = old_lines.len().min(new_lines.len()) - prefix;
    let suffix =
        old_lines.iter().rev().zip(new_lines.iter().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    if prefix == old_lines.len() && prefix == new_lines.len() {
        return vec![format!("(no change to {label})")];
    }
    let start = prefix.saturating_sub(1);
    let old_end = (old_lines.len() - suffix + 1).min(old_lines.len());
    let new_end = (new_lines.len() - suffix + 1).min(new_lines.len());
    let show = |line: &str| abbreviate(line.trim_end_matches(['\n', '\r']), LINE_MAX, 12);
    let mut lines = vec![
        format!("--- {label}"),
        format!("+++ {label} (fixed)"),
        format!("@@ -{},{} +{},{} @@", start + 1, old_end - start, start + 1, new_end - start),
    ];
    lines.extend(old_lines[start..prefix].iter().map(|l| format!(" {}", show(l))));
    lines.extend(elide(&old_lines[prefix..old_lines.len() - suffix]).into_iter().map(|l| format!("-{}", show(l))));
    lines.extend(elide(&new_lines[prefix..new_lines.len() - suffix]).into_iter().map(|l| format!("+{}", show(l))));
    lines.extend(old_lines[old_lines.len() - suffix..old_end].iter().map(|l| format!(" {}", show(l))));
    lines
}

/// At most four lines of a long changed run (a wrapped block scalar): the first three and the last.
fn elide<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    if lines.len() <= 4 {
        return lines.to_vec();
    }
    let mut out = lines[..3].to_vec();
    out.push("  … (lines elided)");
    out.extend(lines.last());
    out
}

/// Appends `text` word-wrapped at [`WIDTH`], every line starting with `indent`.
fn wrap_into(out: &mut String, text: &str, indent: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.chars().count() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
            line.push_str("  ");
        } else if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::{diff, wrap_into};

    #[test]
    fn diff_shows_only_the_changed_region_with_context() {
        let old = "a: 1\nb: 2\nc: 3\nd: 4\n";
        let new = "a: 1\nb: 2\nc: X\nd: 4\n";
        assert_eq!(
            diff("f", old, new),
            ["--- f", "+++ f (fixed)", "@@ -2,3 +2,3 @@", " b: 2", "-c: 3", "+c: X", " d: 4"]
        );
    }

    #[test]
    fn diff_handles_crlf_first_and_last_lines() {
        assert_eq!(diff("f", "x\r\n", "y\r\n"), ["--- f", "+++ f (fixed)", "@@ -1,1 +1,1 @@", "-x", "+y"]);
        assert_eq!(diff("f", "same", "same"), ["(no change to f)"]);
    }

    #[test]
    fn diff_abbreviates_long_lines_and_elides_long_runs() {
        let long = "k: ".to_owned() + &"A".repeat(200);
        let lines = diff("f", &format!("{long}\n"), "k: B\n");
        assert!(lines[3].starts_with("-k: AAAA") && lines[3].ends_with("[203 chars]"), "{}", lines[3]);
        let old = "x\n1\n2\n3\n4\n5\n6\ny\n";
        let lines = diff("f", old, "x\n9\ny\n");
        assert!(lines.contains(&"-  … (lines elided)".to_owned()), "{lines:?}");
        assert!(lines.contains(&"-6".to_owned()));
    }

    #[test]
    fn wraps_with_a_hanging_indent() {
        let mut out = String::new();
        wrap_into(&mut out, &"word ".repeat(30), "  ");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 1 && lines.iter().all(|l| l.len() <= 100));
        assert!(lines[1].starts_with("    word"));
    }
}
