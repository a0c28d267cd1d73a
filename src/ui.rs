//! The questionnaire's DOM, drawn from the config, the locale and the core's
//! [`Questionnaire`]: the host with its open shadow root, stylesheet, launcher and frame
//! ([`Ui::mount`]); one step per dimension (then the recovery screening and E-RecS-QUAL, the
//! outcomes, the weights), each item a `fieldset` + `legend` of native radios with N/A, errors
//! linked with `aria-describedby`; the thank-you with the summary; and what the respondent did,
//! read back from the events ([`READERS`]). Every string is set as text.

use crate::dom::{self, add, add_text, attr};
use eservqual_core::config::{Config, Mode, Outcome, ThemeMode, UiLocale};
use eservqual_core::instrument::{Field, Format};
use eservqual_core::payload::{COMMENT_MAX_CHARS, LOYALTY_ITEMS, VALUE_ITEMS};
use eservqual_core::questionnaire::{
    fields_in_order, key, numbered, recovery, weight_key, Questionnaire, Step, Val, SCREEN, WEIGHTS,
};
use eservqual_core::text::{fill, int, integer};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, ShadowRoot};

/// What the view is drawn with: the config, the locale it speaks and the page's document.
pub struct Ui {
    pub cfg: Config,
    pub loc: UiLocale,
    pub doc: Document,
}

/// The nodes of a mounted survey.
pub struct View {
    /// The element with `data-eservqual` and the open shadow root.
    pub host: Element,
    /// Where the form's events are listened to.
    pub root: ShadowRoot,
    pub launcher: Option<Element>,
    /// The `<dialog>` (popover) or `<section>` (inline).
    pub frame: Element,
    /// The live region.
    pub live: Element,
    /// Where the steps are rendered.
    pub body: Element,
}

/// What the thank-you shows after submit.
#[derive(Default)]
pub struct Thanks {
    /// The friendly summary's lines (none unless `showSummary`).
    pub summary: Vec<String>,
    /// The delivery's status line.
    pub status: Option<String>,
}

/// What the respondent did, as read from an event in the shadow root.
pub enum Act {
    /// The launcher (`data-act="open"`).
    Open,
    /// The close button or the thank-you's Close (`data-act="close"`).
    Close,
    /// Back (`data-act="back"`).
    Back,
    /// The form submitted (Next or Submit).
    Next,
    /// A radio group answered.
    Answer(String, Val),
    /// The comment typed.
    Comment(String),
    /// A number typed into (or cleared from) a weight input.
    Number(String, Option<i16>),
}

impl Ui {
    /// Text of `key` in the widget's locale.
    pub fn t(&self, key: &str) -> String {
        self.cfg.text(&self.loc, key)
    }

    /// Builds the host element, its open shadow root, stylesheet, launcher and frame, and puts
    /// the host into `target` (else the body); inline, the host stays hidden until opened.
    #[inline(never)]
    pub fn mount(&self, target: Option<&Element>) -> View {
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
        if inline {
            dom::attr(&host, "hidden", "");
        }
        let parent: Option<Element> = match target {
            Some(t) => Some(t.clone()),
            None => doc.body().map(Into::into),
        };
        if let Some(p) = parent {
            dom::append(&p, &host);
        }
        View { host, root, launcher, frame, live, body }
    }
}

/// A reader of one kind of event in the shadow root: what it means, if anything.
pub type Read = fn(&JsValue) -> Option<Act>;

/// The events of the shadow root, each with its reader.
pub const READERS: [(&str, Read); 4] =
    [("click", clicked), ("submit", submitted), ("change", changed), ("input", typed)];

fn clicked(ev: &JsValue) -> Option<Act> {
    let el = dom::target_element(ev)?;
    let act = dom::closest(&el, "[data-act]").and_then(|b| dom::get_attr(&b, "data-act"))?;
    match act.as_str() {
        "open" => Some(Act::Open),
        "close" => Some(Act::Close),
        "back" => Some(Act::Back),
        _ => None,
    }
}

