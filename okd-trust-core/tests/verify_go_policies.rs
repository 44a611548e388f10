//! Go's behaviours the kubelet profile matches beyond the suite, on generated chains: certificate
//! policy validation (RFC 9618's graph, as `crypto/x509` runs it) and IPv4-mapped IPv6 addresses
//! in SANs and name constraints. The IP cases were found by the random-chain differential against
//! live Go (scripts/go-differential.sh), the policy cases written from Go's `policiesValid`; every
//! verdict asserted here (19) was run once through Go 1.26.6's `Verify` by the limbo harness and
//! agreed. The differential keeps checking the same code against live Go on every test run.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::net::IpAddr;

use okd_trust::verify::{self, Failure, Verdict, VerifyOptions};
use okd_trust::{CaBundle, Certificate, Timestamp};
use okd_trust_testkit::rcgen::{CidrSubnet, GeneralSubtree};
use okd_trust_testkit::{CertBuilder, Issued, Key, days};

const NAME: &str = "api-int.policies.example";
const CERTIFICATE_POLICIES: &[u64] = &[2, 5, 29, 32];
const POLICY_MAPPINGS: &[u64] = &[2, 5, 29, 33];
const POLICY_CONSTRAINTS: &[u64] = &[2, 5, 29, 36];
const INHIBIT_ANY_POLICY: &[u64] = &[2, 5, 29, 54];

/// Policy OIDs as DER contents: P1, P2 under a private arc, and anyPolicy.
const P1: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x43, 0x01];
const P2: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x43, 0x02];
const ANY: &[u8] = &[0x55, 0x1d, 0x20, 0x00];

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, u8::try_from(content.len()).unwrap()];
    out.extend_from_slice(content);
    out
}

fn oid(contents: &[u8]) -> Vec<u8> {
    tlv(0x06, contents)
}

fn policies(oids: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &oids.iter().flat_map(|o| tlv(0x30, &oid(o))).collect::<Vec<_>>())
}

fn mappings(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    tlv(0x30, &pairs.iter().flat_map(|(a, b)| tlv(0x30, &[oid(a), oid(b)].concat())).collect::<Vec<_>>())
}

fn constraints(require_explicit: Option<u8>, inhibit_mapping: Option<u8>) -> Vec<u8> {
    let mut body = Vec::new();
    if let Some(n) = require_explicit {
        body.extend(tlv(0x80, &[n]));
    }
    if let Some(n) = inhibit_mapping {
        body.extend(tlv(0x81, &[n]));
    }
    tlv(0x30, &body)
}

fn at() -> Timestamp {
    Timestamp::from_unix_seconds(days(30))
}

fn root() -> Issued {
    CertBuilder::ca("policy-root").key(Key::P256).validity(0, days(3650)).self_signed()
}

fn intermediate(name: &str, key: Key) -> CertBuilder {
    CertBuilder::ca(name).key(key).validity(0, days(3650))
}

fn leaf() -> CertBuilder {
    CertBuilder::leaf("leaf").key(Key::P384).dns(NAME).server_auth().validity(0, days(365))
}

fn cert(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.der()).unwrap()
}

/// The verdict for `leaf` under `root`, sent with `intermediates`, dialled as `name`.
fn verdict(root: &Issued, intermediates: &[&Issued], leaf: &Issued, name: &str) -> Verdict {
    let roots = CaBundle::from_certificates([cert(root)]);
    let presented: Vec<Certificate> = intermediates.iter().map(|i| cert(i)).collect();
    let options = VerifyOptions::new(&roots, at()).intermediates(&presented).server_name(name);
    verify::verify(&cert(leaf), &options)
}

fn assert_invalid_policies(verdict: &Verdict) {
    match verdict.reason().map(|r| &r.failure) {
        Some(Failure::InvalidPolicies { chains: 1, .. }) => {
            let text = verdict.to_string();
            assert!(text.contains("candidate chains with invalid policies"), "{text}");
        }
        _ => panic!("expected invalid policies, got {verdict}"),
    }
}

#[test]
fn required_explicit_policy_without_a_leaf_policy_is_rejected_like_go() {
    let root = root();
    let int = intermediate("int", Key::RsaB)
        .extension(CERTIFICATE_POLICIES, false, policies(&[P1]))
        .extension(POLICY_CONSTRAINTS, true, constraints(Some(0), None))
        .signed_by(&root);
    let bare = leaf().signed_by(&int);
    assert_invalid_policies(&verdict(&root, &[&int], &bare, NAME));

    let other = leaf().extension(CERTIFICATE_POLICIES, false, policies(&[P2])).signed_by(&int);
    assert_invalid_policies(&verdict(&root, &[&int], &other, NAME));

    let same = leaf().extension(CERTIFICATE_POLICIES, false, policies(&[P1])).signed_by(&int);
    assert!(verdict(&root, &[&int], &same, NAME).is_trusted(), "the leaf asserts the policy required");
    let any = leaf().extension(CERTIFICATE_POLICIES, false, policies(&[ANY])).signed_by(&int);
    assert!(verdict(&root, &[&int], &any, NAME).is_trusted(), "anyPolicy satisfies it while not inhibited");
}

