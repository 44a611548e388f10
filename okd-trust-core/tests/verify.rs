//! The verification engine on generated chains: the OKD rotation story first, then each check.
#![allow(clippy::unwrap_used, clippy::panic)]

use okd_trust::cert::ExtendedKeyUsage;
use okd_trust::verify::{self, Failure, Verdict, VerifyOptions};
use okd_trust::{CaBundle, Certificate, Timestamp};
use okd_trust_testkit::okd::{self, DOMAIN, ROTATED_AT};
use okd_trust_testkit::{CertBuilder, Issued, Key, days};

const API_INT: &str = "api-int.ocp.example.com";

fn cert(issued: &Issued) -> Certificate {
    Certificate::from_der(issued.der()).unwrap()
}

fn bundle(issued: &[&Issued]) -> CaBundle {
    CaBundle::from_certificates(issued.iter().map(|i| cert(i)))
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_unix_seconds(seconds)
}

fn a_week_after_rotation() -> Timestamp {
    at(ROTATED_AT + days(7))
}

fn failure(verdict: &Verdict) -> &Failure {
    &verdict.reason().unwrap_or_else(|| panic!("expected untrusted, got {verdict}")).failure
}

#[test]
fn the_incident_old_signer_only_is_untrusted_and_says_same_name_different_key() {
    let (old, new) = (okd::lb_signer(), okd::rotated_lb_signer());
    let leaf = okd::api_int_leaf(DOMAIN, &new, ROTATED_AT);
    let roots = bundle(&[&old, &okd::localhost_signer()]);
    let presented = [cert(&new)];
    let options = VerifyOptions::new(&roots, a_week_after_rotation()).intermediates(&presented).server_name(API_INT);
    let verdict = verify::verify(&cert(&leaf), &options);
    let Failure::UnknownAuthority { issuer, same_name_in_bundle, same_name_presented } = failure(&verdict) else {
        panic!("{verdict}")
    };
    assert!(issuer.contains("kube-apiserver-lb-signer"));
    assert_eq!(same_name_in_bundle.len(), 1);
    assert_eq!(same_name_in_bundle[0].not_before, at(okd::CLUSTER_BORN));
    assert_eq!(same_name_presented.len(), 1);
    assert_eq!(same_name_presented[0].not_before, at(ROTATED_AT));
    let text = verdict.to_string();
    assert!(text.contains("same name, different key"), "{text}");
    assert!(text.contains("2019-06-01") && text.contains("2024-04-10"), "{text}");
    assert!(!verdict.reason().unwrap().attempts.is_empty(), "the paths tried are listed");
}

#[test]
fn the_incident_without_the_intermediate_still_names_the_rotation() {
    let (old, new) = (okd::lb_signer(), okd::rotated_lb_signer());
    let leaf = okd::api_int_leaf(DOMAIN, &new, ROTATED_AT);
    let roots = bundle(&[&old]);
    let verdict = verify::verify(&cert(&leaf), &VerifyOptions::new(&roots, a_week_after_rotation()));
    assert!(
        matches!(failure(&verdict), Failure::UnknownAuthority { same_name_in_bundle, .. } if same_name_in_bundle.len() == 1)
    );
}

#[test]
fn new_only_and_old_plus_new_bundles_are_trusted() {
    let (old, new) = (okd::lb_signer(), okd::rotated_lb_signer());
    let leaf = cert(&okd::api_int_leaf(DOMAIN, &new, ROTATED_AT));
    for roots in [bundle(&[&new]), bundle(&[&old, &new]), bundle(&[&new, &old])] {
        let options = VerifyOptions::new(&roots, a_week_after_rotation()).server_name(API_INT);
        let verdict = verify::verify(&leaf, &options);
        let chain = verdict.chain().unwrap_or_else(|| panic!("{verdict}"));
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[1].der(), cert(&new).der(), "the new signer anchors the chain");
    }
    // Before the rotation the old signer's leaf verifies against the old bundle.
    let old_leaf = cert(&okd::api_int_leaf(DOMAIN, &old, ROTATED_AT - days(20)));
    let verdict = verify::verify(&old_leaf, &VerifyOptions::new(&bundle(&[&old]), at(ROTATED_AT - days(10))));
    assert!(verdict.is_trusted(), "{verdict}");
}

