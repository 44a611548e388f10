//! The front ends translate; the core decides. A match with a catch-all arm over a core enum
//! outside the core is how a new variant gets silently mislabelled (a new failure shown as
//! "other", a new warning as "malformed-pem"), so every `_ =>` in the CLI, the Python and C
//! bindings and their file reading must say why it is not one: a `// catch-all: <reason>` line
//! right above it. Vocabulary (codes, names, ranks, error classes) lives on the core's types.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_unexplained_catch_all_arm_outside_the_core() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for crate_dir in ["examples/src", "okd-trust-py/src", "okd-trust-c/src", "okd-trust-io/src"] {
        rust_files(&workspace.join(crate_dir), &mut files);
    }
    assert!(files.len() > 10, "found the front ends' sources under {}", workspace.display());
    let mut unexplained = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if !code.trim_start().starts_with("_ =>") {
                continue;
            }
            let explained = i > 0 && lines[i - 1].trim_start().starts_with("// catch-all:");
            if !explained {
                unexplained.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "catch-all arms outside the core without a `// catch-all: <why>` line above them (move the \
         decision onto the core's type instead):\n{}",
        unexplained.join("\n")
    );
}