#[test]
fn inhibit_any_policy_stops_any_policy_from_satisfying_an_explicit_policy() {
    let root = root();
    let int = intermediate("int", Key::RsaB)
        .extension(CERTIFICATE_POLICIES, false, policies(&[ANY]))
        .extension(POLICY_CONSTRAINTS, true, constraints(Some(0), None))
        .extension(INHIBIT_ANY_POLICY, true, tlv(0x02, &[0]))
        .signed_by(&root);
    let any = leaf().extension(CERTIFICATE_POLICIES, false, policies(&[ANY])).signed_by(&int);
    assert_invalid_policies(&verdict(&root, &[&int], &any, NAME));
    let named = leaf().extension(CERTIFICATE_POLICIES, false, policies(&[P1])).signed_by(&int);
    assert!(verdict(&root, &[&int], &named, NAME).is_trusted(), "P1 hangs under the CA's anyPolicy");
}

#[test]
fn a_mapping_to_any_policy_is_rejected_while_mapping_is_allowed() {
    let root = root();
    let int = intermediate("int", Key::RsaB)
        .extension(CERTIFICATE_POLICIES, false, policies(&[P1]))
        .extension(POLICY_MAPPINGS, true, mappings(&[(P1, ANY)]))
        .signed_by(&root);
    let leaf = leaf().signed_by(&int);
    assert_invalid_policies(&verdict(&root, &[&int], &leaf, NAME));
}

#[test]
fn inhibit_policy_mapping_above_turns_the_same_mapping_into_a_deletion() {
    let root = root();
    let upper = intermediate("upper", Key::RsaB)
        .extension(CERTIFICATE_POLICIES, false, policies(&[P1]))
        .extension(POLICY_CONSTRAINTS, true, constraints(None, Some(0)))
        .signed_by(&root);
    let lower = intermediate("lower", Key::RsaC)
        .extension(CERTIFICATE_POLICIES, false, policies(&[P1]))
        .extension(POLICY_MAPPINGS, true, mappings(&[(P1, ANY)]))
        .signed_by(&upper);
    let leaf = leaf().signed_by(&lower);
    assert!(verdict(&root, &[&upper, &lower], &leaf, NAME).is_trusted(), "no explicit policy is required");
}

#[test]
fn a_mapped_policy_satisfies_an_explicit_policy_below_it() {
    let root = root();
    let int = intermediate("int", Key::RsaB)
        .extension(CERTIFICATE_POLICIES, false, policies(&[P1]))
        .extension(POLICY_MAPPINGS, true, mappings(&[(P1, P2)]))
        .extension(POLICY_CONSTRAINTS, true, constraints(Some(0), None))
        .signed_by(&root);
    let mapped = leaf().extension(CERTIFICATE_POLICIES, false, policies(&[P2])).signed_by(&int);
    assert!(verdict(&root, &[&int], &mapped, NAME).is_trusted(), "P1 maps to P2");
    let unmapped = leaf().extension(CERTIFICATE_POLICIES, false, policies(&[P1])).signed_by(&int);
    assert_invalid_policies(&verdict(&root, &[&int], &unmapped, NAME));
}

#[test]
fn ipv4_mapped_ipv6_san_matches_its_ipv4_form_as_go_net_ip_does() {
    let root = root();
    let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
    let leaf = leaf().ip(mapped).signed_by(&root);
    let parsed = cert(&leaf);
    assert_eq!(parsed.ip_addresses(), [mapped], "the 16-byte form is kept as written");
    assert!(verdict(&root, &[], &leaf, "10.0.0.1").is_trusted());
    assert!(verdict(&root, &[], &leaf, "::ffff:10.0.0.1").is_trusted());
    assert!(!verdict(&root, &[], &leaf, "10.0.0.2").is_trusted());
}

#[test]
fn name_constraints_compare_ip_forms_byte_for_byte_like_go() {
    let constrained = |subnet: CidrSubnet| {
        CertBuilder::ca("constrained")
            .key(Key::P256)
            .validity(0, days(3650))
            .name_constraints(vec![GeneralSubtree::IpAddress(subnet)], vec![])
            .self_signed()
    };
    let v4_range = constrained(CidrSubnet::V4([10, 0, 0, 0], [255, 0, 0, 0]));
    let mapped_range = constrained(CidrSubnet::V6(
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 0],
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0],
    ));
    let mapped_san = |root: &Issued| leaf().ip("::ffff:10.0.0.1".parse().unwrap()).signed_by(root);
    let v4_san = |root: &Issued| leaf().ip("10.0.0.1".parse().unwrap()).signed_by(root);

    assert!(verdict(&v4_range, &[], &v4_san(&v4_range), "10.0.0.1").is_trusted());
    assert!(!verdict(&v4_range, &[], &mapped_san(&v4_range), "10.0.0.1").is_trusted(), "16 bytes vs an IPv4 range");
    assert!(verdict(&mapped_range, &[], &mapped_san(&mapped_range), "10.0.0.1").is_trusted());
    assert!(!verdict(&mapped_range, &[], &v4_san(&mapped_range), "10.0.0.1").is_trusted(), "4 bytes vs IPv6");

    // net.IPNet.Contains: `::/0` holds every IPv6 address but no IPv4-mapped one.
    let all_v6 = || GeneralSubtree::IpAddress(CidrSubnet::V6([0; 16], [0; 16]));
    let permits_v6 = CertBuilder::ca("v6").key(Key::P256).validity(0, days(3650));
    let permits_v6 = permits_v6.name_constraints(vec![all_v6()], vec![]).self_signed();
    assert!(!verdict(&permits_v6, &[], &mapped_san(&permits_v6), "10.0.0.1").is_trusted());
    let excludes_v6 = CertBuilder::ca("no-v6").key(Key::P256).validity(0, days(3650));
    let excludes_v6 = excludes_v6.name_constraints(vec![], vec![all_v6()]).self_signed();
    assert!(verdict(&excludes_v6, &[], &mapped_san(&excludes_v6), "10.0.0.1").is_trusted());
}
