//! Test helpers: the test data folder, and JSON comparison within the tolerance of
//! docs/scoring.md §1.2.
#![allow(dead_code)]

use eservqual_core::dataset::{Column, WideRow};
use eservqual_core::{Error, ErrorCode, Form};
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

/// Rows of a simple CSV (no quoting in the vectors) read with the core's wide-CSV row reader, as
/// (id, row buffer).
pub fn read_wide(form: &Form, text: &str) -> Vec<(Option<String>, WideRow)> {
    let mut lines = text.lines();
    let headers: Vec<&str> = lines.next().unwrap().split(',').collect();
    let cols: Vec<Column> = headers.iter().map(|h| Column::parse(h, form).unwrap()).collect();
    lines
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut row = WideRow::new(form);
            for ((cell, col), h) in line.split(',').zip(&cols).zip(&headers) {
                row.set(form, *col, h, cell).unwrap();
            }
            row.finish(form).unwrap();
            (row.id().map(str::to_string), row)
        })
        .collect()
}

/// xorshift64*: test data from a seed, so a failing case is one number; normal deviates by
/// Box–Muller.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn int(&mut self, lo: i16, hi: i16) -> i16 {
        lo + self.below((hi - lo + 1) as u64) as i16
    }
    pub fn real(&mut self, hi: f64) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * hi
    }
    pub fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        (-2.0 * self.uniform().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.uniform()).cos()
    }
}

/// Deserializes `T` from a JSON value, turning a serde error into an [`Error`] with its path:
/// for the serde-derived types the tests read from tables (the crate's own readers are
/// hand-written and need none of this).
pub fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        from_serde(&path, e.inner())
    })
}

/// Maps a serde error met at `path` to an error value with a code.
pub fn from_serde(path: &str, err: &dyn std::fmt::Display) -> Error {
    let text = err.to_string();
    let code = if text.starts_with("missing field") {
        ErrorCode::MissingField
    } else if text.starts_with("unknown field") {
        ErrorCode::UnknownField
    } else if text.starts_with("unknown variant") || text.starts_with("invalid value") {
        ErrorCode::OutOfRange
    } else if text.contains("invalid type") {
        ErrorCode::InvalidType
    } else {
        ErrorCode::InvalidJson
    };
    // An unknown format name is a format error, not just any value out of range.
    let code = if code == ErrorCode::OutOfRange && (path == "format" || path.ends_with(".format")) {
        ErrorCode::InvalidFormat
    } else {
        code
    };
    // serde names a missing or unknown field in the message, not in the path: move it there
    // (the path of an unknown field may already end with its name).
    let field = match code {
        ErrorCode::MissingField | ErrorCode::UnknownField => match text.split('`').nth(1) {
            Some(name) if code == ErrorCode::UnknownField && (path == name || path.ends_with(&format!(".{name}"))) => {
                path.to_string()
            }
            Some(name) => Error::new(code, name, "").within(path).field.clone(),
            None => path.to_string(),
        },
        _ => path.to_string(),
    };
    let message = match text.find(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    };
    Error::new(code, field, message)
}
