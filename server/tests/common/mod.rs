//! Helpers shared by the binary's test files: the shared data folder and scratch folders.
#![allow(dead_code)]

use std::path::PathBuf;

/// The `shared/data` folder beside the repository (found by walking up from the crate).
pub fn data_dir() -> PathBuf {
    let mut dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        for candidate in [dir.join("shared/data"), dir.join("../shared/data")] {
            if candidate.join("servqual_5resp.csv").is_file() {
                return candidate;
            }
        }
        assert!(dir.pop(), "shared/data not found above {}", env!("CARGO_MANIFEST_DIR"));
    }
}

/// An empty scratch folder unique to this process, `suite` and `test`.
pub fn scratch(suite: &str, test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eservqual-{suite}-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}
