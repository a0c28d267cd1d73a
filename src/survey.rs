//! The JS class `Survey` and what `init(config)` builds: the config read through the core, the
//! decision to ask (core `ask`), the triggers, the questionnaire in its shadow root (rendered by
//! `ui`), submitting (core `build`) and delivery events.
//!
//! State lives in one `RefCell`; no borrow is held while page code runs (event handlers, the
//! consent and beforeSend hooks), so a handler that calls back into the survey is safe.

use crate::delivery::Transport;
use crate::dom::{self, Callback, Listener, Timeout};
use crate::error;
use crate::js::{self, set};
use crate::outbox::{Outbox, Report};
use crate::ui::{self, Val};
use eservqual_core::ask::{
    self, decide, draw_for, privacy_skip, record_dismiss, record_pageview, record_submit, Env, Memory, Trigger,
    TriggerState,
};
use eservqual_core::build::{build, summary, Envelope};
use eservqual_core::config::{pick_locale, Config, Consent, Mode, Target, ThemeMode, UiLocale};
use eservqual_core::keyed::Keyed;
use eservqual_core::{Error, ErrorCode, Registry};
use js_sys::{Function, Object, Promise};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlDialogElement, MouseEvent};

/// The events `on()` accepts.
const EVENTS: [&str; 7] = ["open", "close", "answer", "submit", "queued", "delivered", "failed"];

/// A survey made by `init(config)`.
#[wasm_bindgen]
pub struct Survey {
    inner: Rc<Inner>,
}

