//! Go's `x509.ParseCertificate` rules, on hand-built DER (signatures are not parse-time facts).
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use okd_trust::cert::{CertError, PublicKeyAlgorithm};
use okd_trust::{Certificate, Timestamp};
use okd_trust_testkit::{CertBuilder, Key};

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match body.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n < 0x100 => out.extend([0x81, n as u8]),
        n => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(body);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

const ECDSA_SHA256: &[u8] = &[0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];

fn name(cn: &str) -> Vec<u8> {
    let atv = seq(&[&[0x06, 0x03, 0x55, 0x04, 0x03], &tlv(0x0c, cn.as_bytes())]);
    seq(&[&tlv(0x31, &atv)])
}

fn p256_spki() -> Vec<u8> {
    let ca = CertBuilder::ca("spki").key(Key::P256).self_signed();
    Certificate::from_der(ca.der()).unwrap().spki_der().to_vec()
}

fn ext(oid: &[u8], critical: Option<bool>, value: &[u8]) -> Vec<u8> {
    let crit = match critical {
        None => vec![],
        Some(true) => vec![0x01, 0x01, 0xff],
        Some(false) => vec![0x01, 0x01, 0x00],
    };
    seq(&[&tlv(0x06, oid), &crit, &tlv(0x04, value)])
}

/// Parts of a TBSCertificate, overridable one by one.
struct Tbs {
    version: Option<Vec<u8>>,
    validity: Vec<u8>,
    spki: Vec<u8>,
    subject: Vec<u8>,
    extensions: Vec<Vec<u8>>,
    trailing: Vec<u8>,
}

impl Tbs {
    fn v3() -> Self {
        Tbs {
            version: Some(vec![0x02, 0x01, 0x02]),
            validity: seq(&[&tlv(0x17, b"240101000000Z"), &tlv(0x17, b"340101000000Z")]),
            spki: p256_spki(),
            subject: name("subject"),
            extensions: vec![],
            trailing: vec![],
        }
    }

    fn der(&self) -> Vec<u8> {
        let version = self.version.as_ref().map(|v| tlv(0xa0, v)).unwrap_or_default();
        let exts = if self.extensions.is_empty() { vec![] } else { tlv(0xa3, &seq(&[&self.extensions.concat()])) };
        let tbs = seq(&[
            &version,
            &[0x02, 0x01, 0x01],
            ECDSA_SHA256,
            &name("issuer"),
            &self.validity,
            &self.subject,
            &self.spki,
            &exts,
            &self.trailing,
        ]);
        seq(&[&tbs, ECDSA_SHA256, &[0x03, 0x03, 0x00, 0x30, 0x00]])
    }

    fn parse(&self) -> Result<Certificate, CertError> {
        Certificate::from_der(&self.der())
    }
}

const SAN: &[u8] = &[0x55, 0x1d, 0x11];
const BC: &[u8] = &[0x55, 0x1d, 0x13];

#[test]
fn the_baseline_parses() {
    let c = Tbs::v3().parse().unwrap();
    assert_eq!(c.version(), 3);
    assert_eq!(c.subject(), "CN=subject");
    assert_eq!(c.not_before(), Timestamp::parse_rfc3339("2024-01-01T00:00:00Z").unwrap());
}

#[test]
fn versions() {
    let mut t = Tbs::v3();
    t.version = Some(vec![0x02, 0x01, 0x00]);
    assert_eq!(t.parse().unwrap().version(), 1, "an explicit v1 is accepted");
    t.version = None;
    assert_eq!(t.parse().unwrap().version(), 1);
    t.version = Some(vec![0x02, 0x01, 0x03]);
    assert!(t.parse().is_err(), "v4 is refused");
    t.version = Some(vec![0x02, 0x01, 0xff]);
    assert!(t.parse().is_err(), "negative");
}

#[test]
fn extensions_of_v1_and_v2_certificates_are_ignored() {
    let mut t = Tbs::v3();
    t.extensions = vec![ext(SAN, None, &seq(&[&tlv(0x82, b"v1.example.com")]))];
    assert_eq!(t.parse().unwrap().dns_names(), ["v1.example.com"]);
    for v in [0u8, 1] {
        t.version = Some(vec![0x02, 0x01, v]);
        let c = t.parse().unwrap();
        assert!(c.dns_names().is_empty());
        assert_eq!(c.extensions().count(), 0);
        assert!(!c.has_subject_alt_name());
    }
    // Even a malformed extensions block is not looked at in a v1 certificate.
    t.version = None;
    t.extensions = vec![vec![0x05, 0x00]];
    assert!(t.parse().is_ok());
}

