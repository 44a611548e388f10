//! The cluster analysis on a real must-gather: read from the unpacked directory and from the
//! `.tar.xz` in place, with the peak heap of one run; and sweeps that grow the inventory to ten
//! times its size, to show the cost is linear in the certificates and bundles.
//!
//! Needs `../shared/must-gather/` (present in CI); without it the must-gather groups say so and
//! only the synthetic sweep runs.
// A counting allocator is the one way to measure the peak heap of a run inside the process.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use okd_trust::Timestamp;
use okd_trust::cluster::{self, ClusterInputs, ClusterOptions, ClusterReport};
use okd_trust_testkit::must_gather::{ARCHIVES, MustGather, shared_archive, synthetic_cluster};

/// The system allocator, counting the bytes live now and the most ever live since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc` is passed on as is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `okd-trust cluster PATH` does before rendering: read in place, then analyze.
fn analyze_path(path: &Path) -> ClusterReport {
    let mut inputs = ClusterInputs::new();
    okd_trust_io::must_gather::read_into(path, &mut inputs).expect("readable must-gather");
    cluster::analyze(&inputs, &ClusterOptions::new(Timestamp::from_unix_seconds(0)))
}

/// The bytes of heap most live during `run`, above what was live before it.
fn peak_heap<T>(run: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let value = run();
    (value, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

fn must_gather(c: &mut Criterion) {
    let Some(archive) = shared_archive(ARCHIVES[0]) else { return };
    let gather = MustGather::load(&archive).expect("the shared must-gather loads");
    let dir = std::env::temp_dir().join(format!("okd-trust-bench-must-gather-{}", std::process::id()));
    gather.write_dir(&dir).expect("unpacked");
    drop(gather);
    for (label, path) in [("directory", dir.as_path()), (".tar.xz", archive.as_path())] {
        let (report, peak) = peak_heap(|| analyze_path(path));
        assert_eq!(report.verdict, okd_trust::diagnose::Verdict::Healthy);
        eprintln!(
            "cluster/must-gather {label}: peak heap {:.1} MiB for {} signers, {} bundles, {} endpoints, {} edges",
            peak as f64 / (1 << 20) as f64,
            report.signers.len(),
            report.bundles.len(),
            report.endpoints.len(),
            report.edges.len()
        );
    }
    let mut group = c.benchmark_group("cluster/must-gather");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function("directory (read + analyze)", |b| b.iter(|| analyze_path(&dir).edges.len()));
    group.bench_function(".tar.xz (read + analyze)", |b| b.iter(|| analyze_path(&archive).edges.len()));
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The real must-gather's namespaces copied `copies` times under new names: bundles, token
/// Secrets and edges grow with every copy, as in a cluster with that many more namespaces.
fn scaled(files: &[(String, Vec<u8>)], copies: usize) -> ClusterInputs {
    let mut inputs = ClusterInputs::new();
    for (path, bytes) in files {
        inputs.add_file(path, bytes);
        let Some((before, rest)) = path.split_once("/namespaces/") else { continue };
        let Some((namespace, tail)) = rest.split_once('/') else { continue };
        for copy in 1..copies {
            let text = String::from_utf8_lossy(bytes)
                .replace(&format!("namespace: {namespace}\n"), &format!("namespace: {namespace}-copy{copy}\n"));
            inputs.add_file(&format!("{before}/namespaces/{namespace}-copy{copy}/{tail}"), text.as_bytes());
        }
    }
    inputs
}

fn sweeps(c: &mut Criterion) {
    let options = ClusterOptions::new(Timestamp::from_unix_seconds(1_700_000_000));
    let mut group = c.benchmark_group("cluster/sweep-synthetic");
    group.sample_size(10);
    for n in [150, 300, 750, 1500] {
        let files = synthetic_cluster(n);
        let mut inputs = ClusterInputs::new();
        for (path, bytes) in &files {
            inputs.add_file(path, bytes);
        }
        let report = cluster::analyze(&inputs, &options);
        assert_eq!(report.signers.len(), n);
        // Certificates: a signer and a serving certificate per namespace.
        group.throughput(Throughput::Elements(2 * n as u64));
        group.bench_with_input(BenchmarkId::new("parse + analyze", n), &files, |b, files| {
            b.iter(|| {
                let mut inputs = ClusterInputs::new();
                for (path, bytes) in files {
                    inputs.add_file(path, bytes);
                }
                cluster::analyze(&inputs, &options).signers.len()
            })
        });
    }
    group.finish();

    let Some(archive) = shared_archive(ARCHIVES[0]) else { return };
    let gather = MustGather::load(&archive).expect("the shared must-gather loads");
    let files: Vec<(String, Vec<u8>)> =
        gather.files().iter().filter(|(p, _)| cluster::classify(p).is_some()).cloned().collect();
    let mut group = c.benchmark_group("cluster/sweep-namespaces");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for copies in [1, 2, 5, 10] {
        let report = cluster::analyze(&scaled(&files, copies), &options);
        group.throughput(Throughput::Elements(report.bundles.len() as u64));
        eprintln!(
            "cluster/sweep-namespaces ×{copies}: {} bundles, {} edges, {} signers",
            report.bundles.len(),
            report.edges.len(),
            report.signers.len()
        );
        group.bench_with_input(BenchmarkId::new("parse + analyze", copies), &copies, |b, &copies| {
            b.iter(|| cluster::analyze(&scaled(&files, copies), &options).edges.len())
        });
    }
    group.finish();
}

criterion_group!(benches, must_gather, sweeps);
criterion_main!(benches);
