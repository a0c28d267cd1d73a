//! The raw browser calls of the widget, in one place (dominator's bindings module): creating
//! elements and setting text and attributes, the RAII [`Listener`] and [`Timeout`] handles
//! that remove themselves on drop (gloo's shape: no `Closure::forget` anywhere), storage, and
//! the few globals the widget reads.
//!
//! Text is only ever set with `textContent`; nothing here parses HTML.

use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    AddEventListenerOptions, Document, Element, EventTarget, HtmlElement, HtmlInputElement, Node, ShadowRoot,
    ShadowRootInit, ShadowRootMode, Window,
};

// Bindings without `catch`, for calls that cannot throw with what this crate passes them
// (literal tag, attribute and selector names, nodes it has just made, timers, listeners and
// scroll metrics): web-sys declares each of these with `catch`, which costs a `Result` at every
// call and an exception wrapper in the glue.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Any DOM object, seen through the few methods below.
    type Raw;
    #[wasm_bindgen(method, js_name = createElement)]
    fn create_element(this: &Raw, tag: &str) -> Element;
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute(this: &Raw, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = removeAttribute)]
    fn remove_attribute(this: &Raw, name: &str);
    #[wasm_bindgen(method, js_name = appendChild)]
    fn append_child(this: &Raw, child: &Node);
    #[wasm_bindgen(method)]
    fn focus(this: &Raw);
    #[wasm_bindgen(method, js_name = closest)]
    fn closest(this: &Raw, selector: &str) -> Option<Element>;
    #[wasm_bindgen(method, js_name = attachShadow)]
    fn attach_shadow(this: &Raw, init: &ShadowRootInit) -> ShadowRoot;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &Raw, kind: &str, listener: &JsValue, options: &AddEventListenerOptions);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &Raw, kind: &str, listener: &JsValue);
    #[wasm_bindgen(method, js_name = setTimeout)]
    fn set_timeout(this: &Raw, handler: &JsValue, ms: i32) -> i32;
    #[wasm_bindgen(method, getter, js_name = innerHeight)]
    fn inner_height(this: &Raw) -> f64;
    #[wasm_bindgen(method, getter, js_name = scrollY)]
    fn scroll_y(this: &Raw) -> f64;
}

/// The nearest ancestor-or-self of `e` matching `selector` (a literal selector: cannot throw).
pub fn closest(e: &Element, selector: &str) -> Option<Element> {
    raw(e).closest(selector)
}

/// An open shadow root on `host` (a fresh `div`, which always takes one).
pub fn attach_open_shadow(host: &Element) -> ShadowRoot {
    raw(host).attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
}

fn raw(o: &JsValue) -> &Raw {
    o.unchecked_ref()
}

/// Appends `child` to `parent` (a node this crate made, or the page's target element).
pub fn append(parent: &Node, child: &Node) {
    raw(parent).append_child(child);
}

/// The one closure type of the crate (one set of glue shims): listeners get the event, timers
/// `undefined`.
pub type Callback = Closure<dyn FnMut(JsValue)>;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The page's `window` (`None` where there is none), read once.
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: Option<Window>;
}

/// `window`: read directly rather than through `web_sys::window()`, which probes `globalThis`,
/// `self`, `window` and `global` in turn.
pub fn window() -> Option<Window> {
    WINDOW.with(Clone::clone)
}

pub fn document() -> Option<Document> {
    window()?.document()
}

/// A new element `tag` (a constant tag name: creation cannot fail for one).
pub fn el(doc: &Document, tag: &str) -> Element {
    raw(doc).create_element(tag)
}

/// A new element with a class, appended to `parent`.
pub fn add(doc: &Document, parent: &Element, tag: &str, class: &str) -> Element {
    let e = el(doc, tag);
    if !class.is_empty() {
        e.set_class_name(class);
    }
    append(parent, &e);
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
    raw(e).set_attribute(name, value);
}

pub fn remove_attr(e: &Element, name: &str) {
    raw(e).remove_attribute(name);
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
    if e.dyn_ref::<HtmlElement>().is_some() {
        raw(e).focus();
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
        raw(target).add_event_listener(kind, callback.as_ref(), &options);
        Listener { target: target.clone(), kind, callback }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        raw(&self.target).remove_event_listener(self.kind, self.callback.as_ref());
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
        // Browsers cap delays at 2^31-1 ms; the config allows at most a day. Rounded up, never
        // down: a timer that fires before its time finds its condition unmet and is not re-armed.
        let ms = ms.ceil().clamp(0.0, 2_147_483_647.0) as i32;
        let id = window().map(|w| raw(&w).set_timeout(callback.as_ref(), ms));
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

/// What [`settle`] calls back with: the promise's value or its rejection reason.
pub type Settled = Result<JsValue, JsValue>;

/// Calls `f` once `promise` settles (always later, from the microtask queue). Two of the crate's
/// [`Callback`]s, both dropped as soon as either has run (wasm-bindgen defers freeing the one
/// running): in place of an async executor and `JsFuture` (wasm-bindgen-futures, ~1 KB gzip).
pub fn settle(promise: &Promise, f: impl FnOnce(Settled) + 'static) {
    type Pending = (Box<dyn FnOnce(Settled)>, Option<(Callback, Callback)>);
    let slot: Rc<RefCell<Option<Pending>>> = Rc::new(RefCell::new(Some((Box::new(f), None))));
    let on = |ok: bool| {
        let slot = slot.clone();
        Callback::new(move |v: JsValue| {
            let taken = slot.try_borrow_mut().ok().and_then(|mut s| s.take());
            if let Some((f, _callbacks)) = taken {
                f(if ok { Ok(v) } else { Err(v) });
            }
        })
    };
    let (fulfilled, rejected) = (on(true), on(false));
    let _ = promise.then2(&fulfilled, &rejected);
    if let Ok(mut s) = slot.try_borrow_mut() {
        if let Some(pending) = s.as_mut() {
            pending.1 = Some((fulfilled, rejected));
        }
    };
}

/// Calls `f` from the microtask queue (after the current task's synchronous work).
pub fn later(f: impl FnOnce() + 'static) {
    settle(&Promise::resolve(&JsValue::UNDEFINED), move |_| f());
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

/// Removes `localStorage[key]`; a blocked storage is ignored.
pub fn storage_remove(key: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.remove_item(key);
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
    let view = raw(&w).inner_height();
    let y = raw(&w).scroll_y();
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