pub(crate) struct Inner {
    pub cfg: Config,
    pub loc: UiLocale,
    pub doc: Document,
    target: Option<Element>,
    consent_fn: Option<Function>,
    before_send: Option<Function>,
    pub st: RefCell<State>,
    handlers: RefCell<Vec<(u32, &'static str, Function)>>,
    next_handler: Cell<u32>,
    /// The one function behind every unsubscribe function (bound to a handler id).
    off: RefCell<Option<Callback>>,
    /// Delivery of this endpoint's responses, asked or not; `destroy()` stops it.
    outbox: RefCell<Option<Rc<Outbox>>>,
}

/// Everything the widget holds on the page; `destroy()` empties it.
#[derive(Default)]
pub(crate) struct State {
    pub destroyed: bool,
    /// `None` while the consent function has not answered.
    pub asked: Option<bool>,
    memory: Memory,
    pub host: Option<Element>,
    pub launcher: Option<Element>,
    /// The `<dialog>` (popover) or `<section>` (inline).
    pub frame: Option<Element>,
    pub live: Option<Element>,
    pub body: Option<Element>,
    pub open: bool,
    pub step: usize,
    pub answers: Keyed<Val>,
    pub comment: String,
    /// Group names missing on the current step, or a weights error (`"weights"`).
    pub errors: Vec<String>,
    pub started_at: Option<String>,
    pub submitted: bool,
    /// The id of the response this widget submitted: its delivery drives the status line.
    sent_id: Option<String>,
    pub status: Option<String>,
    pub summary: Vec<String>,
    listeners: Vec<Listener>,
    trigger_handles: Vec<Listener>,
    timers: Vec<Timeout>,
    events: Vec<String>,
    exit_intent: bool,
    max_scroll: f64,
}

/// `init(config)`: the Survey, or the config's error (one console message).
pub fn init(config: JsValue) -> Promise {
    match create(&config) {
        Ok(s) => Promise::resolve(&JsValue::from(s)),
        Err(e) => {
            let mut line = String::from("eservqual: ");
            if !e.field.is_empty() {
                line.push_str(&e.field);
                line.push_str(": ");
            }
            line.push_str(&e.message);
            dom::console_error(&line);
            Promise::reject(&error::to_js(e))
        }
    }
}

pub(crate) fn create(config: &JsValue) -> Result<Survey, Error> {
    let cfg = Config::read(&js::Js(config.clone()), &Registry::builtin())?;
    let doc =
        dom::document().ok_or_else(|| Error::new(ErrorCode::InvalidType, "", "init() needs a browser document"))?;
    let func = |key: &str| dom::get(config, key).dyn_into::<Function>().ok();
    let bad = |field: &str, message: &str| Error::new(ErrorCode::InvalidType, field, message);
    let consent_fn = match cfg.consent {
        Consent::Function => Some(func("consent").ok_or_else(|| bad("consent", "expected true, false or a function"))?),
        Consent::Fixed(_) => None,
    };
    let before_send = match cfg.before_send {
        true => Some(func("beforeSend").ok_or_else(|| bad("beforeSend", "expected a function"))?),
        false => None,
    };
    let target = match (&cfg.target, cfg.mode) {
        (_, Mode::Popover) | (None, _) => None,
        (Some(Target::Element), _) => Some(
            dom::get(config, "target")
                .dyn_into::<Element>()
                .map_err(|_| bad("target", "expected a CSS selector or an element"))?,
        ),
        (Some(Target::Selector(sel)), _) => match doc.query_selector(sel) {
            Ok(Some(e)) => Some(e),
            Ok(None) => return Err(Error::new(ErrorCode::OutOfRange, "target", "no element matches this selector")),
            Err(_) => return Err(Error::new(ErrorCode::OutOfRange, "target", "not a valid CSS selector")),
        },
    };
    let loc = pick_locale(cfg.locale.as_deref(), &dom::languages());
    let inner = Rc::new(Inner {
        cfg,
        loc,
        doc,
        target,
        consent_fn,
        before_send,
        st: RefCell::new(State::default()),
        handlers: RefCell::new(Vec::new()),
        next_handler: Cell::new(1),
        off: RefCell::new(None),
        outbox: RefCell::new(None),
    });
    let weak = Rc::downgrade(&inner);
    let off: Callback = Callback::new(move |id: JsValue| {
        if let (Some(inner), Some(id)) = (weak.upgrade(), id.as_f64()) {
            if let Ok(mut handlers) = inner.handlers.try_borrow_mut() {
                handlers.retain(|(h, _, _)| f64::from(*h) != id);
            }
        }
    });
    if let Ok(mut slot) = inner.off.try_borrow_mut() {
        *slot = Some(off);
    }
    let transport = Transport {
        endpoint: inner.cfg.endpoint.clone(),
        headers: inner.cfg.headers.clone(),
        timeout_ms: inner.cfg.timeout_ms,
    };
    let weak = Rc::downgrade(&inner);
    let outbox = Outbox::start(transport, move |report| {
        if let Some(inner) = weak.upgrade() {
            inner.delivery_report(report);
        }
    });
    if let Ok(mut slot) = inner.outbox.try_borrow_mut() {
        *slot = Some(outbox);
    }
    start(&inner);
    Ok(Survey { inner })
}

/// The decision to ask: the privacy gates first (nothing stored is read or written without
/// consent), then memory, sampling and recontact windows.
fn start(inner: &Rc<Inner>) {
    match (&inner.consent_fn, inner.cfg.consent) {
        (Some(f), _) => {
            let f = f.clone();
            let weak = Rc::downgrade(inner);
            // Asked from the microtask queue, after init() has returned; a Promise is awaited.
            dom::later(move || {
                let answered = move |answer: JsValue| {
                    if let Some(inner) = weak.upgrade() {
                        decided(&inner, answer.as_bool() == Some(true));
                    }
                };
                match dom::call1(&f, &JsValue::UNDEFINED).unwrap_or(JsValue::FALSE).dyn_into::<Promise>() {
                    Ok(p) => dom::settle(&p, move |r| answered(r.unwrap_or(JsValue::FALSE))),
                    Err(answer) => answered(answer),
                }
            });
        }
        (None, Consent::Fixed(c)) => decided(inner, c),
        (None, Consent::Function) => decided(inner, false),
    }
}

#[inline(never)]
fn decided(inner: &Rc<Inner>, consent: bool) {
    let settings = &inner.cfg.settings;
    let mut env = Env { now_ms: js_sys::Date::now(), gpc: dom::gpc(), consent: Some(consent) };
    let ask = if privacy_skip(settings, &env).is_some() {
        false
    } else {
        let mut memory = js::memory_of(dom::storage_get(ask::MEMORY_KEY));
        record_pageview(&mut memory);
        draw_for(&mut memory, js_sys::Math::random());
        dom::storage_set(ask::MEMORY_KEY, &js::memory_json(&memory));
        env.consent = Some(true);
        let ask = decide(settings, &memory, &env).is_ask();
        if let Ok(mut st) = inner.st.try_borrow_mut() {
            st.memory = memory;
        }
        ask
    };
    {
        let Ok(mut st) = inner.st.try_borrow_mut() else { return };
        if st.destroyed {
            return;
        }
        st.asked = Some(ask);
    }
    if ask {
        inner.mount();
        inner.arm();
    }
}

impl Inner {
    /// Text of `key` in the widget's locale.
    pub fn t(&self, key: &str) -> String {
        self.cfg.text(&self.loc, key)
    }

