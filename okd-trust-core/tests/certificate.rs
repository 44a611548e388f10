//! Every certificate fact, checked on deterministic generated certificates.
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use okd_trust::cert::{
    BasicConstraints, CertError, EcCurve, ExtendedKeyUsage, KeyUsage, PublicKeyAlgorithm, SignatureAlgorithm,
};
use okd_trust::{Certificate, Limits, Timestamp};
use okd_trust_testkit::{CertBuilder, Key, days, okd};

fn parse(issued: &okd_trust_testkit::Issued) -> Certificate {
    Certificate::from_der(issued.der()).unwrap()
}

#[test]
fn signer_facts() {
    let signer = okd::lb_signer();
    let cert = parse(&signer);
    assert_eq!(cert.subject(), "CN=kube-apiserver-lb-signer,OU=openshift");
    assert_eq!(cert.issuer(), cert.subject());
    assert!(cert.is_self_issued());
    assert!(cert.is_self_signed());
    assert_eq!(cert.serial_hex(), "1001");
    assert_eq!(cert.not_before(), Timestamp::parse_rfc3339("2019-06-01T00:00:00Z").unwrap());
    assert_eq!(cert.not_after().unix_seconds(), okd::CLUSTER_BORN + okd::SIGNER_LIFETIME);
    assert_eq!(cert.basic_constraints(), Some(BasicConstraints { ca: true, path_len: None }));
    assert!(cert.is_ca());
    let ku = cert.key_usage().unwrap();
    assert!(ku.contains(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN | KeyUsage::DIGITAL_SIGNATURE));
    assert!(!ku.contains(KeyUsage::KEY_ENCIPHERMENT));
    assert_eq!(cert.extended_key_usage(), None);
    assert_eq!(cert.public_key_algorithm(), &PublicKeyAlgorithm::Rsa { bits: 2048 });
    assert_eq!(cert.public_key_bits(), Some(2048));
    assert_eq!(cert.signature_algorithm(), &SignatureAlgorithm::Sha256WithRsa);
    assert_eq!(cert.signature().len(), 256);
    assert!(cert.subject_key_id().is_some());
}

#[test]
fn leaf_facts_and_key_ids() {
    let signer = okd::lb_signer();
    let leaf = okd::api_int_leaf(okd::DOMAIN, &signer, okd::ROTATED_AT);
    let (ca, cert) = (parse(&signer), parse(&leaf));
    assert_eq!(cert.dns_names(), ["api-int.ocp.example.com"]);
    assert_eq!(cert.extended_key_usage(), Some(&[ExtendedKeyUsage::ServerAuth][..]));
    assert_eq!(cert.basic_constraints(), None);
    assert_eq!(cert.authority_key_id(), ca.subject_key_id());
    assert_eq!(cert.raw_issuer(), ca.raw_subject());
    assert!(!cert.is_self_issued());
    assert_eq!(cert.public_key_algorithm(), &PublicKeyAlgorithm::Ec { curve: EcCurve::P256 });
    assert_eq!(cert.public_key_bytes().len(), 65);
    assert_eq!(cert.expires_in(Timestamp::from_unix_seconds(okd::ROTATED_AT)), okd::LEAF_LIFETIME);
}

#[test]
fn rotated_signer_shares_subject_not_key() {
    let (old, new) = (parse(&okd::lb_signer()), parse(&okd::rotated_lb_signer()));
    assert_eq!(old.raw_subject(), new.raw_subject());
    assert_ne!(old.subject_key_id(), new.subject_key_id());
    assert_ne!(old.sha256_fingerprint(), new.sha256_fingerprint());
}

#[test]
fn sans_of_every_kind_including_ipv6() {
    let ca = CertBuilder::ca("sans-ca").key(Key::Ed25519).self_signed();
    let v6: Ipv6Addr = "fd00::1".parse().unwrap();
    let leaf = CertBuilder::leaf("sans")
        .dns("a.example")
        .dns("*.b.example")
        .ip(IpAddr::V4(Ipv4Addr::new(172, 30, 0, 1)))
        .ip(IpAddr::V6(v6))
        .email("ops@example.com")
        .uri("spiffe://cluster/ns/x")
        .client_auth()
        .server_auth()
        .signed_by(&ca);
    let cert = parse(&leaf);
    assert_eq!(cert.dns_names(), ["a.example", "*.b.example"]);
    assert_eq!(cert.ip_addresses(), [IpAddr::V4(Ipv4Addr::new(172, 30, 0, 1)), IpAddr::V6(v6)]);
    assert_eq!(cert.email_addresses(), ["ops@example.com"]);
    assert_eq!(cert.uris(), ["spiffe://cluster/ns/x"]);
    assert_eq!(cert.extended_key_usage(), Some(&[ExtendedKeyUsage::ClientAuth, ExtendedKeyUsage::ServerAuth][..]));
    assert_eq!(cert.signature_algorithm(), &SignatureAlgorithm::Ed25519);
    assert_eq!(parse(&ca).public_key_algorithm(), &PublicKeyAlgorithm::Ed25519);
    assert_eq!(parse(&ca).public_key_bits(), Some(256));
}

#[test]
fn p384_and_path_len() {
    let ca = CertBuilder::ca("p384").key(Key::P384).path_len(1).self_signed();
    let cert = parse(&ca);
    assert_eq!(cert.public_key_algorithm(), &PublicKeyAlgorithm::Ec { curve: EcCurve::P384 });
    assert_eq!(cert.signature_algorithm(), &SignatureAlgorithm::EcdsaWithSha384);
    assert_eq!(cert.basic_constraints(), Some(BasicConstraints { ca: true, path_len: Some(1) }));
    let explicit = CertBuilder::leaf("x").basic_constraints(Some(false)).signed_by(&ca);
    assert_eq!(parse(&explicit).basic_constraints(), Some(BasicConstraints { ca: false, path_len: None }));
}

