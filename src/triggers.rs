//! When the questionnaire opens by itself: the listeners and timers of the configured trigger,
//! what they have observed (scroll depth, exit intent, page events), and the core's rule
//! (`ask::trigger_fires`) applied to it. Each trigger fires at most once.

use crate::dom::{self, Listener, Timeout};
use eservqual_core::ask::{trigger_fires, Trigger, TriggerState};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, MouseEvent};

/// What woke the survey up.
#[derive(Clone, Copy, PartialEq)]
pub enum Wake {
    /// Open now (an inline survey with a manual trigger shows at once).
    Open,
    /// Something was observed: check whether the trigger fires.
    Check,
    /// The pointer left the page at the top: exit intent, then check.
    Exit,
}

/// The armed trigger: its listeners and timers (removed when dropped) and what they observed.
#[derive(Default)]
pub struct Watch {
    handles: Vec<Listener>,
    timers: Vec<Timeout>,
    /// The names given to `trigger(name)` so far.
    pub events: Vec<String>,
    pub exit_intent: bool,
    max_scroll: f64,
}

impl Watch {
    /// Wires `trigger`: `wake` is called from the listeners and timers it needs.
    pub fn arm(&mut self, doc: &Document, trigger: &Trigger, inline: bool, wake: impl Fn(Wake) + Clone + 'static) {
        let check = {
            let wake = wake.clone();
            move |_: JsValue| wake(Wake::Check)
        };
        match trigger {
            Trigger::Manual if inline => self.timers.push(Timeout::new(0.0, move |_| wake(Wake::Open))),
            Trigger::Manual | Trigger::Event { .. } => {}
            Trigger::Load | Trigger::Pageviews { .. } => self.timers.push(Timeout::new(0.0, check)),
            // One millisecond late: the page's clock is coarsened, so at the exact time it may
            // still read a little before `ms`, and the check would find the delay not over.
            Trigger::Delay { ms } => self.timers.push(Timeout::new(ms + 1.0 - dom::elapsed_ms(), check)),
            Trigger::ExitIntent => {
                self.handles.push(Listener::new(doc.as_ref(), "mouseout", true, move |ev| {
                    let Some(m) = ev.dyn_ref::<MouseEvent>() else { return };
                    if m.related_target().is_none() && m.client_y() <= 0 {
                        wake(Wake::Exit);
                    }
                }));
            }
            Trigger::Scroll { .. } => {
                self.timers.push(Timeout::new(0.0, check.clone()));
                if let Some(w) = dom::window() {
                    self.handles.push(Listener::new(w.as_ref(), "scroll", true, check));
                }
            }
        }
    }

    /// Whether `trigger` fires on what has been observed (with the page views counted so far);
    /// when it does, the listeners and timers are handed back to be dropped once no borrow is
    /// held.
    pub fn fires(&mut self, trigger: &Trigger, pageviews: u32) -> Option<(Vec<Listener>, Vec<Timeout>)> {
        self.max_scroll = self.max_scroll.max(dom::scroll_percent());
        let state = TriggerState {
            elapsed_ms: dom::elapsed_ms(),
            max_scroll_percent: self.max_scroll,
            exit_intent: self.exit_intent,
            pageviews,
            events: self.events.clone(),
        };
        trigger_fires(trigger, &state).then(|| (std::mem::take(&mut self.handles), std::mem::take(&mut self.timers)))
    }
}
