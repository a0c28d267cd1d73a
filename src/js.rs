//! The raw JS value calls of the crate, in one place: the `score()` input read as JSON (the
//! core's [`Json`] view over a JS value, so the core's own readers take it apart) and the
//! `scores` result built as plain objects.
//!
//! Both by hand rather than through serde-wasm-bindgen and `serde_json::Value`, which cost
//! ~24 KB gzip of wasm; `tests/score.rs` holds the result equal to the core's JSON.

use eservqual_core::json::{Source, Tree, MAX_DEPTH};
use eservqual_core::keyed::Keyed;
use eservqual_core::score::{ItemScores, ScoreMap, Scores};
use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

/// A JS value as input to the core's readers: taken apart once into a [`Tree`] (`undefined`
/// reads as `null`, an absent answer either way).
pub struct Js(pub JsValue);

/// A plain object: `{...}` or `Object.create(null)`, not a `Map`, `Set`, `Date` or class
/// instance (whose own members are not what the page meant).
fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() {
        return false;
    }
    let proto = Object::get_prototype_of(v);
    proto.is_null() || Object::get_prototype_of(&proto).is_null()
}

impl Source for Js {
    fn tree(&self) -> Tree {
        tree(&self.0, 0)
    }
}

/// `v` as a tree; past [`MAX_DEPTH`] (only an object that contains itself gets there) a value
/// is [`Tree::Other`], which every reader refuses.
fn tree(v: &JsValue, depth: usize) -> Tree {
    if depth > MAX_DEPTH {
        return Tree::Other;
    }
    if v.is_null() || v.is_undefined() {
        Tree::Null
    } else if let Some(b) = v.as_bool() {
        Tree::Bool(b)
    } else if let Some(x) = v.as_f64() {
        Tree::Number(x)
    } else if let Some(s) = v.as_string() {
        Tree::String(s)
    } else if Array::is_array(v) {
        let array: &Array = v.unchecked_ref();
        Tree::Array((0..array.length()).map(|i| tree(&array.get(i), depth + 1)).collect())
    } else if is_plain_object(v) {
        let entries = Object::entries(v.unchecked_ref());
        let members = (0..entries.length())
            .map(|i| {
                // Each entry is a [key, value] pair whose key is a string.
                let pair: Array = entries.get(i).unchecked_into();
                (pair.get(0).as_string().unwrap_or_default(), tree(&pair.get(1), depth + 1))
            })
            .collect();
        Tree::Object(members)
    } else {
        Tree::Other
    }
}

// ---------------------------------------------------------------------------------------------
// The `scores` object as plain JS objects

/// `scores` (docs/scoring.md §2.9) as plain objects with `null` for a missing score: the same keys
/// in the same order as the core's JSON serialization (`tests/score.rs` holds the two equal).
pub fn scores(s: &Scores) -> JsValue {
    let out = Object::new();
    set(&out, "dimensions", map(&s.dimensions, score_map));
    if let Some(items) = &s.items {
        set(&out, "items", map(items, item_scores));
    }
    set(&out, "overall", score_map(&s.overall));
    set(&out, "class", text(s.class));
    set(&out, "weakest", text(s.weakest.as_deref()));
    set(&out, "nps_category", text(s.nps_category));
    if let Some(recovery) = &s.recovery {
        let value = match recovery {
            Some(r) => {
                let o = Object::new();
                set(&o, "dimensions", map(&r.dimensions, score_map));
                set(&o, "overall", score_map(&r.overall));
                o.into()
            }
            None => JsValue::NULL,
        };
        set(&out, "recovery", value);
    }
    if let Some(outcomes) = &s.outcomes {
        set(&out, "outcomes", score_map(outcomes));
    }
    out.into()
}

fn item_scores(s: &ItemScores) -> JsValue {
    let o = Object::new();
    match s {
        ItemScores::Gap { gap } => set(&o, "gap", num(*gap)),
        ItemScores::Zone { msa, mss, zot, position, inverted } => {
            set(&o, "msa", num(*msa));
            set(&o, "mss", num(*mss));
            set(&o, "zot", num(*zot));
            set(&o, "position", text(*position));
            set(&o, "inverted", JsValue::from_bool(*inverted));
        }
    }
    o.into()
}

fn score_map(m: &ScoreMap) -> JsValue {
    map(m, |x| num(*x))
}

fn map<V>(m: &Keyed<V>, value: impl Fn(&V) -> JsValue) -> JsValue {
    let o = Object::new();
    for (k, v) in m.iter() {
        set(&o, k, value(v));
    }
    o.into()
}

fn num(x: Option<f64>) -> JsValue {
    x.map_or(JsValue::NULL, JsValue::from_f64)
}

fn text(x: Option<&str>) -> JsValue {
    x.map_or(JsValue::NULL, JsValue::from_str)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    // `Reflect.set` without `catch` (js-sys has it): setting a data property on a fresh,
    // unfrozen object cannot throw, so no `Result` at each of the many calls.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &str, value: &JsValue) -> bool;
}

/// Sets a member of a fresh plain object (or of a fresh `Error`).
pub fn set(o: &JsValue, key: &str, value: JsValue) {
    reflect_set(o, key, &value);
}