#[test]
fn validity_is_checked_at_the_given_time_to_the_nanosecond() {
    let new = okd::rotated_lb_signer();
    let leaf = cert(&okd::api_int_leaf(DOMAIN, &new, ROTATED_AT));
    let roots = bundle(&[&new]);
    let not_after = leaf.not_after();
    let verdict = verify::verify(&leaf, &VerifyOptions::new(&roots, not_after));
    assert!(verdict.is_trusted(), "the last second is still valid");
    let just_after = Timestamp::from_unix_nanos(not_after.unix_seconds(), 5_000_000);
    assert!(matches!(
        failure(&verify::verify(&leaf, &VerifyOptions::new(&roots, just_after))),
        Failure::Expired { .. }
    ));
    let before = at(ROTATED_AT - 1);
    assert!(matches!(
        failure(&verify::verify(&leaf, &VerifyOptions::new(&roots, before))),
        Failure::NotYetValid { .. }
    ));
}

#[test]
fn the_host_name_is_matched_against_sans_only() {
    let new = okd::rotated_lb_signer();
    let leaf = cert(&okd::api_int_leaf(DOMAIN, &new, ROTATED_AT));
    let roots = bundle(&[&new]);
    let options = VerifyOptions::new(&roots, a_week_after_rotation()).server_name("api.ocp.example.com");
    let verdict = verify::verify(&leaf, &options);
    assert!(matches!(failure(&verdict), Failure::HostnameMismatch { .. }), "{verdict}");
    assert!(verdict.to_string().contains("certificate is valid for api-int.ocp.example.com, not api.ocp.example.com"));
    let upper = VerifyOptions::new(&roots, a_week_after_rotation()).server_name("API-INT.ocp.example.com.");
    assert!(verify::verify(&leaf, &upper).is_trusted(), "case and a trailing dot do not matter");
}

fn ca(cn: &str, key: Key) -> CertBuilder {
    CertBuilder::ca(cn).key(key).validity(okd::CLUSTER_BORN, okd::CLUSTER_BORN + days(3650))
}

/// An api-int serving certificate, to be signed by the caller's CA.
fn serving_leaf() -> CertBuilder {
    CertBuilder::leaf(API_INT).dns(API_INT).server_auth().validity(ROTATED_AT, ROTATED_AT + days(30)).key(Key::P256)
}

#[test]
fn an_intermediate_must_be_a_ca_and_respect_path_length() {
    let root = ca("root", Key::RsaA).path_len(0).self_signed();
    let intermediate = ca("intermediate", Key::RsaB).signed_by(&root);
    let leaf = cert(&serving_leaf().signed_by(&intermediate));
    let roots = bundle(&[&root]);
    let inter = [cert(&intermediate)];
    let options = VerifyOptions::new(&roots, a_week_after_rotation()).intermediates(&inter);
    let verdict = verify::verify(&leaf, &options);
    assert!(matches!(failure(&verdict), Failure::TooManyIntermediates { path_len: 0, intermediates: 1 }), "{verdict}");

    let root = ca("root", Key::RsaA).self_signed();
    let not_ca = ca("intermediate", Key::RsaB).basic_constraints(Some(false)).signed_by(&root);
    let leaf = cert(&serving_leaf().signed_by(&not_ca));
    let inter = [cert(&not_ca)];
    let roots = bundle(&[&root]);
    let verdict = verify::verify(&leaf, &VerifyOptions::new(&roots, a_week_after_rotation()).intermediates(&inter));
    assert!(!verdict.is_trusted());
}

