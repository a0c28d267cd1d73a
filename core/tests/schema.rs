//! The published JSON Schemas (`schema/`) against the shared payloads and the example custom
//! instrument: valid documents pass, and mutated payloads are rejected at the offending path.

use crate::common;

use common::json;
use jsonschema::Validator;
use serde_json::{json, Value};
use std::path::PathBuf;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema")
}

fn load(rel: &str) -> Value {
    let path = schema_dir().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A draft 2020-12 validator that also checks `format` (date-time).
fn validator(rel: &str) -> Validator {
    let schema = load(rel);
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{rel}");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{rel} is not a valid schema: {e}"))
}

/// (instance path, message) of every error.
fn errors(v: &Validator, instance: &Value) -> Vec<(String, String)> {
    v.iter_errors(instance).map(|e| (e.instance_path.to_string(), e.to_string())).collect()
}

/// Replaces (or inserts) the value at a JSON pointer whose parent exists.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")) {
        Value::Object(map) => {
            map.insert(key.to_string(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = value,
        other => panic!("{parent} is {other}"),
    }
}

/// Removes the member at a JSON pointer.
fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let map = doc.pointer_mut(parent).and_then(Value::as_object_mut).unwrap();
    assert!(map.remove(key).is_some(), "no member {pointer}");
}