// ---------------------------------------------------------------------------------------------
// The outgoing payload and the stored memory as plain JS objects

use eservqual_core::ask::Memory;
use eservqual_core::build::Outgoing;
use eservqual_core::config::Meta;
use eservqual_core::instrument::{Field, Format};
use eservqual_core::payload::{Answer, SCHEMA_ID};

/// The payload (`eservqual.response/1`) as a plain object, members in the schema's order:
/// what `submit` reports, `beforeSend` sees and `JSON.stringify` sends.
pub fn outgoing(o: &Outgoing) -> JsValue {
    let out = Object::new();
    set(&out, "schema", SCHEMA_ID.into());
    set(&out, "id", o.id.as_str().into());
    let inst = Object::new();
    set(&inst, "id", o.instrument.id.as_str().into());
    if let Some(v) = &o.instrument.version {
        set(&inst, "version", v.as_str().into());
    }
    set(&inst, "format", o.instrument.format.as_str().into());
    if let Some(d) = &o.instrument.dimensions {
        set(&inst, "dimensions", d.iter().map(|c| JsValue::from_str(c)).collect::<Array>().into());
    }
    set(&out, "instrument", inst.into());
    let scale = Object::new();
    set(&scale, "min", JsValue::from(o.scale.min));
    set(&scale, "max", JsValue::from(o.scale.max));
    set(&out, "scale", scale.into());
    set(&out, "locale", o.locale.as_str().into());
    set(&out, "submitted_at", o.submitted_at.as_str().into());
    if let Some(step) = &o.partial {
        set(&out, "status", "partial".into());
        set(&out, "step", step.as_str().into());
    }
    if let Some(t) = &o.started_at {
        set(&out, "started_at", t.as_str().into());
    }
    let format = o.instrument.format;
    set(&out, "answers", map(&o.answers, |a| answer(a, format)));
    set(&out, "recovery", o.recovery.as_ref().map_or(JsValue::NULL, |r| map(r, |a| answer(a, Format::Perception))));
    if let Some(w) = &o.weights {
        set(&out, "weights", map(w, |x| JsValue::from_f64(*x)));
    }
    if let Some(x) = &o.outcomes {
        let oc = Object::new();
        let list = |v: &Vec<Option<f64>>| v.iter().map(|x| num(*x)).collect::<Array>().into();
        for (k, v) in [("nps", x.nps), ("csat", x.csat), ("ces", x.ces), ("satisfaction", x.satisfaction)] {
            if let Some(v) = v {
                set(&oc, k, JsValue::from_f64(v));
            }
        }
        if let Some(v) = &x.value {
            set(&oc, "value", list(v));
        }
        if let Some(v) = &x.loyalty {
            set(&oc, "loyalty", list(v));
        }
        if let Some(c) = &x.comment {
            set(&oc, "comment", c.as_str().into());
        }
        set(&out, "outcomes", oc.into());
    }
    if let Some(s) = &o.site {
        set(&out, "site", s.as_str().into());
    }
    if let Some(p) = &o.page {
        set(&out, "page", p.as_str().into());
    }
    if !o.meta.is_empty() {
        set(
            &out,
            "meta",
            map(&o.meta, |m| match m {
                Meta::Text(s) => s.as_str().into(),
                Meta::Number(n) => JsValue::from_f64(*n),
                Meta::Bool(b) => JsValue::from_bool(*b),
            }),
        );
    }
    set(&out, "scores", scores(&o.scores));
    let sdk = Object::new();
    set(&sdk, "name", o.sdk.name.as_str().into());
    set(&sdk, "version", o.sdk.version.as_str().into());
    set(&out, "sdk", sdk.into());
    out.into()
}

/// One answer: every field of the format, `null` when not applicable.
fn answer(a: &Answer, format: Format) -> JsValue {
    let o = Object::new();
    for &field in format.fields() {
        let v = match field {
            Field::P => a.p,
            Field::E => a.e,
            Field::Min => a.min,
            Field::Des => a.des,
        };
        set(&o, field.as_str(), num(v));
    }
    o.into()
}

/// The memory's compact JSON text (`JSON.stringify`, so no float formatting in the wasm).
pub fn memory_json(m: &Memory) -> String {
    let o = Object::new();
    if let Some(d) = m.draw {
        set(&o, "draw", JsValue::from_f64(d));
    }
    if let Some(t) = m.submitted_at {
        set(&o, "submittedAt", JsValue::from_f64(t));
    }
    if let Some(t) = m.dismissed_at {
        set(&o, "dismissedAt", JsValue::from_f64(t));
    }
    if m.pageviews > 0 {
        set(&o, "pageviews", JsValue::from_f64(f64::from(m.pageviews)));
    }
    js_sys::JSON::stringify(&o).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

/// Stored memory text read through the Json view (unparseable text is empty memory).
pub fn memory_of(text: Option<String>) -> Memory {
    match text.and_then(|t| js_sys::JSON::parse(&t).ok()) {
        Some(v) => Memory::read(&&Js(v).tree()),
        None => Memory::default(),
    }
}
