//! Chain verification: okd-trust vs rustls-webpki (with rustls' default provider, aws-lc-rs) vs
//! the floor, the bare aws-lc-rs signature check(s) of the same chain. All run in the same
//! criterion group, so their ratios hold on a noisy machine. Go's `Verify` on the same chains is
//! timed by `scripts/bench-go.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use okd_trust::verify::{self, VerifyOptions};
use okd_trust::{CaBundle, Certificate, Timestamp};
use okd_trust_benches::{Alg, CHAIN_AT, LEAF_HOST};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use std::hint::black_box;
use std::time::Duration;

fn chain_verify(c: &mut Criterion) {
    let at = Timestamp::from_unix_seconds(CHAIN_AT);
    let webpki_time = UnixTime::since_unix_epoch(Duration::from_secs(CHAIN_AT as u64));
    let server_name = ServerName::try_from(LEAF_HOST).expect("valid DNS name");
    // What rustls hands webpki with its default provider: aws-lc-rs, every algorithm it supports.
    let algorithms = rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms.all;
    for alg in Alg::ALL {
        for intermediate in [false, true] {
            let chain = okd_trust_benches::chain(alg, intermediate);
            let shape = if intermediate { "leaf-int-root" } else { "leaf-ca" };

            // okd-trust's inputs, parsed once (a server's chain is parsed once, then verified).
            let leaf = Certificate::from_der(&chain.leaf).expect("leaf parses");
            let intermediates: Vec<Certificate> =
                chain.intermediates.iter().map(|d| Certificate::from_der(d).expect("intermediate parses")).collect();
            let root = Certificate::from_der(&chain.root).expect("root parses");
            let roots = CaBundle::from_certificates([root.clone()]);
            let options = VerifyOptions::new(&roots, at).intermediates(&intermediates).server_name(LEAF_HOST);
            assert!(verify::verify(&leaf, &options).is_trusted(), "okd-trust trusts the {shape} {} chain", alg.name());

            // rustls-webpki's usual setup: trust anchors built once, the served chain parsed per handshake.
            let root_der = CertificateDer::from(chain.root.as_slice());
            let anchors = [webpki::anchor_from_trusted_cert(&root_der).expect("anchor").to_owned()];
            let leaf_der = CertificateDer::from(chain.leaf.as_slice());
            let int_ders: Vec<CertificateDer<'_>> =
                chain.intermediates.iter().map(|d| CertificateDer::from(d.as_slice())).collect();
            let webpki_verify = || {
                let ee = webpki::EndEntityCert::try_from(black_box(&leaf_der)).map_err(|_| ())?;
                ee.verify_for_usage(
                    algorithms,
                    &anchors,
                    &int_ders,
                    webpki_time,
                    webpki::KeyUsage::server_auth(),
                    None,
                    None,
                )
                .map_err(|_| ())?;
                ee.verify_is_valid_for_subject_name(&server_name).map_err(|_| ())
            };
            assert_eq!(webpki_verify(), Ok(()), "rustls-webpki trusts the {shape} {} chain", alg.name());

            // The floor: each signature of the path checked once with aws-lc-rs, keys ready.
            let mut links = Vec::new();
            let mut child = &leaf;
            for parent in intermediates.iter().chain([&root]) {
                let key =
                    aws_lc_rs::signature::UnparsedPublicKey::new(alg.aws_lc_rs(), parent.public_key_bytes().to_vec());
                links.push((key, child.tbs_der().to_vec(), child.signature().to_vec()));
                child = parent;
            }
            let floor = || links.iter().all(|(key, tbs, sig)| key.verify(black_box(tbs), black_box(sig)).is_ok());
            assert!(floor(), "the floor verifies the {shape} {} chain", alg.name());

            let mut group = c.benchmark_group(format!("chain-verify/{}/{shape}", alg.name()));
            group.bench_function("aws-lc-rs signatures (floor)", |b| b.iter(floor));
            group.bench_function("okd-trust verify", |b| {
                b.iter(|| verify::verify(black_box(&leaf), &options).is_trusted())
            });
            group.bench_function("okd-trust parse chain + verify", |b| {
                b.iter(|| {
                    let leaf = Certificate::from_der(black_box(&chain.leaf)).expect("leaf parses");
                    let intermediates: Vec<Certificate> =
                        chain.intermediates.iter().filter_map(|d| Certificate::from_der(d).ok()).collect();
                    let options = VerifyOptions::new(&roots, at).intermediates(&intermediates).server_name(LEAF_HOST);
                    verify::verify(&leaf, &options).is_trusted()
                })
            });
            group.bench_function("rustls-webpki (aws-lc-rs) parse + verify", |b| b.iter(|| webpki_verify().is_ok()));
            group.finish();
        }
    }
}

/// The incident's own chain: the api-int leaf against the rotated RSA-2048 load-balancer signer.
fn okd_api_int(c: &mut Criterion) {
    let (leaf, bundle) = okd_trust_benches::rsa2048_leaf_and_bundle();
    let at = Timestamp::parse_rfc3339("2024-04-17T00:00:00Z").expect("valid time");
    let ca = bundle.get(0).expect("one CA");
    let mut group = c.benchmark_group("chain-verify/okd-api-int");
    group.bench_function("aws-lc-rs signatures (floor)", |b| {
        let key = aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            ca.public_key_bytes(),
        );
        b.iter(|| key.verify(black_box(leaf.tbs_der()), black_box(leaf.signature())).is_ok())
    });
    group.bench_function("okd-trust verify", |b| {
        let options = VerifyOptions::new(&bundle, at).server_name("api-int.ocp.example.com");
        b.iter(|| verify::verify(black_box(&leaf), &options).is_trusted())
    });
    group.finish();
}

criterion_group!(benches, chain_verify, okd_api_int);
criterion_main!(benches);
