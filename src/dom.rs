//! The raw browser calls of the widget, in one place (dominator's bindings module): creating
//! elements and setting text and attributes, the RAII [`Listener`] and [`Timeout`] handles
//! that remove themselves on drop (gloo's shape: no `Closure::forget` anywhere), storage, and
//! the few globals the widget reads.
//!
//! Text is only ever set with `textContent`; nothing here parses HTML.

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AddEventListenerOptions, Document, Element, EventTarget, HtmlElement, HtmlInputElement, Window};

/// The one closure type of the crate (one set of glue shims): listeners get the event, timers
/// `undefined`.
pub type Callback = Closure<dyn FnMut(JsValue)>;

pub fn window() -> Option<Window> {
    web_sys::window()
}

pub fn document() -> Option<Document> {
    window()?.document()
}

/// A new element `tag` (a constant tag name: creation cannot fail for one).
pub fn el(doc: &Document, tag: &str) -> Element {
    match doc.create_element(tag) {
        Ok(e) => e,
        // Only an invalid tag name fails; every name here is a literal.
        Err(_) => unreachable_element(doc),
    }
}

#[cold]
fn unreachable_element(doc: &Document) -> Element {
    // `div` is always a valid name; this keeps the type total without a panic path.
    doc.create_element("div").unwrap_or_else(|_| wasm_bindgen::throw_str("eservqual: cannot create elements"))
}

/// A new element with a class, appended to `parent`.
pub fn add(doc: &Document, parent: &Element, tag: &str, class: &str) -> Element {
    let e = el(doc, tag);
    if !class.is_empty() {
        e.set_class_name(class);
    }
    let _ = parent.append_child(&e);
    e
}

/// [`add`] with text content.
pub fn add_text(doc: &Document, parent: &Element, tag: &str, class: &str, text: &str) -> Element {
    let e = add(doc, parent, tag, class);
    e.set_text_content(Some(text));
    e
}

/// Sets an attribute (names are literals, so this cannot fail).
pub fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

pub fn remove_attr(e: &Element, name: &str) {
    let _ = e.remove_attribute(name);
}

pub fn get_attr(e: &Element, name: &str) -> Option<String> {
    e.get_attribute(name)
}

/// Removes every child of `e`.
pub fn clear(e: &Element) {
    e.set_text_content(None);
}

/// Moves focus to `e` if it is an HTML element.
pub fn focus(e: &Element) {
    if let Some(h) = e.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}

/// The input element of an event's target, if it is one.
pub fn input_of(target: &JsValue) -> Option<HtmlInputElement> {
    target.dyn_ref::<HtmlInputElement>().cloned()
}

/// Sets `checked` on an `<input>`.
pub fn set_checked(e: &Element, checked: bool) {
    if let Some(i) = e.dyn_ref::<HtmlInputElement>() {
        i.set_checked(checked);
    }
}

/// An event's target as an element.
pub fn target_element(event: &JsValue) -> Option<Element> {
    event.dyn_ref::<web_sys::Event>()?.target()?.dyn_into::<Element>().ok()
}

/// Cancels an event's default action.
pub fn prevent_default(event: &JsValue) {
    if let Some(e) = event.dyn_ref::<web_sys::Event>() {
        e.prevent_default();
    }
}

/// One event listener, removed when dropped.
#[must_use = "a listener is removed as soon as its handle is dropped"]
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    callback: Callback,
}

impl Listener {
    /// Listens to `kind` events on `target`; `passive` for scroll-like events.
    pub fn new(target: &EventTarget, kind: &'static str, passive: bool, f: impl FnMut(JsValue) + 'static) -> Listener {
        let callback: Callback = Closure::new(f);
        let options = AddEventListenerOptions::new();
        options.set_passive(passive);
        let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
            kind,
            callback.as_ref().unchecked_ref(),
            &options,
        );
        Listener { target: target.clone(), kind, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}

/// One `setTimeout`, cleared when dropped.
#[must_use = "a timeout is cleared as soon as its handle is dropped"]
pub struct Timeout {
    id: Option<i32>,
    _callback: Callback,
}

impl Timeout {
    pub fn new(ms: f64, f: impl FnMut(JsValue) + 'static) -> Timeout {
        let callback: Callback = Closure::new(f);
        // Browsers cap delays at 2^31-1 ms; the config allows at most a day.
        let ms = ms.clamp(0.0, 2_147_483_647.0) as i32;
        let id = window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), ms).ok()
        });
        Timeout { id, _callback: callback }
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let (Some(id), Some(w)) = (self.id, window()) {
            w.clear_timeout_with_handle(id);
        }
    }
}

/// A member of a JS object, `undefined` when absent or unreadable.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Calls `f(arg)`, catching what it throws.
pub fn call1(f: &Function, arg: &JsValue) -> Result<JsValue, JsValue> {
    f.call1(&JsValue::UNDEFINED, arg)
}

/// `localStorage[key]`; `None` when absent or when storage is blocked.
pub fn storage_get(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

/// Writes `localStorage[key]`; a full or blocked storage is ignored.
pub fn storage_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// Milliseconds since the page started loading.
pub fn elapsed_ms() -> f64 {
    window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The deepest scroll of the page so far in percent of its height; a page that cannot scroll
/// is 100.
pub fn scroll_percent() -> f64 {
    let Some(w) = window() else { return 100.0 };
    let Some(root) = w.document().and_then(|d| d.document_element()) else { return 100.0 };
    let height = f64::from(root.scroll_height());
    let view = w.inner_height().ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let y = w.scroll_y().unwrap_or(0.0);
    if height <= view + 1.0 {
        100.0
    } else {
        ((y + view) / height * 100.0).min(100.0)
    }
}

/// `navigator.globalPrivacyControl === true`.
pub fn gpc() -> bool {
    window().is_some_and(|w| get(&w.navigator(), "globalPrivacyControl").as_bool() == Some(true))
}

/// `navigator.languages`, or `[navigator.language]`.
pub fn languages() -> Vec<String> {
    let Some(w) = window() else { return Vec::new() };
    let nav = w.navigator();
    let list: Vec<String> = nav.languages().iter().filter_map(|l| l.as_string()).collect();
    if list.is_empty() {
        nav.language().into_iter().collect()
    } else {
        list
    }
}

/// `location.pathname` only: no query string, no fragment.
pub fn pathname() -> Option<String> {
    window()?.location().pathname().ok()
}

/// A random UUID v4: `crypto.randomUUID()` where it exists (secure contexts), else one made
/// from `crypto.getRandomValues`.
pub fn uuid_v4() -> String {
    let Some(crypto) = window().and_then(|w| w.crypto().ok()) else { return fallback_uuid(&[0; 16]) };
    if get(&crypto, "randomUUID").is_function() {
        return crypto.random_uuid();
    }
    let mut bytes = [0u8; 16];
    let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    fallback_uuid(&bytes)
}

fn fallback_uuid(bytes: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut b = *bytes;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(x >> 4)] as char);
        out.push(HEX[usize::from(x & 15)] as char);
    }
    out
}

/// Now as RFC 3339 UTC (`2026-12-01T10:03:10.250Z`).
pub fn now_rfc3339() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// One message on the console (the one line a failed `init` leaves).
pub fn console_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}
