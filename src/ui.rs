//! The questionnaire's DOM, built from the core's instrument and strings: one step per
//! dimension (then the recovery screening and E-RecS-QUAL, the outcomes, the weights), each item
//! a `fieldset` + `legend` of native radios with N/A, errors linked with `aria-describedby`, and
//! the thank-you with the summary. Every string is set as text.

use crate::dom::{self, add, add_text, attr};
use crate::survey::{Inner, State};
use eservqual_core::config::Outcome;
use eservqual_core::instrument::{Field, Format, Instrument};
use eservqual_core::payload::{Answers, COMMENT_MAX_CHARS, LOYALTY_ITEMS, VALUE_ITEMS};
use eservqual_core::text::{fill, int};
use web_sys::{Document, Element};

/// One radio answer: a point of the scale or N/A.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val {
    N(i16),
    Na,
}

/// A step of the questionnaire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// A dimension of the form (index into the instrument's dimensions).
    Dim(usize),
    /// "Did you have a problem, a return or a question?"
    Screen,
    /// An E-RecS-QUAL dimension.
    Rec(usize),
    Outcomes,
    Weights,
}

fn recs() -> Instrument {
    Instrument::builtin("e-recs-qual").unwrap_or_else(|| wasm_bindgen::throw_str("e-recs-qual"))
}

fn screened_in(st: &State) -> bool {
    st.answers.get("screen") == Some(&Val::N(1))
}

/// The steps as the answers so far make them.
pub fn plan(inner: &Inner, st: &State) -> Vec<Step> {
    let cfg = &inner.cfg;
    let mut steps: Vec<Step> = cfg.form.active.iter().map(|&d| Step::Dim(d)).collect();
    if cfg.recovery {
        steps.push(Step::Screen);
        if screened_in(st) {
            steps.extend((0..3).map(Step::Rec));
        }
    }
    if !cfg.outcomes.is_empty() {
        steps.push(Step::Outcomes);
    }
    if cfg.weights {
        steps.push(Step::Weights);
    }
    steps
}

fn key(code: &str, field: Field) -> String {
    let mut k = String::from(code);
    k.push('.');
    k.push_str(field.as_str());
    k
}

/// The radio groups a step requires, in order.
fn required(inner: &Inner, step: Step) -> Vec<String> {
    let form = &inner.cfg.form;
    match step {
        Step::Dim(d) => {
            let mut out = Vec::new();
            for item in &form.instrument.dimensions[d].items {
                for &f in fields_in_order(form.format) {
                    out.push(key(&item.code, f));
                }
            }
            out
        }
        Step::Rec(d) => recs().dimensions[d].items.iter().map(|i| key(&i.code, Field::P)).collect(),
        Step::Screen => vec!["screen".to_string()],
        Step::Outcomes | Step::Weights => Vec::new(),
    }
}

/// The order the fields are asked in: expectation before perception, minimum and desired
/// before perceived (the order of the format's prompt).
fn fields_in_order(format: Format) -> &'static [Field] {
    match format {
        Format::Perception => &[Field::P],
        Format::Gap => &[Field::E, Field::P],
        Format::Zone => &[Field::Min, Field::Des, Field::P],
    }
}

fn weights_total(inner: &Inner, st: &State) -> i32 {
    inner
        .cfg
        .form
        .dimensions()
        .map(|d| match st.answers.get(&weight_key(&d.code)) {
            Some(Val::N(x)) => i32::from(*x),
            _ => 0,
        })
        .sum()
}

fn weight_key(code: &str) -> String {
    let mut k = String::from("w.");
    k.push_str(code);
    k
}

/// What is still missing on `step`: group names, or `"weights"` when the points do not total
/// 100 (nothing allocated at all is allowed: the question is optional).
pub fn missing(inner: &Inner, st: &State, step: Step) -> Vec<String> {
    if step == Step::Weights {
        let total = weights_total(inner, st);
        return if total == 0 || total == 100 { Vec::new() } else { vec!["weights".to_string()] };
    }
    required(inner, step).into_iter().filter(|k| st.answers.get(k).is_none()).collect()
}

