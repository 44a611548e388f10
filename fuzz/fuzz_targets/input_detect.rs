#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| okd_trust::fuzzing::input_detect(data));
