//! Fuzz target bodies. `fuzz/` (cargo-fuzz) calls these; `tests/fuzz_replay.rs` replays every
//! committed seed and saved crash through the same functions on a plain `cargo test`.
//!
//! Each function must return normally for every input: a panic is the bug being hunted. Where a
//! function states an invariant, it checks it with `assert!`, which is how a fuzzer learns of it.
#![allow(clippy::panic, missing_docs)]

use crate::diagnose::{self, DoctorInput, Labelled};
use crate::verify::{self, Profile, VerifyOptions};
use crate::{CaBundle, Certificate, Kubeconfig, Timestamp, examples, manifest, pem, report};

fn example_bundle() -> CaBundle {
    CaBundle::from_pem(examples::CLUSTER_CA_BUNDLE.as_bytes()).unwrap_or_else(|_| CaBundle::from_certificates([]))
}

fn example_chain() -> Vec<Certificate> {
    CaBundle::from_pem(examples::API_INT_SERVING_CHAIN.as_bytes())
        .map(|b| b.iter().cloned().collect())
        .unwrap_or_default()
}

/// PEM scanning and bundle loading; every decoded block re-encodes and decodes to itself.
pub fn pem_bundle(data: &[u8]) {
    if let Ok(blocks) = pem::decode_all(data, &crate::Limits::default()) {
        for block in blocks {
            let again =
                pem::decode_all(pem::encode(&block.label, &block.contents).as_bytes(), &crate::Limits::default());
            assert!(
                again.is_ok_and(|b| b.len() == 1 && b[0].contents == block.contents),
                "PEM encode/decode round trip"
            );
        }
    }
    if let Ok(bundle) = CaBundle::from_pem(data) {
        let again = CaBundle::from_pem(bundle.to_pem().as_bytes());
        assert!(again.is_ok_and(|b| b.len() == bundle.len()), "bundle PEM round trip");
    }
}

/// Certificate parsing and every accessor.
pub fn certificate_der(data: &[u8]) {
    let Ok(cert) = Certificate::from_der(data) else { return };
    let _ = (cert.subject(), cert.issuer(), cert.serial_hex(), cert.dns_names(), cert.ip_addresses());
    let _ = (cert.basic_constraints(), cert.key_usage(), cert.extended_key_usage(), cert.public_key_bits());
    let _ = (cert.name_constraints(), cert.unhandled_critical_extensions(), cert.is_self_signed());
    let _ = cert.expires_in(Timestamp::EPOCH);
    assert_eq!(cert.der(), data, "the certificate keeps its exact DER");
    let reparsed = Certificate::from_pem(cert.to_pem().as_bytes());
    assert!(reparsed.is_ok_and(|c| c == cert), "PEM round trip");
}

/// Kubeconfig parsing, validation and CA decoding.
pub fn kubeconfig_parse(data: &[u8]) {
    let Ok(config) = Kubeconfig::parse(data) else { return };
    let _ = config.validate();
    for cluster in config.clusters() {
        let _ = config.trust(&cluster.name);
        let _ = config.server_name(&cluster.name);
    }
    let _ = config.current_cluster();
}

/// The minimal-diff edit: either a clean refusal, or a text that re-parses to the new bundle with
/// every byte outside the replaced range unchanged.
pub fn kubeconfig_edit(data: &[u8]) {
    let Ok(config) = Kubeconfig::parse(data) else { return };
    let bundle = example_bundle();
    for cluster in config.clusters() {
        let Ok(edit) = config.with_ca_bundle(&cluster.name, &bundle) else { continue };
        let edited = Kubeconfig::parse(edit.text.as_bytes());
        assert!(edited.is_ok(), "an accepted edit re-parses");
        if edit.changed {
            let original = std::str::from_utf8(data).unwrap_or_default();
            let r = edit.replaced.clone();
            assert_eq!(edit.text.get(..r.start), original.get(..r.start), "bytes before the value are kept");
            let tail = original.len().saturating_sub(r.end);
            assert_eq!(
                edit.text.get(edit.text.len() - tail..),
                original.get(r.end..),
                "bytes after the value are kept"
            );
        }
    }
}

/// ConfigMap/Secret/List reading.
pub fn manifest(data: &[u8]) {
    let _ = manifest::parse(data);
    let _ = crate::input::detect("fuzz", data);
}