/// The respondent's answers in the core's shape.
#[inline(never)]
pub fn answers(inner: &Inner, st: &State) -> Answers {
    let cfg = &inner.cfg;
    let form = &cfg.form;
    let num = |k: &str| match st.answers.get(k) {
        Some(Val::N(x)) => Some(*x),
        _ => None,
    };
    let mut a = Answers::empty(form.instrument.item_count());
    for (i, item) in form.instrument.items().enumerate() {
        for &f in form.format.fields() {
            a.items[i][f.index()] = num(&key(&item.code, f));
        }
    }
    if cfg.recovery && screened_in(st) {
        a.recovery = Some(recs().items().map(|i| num(&key(&i.code, Field::P))).collect());
    }
    if cfg.weights && weights_total(inner, st) == 100 {
        a.weights = Some(form.dimensions().map(|d| f64::from(num(&weight_key(&d.code)).unwrap_or(0))).collect());
    }
    let o = &mut a.outcomes;
    o.nps = num("nps");
    o.csat = num("csat");
    o.ces = num("ces");
    o.satisfaction = num("satisfaction");
    let mut value = [None; VALUE_ITEMS];
    for (i, v) in value.iter_mut().enumerate() {
        *v = num(&numbered("value", i + 1));
    }
    o.value = cfg.outcomes.contains(&Outcome::Value).then_some(value);
    let mut loyalty = [None; LOYALTY_ITEMS];
    for (i, v) in loyalty.iter_mut().enumerate() {
        *v = num(&numbered("loyalty", i + 1));
    }
    o.loyalty = cfg.outcomes.contains(&Outcome::Loyalty).then_some(loyalty);
    o.comment = (!st.comment.trim().is_empty()).then(|| st.comment.clone());
    a
}

fn numbered(name: &str, i: usize) -> String {
    let mut k = String::from(name);
    k.push('.');
    k.push_str(&int(i as i64));
    k
}

/// The step counter in the wording of `key` (`ui.progress`, `ui.step.announce`), with the
/// current step and the total. While the number of steps is not known (until the recovery
/// screening question is answered, it decides whether three more steps come), the wording is
/// `key.open`, which leaves the total out.
fn progress_text(inner: &Inner, st: &State, key: &str, title: &str) -> (String, usize, usize) {
    let total = plan(inner, st).len();
    let current = (st.step + 1).min(total);
    let mut key = String::from(key);
    if inner.cfg.recovery && st.answers.get("screen").is_none() {
        key.push_str(".open");
    }
    let text =
        fill(&inner.t(&key), &[("current", &int(current as i64)), ("total", &int(total as i64)), ("title", title)]);
    (text, current, total)
}

