//! scratch
#![allow(missing_docs, clippy::unwrap_used)]
use okd_trust::Certificate;

#[test]
fn dump_limbo_parse_failures() {
    let Ok(text) = std::fs::read_to_string("/work/shared/limbo/limbo.json") else { return };
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for case in v["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let mut items = vec![];
        for r in case["trusted_certs"].as_array().unwrap() {
            items.push(("root", r.as_str().unwrap()));
        }
        for r in case["untrusted_intermediates"].as_array().unwrap() {
            items.push(("ica", r.as_str().unwrap()));
        }
        items.push(("leaf", case["peer_certificate"].as_str().unwrap()));
        for (i, (role, pem)) in items.iter().enumerate() {
            if let Err(e) = Certificate::from_pem(pem.as_bytes()) {
                println!("FAIL {id} {role}#{i}: {e}");
            }
        }
    }
}
