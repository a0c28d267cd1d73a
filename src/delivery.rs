//! One attempt at delivering a payload: a `fetch` POST (`text/plain`, no credentials, the
//! config's headers, a timeout through `AbortController`, `keepalive` as the page hides),
//! answered with the core's [`Outcome`] and the `Retry-After` header. When to attempt and what
//! follows is the outbox's business (`outbox.rs`).

use crate::dom::{self, Timeout};
use eservqual_core::keyed::Keyed;
use eservqual_core::retry::Outcome;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, Response};

/// Where and how a config's payloads go.
pub struct Transport {
    pub endpoint: String,
    pub headers: Keyed<String>,
    pub timeout_ms: f64,
}

/// POSTs `body` once, then calls `done` (always later) with how it went and the answer's
/// `Retry-After`. Never `sendBeacon`: it always carries cookies to another origin.
pub fn attempt(t: &Transport, body: &str, keepalive: bool, done: impl FnOnce(Outcome, Option<String>) + 'static) {
    let Some(window) = dom::window() else { return dom::later(move || done(Outcome::NetworkError, None)) };
    let Ok(headers) = Headers::new() else { return dom::later(move || done(Outcome::NetworkError, None)) };
    // text/plain keeps the request "simple": no CORS preflight unless the site adds headers.
    let _ = headers.set("Content-Type", "text/plain;charset=UTF-8");
    for (name, value) in t.headers.iter() {
        let _ = headers.set(name, value);
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_credentials(RequestCredentials::Omit);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(body));
    if keepalive {
        // Not in web-sys's RequestInit: set on the dictionary directly.
        let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    }
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timed_out = Rc::new(Cell::new(false));
    // Cleared (dropped) once the fetch has settled, whichever way.
    let timer = controller.map(|c| {
        let flag = timed_out.clone();
        Timeout::new(t.timeout_ms, move |_| {
            flag.set(true);
            c.abort();
        })
    });
    dom::settle(&window.fetch_with_str_and_init(&t.endpoint, &init), move |answer| {
        drop(timer);
        match answer.ok().and_then(|r| r.dyn_into::<Response>().ok()) {
            Some(r) => {
                let retry_after = r.headers().get("Retry-After").ok().flatten();
                done(Outcome::Status(r.status()), retry_after);
            }
            None if timed_out.get() => done(Outcome::Timeout, None),
            // A failure while the browser says it is offline never reached a server.
            None if !window.navigator().on_line() => done(Outcome::Offline, None),
            None => done(Outcome::NetworkError, None),
        }
    });
}