/// Renders the current step, or the thank-you after submit, into the body.
#[inline(never)]
pub fn render(inner: &Inner) {
    let Ok(st) = inner.st.try_borrow() else { return };
    let Some(body) = st.body.clone() else { return };
    dom::clear(&body);
    let doc = &inner.doc;
    if st.submitted {
        render_done(inner, &st, doc, &body);
        return;
    }
    let steps = plan(inner, &st);
    let Some(&step) = steps.get(st.step) else { return };
    let (text, current, total) = progress_text(inner, &st, "ui.progress", "");
    let prog = add(doc, &body, "div", "prog");
    add_text(doc, &prog, "span", "", &text).set_id("eq-prog");
    let bar = add(doc, &prog, "progress", "");
    attr(&bar, "max", &int(total as i64));
    attr(&bar, "value", &int(current as i64));
    attr(&bar, "aria-hidden", "true");

    let heading = |text: &str| {
        let h = add_text(doc, &body, "h3", "", text);
        h.set_id("eq-step");
        attr(&h, "tabindex", "-1");
        h
    };
    let cfg = &inner.cfg;
    match step {
        Step::Dim(d) => {
            let dim = &cfg.form.instrument.dimensions[d];
            // The intro is about the whole questionnaire: above the first dimension's heading.
            if st.step == 0 {
                add_text(doc, &body, "p", "mu", &inner.t("ui.intro"));
            }
            heading(&inner.t(&prefixed("dimension.", &dim.code)));
            let hint_key = prefixed("dimension.", &dim.code) + ".hint";
            let hint = inner.t(&hint_key);
            if hint != hint_key {
                add_text(doc, &body, "p", "mu", &hint);
            }
            add_text(doc, &body, "p", "mu", &inner.t(&(prefixed("format.", cfg.form.format.as_str()) + ".prompt")));
            summary_error(inner, &st, doc, &body);
            for item in &dim.items {
                item_block(inner, &st, doc, &body, &item.code, cfg.form.format);
            }
        }
        Step::Screen => {
            let q = inner.t("recovery.screening.question");
            heading(&inner.t("ui.step.recovery"));
            summary_error(inner, &st, doc, &body);
            let fs = group_frame(inner, &st, doc, &body, "screen", &q);
            let row = add(doc, &fs, "div", "yn");
            for (value, label) in [("1", "recovery.screening.yes"), ("0", "recovery.screening.no")] {
                let checked = st.answers.get("screen") == Some(&Val::N(if value == "1" { 1 } else { 0 }));
                radio(doc, &row, "opt", "screen", value, &inner.t(label), checked);
            }
            error_note(inner, &st, doc, &fs, "screen");
        }
        Step::Rec(d) => {
            let r = recs();
            let dim = &r.dimensions[d];
            heading(&inner.t(&prefixed("dimension.", &dim.code)));
            if d == 0 {
                add_text(doc, &body, "p", "mu", &inner.t("recovery.intro"));
            }
            summary_error(inner, &st, doc, &body);
            for item in &dim.items {
                item_block(inner, &st, doc, &body, &item.code, Format::Perception);
            }
        }
        Step::Outcomes => {
            heading(&inner.t("ui.step.outcomes"));
            let scale = cfg.form.scale();
            for o in &cfg.outcomes {
                match o {
                    Outcome::Nps => scale_group(
                        inner,
                        &st,
                        doc,
                        &body,
                        "nps",
                        &inner.t("outcome.nps.question"),
                        (0, 10),
                        "outcome.nps",
                        false,
                    ),
                    Outcome::Csat => scale_group(
                        inner,
                        &st,
                        doc,
                        &body,
                        "csat",
                        &inner.t("outcome.csat.question"),
                        (1, 5),
                        "outcome.csat",
                        false,
                    ),
                    Outcome::Ces => scale_group(
                        inner,
                        &st,
                        doc,
                        &body,
                        "ces",
                        &inner.t("outcome.ces.question"),
                        (1, 7),
                        "outcome.ces",
                        false,
                    ),
                    Outcome::Satisfaction => scale_group(
                        inner,
                        &st,
                        doc,
                        &body,
                        "satisfaction",
                        &inner.t("outcome.satisfaction.question"),
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
                            let q = prefixed("outcome.", &k);
                            scale_group(
                                inner,
                                &st,
                                doc,
                                &body,
                                &k,
                                &inner.t(&q),
                                range,
                                &prefixed("outcome.", name),
                                false,
                            );
                        }
                    }
                    Outcome::Comment => comment(inner, &st, doc, &body),
                }
            }
        }
        Step::Weights => {
            heading(&inner.t("ui.step.weights"));
            summary_error(inner, &st, doc, &body);
            let fs = add(doc, &body, "fieldset", if st.errors.is_empty() { "q" } else { "q bad" });
            fs.set_id("g-weights");
            add_text(doc, &fs, "legend", "", &inner.t("weights.question"));
            for d in cfg.form.dimensions() {
                let row = add(doc, &fs, "label", "w");
                add_text(doc, &row, "span", "", &inner.t(&prefixed("dimension.", &d.code)));
                let input = add(doc, &row, "input", "");
                let k = weight_key(&d.code);
                attr(&input, "type", "number");
                attr(&input, "name", &k);
                attr(&input, "min", "0");
                attr(&input, "max", "100");
                attr(&input, "step", "1");
                attr(&input, "inputmode", "numeric");
                if let Some(Val::N(x)) = st.answers.get(&k) {
                    attr(&input, "value", &int(i64::from(*x)));
                }
            }
            let out = add_text(doc, &fs, "output", "", &total_text(inner, &st));
            out.set_id("eq-total");
            if !st.errors.is_empty() {
                let total = int(i64::from(weights_total(inner, &st)));
                let e = add_text(doc, &fs, "p", "err", &fill(&inner.t("weights.error"), &[("total", &total)]));
                e.set_id("e-weights");
                attr(&fs, "aria-describedby", "e-weights");
            }
        }
    }
    let nav = add(doc, &body, "div", "nav");
    if st.step > 0 {
        let b = add_text(doc, &nav, "button", "btn sec", &inner.t("ui.back"));
        attr(&b, "type", "button");
        attr(&b, "data-act", "back");
    }
    let last = st.step + 1 >= steps.len();
    let b = add_text(doc, &nav, "button", "btn pri", &inner.t(if last { "ui.submit" } else { "ui.next" }));
    attr(&b, "type", "submit");
}

fn prefixed(prefix: &str, rest: &str) -> String {
    let mut s = String::from(prefix);
    s.push_str(rest);
    s
}

fn total_text(inner: &Inner, st: &State) -> String {
    fill(&inner.t("weights.total"), &[("total", &int(i64::from(weights_total(inner, st))))])
}

