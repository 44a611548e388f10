//! The HTML reports in a real browser: headless Chromium (Debian's package, installed by the test
//! script) loads each page from `file://`, runs its script, and hands back the DOM it ends with.
//! Where Chromium cannot be had, these tests say so loudly and skip.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::TempDir;
use okd_trust_testkit::must_gather::{ARCHIVES, MustGather, shared_archive};
use serde_json::Value;

/// Chromium, from `OKD_TRUST_CHROMIUM` or Debian's path.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("OKD_TRUST_CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.is_file() {
        return Some(path);
    }
    eprintln!("SKIPPED: no Chromium at {} (scripts/test-all.sh installs Debian's package)", path.display());
    None
}

/// Where screenshots go, for people to look at: `target/screenshots/`.
fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs headless Chromium on `url` with `extra` flags: (stdout, stderr).
fn browse(chromium: &Path, profile: &Path, url: &str, extra: &[&str]) -> (String, String) {
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap();
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The DOM after the page's script ran, failing on any console message (errors, CSP refusals).
fn dom(chromium: &Path, dir: &Path, page: &Path, fragment: &str) -> String {
    let url = format!("file://{}{fragment}", page.display());
    let (dom, stderr) = browse(chromium, &dir.join("profile"), &url, &["--dump-dom"]);
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages on {url}:\n{}", console.join("\n"));
    assert!(dom.contains("</html>"), "no DOM for {url}: {stderr}");
    dom
}

fn screenshot(chromium: &Path, dir: &Path, page: &Path, name: &str) {
    let target = screenshot_dir().join(name);
    let _ = std::fs::remove_file(&target);
    let url = format!("file://{}", page.display());
    let shot = format!("--screenshot={}", target.display());
    browse(chromium, &dir.join("profile"), &url, &[&shot, "--window-size=1400,2400", "--hide-scrollbars"]);
    let size = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "a screenshot at {} ({size} bytes)", target.display());
    eprintln!("screenshot: {}", target.display());
}

fn okd_trust(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_okd-trust")).args(args).output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8(output.stdout).unwrap())
}

/// Rows of `table_id` in a dumped DOM, with whether each is hidden.
fn rows<'a>(dom: &'a str, table_id: &str) -> Vec<(&'a str, bool)> {
    let start = dom.find(&format!("<table id=\"{table_id}\"")).unwrap();
    let end = start + dom[start..].find("</table>").unwrap();
    dom[start..end]
        .split("<tr")
        .skip(2)
        .map(|row| (row, row[..row.find('>').unwrap_or(0)].contains("hidden")))
        .collect()
}

#[test]
fn the_cluster_report_shows_the_incident_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let Some(archive) = shared_archive(ARCHIVES[0]) else { return };
    let mut incident = MustGather::load(&archive).unwrap();
    incident.rekey_lb_signer(3);
    let dir = TempDir::new("html", "cluster");
    let tarball = dir.0.join("incident.tar.xz");
    incident.write_tar_xz(&tarball).unwrap();
    let (code, html) = okd_trust(&["cluster", tarball.to_str().unwrap(), "--format", "html"]);
    assert_eq!(code, 1);
    // Nothing is fetched: no external script, style sheet, font or image (the SVG namespace URI
    // names a vocabulary, it is never loaded), and the page's policy forbids fetching anything.
    for fetch in ["src=\"http", "href=\"http", "url(http", "@import", "<link", "<script src"] {
        assert!(!html.contains(fetch), "the page fetches nothing: {fetch}");
    }
    assert!(html.contains("default-src 'none'"));
    let page = dir.0.join("cluster-report.html");
    std::fs::write(&page, &html).unwrap();
    let (_, json) = okd_trust(&["cluster", tarball.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&json).unwrap();

    let dom = dom(&chromium, &dir.0, &page, "");
    assert!(dom.contains("id=\"verdict\">BROKEN<"), "the verdict is shown");
    for finding in report["findings"].as_array().unwrap() {
        let code = finding["code"].as_str().unwrap();
        assert!(dom.contains(&format!("<span class=\"code\">{code}</span>")), "finding {code} is shown");
    }
    // A node per signer of the graph: every signer key the DOT graph draws, and every signer
    // Secret's key, is a node of the SVG.
    let (_, dot) = okd_trust(&["cluster", tarball.to_str().unwrap(), "--format", "dot"]);
    let drawn = dot.lines().filter(|l| l.contains("class=\"signer\"")).count();
    assert_eq!(dom.matches("class=\"node signer\"").count(), drawn);
    assert!(drawn >= 15, "{drawn} signers drawn");
    for signer in report["signers"].as_array().unwrap().iter().filter(|s| !s["secret"].is_null()) {
        let key = signer["spki_sha256"].as_str().unwrap();
        assert!(dom.contains(&format!("data-key=\"{key}\"")), "signer {} has a node", signer["subject"]);
    }
    // Both lb-signer keys, the broken edge in red.
    assert!(dom.matches("CN=kube-apiserver-lb-signer,OU=openshift").count() >= 2);
    assert!(dom.contains("#dc2626"), "a red edge");

    // The tables filter and sort, here from the link's fragment.
    let filtered = dom_rows_after(&chromium, &dir.0, &page, "#filter=edges-table:openshift-multus%20false");
    assert!(filtered.iter().any(|(row, hidden)| !hidden && row.contains("openshift-multus/kube-root-ca.crt")));
    assert!(filtered.iter().filter(|(_, hidden)| !hidden).all(|(row, _)| row.contains("openshift-multus")));
    assert!(filtered.iter().any(|(_, hidden)| *hidden), "other rows hidden");
    screenshot(&chromium, &dir.0, &page, "cluster-report.png");
}

fn dom_rows_after(chromium: &Path, dir: &Path, page: &Path, fragment: &str) -> Vec<(String, bool)> {
    let dom = dom(chromium, dir, page, fragment);
    rows(&dom, "edges-table").into_iter().map(|(row, hidden)| (row.to_owned(), hidden)).collect()
}

#[test]
fn the_doctor_report_shows_one_node_in_a_browser() {
    let Some(chromium) = chromium() else { return };
    let dir = TempDir::new("html", "doctor");
    let (code, html) = okd_trust(&["doctor", "--format", "html"]);
    assert_eq!(code, 1, "the built-in incident");
    let page = dir.0.join("doctor-report.html");
    std::fs::write(&page, &html).unwrap();
    let (_, json) = okd_trust(&["doctor", "--format", "json"]);
    let report: Value = serde_json::from_str(&json).unwrap();
    let dom = dom(&chromium, &dir.0, &page, "#sort=certificates-table:3:desc");
    assert!(dom.contains("id=\"verdict\">BROKEN<"));
    for finding in report["findings"].as_array().unwrap() {
        let code = finding["code"].as_str().unwrap();
        assert!(dom.contains(&format!("<span class=\"code\">{code}</span>")), "finding {code} is shown");
    }
    assert!(dom.contains("class=\"desc\""), "sorted by the link's fragment");
    screenshot(&chromium, &dir.0, &page, "doctor-report.png");
}
