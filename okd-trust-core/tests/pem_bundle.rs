//! PEM scanning and CA bundle loading on the inputs operators actually paste.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use okd_trust::bundle::{BundleError, BundleWarningKind};
use okd_trust::pem::{self, SkipReason};
use okd_trust::{CaBundle, Certificate, Limits, Timestamp};
use okd_trust_testkit::{Issued, days, okd};
use proptest::prelude::*;

fn cert(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.der()).unwrap()
}

fn s_client_output(chain: &[&Issued]) -> String {
    let mut out = String::from(
        "CONNECTED(00000003)\ndepth=1 OU = openshift, CN = kube-apiserver-lb-signer\nverify error:num=19:self-signed certificate in certificate chain\n---\nCertificate chain\n",
    );
    for (i, c) in chain.iter().enumerate() {
        out.push_str(&format!(" {i} s:CN = something\n   i:OU = openshift, CN = kube-apiserver-lb-signer\n"));
        out.push_str(&c.pem());
    }
    out.push_str(
        "---\nServer certificate\nsubject=CN = api-int.ocp.example.com\n---\nSSL handshake has read 2386 bytes\n",
    );
    out
}

#[test]
fn s_client_showcerts_output_loads() {
    let signer = okd::lb_signer();
    let leaf = okd::api_int_leaf(okd::DOMAIN, &signer, okd::ROTATED_AT);
    let text = s_client_output(&[&leaf, &signer]);
    let bundle = CaBundle::from_pem(text.as_bytes()).unwrap();
    assert_eq!(bundle.len(), 2);
    assert_eq!(bundle.get(0).unwrap(), &cert(&leaf));
    assert!(bundle.warnings().is_empty());
}

