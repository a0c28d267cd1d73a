//! The one mapping of errors to the JS `EservqualError` (a real `Error` with `code` and `field`).

use eservqual_core::{Error, ErrorCode};
use wasm_bindgen::JsValue;

/// The `name` of every error this module throws.
const NAME: &str = "EservqualError";

/// A core error as a JS `Error` whose `message`, `code` and `field` are the core's.
pub fn to_js(err: Error) -> JsValue {
    js_error(err.code, &err.field, &err.message)
}

fn js_error(code: ErrorCode, field: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    err.set_name(NAME);
    crate::js::set(&err, "code", code.as_str().into());
    crate::js::set(&err, "field", field.into());
    err.into()
}