/// The step's error summary ("3 questions still need an answer."), when there are errors.
fn summary_error(inner: &Inner, st: &State, doc: &Document, body: &Element) {
    if st.errors.is_empty() || st.errors[0] == "weights" {
        return;
    }
    let text = if st.errors.len() == 1 {
        inner.t("ui.error.missing_one")
    } else {
        fill(&inner.t("ui.error.summary"), &[("count", &int(st.errors.len() as i64))])
    };
    add_text(doc, body, "p", "err sum", &text).set_id("eq-sum");
}

/// An item: one group in perception format, a fieldset of two or three groups otherwise.
#[inline(never)]
fn item_block(inner: &Inner, st: &State, doc: &Document, body: &Element, code: &str, format: Format) {
    let text = inner.t(&prefixed("item.", code));
    let zone = format == Format::Zone;
    let (range, anchors) = if zone {
        ((1, 9), "scale.zone")
    } else {
        ((inner.cfg.form.scale().min, inner.cfg.form.scale().max), "scale.agree")
    };
    // Recovery items are always on 1-5.
    let range = if inner.cfg.form.instrument.item_index(code).is_none() { (1, 5) } else { range };
    if format == Format::Perception {
        scale_group(inner, st, doc, body, &key(code, Field::P), &text, range, anchors, true);
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
        scale_group(inner, st, doc, &fs, &key(code, f), &inner.t(label), range, anchors, true);
    }
}

/// A fieldset for group `name` with its legend and, when missing, the error marking.
fn group_frame(inner: &Inner, st: &State, doc: &Document, parent: &Element, name: &str, legend: &str) -> Element {
    let bad = st.errors.iter().any(|e| e == name);
    let fs = add(doc, parent, "fieldset", if bad { "q bad" } else { "q" });
    fs.set_id(&prefixed("g-", name));
    add_text(doc, &fs, "legend", "", legend);
    let _ = inner;
    fs
}

fn error_note(inner: &Inner, st: &State, doc: &Document, fs: &Element, name: &str) {
    if st.errors.iter().any(|e| e == name) {
        let id = prefixed("e-", name);
        add_text(doc, fs, "p", "err", &inner.t("ui.error.missing_one")).set_id(&id);
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
    inner: &Inner,
    st: &State,
    doc: &Document,
    parent: &Element,
    name: &str,
    question: &str,
    range: (i16, i16),
    anchors: &str,
    na: bool,
) {
    let fs = group_frame(inner, st, doc, parent, name, question);
    let (low, high) = (inner.t(&prefixed(anchors, ".low")), inner.t(&prefixed(anchors, ".high")));
    let row = add(doc, &fs, "div", "scale");
    let current = st.answers.get(name).copied();
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
        radio(doc, &fs, "na", name, "na", &inner.t("ui.na"), current == Some(Val::Na));
    }
    error_note(inner, st, doc, &fs, name);
}

fn comment(inner: &Inner, st: &State, doc: &Document, body: &Element) {
    let wrap = add(doc, body, "div", "q");
    let label = add_text(doc, &wrap, "label", "lab", &inner.t("outcome.comment.question"));
    attr(&label, "for", "eq-comment");
    let t = add(doc, &wrap, "textarea", "");
    t.set_id("eq-comment");
    attr(&t, "name", "comment");
    attr(&t, "maxlength", &int(COMMENT_MAX_CHARS as i64));
    attr(&t, "placeholder", &inner.t("outcome.comment.placeholder"));
    attr(&t, "aria-describedby", "eq-count");
    t.set_text_content(Some(&st.comment));
    add_text(doc, &wrap, "p", "mu", &counter_text(inner, st)).set_id("eq-count");
}

fn counter_text(inner: &Inner, st: &State) -> String {
    let count = int(st.comment.chars().count() as i64);
    fill(&inner.t("outcome.comment.limit"), &[("count", &count), ("max", &int(COMMENT_MAX_CHARS as i64))])
}

