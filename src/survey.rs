//! The JS class `Survey` and its lifecycle: what `init(config)` builds (the config read
//! through the core, the consent hook, the target), the decision to ask (core `ask`), then
//! mounting, opening, closing and `destroy()`; the respondent's acts applied to the core's
//! questionnaire and drawn by `ui`; the events the page subscribes to with `on()`. The
//! triggers are in `triggers`, building and delivering the response in `submit`.
//!
//! State lives in one `RefCell`; no borrow is held while page code runs (event handlers, the
//! consent and beforeSend hooks, focus), so a handler that calls back into the survey is safe.

use crate::delivery::Transport;
use crate::dom::{self, Callback, Listener};
use crate::error;
use crate::js::{self, set};
use crate::outbox::{Outbox, Report};
use crate::submit;
use crate::triggers::{Wake, Watch};
use crate::ui::{self, Act, Thanks, Ui, View};
use eservqual_core::ask::{
    self, decide, draw_for, privacy_skip, record_dismiss, record_pageview, record_submit, Env, Memory, Trigger,
};
use eservqual_core::build::summary;
use eservqual_core::config::{pick_locale, Config, Consent, Mode, Target};
use eservqual_core::draft::{self, Draft};
use eservqual_core::questionnaire::{Next, Questionnaire, Val, SCREEN};
use eservqual_core::{Error, ErrorCode, Registry};
use js_sys::{Function, Object, Promise};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDialogElement};

/// The events `on()` accepts.
const EVENTS: [&str; 7] = ["open", "close", "answer", "submit", "queued", "delivered", "failed"];

/// A survey made by `init(config)`.
#[wasm_bindgen]
pub struct Survey {
    inner: Rc<Inner>,
}