/// The form's own submit is cancelled: the widget validates and moves on itself.
fn submitted(ev: &JsValue) -> Option<Act> {
    dom::prevent_default(ev);
    Some(Act::Next)
}

fn changed(ev: &JsValue) -> Option<Act> {
    let input = dom::target_element(ev).and_then(|e| dom::input_of(&e.into()))?;
    if input.type_() != "radio" {
        return None;
    }
    let value = input.value();
    let val = if value == "na" {
        Val::Na
    } else {
        integer(&value).and_then(|n| i16::try_from(n).ok()).map_or(Val::Na, Val::N)
    };
    Some(Act::Answer(input.name(), val))
}

fn typed(ev: &JsValue) -> Option<Act> {
    let el = dom::target_element(ev)?;
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return Some(Act::Comment(t.value()));
    }
    let i = dom::input_of(&el.into())?;
    if i.type_() != "number" {
        return None;
    }
    // `valueAsNumber` (NaN when empty): no float parser in the wasm. The cast saturates; the
    // questionnaire holds the number to 0..=100.
    let v = i.value_as_number();
    Some(Act::Number(i.name(), v.is_finite().then(|| v.round() as i16)))
}

/// The step counter in the wording of `key` (`ui.progress`, `ui.step.announce`), with the
/// current step and the total. While the number of steps is not known (until the recovery
/// screening question is answered, it decides whether three more steps come), the wording is
/// `key.open`, which leaves the total out.
fn progress_text(ui: &Ui, q: &Questionnaire, key: &str, title: &str) -> (String, usize, usize) {
    let (current, total) = q.progress(&ui.cfg);
    let mut key = String::from(key);
    if !q.total_known(&ui.cfg) {
        key.push_str(".open");
    }
    let text = fill(&ui.t(&key), &[("current", &int(current as i64)), ("total", &int(total as i64)), ("title", title)]);
    (text, current, total)
}

