//! Test helpers: the test data folder, and JSON comparison within the tolerance of
//! docs/scoring.md §1.2.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

/// The repository's test data folder, `tests/data` (its README says where each file comes from).
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
}

pub fn read(name: &str) -> String {
    std::fs::read_to_string(data_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn json(name: &str) -> Value {
    serde_json::from_str(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// |a − e| ≤ 1e-9·max(1, |e|).
pub fn close(a: f64, e: f64) -> bool {
    (a - e).abs() <= 1e-9 * e.abs().max(1.0)
}

/// Every key of `expected` is in `actual` with an equal value (numbers within tolerance,
/// `null` for `null`); returns the paths that differ.
pub fn diff(actual: &Value, expected: &Value, path: &str, out: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            if !close(a, e) {
                out.push(format!("{path}: {a} != {e}"));
            }
        }
        (Value::Object(a), Value::Object(e)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff(av, ev, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            if a.len() != e.len() {
                out.push(format!("{path}: length {} != {}", a.len(), e.len()));
            } else {
                for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                    diff(av, ev, &format!("{path}[{i}]"), out);
                }
            }
        }
        (a, e) if a == e => {}
        (a, e) => out.push(format!("{path}: {a} != {e}")),
    }
}

#[track_caller]
pub fn assert_matches(actual: &Value, expected: &Value) {
    let mut out = Vec::new();
    diff(actual, expected, "$", &mut out);
    assert!(out.is_empty(), "{} differences:\n{}", out.len(), out.join("\n"));
}
