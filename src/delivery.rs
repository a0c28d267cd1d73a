//! Delivery behind one small interface: [`send`] takes the JSON body and the config's transport
//! settings and calls back with [`Sent`]. For now it is one `fetch` POST (`text/plain`, no
//! credentials, the config's headers, a timeout through `AbortController`); the outbox with
//! retries (RELIABILITY.md) replaces the body of `send` without changing its callers.

use crate::dom::{self, Timeout};
use eservqual_core::payload::Keyed;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, Response};

/// How one send ended.
pub enum Sent {
    /// A 2xx answer.
    Delivered { status: u16 },
    /// Anything else: `reason` is `"http"` (with the status), `"timeout"` or `"network"`.
    Failed { reason: &'static str, status: Option<u16> },
}

/// The transport settings of a config.
pub struct Transport<'a> {
    pub endpoint: &'a str,
    pub headers: &'a Keyed<String>,
    pub timeout_ms: f64,
}

/// POSTs `body` once, then calls `done` with how it ended (always later).
pub fn send(t: &Transport<'_>, body: &str, done: impl FnOnce(Sent) + 'static) {
    let network = Sent::Failed { reason: "network", status: None };
    let Some(window) = dom::window() else { return dom::later(move || done(network)) };
    let headers = match Headers::new() {
        Ok(h) => h,
        Err(_) => return dom::later(move || done(network)),
    };
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
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    // Cleared (dropped) once the fetch has settled, whichever way.
    let timer = controller.clone().map(|c| {
        let flag = timed_out.clone();
        Timeout::new(t.timeout_ms, move |_| {
            flag.set(true);
            c.abort();
        })
    });
    dom::settle(&window.fetch_with_str_and_init(t.endpoint, &init), move |answer| {
        let sent = match answer.ok().and_then(|r| r.dyn_into::<Response>().ok()) {
            Some(r) if r.ok() => Sent::Delivered { status: r.status() },
            Some(r) => Sent::Failed { reason: "http", status: Some(r.status()) },
            None if timed_out.get() => Sent::Failed { reason: "timeout", status: None },
            None => network,
        };
        drop(timer);
        done(sent);
    });
}
