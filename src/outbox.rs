//! The durable outbox (docs/reliability.md "Delivery"): a response is saved under its own
//! localStorage key before the first attempt (in memory when storage fails), attempted under a
//! per-response Web Lock so two tabs never send it at once, rescheduled by the core's retry
//! rules, and removed only once delivered or given up. Flushed on start, on `online` and on a
//! timer while anything is pending; re-sent with `keepalive` as the page hides.

use crate::delivery::{self, Transport};
use crate::dom::{self, Listener, Timeout};
use eservqual_core::outbox::{self as rules, Entry, Stored};
use eservqual_core::retry::{Next, Outcome};
use js_sys::{Array, Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Storage;

/// What the outbox tells its survey, which turns it into events and the widget's status.
pub enum Report {
    /// Saved (`stored: false`: storage refused it, so it lives in memory while the page does).
    Queued {
        id: String,
        stored: bool,
    },
    /// An attempt failed and another is scheduled.
    Waiting {
        id: String,
    },
    Delivered {
        id: String,
        status: u16,
        attempts: u32,
    },
    Failed {
        id: String,
        reason: &'static str,
        status: Option<u16>,
    },
}

/// The shortest wait of the flush timer: a response locked by another tab is looked at again
/// after this, not in a busy loop.
const MIN_WAKE_MS: f64 = 1_000.0;

thread_local! {
    /// Responses that storage would not take; still sent while the page lives (and by any
    /// later `init` on it with the same endpoint).
    static MEMORY: RefCell<Vec<Stored>> = const { RefCell::new(Vec::new()) };
    /// Ids with an attempt in flight from this page.
    static SENDING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The locks of responses this page delivered or gave up, held while the page lives.
    /// Another tab's copy of localStorage learns of the removal a little later than the lock
    /// manager learns of a release, so releasing at once would let that tab read the entry
    /// stale and send it again; a lock still held makes it skip.
    static SETTLED: RefCell<Vec<(String, Lock)>> = const { RefCell::new(Vec::new()) };
}

/// The outbox of one endpoint on this page; dropping it removes its listeners and timer (a
/// send in flight still settles its stored entry).
pub struct Outbox {
    transport: Rc<Transport>,
    sink: Box<dyn Fn(Report)>,
    timer: RefCell<Option<Timeout>>,
    listeners: RefCell<Vec<Listener>>,
    /// The page has hidden and the keepalive copies went out: a page that closes fires both
    /// `visibilitychange` and `pagehide`, and one copy is enough. Cleared when visible again.
    hid: Cell<bool>,
}

impl Outbox {
    /// Starts the outbox and flushes what is pending for its endpoint, ignoring the schedule.
    pub fn start(transport: Transport, sink: impl Fn(Report) + 'static) -> Rc<Outbox> {
        let window = dom::window();
        let outbox = Rc::new(Outbox {
            transport: Rc::new(transport),
            sink: Box::new(sink),
            timer: RefCell::new(None),
            listeners: RefCell::new(Vec::new()),
            hid: Cell::new(false),
        });
        if let Some(w) = window {
            let on = |f: fn(&Rc<Outbox>, JsValue)| {
                let weak = Rc::downgrade(&outbox);
                move |ev: JsValue| {
                    if let Some(o) = weak.upgrade() {
                        f(&o, ev)
                    }
                }
            };
            let mut listeners = vec![
                Listener::new(&w, "online", false, on(|o, _| o.flush(true))),
                Listener::new(&w, "pagehide", false, on(|o, _| o.hidden())),
            ];
            if let Some(doc) = w.document() {
                listeners.push(Listener::new(
                    &doc,
                    "visibilitychange",
                    false,
                    on(|o, _| {
                        let hidden = dom::document()
                            .is_some_and(|d| dom::get(&d, "visibilityState").as_string().as_deref() == Some("hidden"));
                        if hidden {
                            o.hidden();
                        } else {
                            o.hid.set(false);
                        }
                    }),
                ));
            }
            *outbox.listeners.borrow_mut() = listeners;
        }
        let weak = Rc::downgrade(&outbox);
        dom::later(move || {
            if let Some(o) = weak.upgrade() {
                o.flush(true);
            }
        });
        outbox
    }

    /// Queues a response (refused with a `failed` report when too large or the outbox is
    /// full; nothing pending is dropped for it), then attempts it at once, and once more with
    /// `keepalive` when the page is hiding. A response of an id queued before (a partial
    /// response, then the complete one) replaces it.
    pub fn submit(self: &Rc<Self>, id: String, body: String) {
        let held: Vec<Entry> = pending().into_iter().map(|s| s.entry).collect();
        if let Err(refusal) = rules::admit(&held, body.len()) {
            return (self.sink)(Report::Failed { id, reason: refusal.reason(), status: None });
        }
        let now = js_sys::Date::now();
        let entry =
            Entry { id: id.clone(), bytes: body.len(), queued_ms: now, first_ms: None, attempts: 0, next_ms: now };
        // The lock of this id's earlier response, delivered from this page, no longer guards
        // anything: a stale copy of that one reaching the collector after this one changes
        // nothing there (docs/interfaces.md "Partial responses").
        SETTLED.with(|s| s.borrow_mut().retain(|(held, _)| *held != id));
        let stored = Stored { entry, endpoint: self.transport.endpoint.clone(), body };
        if self.hid.get() {
            send(&self.transport, Rc::downgrade(self), &stored, None);
        }
        let saved = save(stored);
        (self.sink)(Report::Queued { id: id.clone(), stored: saved });
        self.attempt(id);
    }

    /// Attempts every pending response of this endpoint that is due (all of them when
    /// `ignore_schedule`), then sets the timer for the next.
    fn flush(self: &Rc<Self>, ignore_schedule: bool) {
        let entries = self.entries();
        for id in rules::due(&entries, js_sys::Date::now(), ignore_schedule) {
            self.attempt(id.to_string());
        }
        // The attempts only start here (their locks are granted later): the entries just read
        // still say what is pending, so storage is not read again for the timer.
        self.wake_for(&entries);
    }

    /// The page is hiding: what fits in the keepalive budget goes out once more with
    /// `keepalive`, outside the locks (the page may be gone before a lock is granted). A copy
    /// that arrives twice is deduplicated by the receiver.
    fn hidden(self: &Rc<Self>) {
        if self.hid.replace(true) {
            return;
        }
        let mine = self.mine();
        let entries: Vec<Entry> = mine.iter().map(|s| s.entry.clone()).collect();
        for id in rules::keepalive_batch(&entries) {
            let Some(s) = mine.iter().find(|s| s.entry.id == id) else { continue };
            send(&self.transport, Rc::downgrade(self), s, None);
        }
    }

    /// One attempt at `id` under its Web Lock; skipped when this page is already sending it or
    /// another tab holds the lock.
    fn attempt(self: &Rc<Self>, id: String) {
        let fresh = SENDING.with(|s| {
            let mut s = s.borrow_mut();
            let fresh = !s.contains(&id);
            if fresh {
                s.push(id.clone());
            }
            fresh
        });
        if !fresh {
            return;
        }
        let (weak, transport) = (Rc::downgrade(self), self.transport.clone());
        with_lock(&rules::key(&id), move |lock| {
            // Read again under the lock: another tab may have delivered it meanwhile.
            match lock.and_then(|l| Some((l, load(&id)?))) {
                Some((lock, stored)) => send(&transport, weak, &stored, Some(lock)),
                None => {
                    done_sending(&id);
                    settled(&weak, None);
                }
            }
        });
    }

    /// Sets the flush timer to the earliest due time of what is pending. Responses in flight
    /// (from this outbox, an earlier one on the page, or another tab) count too, so whatever
    /// settles them is followed up here; [`MIN_WAKE_MS`] keeps that from spinning.
    fn schedule(self: &Rc<Self>) {
        self.wake_for(&self.entries());
    }

    /// Sets the flush timer for these pending entries.
    fn wake_for(self: &Rc<Self>, waiting: &[Entry]) {
        let timer = rules::next_wake(waiting).map(|at| {
            let weak = Rc::downgrade(self);
            let wait = (at - js_sys::Date::now()).max(MIN_WAKE_MS);
            Timeout::new(wait, move |_| {
                if let Some(o) = weak.upgrade() {
                    o.flush(false);
                }
            })
        });
        if let Ok(mut t) = self.timer.try_borrow_mut() {
            *t = timer;
        }
    }

    /// The schedules of what is pending for this outbox's endpoint.
    fn entries(&self) -> Vec<Entry> {
        self.mine().into_iter().map(|s| s.entry).collect()
    }

    /// What is pending for this outbox's endpoint.
    fn mine(&self) -> Vec<Stored> {
        let mut all = pending();
        all.retain(|s| s.endpoint == self.transport.endpoint);
        all
    }
}

/// Sends `stored` once and settles its entry. A normal attempt holds the response's `lock` and
/// its in-flight mark until the entry says what happened: the mark is then cleared, and the
/// lock released when the response waits for another attempt or kept in [`SETTLED`] when it is
/// gone. A keepalive copy (`None`) holds neither.
fn send(transport: &Transport, outbox: Weak<Outbox>, stored: &Stored, lock: Option<Lock>) {
    let (id, queued_ms) = (stored.entry.id.clone(), stored.entry.queued_ms);
    delivery::attempt(transport, &stored.body, lock.is_none(), move |outcome, retry_after| {
        let report = complete(&id, queued_ms, outcome, retry_after.as_deref());
        if let Some(lock) = lock {
            done_sending(&id);
            if matches!(report, Some(Report::Delivered { .. } | Report::Failed { .. })) {
                SETTLED.with(|s| s.borrow_mut().push((id, lock)));
            }
        }
        settled(&outbox, report);
    });
}

/// Clears the in-flight mark of `id`.
fn done_sending(id: &str) {
    SENDING.with(|s| s.borrow_mut().retain(|x| x != id));
}

/// Tells a live outbox what an attempt came to and reschedules it.
fn settled(outbox: &Weak<Outbox>, report: Option<Report>) {
    if let Some(o) = outbox.upgrade() {
        if let Some(r) = report {
            (o.sink)(r);
        }
        o.schedule();
    }
}

/// Applies an attempt's outcome to the stored entry queued at `queued_ms`: removed when
/// delivered or given up, rescheduled otherwise. `None` when that entry is gone already (another
/// copy settled it) or was replaced meanwhile (the complete response of a partial one in flight),
/// which then waits for its own attempt.
fn complete(id: &str, queued_ms: f64, outcome: Outcome, retry_after: Option<&str>) -> Option<Report> {
    let mut stored = load(id).filter(|s| s.entry.queued_ms == queued_ms)?;
    let now = js_sys::Date::now();
    let counted = stored.entry.attempts;
    let (kept, next) = rules::after_attempt(stored.entry.clone(), outcome, retry_after, now, js_sys::Math::random());
    let id = id.to_string();
    match (next, kept) {
        (Next::Retry { .. }, Some(entry)) => {
            stored.entry = entry;
            save(stored);
            Some(Report::Waiting { id })
        }
        (Next::GiveUp(g), _) => {
            remove(&id);
            Some(Report::Failed { id, reason: g.reason(), status: g.status() })
        }
        (_, _) => {
            remove(&id);
            let status = match outcome {
                Outcome::Status(s) => s,
                _ => 200,
            };
            Some(Report::Delivered { id, status, attempts: counted + 1 })
        }
    }
}

/// `localStorage`, or `None` when the page may not use it.
fn storage() -> Option<Storage> {
    dom::window()?.local_storage().ok().flatten()
}

/// Every pending response on this origin, stored or in memory.
fn pending() -> Vec<Stored> {
    let mut out: Vec<Stored> = Vec::new();
    if let Some(s) = storage() {
        let n = s.length().unwrap_or(0);
        for i in 0..n {
            let Some(key) = s.key(i).ok().flatten() else { continue };
            let Some(id) = rules::id_of_key(&key) else { continue };
            if let Some(stored) = s.get_item(&key).ok().flatten().and_then(|v| Stored::decode(id, &v)) {
                out.push(stored);
            }
        }
    }
    MEMORY.with(|m| {
        for held in m.borrow().iter() {
            if !out.iter().any(|s| s.entry.id == held.entry.id) {
                out.push(held.clone());
            }
        }
    });
    out
}

/// The pending response `id`, from storage or memory.
fn load(id: &str) -> Option<Stored> {
    let stored =
        storage().and_then(|s| s.get_item(&rules::key(id)).ok().flatten()).and_then(|v| Stored::decode(id, &v));
    stored.or_else(|| MEMORY.with(|m| m.borrow().iter().find(|s| s.entry.id == id).cloned()))
}

/// Saves a pending response: to storage (`true`), or to memory when storage refuses it.
fn save(stored: Stored) -> bool {
    let key = rules::key(&stored.entry.id);
    let written = storage().is_some_and(|s| s.set_item(&key, &stored.encode()).is_ok());
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|s| s.entry.id != stored.entry.id);
        if !written {
            m.push(stored);
        }
    });
    written
}

