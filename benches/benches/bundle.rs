//! PEM bundle load and certificate parse: okd-trust side by side with the parsers a user would
//! otherwise pick, on the same bytes, in the same criterion group.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use der::Decode as _;
use okd_trust::{CaBundle, Certificate};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;
use std::hint::black_box;

/// okd-trust: PEM scan, X.509 parse, fingerprint de-duplication, positioned warnings.
fn okd_trust_load(pem: &[u8]) -> usize {
    CaBundle::from_pem(pem).map_or(0, |b| b.len())
}

/// rustls-pki-types' PEM reader, then a full `x509-cert` decode of each certificate.
fn pki_types_x509_cert_load(pem: &[u8]) -> usize {
    CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .filter_map(|der| x509_cert::Certificate::from_der(&der).ok())
        .count()
}

/// x509-parser's PEM reader and X.509 parser.
fn x509_parser_load(pem: &[u8]) -> usize {
    x509_parser::pem::Pem::iter_from_buffer(pem)
        .filter_map(Result::ok)
        .filter(|p| p.label == "CERTIFICATE")
        .filter(|p| p.parse_x509().is_ok())
        .count()
}

fn load_group(c: &mut Criterion, name: &str, pem: &[u8]) {
    let n = okd_trust_benches::count_certificates(pem);
    // Every loader must see the same certificates, or the comparison means nothing.
    assert_eq!(okd_trust_load(pem), n, "okd-trust loads every certificate");
    assert_eq!(pki_types_x509_cert_load(pem), n, "x509-cert loads every certificate");
    assert_eq!(x509_parser_load(pem), n, "x509-parser loads every certificate");
    let mut group = c.benchmark_group(format!("bundle-load/{name}-{n}"));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("okd-trust CaBundle::from_pem", |b| b.iter(|| okd_trust_load(black_box(pem))));
    group.bench_function("rustls-pki-types pem + x509-cert", |b| b.iter(|| pki_types_x509_cert_load(black_box(pem))));
    group.bench_function("x509-parser pem + parse", |b| b.iter(|| x509_parser_load(black_box(pem))));
    group.finish();
}

fn bundle_load(c: &mut Criterion) {
    let cas = okd_trust_benches::generated_cas(150);
    load_group(c, "generated", okd_trust_benches::bundle_of(cas, 150).as_bytes());
    if let Some(system) = okd_trust_benches::system_bundle() {
        load_group(c, "system", &system);
    }
}

/// Linear cost: the same loaders at 10, 100 and 1,000 certificates, per certificate.
fn bundle_sweep(c: &mut Criterion) {
    let cas = okd_trust_benches::generated_cas(1000);
    let mut group = c.benchmark_group("bundle-load-sweep");
    for n in [10, 100, 1000] {
        let pem = okd_trust_benches::bundle_of(cas, n);
        let pem = pem.as_bytes();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("okd-trust", n), pem, |b, pem| {
            b.iter(|| okd_trust_load(black_box(pem)))
        });
        group.bench_with_input(BenchmarkId::new("pki-types + x509-cert", n), pem, |b, pem| {
            b.iter(|| pki_types_x509_cert_load(black_box(pem)))
        });
    }
    group.finish();
}

/// A served chain's PEM blocks with the line of each, as `verify --chain` reports them: one line
/// index for the whole text against recounting lines from the start for every block (the way it
/// was, quadratic). Per block, the indexed way must stay flat from 100 to 10,000 blocks.
fn chain_positions(c: &mut Criterion) {
    use okd_trust::{Limits, LineIndex, Position, pem};
    let cas = okd_trust_benches::generated_cas(1000);
    let thousand = okd_trust_benches::bundle_of(cas, 1000);
    let limits = Limits::default();
    let mut group = c.benchmark_group("chain-positions");
    for n in [100, 1000, 10_000] {
        let pem = if n <= 1000 { okd_trust_benches::bundle_of(cas, n) } else { thousand.repeat(n / 1000) };
        let pem = pem.as_bytes();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("scan + LineIndex", n), pem, |b, pem| {
            b.iter(|| {
                let scan = pem::scan(black_box(pem), &limits).map_or(Vec::new(), |s| s.blocks);
                let lines = LineIndex::new(pem);
                scan.iter().map(|block| lines.position(block.span.start).line).sum::<usize>()
            })
        });
        if n <= 1000 {
            group.bench_with_input(BenchmarkId::new("scan + Position::in_text per block", n), pem, |b, pem| {
                b.iter(|| {
                    let scan = pem::scan(black_box(pem), &limits).map_or(Vec::new(), |s| s.blocks);
                    scan.iter().map(|block| Position::in_text(pem, block.span.start).line).sum::<usize>()
                })
            });
        }
    }
    group.finish();
}

/// One DER certificate to a parsed value, per library.
fn certificate_parse(c: &mut Criterion) {
    let signer = okd_trust_testkit::okd::rotated_lb_signer();
    let leaf = okd_trust_testkit::okd::api_int_leaf(
        okd_trust_testkit::okd::DOMAIN,
        &signer,
        okd_trust_testkit::okd::ROTATED_AT,
    );
    for (name, der) in [("api-int-leaf", leaf.der()), ("rsa2048-ca", signer.der())] {
        let mut group = c.benchmark_group(format!("cert-parse/{name}"));
        group.throughput(Throughput::Elements(1));
        group.bench_function("okd-trust Certificate::from_der", |b| {
            b.iter(|| Certificate::from_der(black_box(der)).is_ok())
        });
        group.bench_function("x509-cert Certificate::from_der", |b| {
            b.iter(|| x509_cert::Certificate::from_der(black_box(der)).is_ok())
        });
        group.bench_function("x509-parser parse_x509_certificate", |b| {
            b.iter(|| x509_parser::parse_x509_certificate(black_box(der)).is_ok())
        });
        let der = CertificateDer::from(der);
        group.bench_function("rustls-webpki EndEntityCert::try_from", |b| {
            b.iter(|| webpki::EndEntityCert::try_from(black_box(&der)).is_ok())
        });
        group.finish();
    }
}

criterion_group!(benches, bundle_load, bundle_sweep, chain_positions, certificate_parse);
criterion_main!(benches);
