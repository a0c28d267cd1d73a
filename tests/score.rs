//! Browser tests of the JS `score()`: the test vectors of tests/data, and the `EservqualError` it throws.
//! Run with scripts/test-wasm.sh (headless Chromium); natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ESQUAL_ONE: &str = include_str!("data/esqual_one.json");
const ESQUAL_ONE_EXPECTED: &str = include_str!("data/esqual_one.expected.json");
const ZONE_ONE: &str = include_str!("data/zone_one.json");
const ZONE_ONE_EXPECTED: &str = include_str!("data/zone_one.expected.json");

/// A JSON text as the plain JS object a page would pass.
fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test input is JSON")
}

/// A JS value as JSON (a `Map` would come out as `{}` and fail the comparison).
fn json_of(value: &JsValue) -> Value {
    let text: String = JSON::stringify(value).expect("stringify").into();
    serde_json::from_str(&text).expect("stringify gives JSON")
}

/// Every key of `expected` is in `actual` with an equal value: numbers within
/// 1e-9·max(1, |e|), `null` only for `null`. Keys only in `actual` are not judged.
fn compare(path: &str, actual: &Value, expected: &Value) -> Result<(), String> {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap_or(f64::NAN), e.as_f64().unwrap_or(f64::NAN));
            if (a - e).abs() <= 1e-9 * e.abs().max(1.0) {
                Ok(())
            } else {
                Err(format!("{path}: {a} != expected {e}"))
            }
        }
        (Value::Object(a), Value::Object(e)) => e.iter().try_for_each(|(k, ev)| match a.get(k) {
            Some(av) => compare(&format!("{path}.{k}"), av, ev),
            None => Err(format!("{path}.{k}: missing (expected {ev})")),
        }),
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            a.iter().zip(e).enumerate().try_for_each(|(i, (av, ev))| compare(&format!("{path}[{i}]"), av, ev))
        }
        _ if actual == expected => Ok(()),
        _ => Err(format!("{path}: {actual} != expected {expected}")),
    }
}

fn check_vector(payload: &str, expected: &str) {
    let scores = eservqual::score(js(payload)).unwrap_or_else(|e| panic!("score threw {}", json_of(&e)));
    let expected: Value = serde_json::from_str(expected).expect("expected file is JSON");
    if let Err(diff) = compare("scores", &json_of(&scores), &expected["scores"]) {
        panic!("{diff}");
    }
}

#[wasm_bindgen_test]
fn esqual_one_scores_as_expected() {
    check_vector(ESQUAL_ONE, ESQUAL_ONE_EXPECTED);
}

#[wasm_bindgen_test]
fn zone_one_scores_as_expected() {
    check_vector(ZONE_ONE, ZONE_ONE_EXPECTED);
}

/// A partial response's payload (`"status": "partial"`) scores as its answers do.
#[wasm_bindgen_test]
fn a_partial_payload_scores_as_its_answers() {
    let mut payload: Value = serde_json::from_str(ESQUAL_ONE).expect("vector is JSON");
    payload["status"] = "partial".into();
    check_vector(&payload.to_string(), ESQUAL_ONE_EXPECTED);
}

/// The comparison itself rejects a wrong number, a number for `null`, and a missing key.
#[wasm_bindgen_test]
fn comparison_catches_wrong_values() {
    let scores = json_of(&eservqual::score(js(ESQUAL_ONE)).expect("scores"));
    let expected: Value = serde_json::from_str(ESQUAL_ONE_EXPECTED).expect("expected file is JSON");
    let expected = &expected["scores"];
    assert_eq!(compare("scores", &scores, expected), Ok(()));
    let mut wrong = expected.clone();
    wrong["dimensions"]["PRI"]["p"] = Value::from(3.3333333333333335 + 1e-8);
    assert!(compare("scores", &scores, &wrong).is_err());
    let mut wrong = expected.clone();
    wrong["overall"]["p_weighted"] = Value::from(0.0);
    assert!(compare("scores", &scores, &wrong).is_err());
    let mut wrong = expected.clone();
    wrong["dimensions"]["EFF"]["gap"] = Value::Null;
    assert!(compare("scores", &scores, &wrong).is_err());
}