    /// Calls the handlers of `event` with `detail`; a handler that throws is reported on the
    /// console and does not stop the others.
    fn emit(&self, event: &'static str, detail: &JsValue) {
        let Ok(handlers) = self.handlers.try_borrow() else { return };
        let list: Vec<Function> = handlers.iter().filter(|(_, e, _)| *e == event).map(|(_, _, f)| f.clone()).collect();
        drop(handlers);
        for f in list {
            if let Err(e) = dom::call1(&f, detail) {
                web_sys::console::error_2(&JsValue::from_str("eservqual: an event handler threw"), &e);
            }
        }
    }

    /// Builds the host element, its open shadow root, stylesheet, launcher and frame.
    #[inline(never)]
    fn mount(self: &Rc<Self>) {
        let doc = &self.doc;
        let host = dom::el(doc, "div");
        dom::attr(&host, "data-eservqual", "");
        let theme = match self.cfg.theme.mode {
            ThemeMode::Light => "light",
            ThemeMode::Dark => "dark",
            ThemeMode::Auto => "auto",
        };
        dom::attr(&host, "data-theme", theme);
        dom::attr(&host, "lang", &self.loc.tag);
        let root = dom::attach_open_shadow(&host);
        if let Ok(sheet) = web_sys::CssStyleSheet::new() {
            let _ = sheet.replace_sync(&crate::style::sheet(&self.cfg.theme));
            root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
        }
        let inline = self.cfg.mode == Mode::Inline;
        let launcher = (!inline && self.cfg.launcher).then(|| {
            let b = dom::el(doc, "button");
            b.set_class_name("launcher");
            dom::attr(&b, "type", "button");
            dom::attr(&b, "data-act", "open");
            dom::attr(&b, "aria-haspopup", "dialog");
            b.set_text_content(Some(&self.t("ui.launcher")));
            dom::append(&root, &b);
            b
        });
        let frame = dom::el(doc, if inline { "section" } else { "dialog" });
        frame.set_class_name("eq");
        dom::attr(&frame, "aria-labelledby", "eq-title");
        dom::append(&root, &frame);
        let form = dom::el(doc, "form");
        dom::attr(&form, "novalidate", "");
        let top = dom::add(doc, &form, "div", "top");
        let h2 = dom::add_text(doc, &top, "h2", "", &self.t("ui.title"));
        h2.set_id("eq-title");
        if !inline {
            let x = dom::add_text(doc, &top, "button", "x", "\u{00d7}");
            dom::attr(&x, "type", "button");
            dom::attr(&x, "data-act", "close");
            dom::attr(&x, "aria-label", &self.t("ui.close"));
        }
        let live = dom::add(doc, &form, "p", "sr");
        dom::attr(&live, "aria-live", "polite");
        dom::attr(&live, "role", "status");
        let body = dom::add(doc, &form, "div", "");
        dom::append(&frame, &form);

        let root_target: &web_sys::EventTarget = root.as_ref();
        let weak = Rc::downgrade(self);
        let on = |kind: &'static str, f: fn(&Rc<Inner>, JsValue)| {
            let weak: Weak<Inner> = weak.clone();
            Listener::new(root_target, kind, false, move |ev| {
                if let Some(inner) = weak.upgrade() {
                    f(&inner, ev);
                }
            })
        };
        let mut listeners = vec![
            on("click", Inner::on_click),
            on("submit", Inner::on_submit),
            on("change", Inner::on_change),
            on("input", Inner::on_input),
        ];
        if !inline {
            let weak = weak.clone();
            listeners.push(Listener::new(frame.as_ref(), "close", false, move |_| {
                if let Some(inner) = weak.upgrade() {
                    inner.closed();
                }
            }));
        }
        if inline {
            dom::attr(&host, "hidden", "");
        }
        let parent: Option<Element> = match &self.target {
            Some(t) => Some(t.clone()),
            None => doc.body().map(Into::into),
        };
        if let Some(p) = parent {
            dom::append(&p, &host);
        }
        {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            st.host = Some(host);
            st.launcher = launcher;
            st.frame = Some(frame);
            st.live = Some(live);
            st.body = Some(body);
            st.listeners = listeners;
        }
        self.render();
    }

