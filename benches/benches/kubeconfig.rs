//! Kubeconfig parse + CA extraction, and the minimal-diff CA edit: okd-trust vs `kube`'s
//! `Kubeconfig::from_yaml` (with the base64 decode of the CA data, which kube leaves to the caller).

use base64::Engine as _;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use okd_trust::{CaBundle, Kubeconfig, examples};
use std::hint::black_box;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// okd-trust: parse, then each cluster's CA data decoded to PEM bytes (same decoder as the kube
/// variant, so this isolates the parsers). Returns the decoded bytes, summed.
fn okd_trust_parse_decode(text: &str) -> usize {
    let config = Kubeconfig::parse(text.as_bytes()).expect("parses");
    config
        .clusters()
        .iter()
        .filter_map(|c| B64.decode(&c.cluster.certificate_authority_data).ok())
        .map(|d| d.len())
        .sum()
}

/// okd-trust: parse, then each cluster's CA bundle decoded and its certificates parsed.
fn okd_trust_parse_bundles(text: &str) -> usize {
    let config = Kubeconfig::parse(text.as_bytes()).expect("parses");
    config.clusters().iter().filter_map(|c| config.ca_bundle(&c.name).ok().flatten()).map(|b| b.len()).sum()
}

fn kube_ca_data(config: &kube_client::config::Kubeconfig) -> impl Iterator<Item = Vec<u8>> + '_ {
    config
        .clusters
        .iter()
        .filter_map(|c| c.cluster.as_ref()?.certificate_authority_data.as_ref())
        .filter_map(|data| B64.decode(data).ok())
}

/// kube: `Kubeconfig::from_yaml`, then each cluster's CA data base64-decoded.
fn kube_parse_decode(text: &str) -> usize {
    let config = kube_client::config::Kubeconfig::from_yaml(text).expect("parses");
    kube_ca_data(&config).map(|d| d.len()).sum()
}

/// kube + okd-trust's bundle loader: the same end product as [`okd_trust_parse_bundles`].
fn kube_parse_bundles(text: &str) -> usize {
    let config = kube_client::config::Kubeconfig::from_yaml(text).expect("parses");
    kube_ca_data(&config).filter_map(|pem| CaBundle::from_pem(&pem).ok()).map(|b| b.len()).sum()
}

fn parse_group(c: &mut Criterion, name: &str, text: &str) {
    assert_eq!(okd_trust_parse_decode(text), kube_parse_decode(text), "same CA bytes either way");
    assert_eq!(okd_trust_parse_bundles(text), kube_parse_bundles(text), "same certificates either way");
    let mut group = c.benchmark_group(format!("kubeconfig-parse/{name}"));
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("okd-trust parse + base64 CA data", |b| b.iter(|| okd_trust_parse_decode(black_box(text))));
    group.bench_function("kube from_yaml + base64 CA data", |b| b.iter(|| kube_parse_decode(black_box(text))));
    group.bench_function("okd-trust parse + ca_bundle", |b| b.iter(|| okd_trust_parse_bundles(black_box(text))));
    group.bench_function("kube from_yaml + base64 + CaBundle::from_pem", |b| {
        b.iter(|| kube_parse_bundles(black_box(text)))
    });
    group.finish();
}

fn kubeconfig_parse(c: &mut Criterion) {
    parse_group(c, "node", examples::NODE_KUBECONFIG);
    let cas = okd_trust_benches::generated_cas(1000);
    parse_group(c, "clusters-1000", &okd_trust_benches::kubeconfig_with_clusters(cas, 1000));
}

/// Replacing one cluster's CA data: okd-trust's minimal-diff edit (every byte outside the value
/// kept, the result re-parsed and checked) vs a kube round trip (from_yaml, set, serde_yaml),
/// which rewrites the whole file and drops comments, order and unknown keys.
fn kubeconfig_edit(c: &mut Criterion) {
    let bundle = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).expect("example bundle");
    let pem = bundle.to_pem();
    let cas = okd_trust_benches::generated_cas(1000);
    let fleet = okd_trust_benches::kubeconfig_with_clusters(cas, 1000);
    for (name, text, cluster) in
        [("node", examples::NODE_KUBECONFIG, "local"), ("clusters-1000", fleet.as_str(), "c0500")]
    {
        let config = Kubeconfig::parse(text.as_bytes()).expect("parses");
        let edit = config.with_ca_bundle(cluster, &bundle).expect("edit is safe");
        assert!(edit.changed);
        let mut group = c.benchmark_group(format!("kubeconfig-edit/{name}"));
        group.bench_function("okd-trust with_ca_bundle (parsed)", |b| {
            b.iter(|| config.with_ca_bundle(black_box(cluster), &bundle).map(|e| e.text.len()))
        });
        group.bench_function("okd-trust parse + with_ca_bundle", |b| {
            b.iter(|| {
                let config = Kubeconfig::parse(black_box(text).as_bytes()).expect("parses");
                config.with_ca_bundle(cluster, &bundle).map(|e| e.text.len())
            })
        });
        group.bench_function("kube from_yaml + set + serde_yaml (not minimal-diff)", |b| {
            b.iter(|| {
                let mut config = kube_client::config::Kubeconfig::from_yaml(black_box(text)).expect("parses");
                for named in config.clusters.iter_mut().filter(|c| c.name == cluster) {
                    if let Some(c) = named.cluster.as_mut() {
                        c.certificate_authority_data = Some(B64.encode(pem.as_bytes()));
                    }
                }
                serde_yaml::to_string(&config).map(|t| t.len())
            })
        });
        group.finish();
    }
}

/// Linear cost: parse + CA extraction at 10, 100 and 1,000 clusters, per cluster.
fn kubeconfig_sweep(c: &mut Criterion) {
    let cas = okd_trust_benches::generated_cas(1000);
    let mut group = c.benchmark_group("kubeconfig-sweep");
    for n in [10, 100, 1000] {
        let text = okd_trust_benches::kubeconfig_with_clusters(cas, n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("okd-trust parse + base64", n), text.as_str(), |b, t| {
            b.iter(|| okd_trust_parse_decode(black_box(t)))
        });
        group.bench_with_input(BenchmarkId::new("okd-trust parse + ca_bundle", n), text.as_str(), |b, t| {
            b.iter(|| okd_trust_parse_bundles(black_box(t)))
        });
        group.bench_with_input(BenchmarkId::new("kube from_yaml + base64", n), text.as_str(), |b, t| {
            b.iter(|| kube_parse_decode(black_box(t)))
        });
    }
    group.finish();
}

criterion_group!(benches, kubeconfig_parse, kubeconfig_edit, kubeconfig_sweep);
criterion_main!(benches);
