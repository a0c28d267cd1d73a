//! eservqual: the WebAssembly build of the E-S-QUAL / SERVQUAL widget (JS API): `init(config)`
//! and the `Survey` it resolves to, `score(input)` and `version()`.

mod delivery;
mod dom;
mod error;
mod js;
mod outbox;
mod style;
mod submit;
mod survey;
mod text;
mod triggers;
mod ui;

use eservqual_core::Registry;
use wasm_bindgen::prelude::*;

pub use survey::Survey;

// Single-threaded wasm (no atomics): talc's allocator that grows the wasm memory as needed.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// `init(config)`: a Promise of a [`Survey`], rejected with an `EservqualError` (`code`,
/// `field`, `message`) and one console message when the config is invalid.
#[wasm_bindgen]
pub fn init(config: JsValue) -> js_sys::Promise {
    survey::init(config)
}

/// The Survey of `init(config)` as a Rust value, for the browser tests (not exported to JS).
#[doc(hidden)]
pub fn create_survey(config: &JsValue) -> Result<Survey, JsValue> {
    survey::create(config).map_err(error::to_js)
}

/// `score(input)`: scores one payload-shaped object (docs/scoring.md §2.9), or throws an
/// `EservqualError` with `code`, `field` and `message`.
#[wasm_bindgen]
pub fn score(input: JsValue) -> Result<JsValue, JsValue> {
    // The built-ins are built per call: microseconds, while a lazily built `thread_local!`
    // costs some 400 gzip bytes of wasm.
    let scores = eservqual_core::score::score_input(&js::Js(input), &Registry::builtin()).map_err(error::to_js)?;
    Ok(js::scores(&scores))
}

/// `version()`: the version of this package (a JS string made from the constant: no `String`
/// to allocate in the wasm and hand back through linear memory).
#[wasm_bindgen]
pub fn version() -> JsValue {
    JsValue::from_str(env!("CARGO_PKG_VERSION"))
}