    /// Wires the configured trigger; each fires at most once.
    #[inline(never)]
    fn arm(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        let check = move |_: JsValue| {
            if let Some(inner) = weak.upgrade() {
                inner.check_trigger();
            }
        };
        let mut handles = Vec::new();
        let mut timers = Vec::new();
        match &self.cfg.trigger {
            Trigger::Manual if self.cfg.mode == Mode::Inline => {
                let weak = Rc::downgrade(self);
                timers.push(Timeout::new(0.0, move |_| {
                    if let Some(inner) = weak.upgrade() {
                        inner.open();
                    }
                }));
            }
            Trigger::Manual | Trigger::Event { .. } => {}
            Trigger::Load | Trigger::Pageviews { .. } => timers.push(Timeout::new(0.0, check)),
            Trigger::Delay { ms } => timers.push(Timeout::new(ms - dom::elapsed_ms(), check)),
            Trigger::ExitIntent => {
                let weak = Rc::downgrade(self);
                handles.push(Listener::new(self.doc.as_ref(), "mouseout", true, move |ev| {
                    let Some(m) = ev.dyn_ref::<MouseEvent>() else { return };
                    if m.related_target().is_none() && m.client_y() <= 0 {
                        if let Some(inner) = weak.upgrade() {
                            if let Ok(mut st) = inner.st.try_borrow_mut() {
                                st.exit_intent = true;
                            }
                            inner.check_trigger();
                        }
                    }
                }));
            }
            Trigger::Scroll { .. } => {
                timers.push(Timeout::new(0.0, check.clone()));
                if let Some(w) = dom::window() {
                    handles.push(Listener::new(w.as_ref(), "scroll", true, check));
                }
            }
        }
        if let Ok(mut st) = self.st.try_borrow_mut() {
            st.trigger_handles = handles;
            st.timers = timers;
        }
    }