/// Renders the current step, or the thank-you after submit, into the body.
#[inline(never)]
pub fn render(ui: &Ui, body: &Element, q: &Questionnaire, thanks: Option<&Thanks>) {
    dom::clear(body);
    let doc = &ui.doc;
    if let Some(thanks) = thanks {
        render_done(ui, thanks, doc, body);
        return;
    }
    let steps = q.steps(&ui.cfg);
    let Some(&step) = steps.get(q.step) else { return };
    let (text, current, total) = progress_text(ui, q, "ui.progress", "");
    let prog = add(doc, body, "div", "prog");
    add_text(doc, &prog, "span", "", &text).set_id("eq-prog");
    let bar = add(doc, &prog, "progress", "");
    attr(&bar, "max", &int(total as i64));
    attr(&bar, "value", &int(current as i64));
    attr(&bar, "aria-hidden", "true");

    let heading = |text: &str| {
        let h = add_text(doc, body, "h3", "", text);
        h.set_id("eq-step");
        attr(&h, "tabindex", "-1");
        h
    };
    let cfg = &ui.cfg;
    match step {
        Step::Dim(d) => {
            let dim = &cfg.form.instrument.dimensions[d];
            // The intro is about the whole questionnaire: above the first dimension's heading.
            if q.step == 0 {
                add_text(doc, body, "p", "mu", &ui.t("ui.intro"));
            }
            heading(&ui.t(&prefixed("dimension.", &dim.code)));
            let hint_key = prefixed("dimension.", &dim.code) + ".hint";
            let hint = ui.t(&hint_key);
            if hint != hint_key {
                add_text(doc, body, "p", "mu", &hint);
            }
            add_text(doc, body, "p", "mu", &ui.t(&(prefixed("format.", cfg.form.format.as_str()) + ".prompt")));
            summary_error(ui, q, doc, body);
            for item in &dim.items {
                item_block(ui, q, doc, body, &item.code, cfg.form.format);
            }
        }
        Step::Screen => {
            let question = ui.t("recovery.screening.question");
            heading(&ui.t("ui.step.recovery"));
            summary_error(ui, q, doc, body);
            let fs = group_frame(ui, q, doc, body, SCREEN, &question);
            let row = add(doc, &fs, "div", "yn");
            for (value, label) in [("1", "recovery.screening.yes"), ("0", "recovery.screening.no")] {
                let checked = q.get(SCREEN) == Some(Val::N(if value == "1" { 1 } else { 0 }));
                radio(doc, &row, "opt", SCREEN, value, &ui.t(label), checked);
            }
            error_note(ui, q, doc, &fs, SCREEN);
        }
        Step::Rec(d) => {
            let Some(r) = recovery() else { return };
            let dim = &r.dimensions[d];
            heading(&ui.t(&prefixed("dimension.", &dim.code)));
            if d == 0 {
                add_text(doc, body, "p", "mu", &ui.t("recovery.intro"));
            }
            summary_error(ui, q, doc, body);
            for item in &dim.items {
                item_block(ui, q, doc, body, &item.code, Format::Perception);
            }
        }
        Step::Outcomes => {
            heading(&ui.t("ui.step.outcomes"));
            let scale = cfg.form.scale();
            for o in &cfg.outcomes {
                match o {
                    Outcome::Nps => scale_group(
                        ui,
                        q,
                        doc,
                        body,
                        "nps",
                        &ui.t("outcome.nps.question"),
                        (0, 10),
                        "outcome.nps",
                        false,
                    ),
                    Outcome::Csat => scale_group(
                        ui,
                        q,
                        doc,
                        body,
                        "csat",
                        &ui.t("outcome.csat.question"),
                        (1, 5),
                        "outcome.csat",
                        false,
                    ),
                    Outcome::Ces => scale_group(
                        ui,
                        q,
                        doc,
                        body,
                        "ces",
                        &ui.t("outcome.ces.question"),
                        (1, 7),
                        "outcome.ces",
                        false,
                    ),
                    Outcome::Satisfaction => scale_group(
                        ui,
                        q,
                        doc,
                        body,
                        "satisfaction",
                        &ui.t("outcome.satisfaction.question"),
                        (scale.min, scale.max),
                        "outcome.satisfaction",
                        false,
                    ),
                    Outcome::Value | Outcome::Loyalty => {
                        let (name, n, range) = if *o == Outcome::Value {
                            ("value", VALUE_ITEMS, (1, 10))
                        } else {
                            ("loyalty", LOYALTY_ITEMS, (1, 5))
                        };
                        for i in 1..=n {
                            let k = numbered(name, i);
                            let question = prefixed("outcome.", &k);
                            scale_group(
                                ui,
                                q,
                                doc,
                                body,
                                &k,
                                &ui.t(&question),
                                range,
                                &prefixed("outcome.", name),
                                false,
                            );
                        }
                    }
                    Outcome::Comment => comment(ui, q, doc, body),
                }
            }
        }
        Step::Weights => {
            heading(&ui.t("ui.step.weights"));
            summary_error(ui, q, doc, body);
            let fs = add(doc, body, "fieldset", if q.errors.is_empty() { "q" } else { "q bad" });
            fs.set_id("g-weights");
            add_text(doc, &fs, "legend", "", &ui.t("weights.question"));
            for d in cfg.form.dimensions() {
                let row = add(doc, &fs, "label", "w");
                add_text(doc, &row, "span", "", &ui.t(&prefixed("dimension.", &d.code)));
                let input = add(doc, &row, "input", "");
                let k = weight_key(&d.code);
                attr(&input, "type", "number");
                attr(&input, "name", &k);
                attr(&input, "min", "0");
                attr(&input, "max", "100");
                attr(&input, "step", "1");
                attr(&input, "inputmode", "numeric");
                if let Some(Val::N(x)) = q.answers.get(&k) {
                    attr(&input, "value", &int(i64::from(*x)));
                }
            }
            let out = add_text(doc, &fs, "output", "", &total_text(ui, q));
            out.set_id("eq-total");
            if !q.errors.is_empty() {
                let total = int(i64::from(q.weights_total(&ui.cfg)));
                let e = add_text(doc, &fs, "p", "err", &fill(&ui.t("weights.error"), &[("total", &total)]));
                e.set_id("e-weights");
                attr(&fs, "aria-describedby", "e-weights");
            }
        }
    }
    let nav = add(doc, body, "div", "nav");
    if q.step > 0 {
        let b = add_text(doc, &nav, "button", "btn sec", &ui.t("ui.back"));
        attr(&b, "type", "button");
        attr(&b, "data-act", "back");
    }
    let last = q.step + 1 >= steps.len();
    let b = add_text(doc, &nav, "button", "btn pri", &ui.t(if last { "ui.submit" } else { "ui.next" }));
    attr(&b, "type", "submit");
}

