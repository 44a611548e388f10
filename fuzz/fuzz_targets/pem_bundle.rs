#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| okd_trust::fuzzing::pem_bundle(data));