    /// Opens the survey when the trigger fires on what has been observed.
    fn check_trigger(self: &Rc<Self>) {
        let fires = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if st.destroyed || st.asked != Some(true) {
                return;
            }
            st.max_scroll = st.max_scroll.max(dom::scroll_percent());
            let state = TriggerState {
                elapsed_ms: dom::elapsed_ms(),
                max_scroll_percent: st.max_scroll,
                exit_intent: st.exit_intent,
                pageviews: st.memory.pageviews,
                events: st.events.clone(),
            };
            let fires = ask::trigger_fires(&self.cfg.trigger, &state);
            if fires {
                // Disarm: listeners and timers go (drop after the borrow ends).
                let old = (std::mem::take(&mut st.trigger_handles), std::mem::take(&mut st.timers));
                drop(st);
                drop(old);
            }
            fires
        };
        if fires {
            self.open();
        }
    }

    pub fn open(self: &Rc<Self>) {
        let (frame, first) = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if st.destroyed || st.asked != Some(true) || st.open {
                return;
            }
            let Some(frame) = st.frame.clone() else { return };
            st.open = true;
            let first = st.started_at.is_none();
            if first {
                st.started_at = Some(dom::now_rfc3339());
            }
            if let (Mode::Inline, Some(h)) = (self.cfg.mode, &st.host) {
                dom::remove_attr(h, "hidden");
            }
            (frame, first)
        };
        if let Some(d) = frame.dyn_ref::<HtmlDialogElement>() {
            if !d.open() {
                let _ = d.show_modal();
            }
            self.focus_heading();
        } else if !first {
            self.focus_heading();
        }
        self.emit("open", &Object::new().into());
    }

    pub fn close(self: &Rc<Self>) {
        let frame = {
            let Ok(st) = self.st.try_borrow() else { return };
            if !st.open {
                return;
            }
            st.frame.clone()
        };
        match frame.as_ref().and_then(|f| f.dyn_ref::<HtmlDialogElement>()) {
            // The dialog's `close` event does the rest.
            Some(d) => d.close(),
            None => {
                if let Ok(st) = self.st.try_borrow() {
                    if let Some(h) = &st.host {
                        dom::attr(h, "hidden", "");
                    }
                }
                self.closed();
            }
        }
    }

    /// The frame closed (Escape, the close button, `close()`): a dismissal unless submitted.
    fn closed(self: &Rc<Self>) {
        let launcher = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if !st.open {
                return;
            }
            st.open = false;
            if !st.submitted {
                record_dismiss(&mut st.memory, js_sys::Date::now());
                dom::storage_set(ask::MEMORY_KEY, &js::memory_json(&st.memory));
            }
            st.launcher.clone()
        };
        if let Some(l) = launcher {
            dom::focus(&l);
        }
        self.emit("close", &Object::new().into());
    }

    pub fn destroy(&self) {
        let taken = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if let Some(h) = &st.host {
                h.remove();
            }
            let taken = std::mem::take(&mut *st);
            st.destroyed = true;
            taken
        };
        let outbox = self.outbox.try_borrow_mut().ok().and_then(|mut o| o.take());
        drop(outbox);
        // Listeners and timers are removed as they drop, after the borrow ends.
        drop(taken);
    }

    fn focus_heading(&self) {
        let body = self.st.try_borrow().ok().and_then(|st| st.body.clone());
        if let Some(h) = body.and_then(|b| b.query_selector("h3").ok().flatten()) {
            dom::focus(&h);
        }
    }

    /// Says `text` in the live region.
    pub fn announce(&self, text: &str) {
        let live = self.st.try_borrow().ok().and_then(|st| st.live.clone());
        if let Some(l) = live {
            l.set_text_content(Some(text));
        }
    }

    fn on_click(self: &Rc<Self>, ev: JsValue) {
        let Some(el) = dom::target_element(&ev) else { return };
        let Some(act) = dom::closest(&el, "[data-act]").and_then(|b| dom::get_attr(&b, "data-act")) else { return };
        match act.as_str() {
            "open" => self.open(),
            "close" => self.close(),
            "back" => {
                if let Ok(mut st) = self.st.try_borrow_mut() {
                    st.step = st.step.saturating_sub(1);
                    st.errors.clear();
                }
                self.render_step(true);
            }
            _ => {}
        }
    }

    fn on_submit(self: &Rc<Self>, ev: JsValue) {
        dom::prevent_default(&ev);
        let (last, missing) = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if st.submitted {
                return;
            }
            let plan = ui::plan(self, &st);
            let Some(&step) = plan.get(st.step) else { return };
            let missing = ui::missing(self, &st, step);
            st.errors = missing.clone();
            (st.step + 1 >= plan.len(), missing)
        };
        if !missing.is_empty() {
            self.render();
            ui::show_errors(self);
            return;
        }
        if last {
            self.submit();
        } else {
            if let Ok(mut st) = self.st.try_borrow_mut() {
                st.step += 1;
            }
            self.render_step(true);
        }
    }

    fn on_change(self: &Rc<Self>, ev: JsValue) {
        let Some(input) = dom::target_element(&ev).and_then(|e| dom::input_of(&e.into())) else { return };
        if input.type_() != "radio" {
            return;
        }
        let (name, value) = (input.name(), input.value());
        let val = if value == "na" { Val::Na } else { value.parse::<i16>().map_or(Val::Na, Val::N) };
        {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            st.answers.insert(name.clone(), val);
            st.errors.retain(|e| *e != name);
        }
        ui::clear_error(self, &name);
        if name == "screen" {
            ui::update_progress(self);
        }
        let detail = Object::new();
        set(&detail, "key", name.as_str().into());
        set(
            &detail,
            "value",
            match val {
                Val::N(x) => JsValue::from(x),
                Val::Na => JsValue::NULL,
            },
        );
        self.emit("answer", &detail.into());
    }

    fn on_input(self: &Rc<Self>, ev: JsValue) {
        let Some(el) = dom::target_element(&ev) else { return };
        if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            let value = t.value();
            if let Ok(mut st) = self.st.try_borrow_mut() {
                st.comment = value;
            }
            ui::update_counter(self);
        } else if let Some(i) = dom::input_of(&el.into()) {
            if i.type_() == "number" {
                // `valueAsNumber` (NaN when empty): no float parser in the wasm.
                let v = i.value_as_number();
                let n = v.is_finite().then(|| v.clamp(0.0, 100.0).round() as i16);
                if let Ok(mut st) = self.st.try_borrow_mut() {
                    match n {
                        Some(n) => st.answers.insert(i.name(), Val::N(n)),
                        None => st.answers.0.retain(|(k, _)| *k != i.name()),
                    }
                }
                ui::update_total(self);
            }
        }
    }

    /// Renders the current step (or the thank-you) and announces it.
    pub fn render(&self) {
        ui::render(self);
    }

    fn render_step(&self, announce: bool) {
        self.render();
        if announce {
            ui::announce_step(self);
            self.focus_heading();
        }
    }

    #[inline(never)]
    fn submit(self: &Rc<Self>) {
        let built = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            let answers = ui::answers(self, &st);
            let env = Envelope {
                id: dom::uuid_v4(),
                locale: self.loc.tag.clone(),
                started_at: st.started_at.clone(),
                submitted_at: dom::now_rfc3339(),
                page: dom::pathname(),
                sdk_version: env!("CARGO_PKG_VERSION").into(),
            };
            let out = build(&self.cfg, &answers, env);
            st.submitted = true;
            st.summary = if self.cfg.show_summary { summary(&self.cfg, &self.loc, &out.scores) } else { Vec::new() };
            st.status = Some(self.t("ui.status.sending"));
            record_submit(&mut st.memory, js_sys::Date::now());
            dom::storage_set(ask::MEMORY_KEY, &js::memory_json(&st.memory));
            out
        };
        let payload = js::outgoing(&built);
        let scores = js::scores(&built.scores);
        self.render();
        self.announce(&self.t("ui.thanks.title"));
        self.focus_heading();
        let detail = Object::new();
        set(&detail, "payload", payload.clone());
        set(&detail, "scores", scores);
        self.emit("submit", &detail.into());
        let inner = self.clone();
        let id = built.id;
        dom::later(move || inner.deliver(id, payload));
    }

    /// Runs `beforeSend` (awaiting a Promise it returns), then sends.
    fn deliver(self: Rc<Self>, id: String, payload: JsValue) {
        let Some(f) = &self.before_send else { return self.send(id, payload, Ok(JsValue::UNDEFINED)) };
        match dom::call1(f, &payload).map(|v| v.dyn_into::<Promise>()) {
            Ok(Ok(p)) => dom::settle(&p, move |r| self.send(id, payload, r)),
            Ok(Err(v)) => self.send(id, payload, Ok(v)),
            Err(e) => self.send(id, payload, Err(e)),
        }
    }

    /// Sends what `beforeSend` answered (`undefined`: the payload itself; `null`: nothing).
    fn send(self: Rc<Self>, id: String, payload: JsValue, hook: dom::Settled) {
        let body = match hook {
            Ok(v) if v.is_null() => {
                self.set_status(None);
                self.emit("failed", &delivery_event(&id, Some("cancelled"), None).into());
                return;
            }
            Ok(v) if v.is_undefined() => payload,
            Ok(v) => v,
            Err(_) => {
                self.set_status(Some(self.t("ui.status.failed")));
                self.emit("failed", &delivery_event(&id, Some("before-send"), None).into());
                return;
            }
        };
        let Some(text) = js_sys::JSON::stringify(&body).ok().and_then(|s| s.as_string()) else {
            self.set_status(Some(self.t("ui.status.failed")));
            self.emit("failed", &delivery_event(&id, Some("invalid-payload"), None).into());
            return;
        };
        if let Ok(mut st) = self.st.try_borrow_mut() {
            st.sent_id = Some(id.clone());
        }
        let outbox = self.outbox.try_borrow().ok().and_then(|o| o.clone());
        if let Some(o) = outbox {
            o.submit(id, text);
        }
    }

    /// Turns what the outbox reports into an event, and into the status line when it is about
    /// this widget's own response.
    fn delivery_report(&self, report: Report) {
        // (the event with its detail, if the page is told; the id; the status line's key)
        let (event, id, status_key) = match &report {
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
        };
        let own = self.st.try_borrow().is_ok_and(|st| st.sent_id.as_ref() == Some(id));
        if let (true, Some(key)) = (own, status_key) {
            self.set_status(Some(self.t(key)));
        }
        if let Some((name, detail)) = event {
            self.emit(name, &detail.into());
        }
    }

    fn set_status(&self, text: Option<String>) {
        if let Ok(mut st) = self.st.try_borrow_mut() {
            if st.destroyed {
                return;
            }
            st.status = text.clone();
        }
        ui::update_status(self);
        if let Some(t) = text {
            self.announce(&t);
        }
    }
}

