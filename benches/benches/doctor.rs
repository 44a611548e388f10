//! The doctor end to end: one node, and a fleet of 1,000 node kubeconfigs against one cluster
//! bundle and serving chain in one process, with and without a shared signature cache.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use okd_trust::diagnose::FleetCache;
use okd_trust::diagnose::{self, DoctorInput, Labelled, Verdict};
use okd_trust::{CaBundle, Kubeconfig, examples};
use okd_trust_benches::{ClusterInputs, NODE_KUBECONFIGS, doctor_at, node_input};
use std::hint::black_box;

/// Everything the CLI does for one node after reading the files: parse the two kubeconfigs, the
/// cluster bundle, the served chain and multus' bundle, then diagnose.
fn one_node_from_text() -> Verdict {
    let cluster = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).expect("bundle");
    let chain = CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes()).expect("chain");
    let multus = CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).expect("bundle");
    let mut input = DoctorInput::new(doctor_at());
    for (label, text) in NODE_KUBECONFIGS {
        input.kubeconfigs.push(Labelled::new(label, Kubeconfig::parse(text.as_bytes()).expect("kubeconfig")));
    }
    input.cluster_cas.push(Labelled::new("kube-apiserver-server-ca", cluster));
    input.serving_chain = Some(Labelled::new("api-int", chain.iter().cloned().collect()));
    input.multus_ca = Some(Labelled::new("kube-root-ca.crt", multus));
    diagnose::diagnose(&input).verdict
}

fn one_node(c: &mut Criterion) {
    let cluster = ClusterInputs::parse();
    let input = node_input(&cluster, &NODE_KUBECONFIGS);
    let report = diagnose::diagnose(&input);
    assert_eq!(report.verdict, Verdict::Broken, "the example node is the incident's");
    assert!(report.plan.kubeconfigs.iter().all(|r| r.is_verified()), "every repair is verified");
    assert_eq!(one_node_from_text(), Verdict::Broken);
    let mut group = c.benchmark_group("doctor/one-node");
    group.bench_function("diagnose (inputs parsed)", |b| b.iter(|| diagnose::diagnose(black_box(&input)).verdict));
    group.bench_function("parse inputs + diagnose", |b| b.iter(one_node_from_text));
    group.finish();
}

/// One process auditing `kubeconfigs` (one per node): each is parsed and diagnosed against the
/// cluster-wide inputs, parsed once. `cache` shared by every node, or a fresh one per node.
fn fleet(cluster: &ClusterInputs, kubeconfigs: &[String], shared: Option<&FleetCache>) -> usize {
    let mut broken = 0;
    for text in kubeconfigs {
        let input = node_input(cluster, &[("/var/lib/kubelet/kubeconfig", text)]);
        let report = match shared {
            Some(cache) => diagnose::diagnose_with_cache(&input, cache),
            None => diagnose::diagnose(&input),
        };
        broken += usize::from(report.verdict == Verdict::Broken);
    }
    broken
}

fn fleet_1000(c: &mut Criterion) {
    const NODES: usize = 1000;
    let cluster = ClusterInputs::parse();
    for (name, healthy) in [("broken", false), ("healthy", true)] {
        let kubeconfigs = okd_trust_benches::fleet_kubeconfigs(NODES, healthy);
        let expected = if healthy { 0 } else { NODES };
        assert_eq!(fleet(&cluster, &kubeconfigs, None), expected, "{name} fleet verdicts");
        assert_eq!(fleet(&cluster, &kubeconfigs, Some(&FleetCache::new())), expected, "same verdicts with a cache");
        let mut group = c.benchmark_group(format!("doctor/fleet-1000-{name}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(NODES as u64));
        group.bench_function("parse + diagnose_with_cache (one shared cache)", |b| {
            b.iter(|| {
                // A new cache per fleet run: each timed run pays the distinct checks once.
                let cache = FleetCache::new();
                fleet(&cluster, black_box(&kubeconfigs), Some(&cache))
            })
        });
        group.bench_function("parse + diagnose (no cache)", |b| {
            b.iter(|| fleet(&cluster, black_box(&kubeconfigs), None))
        });
        group.finish();
    }
}

criterion_group!(benches, one_node, fleet_1000);
criterion_main!(benches);