#[test]
fn schemas_have_ids_and_document_every_property() {
    fn walk(node: &Value, at: &str, missing: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(props)) = map.get("properties") {
                    for (name, sub) in props {
                        // A property that only narrows another one (in if/then) needs no text.
                        let narrowing = at.contains("/if") || at.contains("/then");
                        if !narrowing && (sub.get("title").is_none() || sub.get("description").is_none()) {
                            missing.push(format!("{at}/properties/{name}"));
                        }
                    }
                }
                for (k, v) in map {
                    walk(v, &format!("{at}/{k}"), missing);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{at}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    for (file, id) in [
        ("response.schema.json", "https://eservqual.dev/schema/response-1.json"),
        ("instrument.schema.json", "https://eservqual.dev/schema/instrument-1.json"),
    ] {
        let schema = load(file);
        assert_eq!(schema["$id"], id, "{file}");
        assert!(schema["title"].is_string() && schema["description"].is_string(), "{file}");
        let mut missing = Vec::new();
        walk(&schema, "#", &mut missing);
        assert!(missing.is_empty(), "{file}: properties without title or description: {missing:?}");
    }
}

#[test]
fn shared_payloads_are_valid() {
    let v = validator("response.schema.json");
    for name in ["esqual_one.json", "zone_one.json"] {
        let payload = json(name);
        assert_eq!(errors(&v, &payload), Vec::<(String, String)>::new(), "{name}");
    }
}

#[test]
fn a_payload_with_every_optional_member_is_valid() {
    let v = validator("response.schema.json");
    let mut p = json("esqual_one.json");
    set(&mut p, "/started_at", json!("2025-06-02T10:13:02.125+02:00"));
    set(&mut p, "/instrument/dimensions", json!(["EFF", "SYS", "FUL", "PRI"]));
    set(&mut p, "/recovery", json!({"RES1": {"p": 2}, "RES2": {"p": null}, "COM3": {}, "CON1": {"p": 5}}));
    set(&mut p, "/weights", json!({"EFF": 40, "SYS": 20.5, "FUL": 39.5, "PRI": 0}));
    set(
        &mut p,
        "/outcomes",
        json!({"nps": 10, "csat": 5, "ces": null, "satisfaction": 4, "value": [1, null, 10, 7],
               "loyalty": [null, null, null, null, 5], "comment": "送餐很快，谢谢！".repeat(250)}),
    );
    set(&mut p, "/site", json!("shop.example"));
    set(&mut p, "/meta", json!({"plan": "pro", "cart_items": 3, "returning": true}));
    set(&mut p, "/answers/EFF1/p", json!(4.0));
    assert_eq!(errors(&v, &p), Vec::<(String, String)>::new());
    // Scoring inputs that the core also accepts.
    let parsed = eservqual_core::payload::Payload::from_value(p).unwrap();
    parsed.validate(&eservqual_core::Registry::builtin()).unwrap();
}

#[test]
fn example_instrument_is_valid() {
    let v = validator("instrument.schema.json");
    let example = load("examples/custom-instrument.json");
    assert_eq!(errors(&v, &example), Vec::<(String, String)>::new());
}

type Mutation = fn(&mut Value);

#[test]
fn invalid_payloads_are_rejected_at_their_path() {
    let v = validator("response.schema.json");
    // (what, mutation of esqual_one.json, instance path of every error, word in the message)
    let cases: Vec<(&str, Mutation, &str, &str)> = vec![
        ("missing id", |p| remove(p, "/id"), "", "\"id\""),
        ("missing answers", |p| remove(p, "/answers"), "", "\"answers\""),
        ("wrong schema const", |p| set(p, "/schema", json!("eservqual.response/2")), "/schema", ""),
        ("id not a UUID", |p| set(p, "/id", json!("7957ec04-13d3-4b3c-9286")), "/id", ""),
        ("fractional answer", |p| set(p, "/answers/EFF1/p", json!(3.5)), "/answers/EFF1/p", ""),
        ("answer as text", |p| set(p, "/answers/EFF1/p", json!("4")), "/answers/EFF1/p", ""),
        ("unknown answer field", |p| set(p, "/answers/EFF1/q", json!(4)), "/answers/EFF1", "q"),
        ("answer not an object", |p| set(p, "/answers/EFF2", json!(5)), "/answers/EFF2", ""),
        ("lower-case item code", |p| set(p, "/answers/eff1", json!({"p": 4})), "/answers", "eff1"),
        ("unknown top-level key", |p| set(p, "/answerz", json!({})), "", "answerz"),
        ("unknown instrument key", |p| set(p, "/instrument/name", json!("E-S-QUAL")), "/instrument", "name"),
        ("bad format name", |p| set(p, "/instrument/format", json!("servperf")), "/instrument/format", ""),
        ("missing instrument version", |p| remove(p, "/instrument/version"), "/instrument", "version"),
        ("empty dimension set", |p| set(p, "/instrument/dimensions", json!([])), "/instrument/dimensions", ""),
        (
            "repeated dimension",
            |p| set(p, "/instrument/dimensions", json!(["EFF", "EFF"])),
            "/instrument/dimensions",
            "",
        ),
        ("scale bound as text", |p| set(p, "/scale/max", json!("5")), "/scale/max", ""),
        ("submitted_at without T", |p| set(p, "/submitted_at", json!("2025-06-02 08:15:30Z")), "/submitted_at", ""),
        (
            "submitted_at on 30 February",
            |p| set(p, "/submitted_at", json!("2025-02-30T08:15:30Z")),
            "/submitted_at",
            "date-time",
        ),
        ("started_at without zone", |p| set(p, "/started_at", json!("2025-06-02T08:13:02")), "/started_at", ""),
        ("nps 11", |p| set(p, "/outcomes/nps", json!(11)), "/outcomes/nps", ""),
        ("csat 0", |p| set(p, "/outcomes/csat", json!(0)), "/outcomes/csat", ""),
        ("ces 8", |p| set(p, "/outcomes/ces", json!(8)), "/outcomes/ces", ""),
        ("value array of 3", |p| set(p, "/outcomes/value", json!([8, 7, 7])), "/outcomes/value", ""),
        ("value 11", |p| set(p, "/outcomes/value/2", json!(11)), "/outcomes/value/2", ""),
        ("loyalty array of 6", |p| set(p, "/outcomes/loyalty", json!([4, 4, 3, 4, 4, 4])), "/outcomes/loyalty", ""),
        ("loyalty 2.5", |p| set(p, "/outcomes/loyalty/4", json!(2.5)), "/outcomes/loyalty/4", ""),
        ("comment too long", |p| set(p, "/outcomes/comment", json!("x".repeat(2001))), "/outcomes/comment", ""),
        ("unknown outcome", |p| set(p, "/outcomes/mood", json!(3)), "/outcomes", "mood"),
        (
            "negative weight",
            |p| set(p, "/weights", json!({"EFF": -5, "SYS": 35, "FUL": 35, "PRI": 35})),
            "/weights/EFF",
            "",
        ),
        (
            "weight as text",
            |p| set(p, "/weights", json!({"EFF": "25", "SYS": 25, "FUL": 25, "PRI": 25})),
            "/weights/EFF",
            "",
        ),
        ("recovery not an object", |p| set(p, "/recovery", json!([4, 5])), "/recovery", ""),
        ("meta with a nested object", |p| set(p, "/meta", json!({"cart": {"items": 3}})), "/meta/cart", ""),
        ("scores not an object", |p| set(p, "/scores", json!(null)), "/scores", ""),
        ("sdk without version", |p| remove(p, "/sdk/version"), "/sdk", "version"),
        ("page as number", |p| set(p, "/page", json!(3)), "/page", ""),
    ];
    assert!(cases.len() >= 12);
    let base = json("esqual_one.json");
    for (what, mutate, path, word) in cases {
        let mut p = base.clone();
        mutate(&mut p);
        let errs = errors(&v, &p);
        assert!(!errs.is_empty(), "{what}: accepted");
        for (at, message) in &errs {
            assert_eq!(at, path, "{what}: error at the wrong path: {message}");
        }
        assert!(errs.iter().any(|(_, m)| m.contains(word)), "{what}: no error names {word:?}: {errs:?}");
    }
}

#[test]
fn invalid_instruments_are_rejected_at_their_path() {
    let v = validator("instrument.schema.json");
    let cases: Vec<(&str, Mutation, &str)> = vec![
        ("lower-case item code", |i| set(i, "/dimensions/1/items/0/code", json!("del1")), "/dimensions/1/items/0/code"),
        ("code with a dot", |i| set(i, "/dimensions/0/code", json!("APP.X")), "/dimensions/0/code"),
        ("no dimensions", |i| set(i, "/dimensions", json!([])), "/dimensions"),
        ("dimension without items", |i| set(i, "/dimensions/2/items", json!([])), "/dimensions/2/items"),
        ("reverse as text", |i| set(i, "/dimensions/1/items/0/reverse", json!("yes")), "/dimensions/1/items/0/reverse"),
        ("unknown item key", |i| set(i, "/dimensions/0/items/1/weight", json!(2)), "/dimensions/0/items/1"),
        ("unknown top-level key", |i| set(i, "/author", json!("me")), ""),
        ("built-in id", |i| set(i, "/id", json!("servqual")), "/id"),
        ("id with capitals", |i| set(i, "/id", json!("Food-Delivery")), "/id"),
        ("fractional scale", |i| set(i, "/scale/min", json!(1.5)), "/scale/min"),
        ("blank item text", |i| set(i, "/dimensions/0/items/0/text/en", json!("  ")), "/dimensions/0/items/0/text/en"),
        ("bad format", |i| set(i, "/format", json!("likert")), "/format"),
        ("reverse item in zone format", |i| set(i, "/format", json!("zone")), "/dimensions/1/items/2/reverse"),
    ];
    let base = load("examples/custom-instrument.json");
    for (what, mutate, path) in cases {
        let mut i = base.clone();
        mutate(&mut i);
        let errs = errors(&v, &i);
        assert!(!errs.is_empty(), "{what}: accepted");
        for (at, message) in &errs {
            assert_eq!(at, path, "{what}: error at the wrong path: {message}");
        }
    }
}

#[test]
fn readme_instrument_snippet_is_valid() {
    let readme = std::fs::read_to_string(schema_dir().join("README.md")).unwrap();
    let start = readme.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let snippet: Value = serde_json::from_str(&readme[start..end]).unwrap();
    assert_eq!(errors(&validator("instrument.schema.json"), &snippet), Vec::<(String, String)>::new());
    eservqual_core::Instrument::from_json_value(snippet).unwrap();
}