/// The detail of a `queued`, `delivered` or `failed` event.
fn delivery_event(id: &str, reason: Option<&str>, status: Option<u16>) -> Object {
    let d = Object::new();
    set(&d, "id", id.into());
    if let Some(r) = reason {
        set(&d, "reason", r.into());
    }
    set(&d, "status", status.map_or(JsValue::NULL, JsValue::from));
    d
}

#[wasm_bindgen]
impl Survey {
    /// Opens the questionnaire (does nothing for a visitor who is not to be asked).
    pub fn open(&self) {
        self.inner.open();
    }

    /// Closes it; unanswered, this counts as a dismissal (`dismissDays`).
    pub fn close(&self) {
        self.inner.close();
    }

    /// Removes every node, listener and timer the survey made.
    pub fn destroy(&self) {
        self.inner.destroy();
    }

    /// Fires an `{on: "event", name}` trigger.
    pub fn trigger(&self, name: &str) {
        if let Ok(mut st) = self.inner.st.try_borrow_mut() {
            st.events.push(name.to_string());
        }
        if matches!(&self.inner.cfg.trigger, Trigger::Event { name: n } if n == name) {
            self.inner.check_trigger();
        }
    }

    /// Calls `handler(detail)` on each `event`; returns the function that unsubscribes it.
    pub fn on(&self, event: &str, handler: JsValue) -> Result<JsValue, JsValue> {
        let Some(&name) = EVENTS.iter().find(|e| **e == event) else {
            let message = eservqual_core::json::list("unknown event; expected one of: ", EVENTS.iter().copied());
            return Err(error::to_js(Error::new(ErrorCode::OutOfRange, "event", message)));
        };
        let Some(f) = handler.dyn_ref::<Function>() else {
            return Err(error::to_js(Error::new(ErrorCode::InvalidType, "handler", "expected a function")));
        };
        let id = self.inner.next_handler.get();
        self.inner.next_handler.set(id + 1);
        if let Ok(mut handlers) = self.inner.handlers.try_borrow_mut() {
            handlers.push((id, name, f.clone()));
        }
        let Ok(off) = self.inner.off.try_borrow() else { return Ok(JsValue::UNDEFINED) };
        let off: &Function = match off.as_ref() {
            Some(c) => c.as_ref().unchecked_ref(),
            None => return Ok(JsValue::UNDEFINED),
        };
        Ok(off.bind1(&JsValue::NULL, &JsValue::from(id)).into())
    }
}
