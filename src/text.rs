//! The widget's wording as a visitor downloads it: `init()` in js/index.js asks which built-in
//! locale the config will speak (`textLocale`), fetches that one file (`text-<tag>.txt`, built
//! by core's `text-columns` example) and installs it (`installText`) before creating the survey.

use crate::dom;
use eservqual_core::config::pick_locale;
use eservqual_core::text::{install, Locale};
use wasm_bindgen::prelude::*;

/// `textLocale(config)`: the tag of the built-in wording `init(config)` will use, picked as
/// `init` picks it (the config's `locale`, else the browser's languages, else `en`).
#[wasm_bindgen(js_name = textLocale)]
pub fn text_locale(config: JsValue) -> JsValue {
    let configured = dom::get(&config, "locale").as_string();
    JsValue::from_str(pick_locale(configured.as_deref(), &dom::languages()).builtin.tag())
}

/// `installText(tag, text)`: installs a locale's wording; `false` for an unknown tag or a text
/// that is not this build's column.
#[wasm_bindgen(js_name = installText)]
pub fn install_text(tag: &str, text: String) -> bool {
    Locale::parse(tag).is_some_and(|l| l.tag() == tag && install(l, text))
}