#[inline(never)]
fn render_done(inner: &Inner, st: &State, doc: &Document, body: &Element) {
    let wrap = add(doc, body, "div", "done");
    let h = add_text(doc, &wrap, "h3", "", &inner.t("ui.thanks.title"));
    h.set_id("eq-step");
    attr(&h, "tabindex", "-1");
    add_text(doc, &wrap, "p", "", &inner.t("ui.thanks.body"));
    if !st.summary.is_empty() {
        add_text(doc, &wrap, "p", "lab", &inner.t("summary.title"));
        let ul = add(doc, &wrap, "ul", "lines");
        for line in &st.summary {
            add_text(doc, &ul, "li", "", line);
        }
    }
    let status = add_text(doc, &wrap, "p", "status", st.status.as_deref().unwrap_or(""));
    status.set_id("eq-status");
    if inner.cfg.mode == eservqual_core::config::Mode::Popover {
        let nav = add(doc, &wrap, "div", "nav");
        let b = add_text(doc, &nav, "button", "btn pri", &inner.t("ui.close"));
        attr(&b, "type", "button");
        attr(&b, "data-act", "close");
    }
}

fn find(inner: &Inner, selector: &str) -> Option<Element> {
    let body = inner.st.try_borrow().ok()?.body.clone()?;
    body.query_selector(selector).ok().flatten()
}

fn by_id(inner: &Inner, id: &str) -> Option<Element> {
    let mut sel = String::from("[id=\"");
    sel.push_str(id);
    sel.push_str("\"]");
    find(inner, &sel)
}

/// After a failed Next: announce the errors and focus the first missing item.
pub fn show_errors(inner: &Inner) {
    let first = inner.st.try_borrow().ok().and_then(|st| st.errors.first().cloned());
    let Some(first) = first else { return };
    let text =
        by_id(inner, "eq-sum").or_else(|| by_id(inner, "e-weights")).and_then(|e| e.text_content()).unwrap_or_default();
    inner.announce(&text);
    if let Some(input) = by_id(inner, &prefixed("g-", &first)).and_then(|g| g.query_selector("input").ok().flatten()) {
        dom::focus(&input);
    }
}

/// A group was answered: its error goes.
pub fn clear_error(inner: &Inner, name: &str) {
    if let Some(e) = by_id(inner, &prefixed("e-", name)) {
        e.remove();
    }
    if let Some(g) = by_id(inner, &prefixed("g-", name)) {
        dom::remove_attr(&g, "aria-describedby");
        g.set_class_name("q");
    }
    let none_left = inner.st.try_borrow().is_ok_and(|st| st.errors.is_empty());
    if none_left {
        if let Some(s) = by_id(inner, "eq-sum") {
            s.remove();
        }
    }
}

pub fn update_progress(inner: &Inner) {
    let Ok(st) = inner.st.try_borrow() else { return };
    let (text, current, total) = progress_text(inner, &st, "ui.progress", "");
    drop(st);
    if let Some(p) = by_id(inner, "eq-prog") {
        p.set_text_content(Some(&text));
    }
    if let Some(bar) = find(inner, "progress") {
        attr(&bar, "max", &int(total as i64));
        attr(&bar, "value", &int(current as i64));
    }
    update_submit_label(inner);
}

/// The last step's button says Submit, the others Next (the plan can grow or shrink).
fn update_submit_label(inner: &Inner) {
    let Ok(st) = inner.st.try_borrow() else { return };
    let last = st.step + 1 >= plan(inner, &st).len();
    drop(st);
    if let Some(b) = find(inner, "button[type=submit]") {
        b.set_text_content(Some(&inner.t(if last { "ui.submit" } else { "ui.next" })));
    }
}

pub fn update_counter(inner: &Inner) {
    let text = match inner.st.try_borrow() {
        Ok(st) => counter_text(inner, &st),
        Err(_) => return,
    };
    if let Some(c) = by_id(inner, "eq-count") {
        c.set_text_content(Some(&text));
    }
}

pub fn update_total(inner: &Inner) {
    let text = match inner.st.try_borrow() {
        Ok(st) => total_text(inner, &st),
        Err(_) => return,
    };
    if let Some(c) = by_id(inner, "eq-total") {
        c.set_text_content(Some(&text));
    }
}

pub fn update_status(inner: &Inner) {
    let text = inner.st.try_borrow().ok().and_then(|st| st.status.clone()).unwrap_or_default();
    if let Some(c) = by_id(inner, "eq-status") {
        c.set_text_content(Some(&text));
    }
}

/// Announces "Step 2 of 5: Fulfillment" (or "Step 2: Fulfillment" while the total is not
/// known) in the live region.
pub fn announce_step(inner: &Inner) {
    let title = by_id(inner, "eq-step").and_then(|h| h.text_content()).unwrap_or_default();
    let Ok(st) = inner.st.try_borrow() else { return };
    if st.submitted {
        return;
    }
    let (text, ..) = progress_text(inner, &st, "ui.step.announce", &title);
    drop(st);
    inner.announce(&text);
}