/// `null` stays `null` and maps are plain objects (json_compatible serialization).
#[wasm_bindgen_test]
fn scores_are_plain_objects_with_null() {
    let scores = eservqual::score(js(ESQUAL_ONE)).expect("scores");
    let dims = Reflect::get(&scores, &"dimensions".into()).expect("dimensions");
    assert!(!dims.is_instance_of::<js_sys::Map>());
    assert_eq!(
        Reflect::get(&dims, &"EFF".into())
            .ok()
            .and_then(|d| Reflect::get(&d, &"p".into()).ok())
            .and_then(|p| p.as_f64()),
        Some(4.125)
    );
    let overall = Reflect::get(&scores, &"overall".into()).expect("overall");
    assert!(Reflect::get(&overall, &"p_weighted".into()).expect("p_weighted").is_null());
    assert!(Reflect::get(&scores, &"recovery".into()).expect("recovery").is_null());
}

/// Calls `score` on `input` and checks the thrown value is an `EservqualError`.
fn assert_throws(input: JsValue, code: &str, field: &str) {
    let err = match eservqual::score(input) {
        Ok(v) => panic!("expected {code} at '{field}', got scores {}", json_of(&v)),
        Err(e) => e,
    };
    let error = err.dyn_ref::<js_sys::Error>().unwrap_or_else(|| panic!("not an Error: {err:?}"));
    let prop = |name: &str| Reflect::get(&err, &name.into()).ok().and_then(|v| v.as_string());
    assert_eq!(String::from(error.name()), "EservqualError");
    assert_eq!(prop("code").as_deref(), Some(code), "message: {}", String::from(error.message()));
    assert_eq!(prop("field").as_deref(), Some(field), "message: {}", String::from(error.message()));
    assert!(error.message().length() > 0);
}