#[test]
fn trailing_bytes_inside_the_tbs_are_ignored() {
    let mut t = Tbs::v3();
    t.trailing = vec![0x05, 0x00];
    assert!(t.parse().is_ok());
}

#[test]
fn validity_encodings() {
    let mut t = Tbs::v3();
    t.validity = seq(&[&tlv(0x17, b"500101000000Z"), &tlv(0x18, b"99991231235959Z")]);
    let c = t.parse().unwrap();
    assert_eq!(c.not_before(), Timestamp::parse_rfc3339("1950-01-01T00:00:00Z").unwrap(), "before 1970");
    assert_eq!(c.not_after(), Timestamp::parse_rfc3339("9999-12-31T23:59:59Z").unwrap());
    t.validity = seq(&[&tlv(0x17, b"2401010000Z"), &tlv(0x18, b"20340101000000.5Z")]);
    let c = t.parse().unwrap();
    assert_eq!(c.not_after(), Timestamp::parse_rfc3339("2034-01-01T00:00:00.5Z").unwrap());
    for bad in [
        seq(&[&tlv(0x17, b"240101000000+0000"), &tlv(0x17, b"340101000000Z")]),
        seq(&[&tlv(0x18, b"20240101000000.50Z"), &tlv(0x17, b"340101000000Z")]),
        seq(&[&tlv(0x17, b"240101000000Z"), &tlv(0x0c, b"340101000000Z")]),
    ] {
        t.validity = bad;
        assert!(matches!(t.parse(), Err(CertError::Der { .. })));
    }
}

#[test]
fn name_strings_are_validated() {
    let mut t = Tbs::v3();
    let atv = seq(&[&[0x06, 0x03, 0x55, 0x04, 0x03], &tlv(0x13, b"not@printable")]);
    t.subject = seq(&[&tlv(0x31, &atv)]);
    assert!(t.parse().is_err());
    let atv = seq(&[&[0x06, 0x03, 0x55, 0x04, 0x03], &tlv(0x04, b"octets")]);
    t.subject = seq(&[&tlv(0x31, &atv)]);
    assert!(t.parse().is_err(), "a non-string attribute value");
    t.subject = seq(&[]);
    assert!(t.parse().is_ok(), "an empty name");
}

#[test]
fn explicit_critical_false_and_unhandled_critical_extensions() {
    let mut t = Tbs::v3();
    t.extensions = vec![
        ext(BC, Some(false), &seq(&[&[0x01, 0x01, 0xff]])),
        ext(&[0x2a, 0x03, 0x04], Some(true), &[0x05, 0x00]),
        ext(&[0x2a, 0x03, 0x05], Some(false), &[0x05, 0x00]),
        ext(&[0x55, 0x1d, 0x63], Some(true), &[0x05, 0x00]),
    ];
    let c = t.parse().unwrap();
    assert!(c.is_ca());
    let unhandled: Vec<String> = c.unhandled_critical_extensions().iter().map(ToString::to_string).collect();
    assert_eq!(unhandled, ["1.2.3.4", "2.5.29.99"]);
}

#[test]
fn a_critical_san_without_usable_names_is_unhandled() {
    let mut t = Tbs::v3();
    t.extensions = vec![ext(SAN, Some(true), &seq(&[&tlv(0xa4, &name("dir"))]))];
    let c = t.parse().unwrap();
    assert!(c.has_subject_alt_name());
    assert_eq!(c.unhandled_critical_extensions().len(), 1);
    t.extensions = vec![ext(SAN, Some(true), &seq(&[&tlv(0x82, b"ok.example")]))];
    assert!(t.parse().unwrap().unhandled_critical_extensions().is_empty());
}

