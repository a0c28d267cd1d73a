//! From Submit to the outbox and back: the response built by the core (`build`) with its
//! envelope, the page's `beforeSend` hook, the body that is sent, and the outbox's reports as
//! the page's `queued`, `delivered` and `failed` events and the status line's wording.

use crate::dom::{self, Settled};
use crate::js::set;
use crate::outbox::Report;
use eservqual_core::build::{build, Envelope, Outgoing};
use eservqual_core::config::{Config, UiLocale};
use eservqual_core::questionnaire::Questionnaire;
use js_sys::{Function, Object, Promise};
use wasm_bindgen::{JsCast, JsValue};

/// The response of `q`, under the id of its draft (or a fresh one), with the times and page of
/// this visit.
pub fn response(
    cfg: &Config,
    loc: &UiLocale,
    q: &Questionnaire,
    id: Option<String>,
    started_at: Option<String>,
) -> Outgoing {
    let env = Envelope {
        id: id.unwrap_or_else(dom::uuid_v4),
        locale: loc.tag.clone(),
        started_at,
        submitted_at: dom::now_rfc3339(),
        page: dom::pathname(),
        sdk_version: env!("CARGO_PKG_VERSION").into(),
    };
    build(cfg, &q.answers(cfg), env)
}

/// Runs `beforeSend` on the payload when there is one (awaiting a Promise it returns), then
/// `then` with the payload and what it answered; without one, `then(payload, Ok(undefined))`.
pub fn before_send(hook: Option<Function>, payload: JsValue, then: impl FnOnce(JsValue, Settled) + 'static) {
    let Some(f) = hook else { return then(payload, Ok(JsValue::UNDEFINED)) };
    match dom::call1(&f, &payload).map(|v| v.dyn_into::<Promise>()) {
        Ok(Ok(p)) => dom::settle(&p, move |r| then(payload, r)),
        Ok(Err(v)) => then(payload, Ok(v)),
        Err(e) => then(payload, Err(e)),
    }
}

/// The JSON to send after `beforeSend` answered `hook` (`undefined`: the payload itself), or
/// why nothing is sent: `cancelled` (it answered `null`), `before-send` (it threw or
/// rejected), `invalid-payload` (what it answered is not JSON).
pub fn body(payload: JsValue, hook: Settled) -> Result<String, &'static str> {
    let body = match hook {
        Ok(v) if v.is_null() => return Err("cancelled"),
        Ok(v) if v.is_undefined() => payload,
        Ok(v) => v,
        Err(_) => return Err("before-send"),
    };
    js_sys::JSON::stringify(&body).ok().and_then(|s| s.as_string()).ok_or("invalid-payload")
}

/// The detail of a `queued`, `delivered` or `failed` event.
pub fn delivery_event(id: &str, reason: Option<&str>, status: Option<u16>) -> Object {
    let d = Object::new();
    set(&d, "id", id.into());
    if let Some(r) = reason {
        set(&d, "reason", r.into());
    }
    set(&d, "status", status.map_or(JsValue::NULL, JsValue::from));
    d
}

/// What an outbox report tells: the event with its detail, if the page is told; the response's
/// id; and the status line's key, if it changes.
pub fn report_event(report: &Report) -> (Option<(&'static str, Object)>, &str, Option<&'static str>) {
    match report {
        Report::Queued { id, stored } => {
            let d = delivery_event(id, None, None);
            set(&d, "stored", (*stored).into());
            (Some(("queued", d)), id, None)
        }
        // A retry is scheduled: no event of its own, only the saved-for-later status.
        Report::Waiting { id } => (None, id, Some("ui.status.queued")),
        Report::Delivered { id, status, attempts } => {
            let d = delivery_event(id, None, Some(*status));
            set(&d, "attempts", (*attempts).into());
            (Some(("delivered", d)), id, Some("ui.status.sent"))
        }
        Report::Failed { id, reason, status } => {
            (Some(("failed", delivery_event(id, Some(reason), *status))), id, Some("ui.status.failed"))
        }
    }
}