fn prefixed(prefix: &str, rest: &str) -> String {
    let mut s = String::from(prefix);
    s.push_str(rest);
    s
}

fn total_text(ui: &Ui, q: &Questionnaire) -> String {
    fill(&ui.t("weights.total"), &[("total", &int(i64::from(q.weights_total(&ui.cfg))))])
}

/// The step's error summary ("3 questions still need an answer."), when there are errors.
fn summary_error(ui: &Ui, q: &Questionnaire, doc: &Document, body: &Element) {
    if q.errors.is_empty() || q.errors[0] == WEIGHTS {
        return;
    }
    let text = if q.errors.len() == 1 {
        ui.t("ui.error.missing_one")
    } else {
        fill(&ui.t("ui.error.summary"), &[("count", &int(q.errors.len() as i64))])
    };
    add_text(doc, body, "p", "err sum", &text).set_id("eq-sum");
}

/// An item: one group in perception format, a fieldset of two or three groups otherwise.
#[inline(never)]
fn item_block(ui: &Ui, q: &Questionnaire, doc: &Document, body: &Element, code: &str, format: Format) {
    let text = ui.t(&prefixed("item.", code));
    let zone = format == Format::Zone;
    let (range, anchors) =
        if zone { ((1, 9), "scale.zone") } else { ((ui.cfg.form.scale().min, ui.cfg.form.scale().max), "scale.agree") };
    // Recovery items are always on 1-5.
    let range = if ui.cfg.form.instrument.item_index(code).is_none() { (1, 5) } else { range };
    if format == Format::Perception {
        scale_group(ui, q, doc, body, &key(code, Field::P), &text, range, anchors, true);
        return;
    }
    let fs = add(doc, body, "fieldset", "q");
    add_text(doc, &fs, "legend", "", &text);
    for &f in fields_in_order(format) {
        let label = match f {
            Field::E => "format.gap.expectation",
            Field::P if format == Format::Gap => "format.gap.perception",
            Field::P => "format.zone.perceived",
            Field::Min => "format.zone.minimum",
            Field::Des => "format.zone.desired",
        };
        scale_group(ui, q, doc, &fs, &key(code, f), &ui.t(label), range, anchors, true);
    }
}

/// A fieldset for group `name` with its legend and, when missing, the error marking.
fn group_frame(ui: &Ui, q: &Questionnaire, doc: &Document, parent: &Element, name: &str, legend: &str) -> Element {
    let bad = q.errors.iter().any(|e| e == name);
    let fs = add(doc, parent, "fieldset", if bad { "q bad" } else { "q" });
    fs.set_id(&prefixed("g-", name));
    add_text(doc, &fs, "legend", "", legend);
    let _ = ui;
    fs
}

