//! Every moment a caller can name — the whole `Timestamp` range, `INT64_MIN` included, as the C ABI
//! passes it through — is judged without a panic: no time computation in the core may overflow.
#![allow(clippy::unwrap_used, clippy::panic)]

use okd_trust::diagnose::{self, DoctorInput, Labelled};
use okd_trust::{CaBundle, Kubeconfig, Timestamp, examples, report};
use proptest::prelude::*;

/// The built-in incident (stale kubeconfigs, a re-keyed signer, the served chain, multus) at `at`.
fn incident_at(at: Timestamp) -> DoctorInput {
    let bundle = |pem: &str| CaBundle::from_pem(pem.as_bytes()).unwrap();
    let mut input = DoctorInput::new(at);
    input.warn_days = u32::MAX;
    for (label, text) in [
        ("/etc/kubernetes/kubeconfig", examples::BOOTSTRAP_KUBECONFIG),
        ("/var/lib/kubelet/kubeconfig", examples::NODE_KUBECONFIG),
    ] {
        input.kubeconfigs.push(Labelled::new(label, Kubeconfig::parse(text.as_bytes()).unwrap()));
    }
    input.cluster_cas.push(Labelled::new("server-ca", bundle(examples::CLUSTER_CA_BUNDLE)));
    let chain = bundle(examples::API_INT_SERVING_CHAIN).iter().cloned().collect();
    input.serving_chain = Some(Labelled::new("api-int", chain));
    input.multus_ca = Some(Labelled::new("multus", bundle(examples::CLUSTER_CA_BUNDLE)));
    input
}

fn judge(seconds: i64) {
    let at = Timestamp::from_unix_seconds(seconds);
    let diagnosis = diagnose::diagnose(&incident_at(at));
    // Every renderer formats the time and the certificates' dates relative to it.
    for rendered in [report::text(&diagnosis), report::json(&diagnosis), report::prometheus(&diagnosis)] {
        assert!(!rendered.is_empty());
    }
}

#[test]
fn the_ends_of_the_range_are_judged() {
    for seconds in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
        judge(seconds);
    }
}

#[test]
fn arithmetic_at_the_ends_does_not_overflow() {
    let (first, last) = (Timestamp::from_unix_seconds(i64::MIN), Timestamp::from_unix_seconds(i64::MAX));
    assert_eq!(first.days_until(last), (u64::MAX / 86_400) as i64);
    assert_eq!(last.days_until(first), -((u64::MAX / 86_400) as i64));
    assert_eq!(first.seconds_until(last), i64::MAX);
    assert_eq!(last.seconds_until(first), i64::MIN);
    assert!(Timestamp::from_utc(i64::MAX, 12, 31, 23, 59, 59).is_none());
    assert!(Timestamp::from_utc(i64::MIN, 1, 1, 0, 0, 0).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_moment_is_judged(seconds in any::<i64>()) {
        judge(seconds);
    }

    #[test]
    fn calendar_round_trips_where_it_fits(seconds in any::<i64>(), nanos in 0u32..1_000_000_000) {
        let t = Timestamp::from_unix_nanos(seconds, nanos);
        let (y, mo, d, h, mi, s) = t.to_utc();
        let back = Timestamp::from_utc(y, mo, d, h, mi, s).unwrap();
        prop_assert_eq!(back.unix_seconds(), seconds);
        let _ = t.to_string();
        let _ = t.saturating_add_seconds(seconds);
        let _ = t.days_until(Timestamp::from_unix_seconds(seconds.wrapping_neg()));
    }

    #[test]
    fn any_year_is_refused_or_placed(year in any::<i64>(), month in 1u32..=12, day in 1u32..=28) {
        if let Some(t) = Timestamp::from_utc(year, month, day, 0, 0, 0) {
            prop_assert_eq!(t.to_utc().0, year);
        }
    }
}
