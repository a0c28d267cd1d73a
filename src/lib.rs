//! eservqual: the WebAssembly build of the E-S-QUAL / SERVQUAL widget (JS API).

mod error;

use eservqual_core::Registry;
use serde::Serialize;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The built-in instruments, built once on first use rather than on every call.
    static REGISTRY: Registry = Registry::builtin();
}

/// `score(input)`: scores one payload-shaped object (SCORING.md §2.9), or throws an
/// `EservqualError` with `code`, `field` and `message`.
#[wasm_bindgen]
pub fn score(input: JsValue) -> Result<JsValue, JsValue> {
    let value: serde_json::Value =
        serde_wasm_bindgen::from_value(input).map_err(error::unreadable)?;
    let scores = REGISTRY
        .with(|registry| eservqual_core::score::score_value(value, registry))
        .map_err(error::to_js)?;
    // Plain objects for maps and `null` for `None`, as in the payload's JSON.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // Serializing `Scores` has no failure case; serde-wasm-bindgen's own error is a JS `Error`.
    scores.serialize(&serializer).map_err(JsValue::from)
}

/// `version()`: the version of this package.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").into()
}