#[test]
fn garbage_crlf_long_lines_and_whitespace() {
    let signer = okd::lb_signer();
    let der = signer.der();
    let b64 = pem::encode("CERTIFICATE", der);
    let body: String = b64.lines().filter(|l| !l.starts_with("-----")).collect();
    // One long line, CRLF, trailing blanks, indented base64 and garbage between blocks.
    let text = format!(
        "garbage ---- here\r\n-----BEGIN CERTIFICATE-----  \r\n{body}\r\n-----END CERTIFICATE-----\t\r\nmore garbage\n-----BEGIN CERTIFICATE-----\n  {}\n\t{}\n-----END CERTIFICATE-----",
        &body[..100],
        &body[100..]
    );
    let blocks = pem::decode_all(text.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(blocks.len(), 2);
    assert!(blocks.iter().all(|b| b.contents == der));
    assert!(text[blocks[0].span.clone()].starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(text[blocks[0].span.clone()].ends_with("-----END CERTIFICATE-----"));
    let bundle = CaBundle::from_pem(text.as_bytes()).unwrap();
    assert_eq!(bundle.len(), 1);
    assert!(matches!(bundle.warnings()[0].kind, BundleWarningKind::Duplicate { .. }));
}

#[test]
fn headers_are_returned_and_such_certificates_skipped_like_go() {
    let signer = okd::lb_signer();
    let body = signer.pem().replacen("-----\n", "-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n", 1);
    let blocks = pem::decode_all(body.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(blocks[0].headers[0], ("Proc-Type".to_owned(), "4,ENCRYPTED".to_owned()));
    assert_eq!(blocks[0].contents, signer.der());
    let text = format!("{body}{}", okd::localhost_signer().pem());
    let bundle = CaBundle::from_pem(text.as_bytes()).unwrap();
    assert_eq!(bundle.len(), 1);
    assert_eq!(bundle.warnings()[0].kind, BundleWarningKind::CertificateWithHeaders);
}

#[test]
fn private_keys_bad_base64_and_bad_der_are_warned_with_positions() {
    let signer = okd::lb_signer();
    let key = okd_trust_testkit::Key::RsaB.pem();
    let bad_b64 = "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n";
    let truncated = pem::encode("CERTIFICATE", &signer.der()[..200]);
    let text = format!("{key}{}{bad_b64}{truncated}", signer.pem());
    let bundle = CaBundle::from_pem(text.as_bytes()).unwrap();
    assert_eq!(bundle.len(), 1);
    let w = bundle.warnings();
    assert_eq!(w.len(), 3, "{w:#?}");
    assert_eq!(w[0].kind, BundleWarningKind::NotACertificate { label: "PRIVATE KEY".into() });
    assert_eq!((w[0].position.line, w[0].position.column), (1, 1));
    assert_eq!(w[0].to_string(), "line 1, column 1: PRIVATE KEY block skipped");
    assert!(matches!(w[1].kind, BundleWarningKind::MalformedPem { reason: SkipReason::BadBase64, .. }));
    assert_eq!(
        w[1].to_string(),
        format!("line {}, column 1: CERTIFICATE block skipped: bad base64", w[1].position.line)
    );
    assert!(w[1].position.line > key.lines().count() + signer.pem().lines().count());
    assert!(matches!(w[2].kind, BundleWarningKind::Unparseable(_)));
    assert!(w[2].to_string().contains("certificate could not be parsed"), "{}", w[2]);
}

#[test]
fn nothing_usable_is_an_error_that_explains() {
    let text = format!("{}\n-----BEGIN CERTIFICATE-----\nAAAA\n", okd_trust_testkit::Key::P256.pem());
    match CaBundle::from_pem(text.as_bytes()) {
        Err(BundleError::NoCertificates { warnings }) => {
            assert_eq!(warnings.len(), 2);
            assert!(matches!(
                warnings[1].kind,
                BundleWarningKind::MalformedPem { reason: SkipReason::Unterminated, .. }
            ));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bundle_of_the_four_okd_signers() {
    let text = okd::server_ca_bundle_pem();
    let bundle = CaBundle::from_pem(text.as_bytes()).unwrap();
    assert_eq!(bundle.len(), 4);
    let names: Vec<String> = bundle.iter().map(Certificate::subject).collect();
    assert_eq!(names[0], "CN=kube-apiserver-lb-signer,OU=openshift");
    assert_eq!(names[3], "CN=kube-apiserver-localhost-recovery-serving-signer,OU=openshift");
    assert_eq!(bundle.to_pem(), text, "canonical PEM round-trips byte for byte");
    assert_eq!(CaBundle::from_pem(bundle.to_pem().as_bytes()).unwrap(), bundle);
    assert_eq!((&bundle).into_iter().count(), 4);
}

#[test]
fn union_diff_and_lookups_tell_the_rotation_story() {
    let old = CaBundle::from_pem(okd::server_ca_bundle_pem().as_bytes()).unwrap();
    let rotated = okd::rotated_lb_signer();
    let served = CaBundle::from_pem(format!("{}{}", okd::lb_signer().pem(), rotated.pem()).as_bytes()).unwrap();

    let repaired = old.union(&served);
    assert_eq!(repaired.len(), 5);
    assert_eq!(repaired.get(4).unwrap(), &cert(&rotated));
    assert_eq!(old.union(&old), old);

    let diff = old.diff(&repaired);
    assert_eq!(diff.added, vec![cert(&rotated)]);
    assert!(diff.removed.is_empty());
    assert_eq!(diff.kept.len(), 4);
    assert!(!diff.is_unchanged());
    assert!(old.diff(&old).is_unchanged());
    let back = repaired.diff(&old);
    assert_eq!(back.removed, vec![cert(&rotated)]);

    // Same subject, two keys: subject lookup finds both, key-id lookup tells them apart.
    let leaf = cert(&okd::api_int_leaf(okd::DOMAIN, &rotated, okd::ROTATED_AT));
    assert_eq!(repaired.find_by_subject(leaf.raw_issuer()).count(), 2);
    let by_key: Vec<_> = repaired.find_by_key_id(leaf.authority_key_id().unwrap()).collect();
    assert_eq!(by_key, vec![&cert(&rotated)]);
    assert!(old.find_by_key_id(leaf.authority_key_id().unwrap()).next().is_none());
    assert!(repaired.contains(&cert(&rotated)) && !old.contains(&cert(&rotated)));
}

#[test]
fn without_expired_drops_only_the_past() {
    let signer = okd::lb_signer();
    let leaf = okd::api_int_leaf(okd::DOMAIN, &signer, okd::ROTATED_AT);
    let bundle = CaBundle::from_certificates([cert(&signer), cert(&leaf), cert(&signer)]);
    assert_eq!(bundle.len(), 2);
    let end = Timestamp::from_unix_seconds(okd::ROTATED_AT + okd::LEAF_LIFETIME);
    assert_eq!(bundle.without_expired(end).len(), 2, "notAfter itself is still valid");
    assert_eq!(bundle.without_expired(end.saturating_add_seconds(1)).len(), 1);
    assert_eq!(bundle.without_expired(Timestamp::from_unix_seconds(okd::CLUSTER_BORN + days(3651))).len(), 0);
}

#[test]
fn block_budget_is_enforced() {
    let text = okd::server_ca_bundle_pem();
    let mut limits = Limits::default();
    limits.max_pem_blocks = 3;
    match CaBundle::from_pem_with_limits(text.as_bytes(), &limits) {
        Err(BundleError::Pem(e)) => assert!(e.to_string().contains("more than 3 PEM blocks"), "{e}"),
        other => panic!("{other:?}"),
    }
}

proptest! {
    #[test]
    fn scan_never_panics(input in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let scan = pem::scan(&input, &Limits::default()).unwrap();
        for block in &scan.blocks {
            prop_assert!(block.span.end <= input.len());
        }
    }

    #[test]
    fn scan_never_panics_on_pem_like_text(parts in proptest::collection::vec(
        prop_oneof![
            Just("-----BEGIN A-----"), Just("-----END A-----"), Just("-----BEGIN "), Just("\n-----END "),
            Just("\n"), Just("\r\n"), Just("K: v"), Just(":"), Just("AQID"), Just("===="), Just(" "), Just("-----"),
        ], 0..40)) {
        let text = parts.concat();
        let _ = CaBundle::from_pem(text.as_bytes());
    }

    #[test]
    fn encode_then_decode_round_trips(
        label in "[A-Z][A-Z0-9 ]{0,20}[A-Z0-9]",
        der in proptest::collection::vec(any::<u8>(), 0..600),
        junk in "[a-z .\n]{0,40}",
    ) {
        let text = format!("{junk}\n{}{junk}", pem::encode(&label, &der));
        let blocks = pem::decode_all(text.as_bytes(), &Limits::default()).unwrap();
        prop_assert_eq!(blocks.len(), 1);
        prop_assert_eq!(&blocks[0].label, &label);
        prop_assert_eq!(&blocks[0].contents, &der);
        prop_assert!(pem::encode(&label, &der).lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
    }
}

#[test]
fn duplicates_are_exact_der_matches_not_look_alikes() {
    let signer = okd::lb_signer();
    let der = signer.der().to_vec();
    // Same length, same signature tail, one byte different inside the signature: a different
    // certificate (loading does not check signatures), so both stay; the exact copy goes.
    let mut look_alike = der.clone();
    let middle = der.len() - 64;
    look_alike[middle] ^= 0x01;
    let text =
        [pem::encode("CERTIFICATE", &der), pem::encode("CERTIFICATE", &look_alike), pem::encode("CERTIFICATE", &der)]
            .concat();
    let bundle = CaBundle::from_pem(text.as_bytes()).unwrap();
    assert_eq!(bundle.len(), 2);
    assert_eq!(bundle.get(0).unwrap().der(), &der);
    assert_eq!(bundle.get(1).unwrap().der(), &look_alike);
    match bundle.warnings() {
        [w] => {
            assert!(matches!(&w.kind, BundleWarningKind::Duplicate { fingerprint }
                if *fingerprint == cert(&signer).sha256_fingerprint_hex()));
            let block_lines = pem::encode("CERTIFICATE", &der).lines().count();
            assert_eq!(w.position.line, 1 + 2 * block_lines, "the warning points at the third block");
        }
        other => panic!("{other:?}"),
    }
}
