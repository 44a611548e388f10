//! Writes the built-in example cluster into `okd-trust-core/src/examples/`.
//!
//! `cargo run -p okd-trust-testkit --bin write-examples`; a core test fails when the committed
//! files differ from what this writes.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../okd-trust-core/src/examples");
    for (name, content) in okd_trust_testkit::okd::example_files() {
        std::fs::write(dir.join(name), content)?;
        println!("wrote {name}");
    }
    Ok(())
}