#[test]
fn extended_key_usage_nests_down_the_chain() {
    let root = ca("root", Key::RsaA).client_auth().self_signed();
    let leaf = cert(&serving_leaf().signed_by(&root));
    let roots = bundle(&[&root]);
    let verdict = verify::verify(&leaf, &VerifyOptions::new(&roots, a_week_after_rotation()));
    assert!(matches!(failure(&verdict), Failure::IncompatibleUsage { .. }), "{verdict}");
    // The chain that was built and then rejected is listed, whole, with why.
    let attempts = &verdict.reason().unwrap().attempts;
    assert_eq!(attempts.len(), 1, "{verdict}");
    let subjects: Vec<&str> = attempts[0].path.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, [format!("CN={API_INT}"), "CN=root".to_owned()]);
    assert!(matches!(attempts[0].failure, Failure::IncompatibleUsage { .. }));
    let client = [ExtendedKeyUsage::ClientAuth];
    let verdict = verify::verify(&leaf, &VerifyOptions::new(&roots, a_week_after_rotation()).usages(&client));
    assert!(matches!(failure(&verdict), Failure::IncompatibleUsage { .. }), "the leaf allows serverAuth only");
    let any = [ExtendedKeyUsage::Any];
    assert!(verify::verify(&leaf, &VerifyOptions::new(&roots, a_week_after_rotation()).usages(&any)).is_trusted());
}

#[test]
fn rotated_intermediates_in_any_order_with_decoys_are_found() {
    let root = ca("root", Key::RsaA).self_signed();
    let decoy = ca("issuing", Key::RsaC).self_signed();
    let issuing = ca("issuing", Key::RsaB).signed_by(&root);
    let leaf = cert(&serving_leaf().signed_by(&issuing));
    let roots = bundle(&[&root]);
    let presented = [cert(&decoy), cert(&issuing), cert(&decoy)];
    let verdict = verify::verify(&leaf, &VerifyOptions::new(&roots, a_week_after_rotation()).intermediates(&presented));
    assert_eq!(verdict.chain().map(<[_]>::len), Some(3), "{verdict}");
}

#[test]
fn a_leaf_that_is_itself_in_the_bundle_is_trusted() {
    let self_signed = CertBuilder::leaf(API_INT)
        .dns(API_INT)
        .validity(ROTATED_AT, ROTATED_AT + days(30))
        .key(Key::P384)
        .self_signed();
    let roots = bundle(&[&self_signed]);
    let options = VerifyOptions::new(&roots, a_week_after_rotation()).server_name(API_INT);
    assert!(verify::verify(&cert(&self_signed), &options).is_trusted());
}

#[test]
fn ecdsa_and_ed25519_issuers_verify() {
    for key in [Key::P256, Key::P384, Key::Ed25519] {
        let root = ca("root", key).self_signed();
        let leaf = cert(&serving_leaf().signed_by(&root));
        let verdict = verify::verify(&leaf, &VerifyOptions::new(&bundle(&[&root]), a_week_after_rotation()));
        assert!(verdict.is_trusted(), "{key:?}: {verdict}");
    }
}

#[test]
fn the_strict_profile_refuses_what_kubelet_accepts_and_says_which_rule() {
    use okd_trust::verify::Profile;
    let root = ca("root", Key::RsaA).self_signed();
    // A leaf without extKeyUsage: Go reads "no EKU" as "any purpose"; the CA/B Forum requires serverAuth.
    let no_eku = cert(
        &CertBuilder::leaf(API_INT)
            .dns(API_INT)
            .validity(ROTATED_AT, ROTATED_AT + days(30))
            .key(Key::P256)
            .signed_by(&root),
    );
    let roots = bundle(&[&root]);
    let kubelet = VerifyOptions::new(&roots, a_week_after_rotation()).server_name(API_INT);
    assert!(verify::verify(&no_eku, &kubelet).is_trusted());
    let strict = kubelet.clone().profile(Profile::Strict);
    let verdict = verify::verify(&no_eku, &strict);
    assert!(matches!(failure(&verdict), Failure::Strict { rule, .. } if rule.starts_with("CA/B BR")), "{verdict}");
    // The OKD serving chain itself is clean.
    let new = okd::rotated_lb_signer();
    let leaf = cert(&okd::api_int_leaf(DOMAIN, &new, ROTATED_AT));
    let roots = bundle(&[&new]);
    let options = VerifyOptions::new(&roots, a_week_after_rotation()).server_name(API_INT).profile(Profile::Strict);
    let verdict = verify::verify(&leaf, &options);
    assert!(verdict.is_trusted(), "{verdict}");
}