/// Verification on chains built from the example certificates with bytes of the input written
/// over their DER: the verifier must decide (or the parser refuse) without panicking, and the
/// strict profile must never accept what the kubelet profile rejects.
pub fn verify(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let mut pool: Vec<Vec<u8>> =
        example_bundle().iter().chain(example_chain().iter()).map(|c| c.der().to_vec()).collect();
    for patch in rest.chunks(4) {
        if let [which, offset_hi, offset_lo, value] = *patch {
            let target = usize::from(which) % pool.len().max(1);
            if let Some(der) = pool.get_mut(target) {
                let offset = (usize::from(offset_hi) << 8 | usize::from(offset_lo)) % der.len().max(1);
                if let Some(byte) = der.get_mut(offset) {
                    *byte = value;
                }
            }
        }
    }
    let certs: Vec<Certificate> = pool.iter().filter_map(|der| Certificate::from_der(der).ok()).collect();
    let Some(leaf) = certs.last() else { return };
    let roots = CaBundle::from_certificates(certs.iter().take(usize::from(selector % 6)).cloned());
    let intermediates = &certs[..certs.len() - 1];
    let at = Timestamp::from_unix_seconds(1_714_521_600);
    let options = VerifyOptions::new(&roots, at).intermediates(intermediates).server_name("api-int.ocp.example.com");
    let kubelet = verify::verify(leaf, &options);
    let strict = verify::verify(leaf, &options.clone().profile(Profile::Strict));
    assert!(!strict.is_trusted() || kubelet.is_trusted(), "strict accepted what kubelet rejected");
    let _ = kubelet.to_string();
}

/// The doctor end to end on a fuzzed kubeconfig against the built-in cluster, with every renderer:
/// each repair starts from the input byte for byte (a byte-order mark included) and, when
/// verified, parses.
pub fn doctor(data: &[u8]) {
    let Ok(config) = Kubeconfig::parse(data) else { return };
    let mut input = DoctorInput::new(Timestamp::from_unix_seconds(1_714_521_600));
    input.kubeconfigs.push(Labelled::new("fuzz", config));
    input.cluster_cas.push(Labelled::new("cluster", example_bundle()));
    input.serving_chain = Some(Labelled::new("api-int", example_chain()));
    let diagnosis = diagnose::diagnose(&input);
    let _ = (report::text(&diagnosis), report::json(&diagnosis), report::prometheus(&diagnosis));
    // A UTF-16 file is read (as client-go reads it) but never edited; its old text is its UTF-8 form.
    let utf16 = data.starts_with(&[0xFF, 0xFE]) || data.starts_with(&[0xFE, 0xFF]);
    for repair in diagnosis.plan.kubeconfigs.iter().filter(|_| !utf16) {
        assert_eq!(repair.old_text.as_bytes(), data, "the repair starts from the file exactly as read");
    }
    for new_text in diagnosis.plan.kubeconfigs.iter().filter_map(|r| r.new_text()) {
        assert!(Kubeconfig::parse(new_text.as_bytes()).is_ok(), "a verified repair parses");
    }
}

/// Every user input's first step, as the front ends take it: a whole file auto-detected, then read
/// as what it is (a kubeconfig's CA file located, a manifest's or PEM's bundle loaded), and the
/// same bytes read as a served chain (every block or an error, positions from one line index,
/// which must agree with [`Position::in_text`](crate::Position::in_text)).
pub fn input_detect(data: &[u8]) {
    match crate::input::detect("fuzz", data) {
        Ok(crate::input::Detected::Kubeconfig(config)) => {
            let _ = (config.validate(), config.ca_file("/etc/kubernetes"));
            if let Some(cluster) = config.current_cluster() {
                let _ = config.trust(&cluster.name);
            }
        }
        Ok(other) => {
            let _ = other.ca_bundle();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let Ok(scan) = pem::scan(data, &crate::Limits::default()) else { return };
    let _ = scan.first_undecoded_begin(data);
    let lines = crate::LineIndex::new(data);
    for block in scan.blocks.iter().take(8) {
        let at = block.span.start;
        assert_eq!(lines.position(at), crate::Position::in_text(data, at), "line index agrees with a rescan");
    }
}

/// A target body.
pub type Target = fn(&[u8]);

/// Every target, by the name of its directory under `fuzz/seeds/`.
pub const TARGETS: [(&str, Target); 8] = [
    ("pem_bundle", pem_bundle),
    ("certificate_der", certificate_der),
    ("kubeconfig_parse", kubeconfig_parse),
    ("kubeconfig_edit", kubeconfig_edit),
    ("manifest", manifest),
    ("verify", verify),
    ("doctor", doctor),
    ("input_detect", input_detect),
];
