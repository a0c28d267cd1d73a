//! Helpers shared by the binary's test files: the test data folder and scratch folders.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod pg;

/// The repository's test data folder, `tests/data` (its README says where each file comes from).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
}

/// An empty scratch folder unique to this process, `suite` and `test`.
pub fn scratch(suite: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eservqual-{suite}-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}
