//! eservqual-core: instruments, the response payload, validation, scoring and statistics.
//!
//! Pure Rust with no browser dependency: the widget (wasm), the collector and `eservqual report`
//! all call this crate, so every number has one definition (`docs/scoring.md`). Time, locale and
//! randomness are parameters, never read from the environment.

/// `cat!(a, b, ...)`: strings (`&str` or `String`) joined into a new `String`. Error messages are
/// built with it rather than `format!`, whose formatting machinery costs the wasm kilobytes.
macro_rules! cat {
    ($($part:expr),* $(,)?) => {{
        let mut out = String::new();
        $(out.push_str(&$part);)*
        out
    }};
}

pub mod ask;
pub mod build;
pub mod civil;
pub mod compare;
pub mod config;
pub mod dataset;
pub mod draft;
pub mod error;
pub mod exact;
pub mod instrument;
pub mod json;
pub mod kano;
pub mod keyed;
pub mod outbox;
pub mod partial;
pub mod payload;
pub mod questionnaire;
pub mod report;
pub mod retry;
pub mod score;
pub mod stats;
pub mod summary;
pub mod text;

pub use error::{Error, ErrorCode};
pub use instrument::{Dimension, Form, Format, Instrument, Item, Registry, Scale};