fn error_note(ui: &Ui, q: &Questionnaire, doc: &Document, fs: &Element, name: &str) {
    if q.errors.iter().any(|e| e == name) {
        let id = prefixed("e-", name);
        add_text(doc, fs, "p", "err", &ui.t("ui.error.missing_one")).set_id(&id);
        attr(fs, "aria-describedby", &id);
    }
}

fn radio(
    doc: &Document,
    parent: &Element,
    class: &str,
    name: &str,
    value: &str,
    label: &str,
    checked: bool,
) -> Element {
    let l = add(doc, parent, "label", class);
    let input = add(doc, &l, "input", "");
    attr(&input, "type", "radio");
    attr(&input, "name", name);
    attr(&input, "value", value);
    if checked {
        dom::set_checked(&input, true);
    }
    add_text(doc, &l, "span", "", label);
    l
}

/// A radio group on `min..=max`: the end labels shown under the scale and spoken with the end
/// radios; `na` adds the N/A radio.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
fn scale_group(
    ui: &Ui,
    q: &Questionnaire,
    doc: &Document,
    parent: &Element,
    name: &str,
    question: &str,
    range: (i16, i16),
    anchors: &str,
    na: bool,
) {
    let fs = group_frame(ui, q, doc, parent, name, question);
    let (low, high) = (ui.t(&prefixed(anchors, ".low")), ui.t(&prefixed(anchors, ".high")));
    let row = add(doc, &fs, "div", "scale");
    let current = q.answers.get(name).copied();
    for v in range.0..=range.1 {
        let text = int(i64::from(v));
        let l = radio(doc, &row, "opt", name, &text, &text, current == Some(Val::N(v)));
        if v == range.0 || v == range.1 {
            add_text(doc, &l, "span", "sr", if v == range.0 { &low } else { &high });
        }
    }
    let ends = add(doc, &fs, "p", "ends");
    attr(&ends, "aria-hidden", "true");
    add_text(doc, &ends, "span", "", &low);
    add_text(doc, &ends, "span", "", &high);
    if na {
        radio(doc, &fs, "na", name, "na", &ui.t("ui.na"), current == Some(Val::Na));
    }
    error_note(ui, q, doc, &fs, name);
}

fn comment(ui: &Ui, q: &Questionnaire, doc: &Document, body: &Element) {
    let wrap = add(doc, body, "div", "q");
    let label = add_text(doc, &wrap, "label", "lab", &ui.t("outcome.comment.question"));
    attr(&label, "for", "eq-comment");
    let t = add(doc, &wrap, "textarea", "");
    t.set_id("eq-comment");
    attr(&t, "name", "comment");
    attr(&t, "maxlength", &int(COMMENT_MAX_CHARS as i64));
    attr(&t, "placeholder", &ui.t("outcome.comment.placeholder"));
    attr(&t, "aria-describedby", "eq-count");
    t.set_text_content(Some(&q.comment));
    add_text(doc, &wrap, "p", "mu", &counter_text(ui, q)).set_id("eq-count");
}

fn counter_text(ui: &Ui, q: &Questionnaire) -> String {
    let count = int(eservqual_core::text::char_count(&q.comment) as i64);
    fill(&ui.t("outcome.comment.limit"), &[("count", &count), ("max", &int(COMMENT_MAX_CHARS as i64))])
}

#[inline(never)]
fn render_done(ui: &Ui, thanks: &Thanks, doc: &Document, body: &Element) {
    let wrap = add(doc, body, "div", "done");
    let h = add_text(doc, &wrap, "h3", "", &ui.t("ui.thanks.title"));
    h.set_id("eq-step");
    attr(&h, "tabindex", "-1");
    add_text(doc, &wrap, "p", "", &ui.t("ui.thanks.body"));
    if !thanks.summary.is_empty() {
        add_text(doc, &wrap, "p", "lab", &ui.t("summary.title"));
        let ul = add(doc, &wrap, "ul", "lines");
        for line in &thanks.summary {
            add_text(doc, &ul, "li", "", line);
        }
    }
    let status = add_text(doc, &wrap, "p", "status", thanks.status.as_deref().unwrap_or(""));
    status.set_id("eq-status");
    if ui.cfg.mode == eservqual_core::config::Mode::Popover {
        let nav = add(doc, &wrap, "div", "nav");
        let b = add_text(doc, &nav, "button", "btn pri", &ui.t("ui.close"));
        attr(&b, "type", "button");
        attr(&b, "data-act", "close");
    }
}