/// Forgets a pending response everywhere.
fn remove(id: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&rules::key(id));
    }
    MEMORY.with(|m| m.borrow_mut().retain(|s| s.entry.id != id));
}

/// A Web Lock held until dropped (RAII); `Lock(None)` where the browser has no Web Locks.
struct Lock(Option<Function>);

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Runs `f` holding the Web Lock `name` if no one else holds it: `f(Some(lock))`, held until
/// `lock` drops; `f(None)` when another tab holds it. Without the Web Locks API (an old
/// browser) `f` runs at once, unlocked.
fn with_lock(name: &str, f: impl FnOnce(Option<Lock>) + 'static) {
    let slot = Rc::new(RefCell::new(Some(f)));
    let take = move || slot.try_borrow_mut().ok().and_then(|mut s| s.take());
    let locks = dom::window().map_or(JsValue::UNDEFINED, |w| dom::get(&w.navigator(), "locks"));
    let Some(request) = dom::get(&locks, "request").dyn_into::<Function>().ok() else {
        if let Some(f) = take() {
            f(Some(Lock(None)));
        }
        return;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let take_in_lock = take.clone();
    // Called exactly once by the browser (with `null` when the lock is taken), so it frees
    // itself after that call.
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let Some(f) = take_in_lock() else { return JsValue::UNDEFINED };
        if lock.is_null() {
            f(None);
            return JsValue::UNDEFINED;
        }
        let mut resolve = None;
        let held = Promise::new(&mut |res, _| resolve = Some(res));
        f(Some(Lock(resolve)));
        held.into()
    });
    let args = Array::of3(&JsValue::from_str(name), &options, &callback);
    match request.apply(&locks, &args).map(|p| p.dyn_into::<Promise>()) {
        // The request's own promise: a rejection (the page torn down) is not the page's concern.
        Ok(Ok(p)) => dom::settle(&p, |_| ()),
        Ok(Err(_)) => {}
        Err(_) => {
            if let Some(f) = take() {
                f(Some(Lock(None)));
            }
        }
    }
}
