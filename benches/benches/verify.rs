//! Chain verification against the floor: the bare aws-lc-rs signature check of the same leaf.
//! Both run in the same criterion group, so their ratio holds on a noisy machine.

use criterion::{Criterion, criterion_group, criterion_main};
use okd_trust::Timestamp;
use okd_trust::verify::{self, VerifyOptions};
use std::hint::black_box;

fn leaf_against_one_rsa2048_ca(c: &mut Criterion) {
    let (leaf, bundle) = okd_trust_benches::rsa2048_leaf_and_bundle();
    let at = Timestamp::parse_rfc3339("2024-04-17T00:00:00Z").expect("valid time");
    let ca = bundle.get(0).expect("one CA");
    let mut group = c.benchmark_group("verify/rsa2048-leaf-one-ca");
    group.bench_function("aws-lc-rs signature (floor)", |b| {
        let key = aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            ca.public_key_bytes(),
        );
        b.iter(|| key.verify(black_box(leaf.tbs_der()), black_box(leaf.signature())).is_ok())
    });
    group.bench_function("okd-trust verify (kubelet)", |b| {
        let options = VerifyOptions::new(&bundle, at).server_name("api-int.ocp.example.com");
        b.iter(|| verify::verify(black_box(&leaf), &options).is_trusted())
    });
    group.finish();
}

criterion_group!(benches, leaf_against_one_rsa2048_ca);
criterion_main!(benches);