#[wasm_bindgen_test]
fn bad_inputs_throw_eservqual_errors() {
    assert_throws(js(r#"{"instrument": "e-s-qual", "answers": {"EFF1": {"p": 6}}}"#), "out-of-range", "answers.EFF1.p");
    assert_throws(
        js(r#"{"instrument": "e-s-qual", "answers": {"EFF1": {"p": 3.5}}}"#),
        "not-integer",
        "answers.EFF1.p",
    );
    assert_throws(
        js(r#"{"instrument": "e-s-qual", "answers": {"EFF1": {"p": "4"}}}"#),
        "invalid-type",
        "answers.EFF1.p",
    );
    assert_throws(
        js(r#"{"instrument": "e-s-qual", "answers": {"EFF1": {"x": 4}}}"#),
        "unknown-field",
        "answers.EFF1.x",
    );
    assert_throws(js(r#"{"instrument": "nope", "answers": {}}"#), "unknown-instrument", "instrument");
    assert_throws(js(r#"{"answers": {}}"#), "missing-field", "instrument");
}

#[wasm_bindgen_test]
fn non_objects_are_invalid_type() {
    assert_throws(JsValue::from(42), "invalid-type", "");
    assert_throws(JsValue::from("e-s-qual"), "invalid-type", "");
    assert_throws(JsValue::NULL, "invalid-type", "");
    assert_throws(JsValue::UNDEFINED, "invalid-type", "");
    assert_throws(js("[1, 2]"), "invalid-type", "");
    // Only plain objects are read as JSON objects: a Set or a Map is not one.
    assert_throws(js_sys::Set::new(&JsValue::UNDEFINED).into(), "invalid-type", "");
    assert_throws(js_sys::Map::new().into(), "invalid-type", "");
}

/// A JS object whose `answers.EFF1` is `value` (set from Rust, for values JSON cannot write).
fn with_eff1(value: &JsValue) -> JsValue {
    let input = js(r#"{"instrument": "e-s-qual", "answers": {"EFF1": {}}}"#);
    let eff1 = Reflect::get(&Reflect::get(&input, &"answers".into()).unwrap(), &"EFF1".into()).unwrap();
    Reflect::set(&eff1, &"p".into(), value).unwrap();
    input
}

#[wasm_bindgen_test]
fn js_values_json_has_no_word_for() {
    // `undefined` is not answered, like `null`.
    let scores = eservqual::score(with_eff1(&JsValue::UNDEFINED)).expect("undefined is null");
    let dims = Reflect::get(&scores, &"dimensions".into()).unwrap();
    assert!(Reflect::get(&dims, &"EFF".into()).unwrap().is_object());
    // NaN and Infinity are numbers but not whole ones.
    assert_throws(with_eff1(&JsValue::from_f64(f64::NAN)), "not-integer", "answers.EFF1.p");
    assert_throws(with_eff1(&JsValue::from_f64(f64::INFINITY)), "not-integer", "answers.EFF1.p");
    // A function, a Date or a class instance where an object belongs.
    let f = js_sys::Function::new_no_args("return 1");
    assert_throws(with_eff1(&f.into()), "invalid-type", "answers.EFF1.p");
    let input = js(r#"{"instrument": "e-s-qual", "answers": {}}"#);
    Reflect::set(&Reflect::get(&input, &"answers".into()).unwrap(), &"EFF1".into(), &js_sys::Date::new_0()).unwrap();
    assert_throws(input, "invalid-type", "answers.EFF1");
    // An object without a prototype is a plain object.
    let bare: js_sys::Object = js_sys::Object::create(&JsValue::NULL.unchecked_into());
    Reflect::set(&bare, &"instrument".into(), &"e-s-qual".into()).unwrap();
    eservqual::score(bare.into()).expect("a null-prototype object is read");
}

#[wasm_bindgen_test]
fn errors_name_their_paths_in_nested_input() {
    assert_throws(
        js(r#"{"instrument": {"id": "x", "version": "1", "scale": {"min": 1, "max": 5},
            "dimensions": [{"code": "A", "items": [{"code": "A1"}]}, {"code": "B", "items": [{"code": "A1"}]}]}}"#),
        "invalid-instrument",
        "instrument.dimensions[1].items[0].code",
    );
    assert_throws(
        js(r#"{"instrument": {"id": "e-s-qual", "dimensions": ["EFF", "SYS", "EFF"]}}"#),
        "unknown-dimension",
        "instrument.dimensions[2]",
    );
    assert_throws(
        js(r#"{"instrument": "e-s-qual", "outcomes": {"value": [1, 2, "3", 4]}}"#),
        "invalid-type",
        "outcomes.value[2]",
    );
    assert_throws(
        js(r#"{"instrument": "servqual", "answers": {"TAN1": {"p": 4, "e": 9}}}"#),
        "out-of-range",
        "answers.TAN1.e",
    );
    assert_throws(
        js(r#"{"instrument": {"id": "e-s-qual", "format": "likert"}}"#),
        "invalid-format",
        "instrument.format",
    );
}

/// `JSON.stringify` of a JSON text: the canonical JS spelling of its numbers, keys in order.
fn canonical(text: &str) -> String {
    JSON::stringify(&js(text)).expect("stringify").into()
}

/// The JS result is the core's JSON serialization of the same scores, key for key in the same
/// order (the wasm builds the objects by hand; this keeps the two shapes one).
#[wasm_bindgen_test]
fn scores_equal_the_core_serialization() {
    let custom = r#"{"instrument": {"id": "shop", "version": "1", "scale": {"min": 1, "max": 7}, "format": "gap",
        "dimensions": [{"code": "A", "items": [{"code": "A1", "reverse": true}, {"code": "A2"}]},
                       {"code": "B", "items": [{"code": "B1"}]}]},
        "answers": {"A1": {"p": 2, "e": 6}, "A2": {"p": 5, "e": null}, "B1": {"p": 7, "e": 7}},
        "weights": {"A": 60, "B": 40}}"#;
    let recovery = r#"{"instrument": {"id": "e-s-qual", "dimensions": ["EFF", "PRI"]},
        "answers": {"EFF1": {"p": 2}, "PRI1": {"p": 5}, "PRI2": {"p": 4}},
        "recovery": {"RES1": {"p": 1}, "COM1": {"p": 3}, "CON1": {"p": 5}},
        "outcomes": {"nps": 10, "loyalty": [5, 4, null, 3, 2]}}"#;
    let gap = r#"{"instrument": "servqual", "answers": {"TAN1": {"p": 3, "e": 5}, "REL2": {"p": 7, "e": 1}}}"#;
    for input in [ESQUAL_ONE, ZONE_ONE, custom, recovery, gap] {
        let native = eservqual_core::score::score_value(
            serde_json::from_str(input).expect("JSON"),
            &eservqual_core::Registry::builtin(),
        )
        .expect("native scores");
        let native = canonical(&serde_json::to_string(&native).expect("serialize"));
        let scores = eservqual::score(js(input)).unwrap_or_else(|e| panic!("score threw {}", json_of(&e)));
        let wasm: String = JSON::stringify(&scores).expect("stringify").into();
        assert_eq!(wasm, native, "{input}");
    }
}

#[wasm_bindgen_test]
fn error_message_is_the_core_message() {
    let err = eservqual::score(js(r#"{"instrument": "nope"}"#)).expect_err("unknown instrument");
    let error: js_sys::Error = err.unchecked_into();
    assert!(String::from(error.message()).starts_with("unknown instrument 'nope'"));
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(eservqual::version(), env!("CARGO_PKG_VERSION"));
}