#[test]
fn fingerprints_match_an_independent_digest() {
    let signer = okd::lb_signer();
    let cert = parse(&signer);
    let sha256 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, signer.der());
    assert_eq!(cert.sha256_fingerprint(), sha256.as_ref());
    let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, signer.der());
    assert_eq!(cert.sha1_fingerprint(), sha1.as_ref());
    let hex = cert.sha256_fingerprint_hex();
    assert_eq!(hex.len(), 32 * 3 - 1);
    assert_eq!(hex.split(':').next().unwrap(), format!("{:02X}", sha256.as_ref()[0]));
}

#[test]
fn fixtures_are_deterministic() {
    assert_eq!(okd::lb_signer().der(), okd::lb_signer().der());
    let s = okd::lb_signer();
    assert_eq!(
        okd::api_int_leaf(okd::DOMAIN, &s, okd::ROTATED_AT).der(),
        okd::api_int_leaf(okd::DOMAIN, &s, okd::ROTATED_AT).der()
    );
}

#[test]
fn tbs_spki_and_names_are_slices_of_the_der() {
    let signer = okd::localhost_signer();
    let der = signer.der();
    let cert = parse(&signer);
    // The TBS is the first element inside the outer SEQUENCE (4-byte header for RSA certs).
    assert_eq!(der[0], 0x30);
    let outer_header = if der[1] & 0x80 != 0 { 2 + usize::from(der[1] & 0x7f) } else { 2 };
    let tbs = cert.tbs_der();
    assert_eq!(tbs, &der[outer_header..outer_header + tbs.len()]);
    for part in [cert.spki_der(), cert.raw_subject(), cert.raw_issuer(), cert.tbs_der()] {
        assert!(der.windows(part.len()).any(|w| w == part));
    }
    // The signature covers exactly these bytes: verify it independently.
    let key = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        cert.public_key_bytes(),
    );
    key.verify(tbs, cert.signature()).unwrap();
}

#[test]
fn validity_bounds_are_inclusive() {
    let cert = parse(&okd::lb_signer());
    let (nb, na) = (cert.not_before(), cert.not_after());
    assert!(cert.is_valid_at(nb));
    assert!(cert.is_valid_at(na));
    assert!(!cert.is_valid_at(nb.saturating_add_seconds(-1)));
    assert!(!cert.is_valid_at(na.saturating_add_seconds(1)));
    assert_eq!(cert.expires_in(na), 0);
    assert_eq!(cert.expires_in(na.saturating_add_seconds(10)), -10);
}

#[test]
fn extensions_are_listed_raw() {
    let cert = parse(&okd::lb_signer());
    let bc = cert.extensions().find(|e| e.oid.to_string() == "2.5.29.19").unwrap();
    assert!(bc.critical);
    assert_eq!(bc.value[0], 0x30);
    assert!(cert.extensions().count() >= 3);
}

#[test]
fn truncated_der_is_an_error_with_position_never_a_panic() {
    let der = okd::lb_signer().der().to_vec();
    for len in 0..der.len() {
        match Certificate::from_der(&der[..len]) {
            Err(CertError::Der { .. }) => {}
            other => panic!("{len}: {other:?}"),
        }
    }
    match Certificate::from_der(&der[..der.len() / 2]) {
        Err(CertError::Der { position: Some(p), .. }) => assert_eq!(p.line, 0),
        other => panic!("{other:?}"),
    }
    let mut trailing = der.clone();
    trailing.push(0);
    assert!(Certificate::from_der(&trailing).is_err());
}

#[test]
fn size_limit_and_pem_entry_point() {
    let signer = okd::lb_signer();
    let mut limits = Limits::default();
    limits.max_der_bytes = 100;
    assert!(matches!(Certificate::from_der_with_limits(signer.der(), &limits), Err(CertError::TooLarge { .. })));
    let text = format!("junk\n{}", signer.pem());
    let cert = Certificate::from_pem(text.as_bytes()).unwrap();
    assert_eq!(cert.der(), signer.der());
    assert_eq!(cert.to_pem(), signer.pem().replace("\r\n", "\n"));
    assert!(matches!(Certificate::from_pem(b"nothing here"), Err(CertError::NoCertificateBlock)));
}

#[test]
fn clones_share_and_compare() {
    let a = parse(&okd::lb_signer());
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a, parse(&okd::rotated_lb_signer()));
    assert!(format!("{a:?}").contains("kube-apiserver-lb-signer"));
}

#[test]
fn leaf_lifetime_helper() {
    assert_eq!(days(30), okd::LEAF_LIFETIME);
}

/// Go's parser refuses an EC public key whose point is not on its curve; so does the load.
#[test]
fn ec_point_off_the_curve_is_a_parse_error() {
    for (key, header) in [(Key::P256, [0x03, 0x42, 0x00, 0x04]), (Key::P384, [0x03, 0x62, 0x00, 0x04])] {
        let issued = CertBuilder::ca("ec-ca").key(key).validity(0, days(10)).self_signed();
        let der = issued.der();
        assert!(Certificate::from_der(der).is_ok());
        let at = der.windows(4).position(|w| w == header).expect("the SPKI point") + 4;
        let mut bent = der.to_vec();
        bent[at + 40] ^= 0x01; // one bit of X: the point leaves the curve
        let err = Certificate::from_der(&bent).unwrap_err();
        assert!(err.to_string().contains("failed to unmarshal elliptic curve point"), "{key:?}: {err}");
    }
}