#[test]
fn name_constraints_are_parsed_at_parse_time() {
    const NC: &[u8] = &[0x55, 0x1d, 0x1e];
    let subtree = |tag: u8, v: &[u8]| seq(&[&tlv(tag, v)]);
    let mut t = Tbs::v3();
    t.extensions = vec![ext(
        NC,
        Some(true),
        &seq(&[&tlv(0xa0, &[subtree(0x82, b"example.com"), subtree(0x87, &[10, 0, 0, 0, 255, 0, 0, 0])].concat())]),
    )];
    let c = t.parse().unwrap();
    let nc = c.name_constraints().unwrap();
    assert_eq!(nc.permitted.dns, ["example.com"]);
    assert_eq!(nc.permitted.ip[0].to_string(), "10.0.0.0/8");
    assert!(c.unhandled_critical_extensions().is_empty());
    // A directoryName subtree: unhandled when critical, ignored when not.
    let dir = seq(&[&tlv(0xa1, &subtree(0xa4, &name("x")))]);
    t.extensions = vec![ext(NC, Some(true), &dir)];
    assert_eq!(t.parse().unwrap().unhandled_critical_extensions().len(), 1);
    t.extensions = vec![ext(NC, None, &dir)];
    assert!(t.parse().unwrap().unhandled_critical_extensions().is_empty());
    // Go's parse errors.
    for bad in [seq(&[]), seq(&[&[0xa0, 0x00, 0xa1, 0x00]]), seq(&[&tlv(0xa0, &subtree(0x87, &[10, 0, 0, 1]))])] {
        t.extensions = vec![ext(NC, None, &bad)];
        assert!(matches!(t.parse(), Err(CertError::MalformedExtension { .. })));
    }
}

#[test]
fn critical_key_identifiers_and_aia_are_parse_errors() {
    let mut t = Tbs::v3();
    for (oid, value) in [
        (&[0x55, 0x1d, 0x0e][..], tlv(0x04, &[1, 2, 3])),
        (&[0x55, 0x1d, 0x23][..], seq(&[&tlv(0x80, &[1, 2, 3])])),
        (&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01][..], seq(&[])),
    ] {
        t.extensions = vec![ext(oid, Some(true), &value)];
        assert!(matches!(t.parse(), Err(CertError::MalformedExtension { .. })), "{oid:?}");
        t.extensions = vec![ext(oid, None, &value)];
        assert!(t.parse().is_ok(), "{oid:?}");
    }
}

#[test]
fn san_rules() {
    let mut t = Tbs::v3();
    for bad in [
        tlv(0x82, "é.example".as_bytes()),
        tlv(0x87, &[1, 2, 3, 4, 255, 255, 255, 0]),
        tlv(0x86, b"http://a\x00b/"),
        tlv(0x86, b"http://host:notaport/"),
        tlv(0x86, b"http://a..b/"),
    ] {
        t.extensions = vec![ext(SAN, None, &seq(&[&bad]))];
        assert!(t.parse().is_err(), "{bad:?}");
    }
    // Unknown tags, a primitive [0], [10] and [15] are stepped over.
    t.extensions = vec![ext(
        SAN,
        None,
        &seq(&[&tlv(0x80, b"x"), &tlv(0x8a, b"y"), &tlv(0x8f, b"z"), &tlv(0x82, b"bad.example.com")]),
    )];
    assert_eq!(t.parse().unwrap().dns_names(), ["bad.example.com"]);
}

#[test]
fn key_algorithms_go_loads() {
    let mut t = Tbs::v3();
    // An unknown algorithm parses (no key).
    t.spki = seq(&[&seq(&[&[0x06, 0x03, 0x2a, 0x03, 0x04]]), &[0x03, 0x02, 0x00, 0x01]]);
    assert_eq!(t.parse().unwrap().public_key_algorithm(), &PublicKeyAlgorithm::Other("1.2.3.4".into()));
    // DSA parses when its parameters are sane.
    let dsa_oid: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    let params = seq(&[&[0x02, 0x01, 0x17], &[0x02, 0x01, 0x0b], &[0x02, 0x01, 0x02]]);
    t.spki = seq(&[&seq(&[dsa_oid, &params]), &tlv(0x03, &[0x00, 0x02, 0x01, 0x05])]);
    assert!(t.parse().is_ok());
    let params = seq(&[&[0x02, 0x01, 0x17], &[0x02, 0x01, 0x00], &[0x02, 0x01, 0x02]]);
    t.spki = seq(&[&seq(&[dsa_oid, &params]), &tlv(0x03, &[0x00, 0x02, 0x01, 0x05])]);
    assert!(t.parse().is_err(), "zero q");
    // An EC point off the curve is refused.
    let mut spki = p256_spki();
    let last = spki.len() - 1;
    spki[last] ^= 1;
    t.spki = spki;
    assert!(matches!(t.parse(), Err(CertError::PublicKey { .. })));
}