pub(crate) struct Inner {
    /// The config, the locale and the document the view is drawn with.
    ui: Ui,
    target: Option<Element>,
    consent_fn: Option<Function>,
    before_send: Option<Function>,
    st: RefCell<State>,
    handlers: RefCell<Vec<(u32, &'static str, Function)>>,
    next_handler: Cell<u32>,
    /// The one function behind every unsubscribe function (bound to a handler id).
    off: RefCell<Option<Callback>>,
    /// Delivery of this endpoint's responses, asked or not; `destroy()` stops it.
    outbox: RefCell<Option<Rc<Outbox>>>,
}

/// What changed in the questionnaire, for its draft.
enum Change<'a> {
    Step,
    Answer(&'a str, Option<Val>),
    Comment(&'a str),
}

/// Everything the widget holds on the page; `destroy()` empties it.
#[derive(Default)]
struct State {
    destroyed: bool,
    /// `None` while the consent function has not answered.
    asked: Option<bool>,
    memory: Memory,
    /// The mounted nodes.
    view: Option<View>,
    open: bool,
    q: Questionnaire,
    started_at: Option<String>,
    /// After submit: what the thank-you shows.
    thanks: Option<Thanks>,
    /// The id of the response this widget submitted: its delivery drives the status line.
    sent_id: Option<String>,
    listeners: Vec<Listener>,
    watch: Watch,
    /// The questionnaire in progress is kept to continue, under the stored draft's id
    /// (`resumeHours`; with consent, never under GPC).
    keep_draft: bool,
    /// The id a partial response of this questionnaire went out under, once one did.
    partial_id: Option<String>,
}

/// `init(config)`: the Survey, or the config's error (its one console message, naming the
/// value found, is written by the JS entry, js/index.js, which has the config at hand).
pub fn init(config: JsValue) -> Promise {
    match create(&config) {
        Ok(s) => Promise::resolve(&JsValue::from(s)),
        Err(e) => Promise::reject(&error::to_js(e)),
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
        ui: Ui { cfg, loc, doc },
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
        endpoint: inner.ui.cfg.endpoint.clone(),
        headers: inner.ui.cfg.headers.clone(),
        timeout_ms: inner.ui.cfg.timeout_ms,
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
    match (&inner.consent_fn, inner.ui.cfg.consent) {
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
    let settings = &inner.ui.cfg.settings;
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
            if ask {
                inner.resume(&mut st, env.now_ms);
            }
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
    fn cfg(&self) -> &Config {
        &self.ui.cfg
    }

    /// Where this site's draft of this instrument is kept.
    fn draft_key(&self) -> String {
        draft::key(self.cfg().site.as_deref(), &self.cfg().form.instrument.id)
    }

    /// Continues a kept draft that has not expired (consent was given: the visitor is asked).
    fn resume(&self, st: &mut State, now_ms: f64) {
        st.keep_draft = self.cfg().resume_hours > 0.0 && !dom::gpc();
        if let Some(d) = st.keep_draft.then(|| self.stored_draft(now_ms)).flatten() {
            d.resume(&mut st.q, &self.ui.cfg);
            st.started_at = d.started_at;
        }
    }

    /// Writes `change` into the kept draft, merged with what another tab may have written since:
    /// each answer keeps its latest value.
    #[inline(never)]
    fn save_draft(&self, change: Change<'_>) {
        let Ok(st) = self.st.try_borrow() else { return };
        if !st.keep_draft || st.thanks.is_some() {
            return;
        }
        let now = js_sys::Date::now();
        // None stored (or another tab submitted it): a new draft, under a new id.
        let mut d = self.stored_draft(now).unwrap_or_else(|| Draft {
            id: dom::uuid_v4(),
            started_at: st.started_at.clone(),
            ..Draft::default()
        });
        match change {
            Change::Step => {}
            Change::Answer(name, value) => d.answer(name, value, now),
            Change::Comment(text) => d.comment(text, now),
        }
        d.step = st.q.step;
        d.saved_ms = now;
        dom::storage_set(&self.draft_key(), &d.write());
    }

    /// The kept draft as stored now, unless it has expired.
    fn stored_draft(&self, now_ms: f64) -> Option<Draft> {
        let d = Draft::read(&dom::storage_get(&self.draft_key())?)?;
        (!d.expired(now_ms, self.cfg().resume_hours)).then_some(d)
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

    /// Mounts the view (`ui`) and listens to what the respondent does in it.
    #[inline(never)]
    fn mount(self: &Rc<Self>) {
        let view = self.ui.mount(self.target.as_ref());
        let weak = Rc::downgrade(self);
        let on = |(kind, read): (&'static str, ui::Read)| {
            let weak = weak.clone();
            Listener::new(view.root.as_ref(), kind, false, move |ev| {
                if let Some(inner) = weak.upgrade() {
                    if let Some(a) = read(&ev) {
                        inner.act(a);
                    }
                }
            })
        };
        let [a, b, c, d] = ui::READERS;
        let mut listeners = vec![on(a), on(b), on(c), on(d)];
        if let (true, Some(w)) = (self.cfg().partial, dom::window()) {
            let weak = weak.clone();
            listeners.push(Listener::new(w.as_ref(), "pagehide", false, move |_| {
                if let Some(inner) = weak.upgrade() {
                    inner.left();
                }
            }));
        }
        if self.cfg().mode != Mode::Inline {
            listeners.push(Listener::new(view.frame.as_ref(), "close", false, move |_| {
                if let Some(inner) = weak.upgrade() {
                    inner.closed();
                }
            }));
        }
        {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            st.view = Some(view);
            st.listeners = listeners;
        }
        self.render();
    }

    /// Wires the configured trigger (`triggers`).
    fn arm(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        let wake = move |w: Wake| {
            let Some(inner) = weak.upgrade() else { return };
            match w {
                Wake::Open => inner.open(),
                Wake::Exit => {
                    if let Ok(mut st) = inner.st.try_borrow_mut() {
                        st.watch.exit_intent = true;
                    }
                    inner.check_trigger();
                }
                Wake::Check => inner.check_trigger(),
            }
        };
        let inline = self.cfg().mode == Mode::Inline;
        if let Ok(mut st) = self.st.try_borrow_mut() {
            st.watch.arm(&self.ui.doc, &self.ui.cfg.trigger, inline, wake);
        }
    }

    /// Opens the survey when the trigger fires on what has been observed.
    fn check_trigger(self: &Rc<Self>) {
        let disarmed = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if st.destroyed || st.asked != Some(true) {
                return;
            }
            let pageviews = st.memory.pageviews;
            st.watch.fires(&self.ui.cfg.trigger, pageviews)
        };
        // The trigger's listeners and timers go, after the borrow ended.
        if let Some(disarmed) = disarmed {
            drop(disarmed);
            self.open();
        }
    }

    pub fn open(self: &Rc<Self>) {
        let (frame, first) = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if st.destroyed || st.asked != Some(true) || st.open {
                return;
            }
            let Some(view) = &st.view else { return };
            if self.cfg().mode == Mode::Inline {
                dom::remove_attr(&view.host, "hidden");
            }
            let frame = view.frame.clone();
            st.open = true;
            let first = st.started_at.is_none();
            if first {
                st.started_at = Some(dom::now_rfc3339());
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
            st.view.as_ref().map(|v| v.frame.clone())
        };
        match frame.as_ref().and_then(|f| f.dyn_ref::<HtmlDialogElement>()) {
            // The dialog's `close` event does the rest.
            Some(d) => d.close(),
            None => {
                if let Some(v) = self.st.try_borrow().ok().as_ref().and_then(|st| st.view.as_ref()) {
                    dom::attr(&v.host, "hidden", "");
                }
                self.closed();
            }
        }
    }

    /// The frame closed (Escape, the close button, `close()`): a dismissal unless submitted.
    fn closed(self: &Rc<Self>) {
        let mut partial = None;
        let launcher = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if !st.open {
                return;
            }
            st.open = false;
            if st.thanks.is_none() {
                record_dismiss(&mut st.memory, js_sys::Date::now());
                dom::storage_set(ask::MEMORY_KEY, &js::memory_json(&st.memory));
                partial = self.partial(&mut st);
                // Dismissed: the draft goes (this page keeps the answers for a reopen, which
                // then completes the partial response under its id).
                dom::storage_remove(&self.draft_key());
                st.keep_draft &= partial.is_none();
            }
            st.view.as_ref().and_then(|v| v.launcher.clone())
        };
        if let Some(l) = launcher {
            dom::focus(&l);
        }
        self.send_partial(partial);
        self.emit("close", &Object::new().into());
    }

    /// The page hides for good: what the visitor answered so far goes out as a partial
    /// response, and the draft stays to continue on the next page.
    fn left(self: &Rc<Self>) {
        let partial = self.st.try_borrow_mut().ok().and_then(|mut st| self.partial(&mut st));
        self.send_partial(partial);
    }

    /// The id this questionnaire's response goes out under: the kept draft's (none when another
    /// tab submitted it: then a new one), else the one its partial response went out under.
    fn response_id(&self, st: &State) -> Option<String> {
        match st.keep_draft {
            true => self.stored_draft(js_sys::Date::now()).map(|d| d.id),
            false => st.partial_id.clone(),
        }
    }

    /// The partial response (its id and payload) of a visitor who leaves unsubmitted, with
    /// `partial: true` and the first step complete (docs/interfaces.md "Partial responses").
    fn partial(&self, st: &mut State) -> Option<(String, JsValue)> {
        let cfg = &self.ui.cfg;
        if !cfg.partial || st.thanks.is_some() {
            return None;
        }
        let steps = st.q.steps(cfg);
        let (first, here) = (*steps.first()?, *steps.get(st.q.step)?);
        if !st.q.missing(cfg, first).is_empty() {
            return None;
        }
        let id = self.response_id(st).unwrap_or_else(dom::uuid_v4);
        st.partial_id = Some(id.clone());
        let mut out = submit::response(cfg, &self.ui.loc, &st.q, Some(id), st.started_at.clone());
        out.partial = Some(here.name(cfg).to_string());
        Some((out.id.clone(), js::outgoing(&out)))
    }

    /// Hands a partial response through `beforeSend` to the outbox (with no borrow held).
    fn send_partial(self: &Rc<Self>, partial: Option<(String, JsValue)>) {
        let Some((id, payload)) = partial else { return };
        let inner = self.clone();
        submit::before_send(self.before_send.clone(), payload, move |payload, r| inner.send(id, payload, r));
    }

    pub fn destroy(self: &Rc<Self>) {
        let (taken, partial) = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            // Taken away half-way (by the page, or by the loader as a single-page app leaves the
            // pages it is on): what was answered goes out as when the visitor leaves.
            let partial = self.partial(&mut st);
            if let Some(v) = &st.view {
                v.host.remove();
            }
            let taken = std::mem::take(&mut *st);
            st.destroyed = true;
            (taken, partial)
        };
        // The outbox goes now, or, with a partial response to queue, once `beforeSend` answered
        // (`send` drops it then: a hook that answers a Promise would otherwise settle too late).
        let queued_later = partial.is_some();
        self.send_partial(partial);
        if !queued_later {
            self.stop_outbox();
        }
        // Listeners and timers are removed as they drop, after the borrow ends.
        drop(taken);
    }

    /// Focuses the step's heading (with no borrow held: focus events run page code).
    fn focus_heading(&self) {
        let heading = self.st.try_borrow().ok().and_then(|st| ui::step_heading(&st.view.as_ref()?.body));
        if let Some(h) = heading {
            dom::focus(&h);
        }
    }

    /// Says `text` in the live region.
    fn announce(&self, text: &str) {
        if let Some(v) = self.st.try_borrow().ok().as_ref().and_then(|st| st.view.as_ref()) {
            v.live.set_text_content(Some(text));
        }
    }

    /// What the respondent did, applied to the questionnaire and drawn.
    fn act(self: &Rc<Self>, act: Act) {
        match act {
            Act::Open => self.open(),
            Act::Close => self.close(),
            Act::Back => {
                if let Ok(mut st) = self.st.try_borrow_mut() {
                    st.q.back();
                }
                self.save_draft(Change::Step);
                self.render_step();
            }
            Act::Next => self.next(),
            Act::Answer(name, val) => self.answered(name, val),
            Act::Comment(text) => {
                {
                    let Ok(mut st) = self.st.try_borrow_mut() else { return };
                    st.q.comment.clone_from(&text);
                    let st = &*st;
                    if let Some(v) = &st.view {
                        ui::update_counter(&self.ui, &v.body, &st.q);
                    }
                }
                self.save_draft(Change::Comment(&text));
            }
            Act::Number(name, n) => {
                let kept = {
                    let Ok(mut st) = self.st.try_borrow_mut() else { return };
                    st.q.number(&name, n);
                    let st = &*st;
                    if let Some(v) = &st.view {
                        ui::update_total(&self.ui, &v.body, &st.q);
                    }
                    st.q.get(&name)
                };
                self.save_draft(Change::Answer(&name, kept));
            }
        }
    }

    /// Next or Submit: the errors shown, the next step, or the response submitted.
    fn next(self: &Rc<Self>) {
        let next = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if st.thanks.is_some() {
                return;
            }
            st.q.next(&self.ui.cfg)
        };
        match next {
            Next::Missing => {
                self.render();
                // Announce the errors and focus the first missing item.
                let shown = self.st.try_borrow().ok().and_then(|st| ui::errors_shown(&st.view.as_ref()?.body, &st.q));
                if let Some((text, input)) = shown {
                    self.announce(&text);
                    if let Some(i) = input {
                        dom::focus(&i);
                    }
                }
            }
            Next::Moved => {
                self.save_draft(Change::Step);
                self.render_step();
            }
            Next::Submit => self.submit(),
        }
    }

    fn answered(self: &Rc<Self>, name: String, val: Val) {
        {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            st.q.answer(&name, val);
            let st = &*st;
            if let Some(v) = &st.view {
                ui::clear_error(&v.body, &st.q, &name);
                if name == SCREEN {
                    ui::update_progress(&self.ui, &v.body, &st.q);
                }
            }
        }
        self.save_draft(Change::Answer(&name, Some(val)));
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

    /// Renders the current step (or the thank-you).
    fn render(&self) {
        let Ok(st) = self.st.try_borrow() else { return };
        if let Some(v) = &st.view {
            ui::render(&self.ui, &v.body, &st.q, st.thanks.as_ref());
        }
    }

    /// Renders the step moved to, announces it and focuses its heading.
    fn render_step(&self) {
        self.render();
        let text = match self.st.try_borrow() {
            Ok(st) if st.thanks.is_none() => st.view.as_ref().map(|v| ui::step_announcement(&self.ui, &v.body, &st.q)),
            _ => None,
        };
        if let Some(t) = text {
            self.announce(&t);
        }
        self.focus_heading();
    }

    #[inline(never)]
    fn submit(self: &Rc<Self>) {
        let built = {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            let cfg = &self.ui.cfg;
            // The id of the draft still stored (another tab may have submitted it since), which
            // then goes: the outbox holds the response from here.
            let id = self.response_id(&st);
            dom::storage_remove(&self.draft_key());
            let out = submit::response(cfg, &self.ui.loc, &st.q, id, st.started_at.clone());
            let summary = if cfg.show_summary { summary(cfg, &self.ui.loc, &out.scores) } else { Vec::new() };
            st.thanks = Some(Thanks { summary, status: Some(self.ui.t("ui.status.sending")) });
            record_submit(&mut st.memory, js_sys::Date::now());
            dom::storage_set(ask::MEMORY_KEY, &js::memory_json(&st.memory));
            out
        };
        let payload = js::outgoing(&built);
        let scores = js::scores(&built.scores);
        self.render();
        self.announce(&self.ui.t("ui.thanks.title"));
        self.focus_heading();
        let detail = Object::new();
        set(&detail, "payload", payload.clone());
        set(&detail, "scores", scores);
        self.emit("submit", &detail.into());
        let inner = self.clone();
        let id = built.id;
        dom::later(move || {
            let hook = inner.before_send.clone();
            submit::before_send(hook, payload, move |payload, r| inner.send(id, payload, r));
        });
    }

    /// Hands what `beforeSend` answered to the outbox, or says why nothing is sent.
    fn send(&self, id: String, payload: JsValue, hook: dom::Settled) {
        // The complete response (the thank-you is up), not a partial one: the status line's.
        let own = self.st.try_borrow().is_ok_and(|st| st.thanks.is_some());
        match submit::body(payload, hook) {
            Ok(text) => {
                if let (true, Ok(mut st)) = (own, self.st.try_borrow_mut()) {
                    st.sent_id = Some(id.clone());
                }
                let outbox = self.outbox.try_borrow().ok().and_then(|o| o.clone());
                if let Some(o) = outbox {
                    o.submit(id, text);
                }
            }
            Err(reason) => {
                // Cancelled by the page: no failure to show.
                if own {
                    self.set_status((reason != "cancelled").then(|| self.ui.t("ui.status.failed")));
                }
                self.emit("failed", &submit::delivery_event(&id, Some(reason), None).into());
            }
        }
        // Destroyed while `beforeSend` was answering: its outbox (kept for this) goes now.
        if self.st.try_borrow().is_ok_and(|st| st.destroyed) {
            self.stop_outbox();
        }
    }

    /// Stops this survey's outbox: its listeners and timer go (a send in flight still settles).
    fn stop_outbox(&self) {
        let outbox = self.outbox.try_borrow_mut().ok().and_then(|mut o| o.take());
        drop(outbox);
    }

    /// Turns what the outbox reports into an event, and into the status line when it is about
    /// this widget's own response.
    fn delivery_report(&self, report: Report) {
        let (event, id, status_key) = submit::report_event(&report);
        let own = self.st.try_borrow().is_ok_and(|st| st.sent_id.as_deref() == Some(id));
        if let (true, Some(key)) = (own, status_key) {
            self.set_status(Some(self.ui.t(key)));
        }
        if let Some((name, detail)) = event {
            self.emit(name, &detail.into());
        }
    }

    fn set_status(&self, text: Option<String>) {
        {
            let Ok(mut st) = self.st.try_borrow_mut() else { return };
            if st.destroyed {
                return;
            }
            let st = &mut *st;
            if let Some(t) = &mut st.thanks {
                t.status = text.clone();
            }
            if let Some(v) = &st.view {
                ui::update_status(&v.body, text.as_deref());
            }
        }
        if let Some(t) = text {
            self.announce(&t);
        }
    }
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
            st.watch.events.push(name.to_string());
        }
        if matches!(&self.inner.ui.cfg.trigger, Trigger::Event { name: n } if n == name) {
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