fn find(body: &Element, selector: &str) -> Option<Element> {
    body.query_selector(selector).ok().flatten()
}

fn by_id(body: &Element, id: &str) -> Option<Element> {
    let mut sel = String::from("[id=\"");
    sel.push_str(id);
    sel.push_str("\"]");
    find(body, &sel)
}

/// The error text to announce after a failed Next (the summary or the weights error), and the
/// first input of the first missing group, to focus.
pub fn errors_shown(body: &Element, q: &Questionnaire) -> Option<(String, Option<Element>)> {
    let first = q.errors.first()?;
    let text =
        by_id(body, "eq-sum").or_else(|| by_id(body, "e-weights")).and_then(|e| e.text_content()).unwrap_or_default();
    let input = by_id(body, &prefixed("g-", first)).and_then(|g| g.query_selector("input").ok().flatten());
    Some((text, input))
}

/// A group was answered: its error goes (and the summary with the last error).
pub fn clear_error(body: &Element, q: &Questionnaire, name: &str) {
    if let Some(e) = by_id(body, &prefixed("e-", name)) {
        e.remove();
    }
    if let Some(g) = by_id(body, &prefixed("g-", name)) {
        dom::remove_attr(&g, "aria-describedby");
        g.set_class_name("q");
    }
    if q.errors.is_empty() {
        if let Some(s) = by_id(body, "eq-sum") {
            s.remove();
        }
    }
}

/// The step counter and the button's label, after the screening question changed the plan.
pub fn update_progress(ui: &Ui, body: &Element, q: &Questionnaire) {
    let (text, current, total) = progress_text(ui, q, "ui.progress", "");
    if let Some(p) = by_id(body, "eq-prog") {
        p.set_text_content(Some(&text));
    }
    if let Some(bar) = find(body, "progress") {
        attr(&bar, "max", &int(total as i64));
        attr(&bar, "value", &int(current as i64));
    }
    // The last step's button says Submit, the others Next (the plan can grow or shrink).
    if let Some(b) = find(body, "button[type=submit]") {
        b.set_text_content(Some(&ui.t(if q.is_last(&ui.cfg) { "ui.submit" } else { "ui.next" })));
    }
}

pub fn update_counter(ui: &Ui, body: &Element, q: &Questionnaire) {
    if let Some(c) = by_id(body, "eq-count") {
        c.set_text_content(Some(&counter_text(ui, q)));
    }
}

pub fn update_total(ui: &Ui, body: &Element, q: &Questionnaire) {
    if let Some(c) = by_id(body, "eq-total") {
        c.set_text_content(Some(&total_text(ui, q)));
    }
}

pub fn update_status(body: &Element, status: Option<&str>) {
    if let Some(c) = by_id(body, "eq-status") {
        c.set_text_content(Some(status.unwrap_or("")));
    }
}

/// "Step 2 of 5: Fulfillment" (or "Step 2: Fulfillment" while the total is not known), to
/// announce in the live region.
pub fn step_announcement(ui: &Ui, body: &Element, q: &Questionnaire) -> String {
    let title = by_id(body, "eq-step").and_then(|h| h.text_content()).unwrap_or_default();
    progress_text(ui, q, "ui.step.announce", &title).0
}

/// The current step's heading (or the thank-you's), to focus.
pub fn step_heading(body: &Element) -> Option<Element> {
    find(body, "h3")
}
