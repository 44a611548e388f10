//! Every certificate of the x509-limbo suite parses — or fails to parse — exactly where Go's
//! `ParseCertificate` does (research notes §1.4). Skipped, loudly, when the suite is absent.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::collections::{BTreeSet, HashMap};

use okd_trust::Certificate;

const SUITE: &str = "../../shared/limbo/limbo.json";
const GO: &str = "../../shared/limbo/reference/go-1.26.json";

/// (case, role, index among that role's certificates) that Go cannot parse.
const GO_PARSE_FAILURES: &[(&str, &str, usize)] = &[
    ("rfc5280::aki::critical-aki", "root", 0),
    ("rfc5280::ski::critical-ski", "root", 0),
    ("rfc5280::nc::invalid-ipv4-address", "root", 0),
    ("rfc5280::nc::invalid-ipv6-address", "root", 0),
    ("webpki::forbidden-p192-root", "root", 0),
    ("webpki::explicit-curve", "root", 0),
    ("rfc5280::serial::negative", "root", 0),
    ("webpki::nc::intermediate-permitted-excluded-subtrees-both-null", "intermediate", 0),
    ("webpki::nc::intermediate-permitted-excluded-subtrees-both-empty-sequences", "intermediate", 0),
    // An RSA key whose BIT STRING is empty.
    ("invalid::invalid-issuer-key", "intermediate", 0),
    ("rfc5280::duplicate-extensions", "leaf", 0),
    ("rfc5280::ee-critical-aia-invalid", "leaf", 0),
    ("webpki::malformed-aia", "leaf", 0),
    ("rfc5280::san::malformed", "leaf", 0),
    ("webpki::san::unicode-emoji-san", "leaf", 0),
    ("rfc5280::nc::nc-permits-invalid-ip-san", "leaf", 0),
    ("rfc5280::serial::negative", "leaf", 0),
    ("webpki::forbidden-p192-leaf", "leaf", 0),
    ("webpki::explicit-curve", "leaf", 0),
    // The leaf's inner and outer signature algorithms differ.
    ("rfc5280::mismatching-signature-algorithm", "leaf", 0),
];

fn load(path: &str) -> Option<serde_json::Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

#[test]
fn parse_failures_match_go() {
    let (Some(suite), Some(go)) = (load(SUITE), load(GO)) else {
        eprintln!("\n*** SKIPPED: x509-limbo suite not found at {SUITE} (relative to the crate) ***\n");
        return;
    };
    let go_verdicts: HashMap<&str, &str> = go["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["actual_result"].as_str().unwrap()))
        .collect();
    let expected: BTreeSet<(String, &str, usize)> =
        GO_PARSE_FAILURES.iter().map(|(id, role, i)| (id.to_string(), *role, *i)).collect();
    let mut failed = BTreeSet::new();
    let mut unexpected = Vec::new();
    let mut bettertls_leaf_failures = 0;
    let mut names_checked = 0;
    for case in suite["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let mut certs: Vec<(&str, usize, &str)> = Vec::new();
        for (role, key) in [("root", "trusted_certs"), ("intermediate", "untrusted_intermediates")] {
            for (i, pem) in case[key].as_array().unwrap().iter().enumerate() {
                certs.push((role, i, pem.as_str().unwrap()));
            }
        }
        certs.push(("leaf", 0, case["peer_certificate"].as_str().unwrap()));
        for (role, i, pem) in certs {
            let e = match Certificate::from_pem(pem.as_bytes()) {
                Ok(cert) => {
                    names_checked += same_names_as_x509_cert(&cert, &format!("{id} {role}#{i}"));
                    continue;
                }
                Err(e) => e,
            };
            if id.starts_with("bettertls::") && role == "leaf" {
                // SAN-smuggling leaves with IP entries of odd lengths or URIs Go's url.Parse
                // refuses: Go cannot parse them either, and its verdict is FAILURE.
                assert_eq!(go_verdicts.get(id).copied(), Some("FAILURE"), "{id}: {e}");
                assert!(e.to_string().contains("2.5.29.17"), "{id}: {e}");
                bettertls_leaf_failures += 1;
                continue;
            }
            if !expected.contains(&(id.to_string(), role, i)) {
                unexpected.push(format!("{id} {role}#{i}: {e}"));
            }
            failed.insert((id.to_string(), role, i));
        }
    }
    assert!(unexpected.is_empty(), "parse failures Go does not have:\n{}", unexpected.join("\n"));
    let missing: Vec<_> = expected.difference(&failed).collect();
    assert!(missing.is_empty(), "certificates Go refuses but we parse: {missing:?}");
    assert!(bettertls_leaf_failures > 0);
    assert!(names_checked > 10_000, "{names_checked}");
}

/// Subject and issuer read exactly as x509-cert's RFC 4514 formatter writes them (the common
/// attributes take a shortcut past its name database; the text must not change).
fn same_names_as_x509_cert(cert: &Certificate, what: &str) -> usize {
    use der::Decode as _;
    let mut checked = 0;
    for (ours, raw) in [(cert.subject(), cert.raw_subject()), (cert.issuer(), cert.raw_issuer())] {
        if let Ok(name) = x509_cert::name::Name::from_der(raw) {
            assert_eq!(ours, name.to_string(), "{what}");
            checked += 1;
        }
    }
    checked
}
