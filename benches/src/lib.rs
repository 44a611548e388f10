//! Inputs shared by the benchmarks: deterministic chains from the testkit.

use okd_trust::{CaBundle, Certificate};
use okd_trust_testkit::okd::{self, DOMAIN, ROTATED_AT};

/// The api-int serving leaf of the built-in cluster and the one RSA-2048 signer that issued it.
pub fn rsa2048_leaf_and_bundle() -> (Certificate, CaBundle) {
    let signer = okd::rotated_lb_signer();
    let leaf = okd::api_int_leaf(DOMAIN, &signer, ROTATED_AT);
    let leaf = Certificate::from_der(leaf.der()).expect("testkit leaf parses");
    let signer = Certificate::from_der(signer.der()).expect("testkit signer parses");
    (leaf, CaBundle::from_certificates([signer]))
}
