//! The core's integration tests, one module per subject, linked as one test binary: a binary
//! per file linked the crate and its dependencies sixteen times over.

mod common;

mod alpha;
mod ask;
mod bounds;
mod compare;
mod config;
mod draft;
mod kano;
mod outbox;
mod partial;
mod payload;
mod properties;
mod questionnaire;
mod report;
mod retry;
mod schema;
mod scoring;
mod summary;
mod text;
mod vectors;

/// A test file left out of the list above would silently never run (`autotests = false`).
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let listed = include_str!("main.rs");
    for entry in std::fs::read_dir(&dir).expect("core/tests") {
        let name = entry.expect("entry").file_name().into_string().expect("UTF-8 name");
        if let Some(module) = name.strip_suffix(".rs").filter(|m| *m != "main") {
            assert!(
                listed.contains(&format!("\nmod {module};")),
                "core/tests/{name} is not listed in core/tests/main.rs"
            );
        }
    }
}
