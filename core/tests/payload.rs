//! Core validation of the response payload (`Payload::from_json` + `validate`) and the custom
//! instrument loader (`Instrument::from_json`): valid inputs pass, each invalid one gives its
//! error code and the exact path of the fault, and no input makes either panic.

use crate::common;

use common::json;
use eservqual_core::instrument::Field;
use eservqual_core::payload::{Payload, Response};
use eservqual_core::{Error, ErrorCode, Format, Instrument, Registry};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::PathBuf;

fn example_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/examples/custom-instrument.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn example() -> Value {
    serde_json::from_str(&example_text()).unwrap()
}

/// Parses and validates a payload given as a JSON value (through its text, as the collector does).
fn check(payload: &Value) -> Result<Response, Error> {
    check_text(&payload.to_string(), &Registry::builtin())
}

fn check_text(text: &str, registry: &Registry) -> Result<Response, Error> {
    Payload::from_json(text)?.validate(registry)
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

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let map = doc.pointer_mut(parent).and_then(Value::as_object_mut).unwrap();
    assert!(map.remove(key).is_some(), "no member {pointer}");
}

type Mutation = fn(&mut Value);

// ---------------------------------------------------------------------------------------------
// Payloads

#[test]
fn shared_payloads_validate() {
    let esq = check(&json("esqual_one.json")).unwrap();
    assert_eq!(esq.id, "7957ec04-13d3-4b3c-9286-257c739aa353");
    assert_eq!((esq.form.instrument.id.as_str(), esq.form.format), ("e-s-qual", Format::Perception));
    assert_eq!(esq.answers.items.len(), 22);
    assert_eq!(esq.answers.items[0][Field::P.index()], Some(4));
    let ful5 = esq.form.instrument.item_index("FUL5").unwrap();
    assert_eq!(esq.answers.items[ful5], [None; 4], "a null answer is missing");
    assert_eq!(esq.answers.recovery, None, "recovery: null is not administered");
    assert_eq!(esq.answers.weights, None);
    assert_eq!(esq.answers.outcomes.nps, Some(7));
    assert_eq!(esq.answers.outcomes.value, Some([Some(8), Some(7), Some(7), Some(8)]));
    assert_eq!(esq.answers.outcomes.loyalty, Some([Some(4), Some(4), Some(3), Some(4), Some(4)]));

    let zone = check(&json("zone_one.json")).unwrap();
    assert_eq!((zone.form.instrument.id.as_str(), zone.form.format), ("servqual", Format::Zone));
    let rsp4 = zone.form.instrument.item_index("RSP4").unwrap();
    assert_eq!(zone.answers.items[rsp4], [None, None, Some(6), Some(8)]);
    assert_eq!(zone.answers.weights, Some(vec![10.0, 30.0, 30.0, 20.0, 10.0]));
}

#[test]
fn valid_variants_are_accepted() {
    let base = json("esqual_one.json");
    let cases: Vec<(&str, Mutation)> = vec![
        ("offset and fraction", |p| set(p, "/submitted_at", json!("2025-06-02T10:15:30.250+02:00"))),
        ("29 February of a leap year", |p| set(p, "/submitted_at", json!("2024-02-29T23:59:59Z"))),
        ("recovery answers", |p| set(p, "/recovery", json!({"RES1": {"p": 1}, "COM3": {"p": null}, "CON2": {}}))),
        ("no recovery member", |p| remove(p, "/recovery")),
        ("weights of D", |p| set(p, "/weights", json!({"EFF": 40, "SYS": 0, "FUL": 30.5, "PRI": 29.5}))),
        ("integral float answer", |p| set(p, "/answers/EFF1/p", json!(4.0))),
        ("null outcome answers", |p| set(p, "/outcomes", json!({"nps": null, "value": [null, 1, 10, null]}))),
        ("2000-character comment in Chinese", |p| set(p, "/outcomes/comment", json!("好".repeat(2000)))),
        ("FUL switched off, its answers gone", |p| {
            set(p, "/instrument/dimensions", json!(["EFF", "SYS", "PRI"]));
            for i in 1..=7 {
                remove(p, &format!("/answers/FUL{i}"));
            }
        }),
        ("FUL switched off, only a null left", |p| {
            set(p, "/instrument/dimensions", json!(["EFF", "SYS", "PRI"]));
            for i in [1, 2, 3, 4, 6, 7] {
                remove(p, &format!("/answers/FUL{i}"));
            }
        }),
    ];
    for (what, mutate) in cases {
        let mut p = base.clone();
        mutate(&mut p);
        if let Err(e) = check(&p) {
            panic!("{what}: {e}");
        }
    }
}

#[test]
fn invalid_payloads_name_code_and_field() {
    let cases: Vec<(&str, Mutation, ErrorCode, &str)> = vec![
        ("answer 0", |p| set(p, "/answers/EFF1/p", json!(0)), ErrorCode::OutOfRange, "answers.EFF1.p"),
        ("answer 3.5", |p| set(p, "/answers/EFF1/p", json!(3.5)), ErrorCode::NotInteger, "answers.EFF1.p"),
        ("answer 6 on 1-5", |p| set(p, "/answers/EFF1/p", json!(6)), ErrorCode::OutOfRange, "answers.EFF1.p"),
        ("answer as text", |p| set(p, "/answers/EFF1/p", json!("4")), ErrorCode::InvalidType, "answers.EFF1.p"),
        ("answer as boolean", |p| set(p, "/answers/PRI3/p", json!(true)), ErrorCode::InvalidType, "answers.PRI3.p"),
        ("unknown item", |p| set(p, "/answers/XYZ1", json!({"p": 3})), ErrorCode::UnknownItem, "answers.XYZ1"),
        (
            "expectation in perception format",
            |p| set(p, "/answers/EFF1/e", json!(4)),
            ErrorCode::InvalidFormat,
            "answers.EFF1.e",
        ),
        ("unknown answer key", |p| set(p, "/answers/EFF1/q", json!(4)), ErrorCode::UnknownField, "answers.EFF1.q"),
        ("unknown top-level key", |p| set(p, "/answerz", json!({})), ErrorCode::UnknownField, "answerz"),
        (
            "unknown instrument key",
            |p| set(p, "/instrument/name", json!("x")),
            ErrorCode::UnknownField,
            "instrument.name",
        ),
        ("missing id", |p| remove(p, "/id"), ErrorCode::MissingField, "id"),
        ("missing sdk version", |p| remove(p, "/sdk/version"), ErrorCode::MissingField, "sdk.version"),
        ("wrong schema", |p| set(p, "/schema", json!("eservqual.response/2")), ErrorCode::UnsupportedSchema, "schema"),
        ("id not a UUID", |p| set(p, "/id", json!("7957ec04-13d3-4b3c-9286-257c739aa35")), ErrorCode::InvalidId, "id"),
        (
            "id with a non-hex digit",
            |p| set(p, "/id", json!("7957ec04-13d3-4b3c-9286-257c739aa35g")),
            ErrorCode::InvalidId,
            "id",
        ),
        (
            "unknown instrument",
            |p| set(p, "/instrument/id", json!("e-s-qual-2")),
            ErrorCode::UnknownInstrument,
            "instrument.id",
        ),
        (
            "other instrument version",
            |p| set(p, "/instrument/version", json!("2")),
            ErrorCode::OutOfRange,
            "instrument.version",
        ),
        (
            "bad format name",
            |p| set(p, "/instrument/format", json!("servperf")),
            ErrorCode::InvalidFormat,
            "instrument.format",
        ),
        ("wrong scale", |p| set(p, "/scale", json!({"min": 1, "max": 7})), ErrorCode::WrongScale, "scale"),
        ("scale bound beyond 16 bits", |p| set(p, "/scale/max", json!(40000)), ErrorCode::OutOfRange, "scale.max"),
        ("scale with an extra key", |p| set(p, "/scale/step", json!(1)), ErrorCode::UnknownField, "scale.step"),
        (
            "unknown first dimension",
            |p| set(p, "/instrument/dimensions", json!(["XYZ", "EFF"])),
            ErrorCode::UnknownDimension,
            "instrument.dimensions[0]",
        ),
        (
            "dimension listed twice",
            |p| set(p, "/instrument/dimensions", json!(["EFF", "SYS", "EFF"])),
            ErrorCode::UnknownDimension,
            "instrument.dimensions[2]",
        ),
        (
            "empty dimension set",
            |p| set(p, "/instrument/dimensions", json!([])),
            ErrorCode::UnknownDimension,
            "instrument.dimensions",
        ),
        (
            "answer to a switched-off dimension",
            |p| set(p, "/instrument/dimensions", json!(["EFF", "SYS", "PRI"])),
            ErrorCode::UnknownItem,
            "answers.FUL1",
        ),
        (
            "submitted_at on 30 February",
            |p| set(p, "/submitted_at", json!("2025-02-30T08:15:30Z")),
            ErrorCode::InvalidTime,
            "submitted_at",
        ),
        (
            "submitted_at on 29 February 2025",
            |p| set(p, "/submitted_at", json!("2025-02-29T08:15:30Z")),
            ErrorCode::InvalidTime,
            "submitted_at",
        ),
        (
            "submitted_at without T",
            |p| set(p, "/submitted_at", json!("2025-06-02 08:15:30Z")),
            ErrorCode::InvalidTime,
            "submitted_at",
        ),
        (
            "submitted_at without zone",
            |p| set(p, "/submitted_at", json!("2025-06-02T08:15:30")),
            ErrorCode::InvalidTime,
            "submitted_at",
        ),
        (
            "submitted_at hour 24",
            |p| set(p, "/submitted_at", json!("2025-06-02T24:00:00Z")),
            ErrorCode::InvalidTime,
            "submitted_at",
        ),
        (
            "submitted_at empty fraction",
            |p| set(p, "/submitted_at", json!("2025-06-02T08:15:30.Z")),
            ErrorCode::InvalidTime,
            "submitted_at",
        ),
        (
            "started_at as words",
            |p| set(p, "/started_at", json!("yesterday at noon")),
            ErrorCode::InvalidTime,
            "started_at",
        ),
        (
            "weights without EFF",
            |p| set(p, "/weights", json!({"SYS": 30, "FUL": 30, "PRI": 40})),
            ErrorCode::InvalidWeights,
            "weights.EFF",
        ),
        (
            "negative weight",
            |p| set(p, "/weights", json!({"EFF": 40, "SYS": -1, "FUL": 30, "PRI": 31})),
            ErrorCode::InvalidWeights,
            "weights.SYS",
        ),
        (
            "weight of an unknown dimension",
            |p| set(p, "/weights", json!({"EFF": 25, "SYS": 25, "FUL": 25, "PRI": 25, "TAN": 0})),
            ErrorCode::InvalidWeights,
            "weights.TAN",
        ),
        (
            "weights totalling 0",
            |p| set(p, "/weights", json!({"EFF": 0, "SYS": 0, "FUL": 0, "PRI": 0})),
            ErrorCode::InvalidWeights,
            "weights",
        ),
        ("weight as text", |p| set(p, "/weights", json!({"EFF": "25"})), ErrorCode::InvalidType, "weights.EFF"),
        ("nps 11", |p| set(p, "/outcomes/nps", json!(11)), ErrorCode::OutOfRange, "outcomes.nps"),
        ("nps -1", |p| set(p, "/outcomes/nps", json!(-1)), ErrorCode::OutOfRange, "outcomes.nps"),
        ("csat 0", |p| set(p, "/outcomes/csat", json!(0)), ErrorCode::OutOfRange, "outcomes.csat"),
        ("ces 7.5", |p| set(p, "/outcomes/ces", json!(7.5)), ErrorCode::NotInteger, "outcomes.ces"),
        (
            "satisfaction 6 on 1-5",
            |p| set(p, "/outcomes/satisfaction", json!(6)),
            ErrorCode::OutOfRange,
            "outcomes.satisfaction",
        ),
        (
            "value 0 in third place",
            |p| set(p, "/outcomes/value/2", json!(0)),
            ErrorCode::OutOfRange,
            "outcomes.value[2]",
        ),
        (
            "value as text in third place",
            |p| set(p, "/outcomes/value/2", json!("7")),
            ErrorCode::InvalidType,
            "outcomes.value[2]",
        ),
        ("value array of 3", |p| set(p, "/outcomes/value", json!([8, 7, 7])), ErrorCode::OutOfRange, "outcomes.value"),
        ("loyalty 6", |p| set(p, "/outcomes/loyalty/4", json!(6)), ErrorCode::OutOfRange, "outcomes.loyalty[4]"),
        (
            "comment of 2001 characters",
            |p| set(p, "/outcomes/comment", json!("好".repeat(2001))),
            ErrorCode::OutOfRange,
            "outcomes.comment",
        ),
        ("unknown outcome", |p| set(p, "/outcomes/mood", json!(3)), ErrorCode::UnknownField, "outcomes.mood"),
        (
            "unknown recovery item",
            |p| set(p, "/recovery", json!({"RES9": {"p": 3}})),
            ErrorCode::UnknownItem,
            "recovery.RES9",
        ),
        (
            "recovery answer 6",
            |p| set(p, "/recovery", json!({"RES1": {"p": 6}})),
            ErrorCode::OutOfRange,
            "recovery.RES1.p",
        ),
        (
            "recovery expectation",
            |p| set(p, "/recovery", json!({"COM1": {"e": 3}})),
            ErrorCode::InvalidFormat,
            "recovery.COM1.e",
        ),
        ("recovery as a list", |p| set(p, "/recovery", json!([3])), ErrorCode::InvalidType, "recovery"),
        ("meta as a list", |p| set(p, "/meta", json!(["a"])), ErrorCode::InvalidType, "meta"),
        ("answers as a list", |p| set(p, "/answers", json!([4, 5])), ErrorCode::InvalidType, "answers"),
    ];
    assert!(cases.len() >= 15);
    let base = json("esqual_one.json");
    for (what, mutate, code, field) in cases {
        let mut p = base.clone();
        mutate(&mut p);
        let err = check(&p).expect_err(what);
        assert_eq!((err.code, err.field.as_str()), (code, field), "{what}: {err}");
        assert!(!err.message.is_empty(), "{what}");
    }
}

#[test]
fn invalid_zone_payloads_name_code_and_field() {
    let cases: Vec<(&str, Mutation, ErrorCode, &str)> = vec![
        ("minimum 10 on 1-9", |p| set(p, "/answers/TAN1/min", json!(10)), ErrorCode::OutOfRange, "answers.TAN1.min"),
        ("desired 0", |p| set(p, "/answers/REL2/des", json!(0)), ErrorCode::OutOfRange, "answers.REL2.des"),
        (
            "expectation in zone format",
            |p| set(p, "/answers/TAN2/e", json!(5)),
            ErrorCode::InvalidFormat,
            "answers.TAN2.e",
        ),
        ("zone on the instrument's 1-7 scale", |p| set(p, "/scale/max", json!(7)), ErrorCode::WrongScale, "scale"),
        (
            "weights of another instrument",
            |p| set(p, "/weights", json!({"EFF": 100})),
            ErrorCode::InvalidWeights,
            "weights.TAN",
        ),
        (
            "recovery with servqual",
            |p| set(p, "/recovery", json!({"RES1": {"p": 4}})),
            ErrorCode::UnknownField,
            "recovery",
        ),
    ];
    let base = json("zone_one.json");
    for (what, mutate, code, field) in cases {
        let mut p = base.clone();
        mutate(&mut p);
        let err = check(&p).expect_err(what);
        assert_eq!((err.code, err.field.as_str()), (code, field), "{what}: {err}");
    }
}

#[test]
fn text_that_is_not_one_json_payload_is_invalid_json() {
    let valid = json("esqual_one.json").to_string();
    for (what, text) in [
        ("empty", String::new()),
        ("cut short", valid[..valid.len() / 2].to_string()),
        ("trailing garbage", format!("{valid} x")),
        ("two payloads", format!("{valid}\n{valid}")),
    ] {
        let err = Payload::from_json(&text).expect_err(what);
        assert_eq!(err.code, ErrorCode::InvalidJson, "{what}: {err}");
    }
    assert_eq!(Payload::from_json("[1, 2]").unwrap_err().code, ErrorCode::InvalidType);
    // Trailing whitespace is fine.
    Payload::from_json(&format!("{valid}\n\r\t ")).unwrap();
}

#[test]
fn custom_instrument_payloads_validate_against_a_registry_that_knows_it() {
    let instrument = Instrument::from_json(&example_text()).unwrap();
    let mut registry = Registry::builtin();
    registry.add(instrument).unwrap();
    let mut p = json("esqual_one.json");
    set(&mut p, "/instrument", json!({"id": "food-delivery", "version": "2025.1", "format": "perception"}));
    set(&mut p, "/answers", json!({"APP1": {"p": 5}, "DEL3": {"p": 1}, "FOOD2": {"p": null}}));
    set(&mut p, "/weights", json!({"APP": 20, "DEL": 50, "FOOD": 30}));
    let r = check_text(&p.to_string(), &registry).unwrap();
    let del3 = r.form.instrument.item_index("DEL3").unwrap();
    assert_eq!(r.answers.items[del3][Field::P.index()], Some(1), "stored as answered, reversed only when scored");
    assert_eq!(check(&p).unwrap_err().code, ErrorCode::UnknownInstrument, "unknown without the registry");

    set(&mut p, "/answers/DEL3/p", json!(6));
    let err = check_text(&p.to_string(), &registry).unwrap_err();
    assert_eq!((err.code, err.field.as_str()), (ErrorCode::OutOfRange, "answers.DEL3.p"));
}

// ---------------------------------------------------------------------------------------------
// Custom instruments

#[test]
fn example_instrument_loads() {
    let i = Instrument::from_json(&example_text()).unwrap();
    assert_eq!((i.id.as_str(), i.version.as_str()), ("food-delivery", "2025.1"));
    assert_eq!((i.scale.min, i.scale.max, i.default_format), (1, 5, Format::Perception));
    assert!(!i.builtin);
    let dims: Vec<(&str, usize)> = i.dimensions.iter().map(|d| (d.code.as_str(), d.items.len())).collect();
    assert_eq!(dims, [("APP", 4), ("DEL", 4), ("FOOD", 3)]);
    let reversed: Vec<&str> = i.items().filter(|it| it.reverse).map(|it| it.code.as_str()).collect();
    assert_eq!(reversed, ["DEL3"]);
    for item in i.items() {
        let locales: Vec<&str> = item.text.keys().map(String::as_str).collect();
        assert_eq!(locales, ["en", "zh-CN", "zh-TW"], "{}", item.code);
    }
    for d in &i.dimensions {
        assert_eq!(d.name.len(), 3, "{}", d.code);
    }
    // The same from a parsed value.
    assert_eq!(Instrument::from_json_value(example()).unwrap(), i);
}

#[test]
fn broken_instruments_name_code_and_path() {
    use ErrorCode::*;
    let cases: Vec<(&str, Mutation, ErrorCode, &str)> = vec![
        (
            "duplicate item code",
            |i| set(i, "/dimensions/2/items/0/code", json!("APP1")),
            InvalidInstrument,
            "dimensions[2].items[0].code",
        ),
        (
            "duplicate dimension code",
            |i| set(i, "/dimensions/1/code", json!("APP")),
            InvalidInstrument,
            "dimensions[1].code",
        ),
        (
            "lower-case item code",
            |i| set(i, "/dimensions/1/items/1/code", json!("del2")),
            InvalidInstrument,
            "dimensions[1].items[1].code",
        ),
        (
            "item code with a dot",
            |i| set(i, "/dimensions/0/items/0/code", json!("APP.1")),
            InvalidInstrument,
            "dimensions[0].items[0].code",
        ),
        (
            "item code starting with a digit",
            |i| set(i, "/dimensions/0/items/0/code", json!("1APP")),
            InvalidInstrument,
            "dimensions[0].items[0].code",
        ),
        ("empty dimension code", |i| set(i, "/dimensions/0/code", json!("")), InvalidInstrument, "dimensions[0].code"),
        (
            "code of 33 characters",
            |i| set(i, "/dimensions/2/code", json!("F".repeat(33))),
            InvalidInstrument,
            "dimensions[2].code",
        ),
        (
            "dimension and item share a code",
            |i| set(i, "/dimensions/2/items/2/code", json!("APP")),
            InvalidInstrument,
            "dimensions",
        ),
        ("empty dimensions", |i| set(i, "/dimensions", json!([])), InvalidInstrument, "dimensions"),
        (
            "dimension without items",
            |i| set(i, "/dimensions/1/items", json!([])),
            InvalidInstrument,
            "dimensions[1].items",
        ),
        ("scale min = max", |i| set(i, "/scale", json!({"min": 5, "max": 5})), InvalidInstrument, "scale.max"),
        ("scale min > max", |i| set(i, "/scale", json!({"min": 7, "max": 1})), InvalidInstrument, "scale.max"),
        ("scale beyond 100", |i| set(i, "/scale/max", json!(101)), InvalidInstrument, "scale"),
        ("reverse item in zone format", |i| set(i, "/format", json!("zone")), InvalidInstrument, "format"),
        (
            "reverse as text",
            |i| set(i, "/dimensions/1/items/0/reverse", json!("yes")),
            InvalidType,
            "dimensions[1].items[0].reverse",
        ),
        (
            "item text as a string",
            |i| set(i, "/dimensions/0/items/3/text", json!("Price")),
            InvalidType,
            "dimensions[0].items[3].text",
        ),
        (
            "item text as a number",
            |i| set(i, "/dimensions/0/items/3/text/en", json!(4)),
            InvalidType,
            "dimensions[0].items[3].text.en",
        ),
        (
            "blank item text",
            |i| set(i, "/dimensions/2/items/1/text/zh-TW", json!(" ")),
            InvalidInstrument,
            "dimensions[2].items[1].text.zh-TW",
        ),
        ("fractional scale", |i| set(i, "/scale/min", json!(1.5)), InvalidType, "scale.min"),
        ("unknown top-level key", |i| set(i, "/author", json!("me")), UnknownField, "author"),
        (
            "unknown item key",
            |i| set(i, "/dimensions/0/items/1/weight", json!(2)),
            UnknownField,
            "dimensions[0].items[1].weight",
        ),
        ("unknown scale key", |i| set(i, "/scale/labels", json!([])), UnknownField, "scale.labels"),
        ("missing items", |i| remove(i, "/dimensions/2/items"), MissingField, "dimensions[2].items"),
        ("missing scale", |i| remove(i, "/scale"), MissingField, "scale"),
        ("bad format name", |i| set(i, "/format", json!("likert")), InvalidFormat, "format"),
        ("id with capitals", |i| set(i, "/id", json!("Food-Delivery")), InvalidInstrument, "id"),
        ("id starting with -", |i| set(i, "/id", json!("-food")), InvalidInstrument, "id"),
        ("built-in id", |i| set(i, "/id", json!("e-s-qual")), InvalidInstrument, "id"),
        ("empty version", |i| set(i, "/version", json!("")), InvalidInstrument, "version"),
        ("dimensions as an object", |i| set(i, "/dimensions", json!({"APP": []})), InvalidType, "dimensions"),
    ];
    let base = example();
    for (what, mutate, code, field) in cases {
        let mut i = base.clone();
        mutate(&mut i);
        let err = Instrument::from_json(&i.to_string()).expect_err(what);
        assert_eq!((err.code, err.field.as_str()), (code, field), "{what}: {err}");
        let again = Instrument::from_json_value(i).expect_err(what);
        assert_eq!((again.code, again.field.clone()), (code, field.to_string()), "{what} (from a value)");
    }
    // Reverse-keyed items are fine in the perception and gap formats.
    let mut gap = base.clone();
    set(&mut gap, "/format", json!("gap"));
    assert_eq!(Instrument::from_json(&gap.to_string()).unwrap().default_format, Format::Gap);
}

#[test]
fn out_of_range_integers_in_an_instrument_are_not_invalid_json() {
    let mut i = example();
    set(&mut i, "/scale/max", json!(40000));
    let err = Instrument::from_json(&i.to_string()).unwrap_err();
    assert_eq!((err.code, err.field.as_str()), (ErrorCode::OutOfRange, "scale.max"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// No panics

/// Any JSON value, a few levels deep, with numbers at the edges of the integer types.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        prop_oneof![-3i64..12, Just(i64::MIN), Just(i64::MAX), Just(i64::from(i16::MAX) + 1), Just(-32769)]
            .prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        prop_oneof![-10.0f64..10.0, Just(1e300), Just(-0.0), Just(4.000000001)].prop_map(Value::from),
        "[A-Za-z0-9 ._:+-]{0,12}".prop_map(Value::from),
        Just(Value::from("2025-02-29T24:60:61.Z")),
        Just(Value::from("é好\u{0}")),
        Just(Value::from("2025-06-02T08:15:30\u{e9}")),
        Just(Value::from("2025-06-02T08:15:30+2\u{e9}:00")),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::vec(("[A-Za-z0-9_]{1,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// One structural change to a JSON document, addressed by numbers reduced modulo what exists.
#[derive(Debug, Clone)]
enum Edit {
    Replace(Vec<usize>, Value),
    Remove(Vec<usize>),
    Insert(Vec<usize>, String, Value),
}

fn edit() -> impl Strategy<Value = Edit> {
    let path = proptest::collection::vec(any::<usize>(), 0..5);
    prop_oneof![
        (path.clone(), any_json()).prop_map(|(p, v)| Edit::Replace(p, v)),
        path.clone().prop_map(Edit::Remove),
        (path, "[a-zA-Z_]{1,8}", any_json()).prop_map(|(p, k, v)| Edit::Insert(p, k, v)),
    ]
}

/// The node reached by following `path` (each step reduced modulo the children), stopping early at
/// a leaf or an empty container.
fn walk<'a>(doc: &'a mut Value, path: &[usize]) -> &'a mut Value {
    let mut node = doc;
    for &step in path {
        let n = match &*node {
            Value::Array(a) if !a.is_empty() => a.len(),
            Value::Object(o) if !o.is_empty() => o.len(),
            _ => break,
        };
        node = match node {
            Value::Array(a) => &mut a[step % n],
            Value::Object(o) => o.values_mut().nth(step % n).unwrap(),
            _ => unreachable!(),
        };
    }
    node
}

fn apply(doc: &mut Value, e: &Edit) {
    match e {
        Edit::Replace(path, v) => *walk(doc, path) = v.clone(),
        Edit::Remove(path) => match walk(doc, path) {
            Value::Object(o) if !o.is_empty() => {
                let k = o.keys().nth(path.last().copied().unwrap_or(0) % o.len()).unwrap().clone();
                o.remove(&k);
            }
            Value::Array(a) if !a.is_empty() => {
                let i = path.last().copied().unwrap_or(0) % a.len();
                a.remove(i);
            }
            _ => {}
        },
        Edit::Insert(path, k, v) => match walk(doc, path) {
            Value::Object(o) => {
                o.insert(k.clone(), v.clone());
            }
            Value::Array(a) => a.push(v.clone()),
            _ => {}
        },
    }
}

/// Character-level damage to JSON text: (position, kind, char).
fn damage(text: &str, cuts: &[(usize, u8, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, kind, c) in cuts {
        if chars.is_empty() {
            chars.push(c);
            continue;
        }
        let i = at % chars.len();
        match kind % 3 {
            0 => chars[i] = c,
            1 => chars.insert(i, c),
            _ => {
                chars.remove(i);
            }
        }
    }
    chars.into_iter().collect()
}

fn registry_with_example() -> Registry {
    let mut r = Registry::builtin();
    r.add(Instrument::from_json(&example_text()).unwrap()).unwrap();
    r
}

/// Runs both entry points; any error is fine, a panic is not.
fn exercise(text: &str, registry: &Registry) {
    if let Ok(p) = Payload::from_json(text) {
        let _ = p.validate(registry);
    }
    let _ = Instrument::from_json(text);
}

fn bases() -> Vec<Value> {
    let mut custom_payload = json("esqual_one.json");
    set(
        &mut custom_payload,
        "/instrument",
        json!({"id": "food-delivery", "version": "2025.1", "format": "gap", "dimensions": ["DEL", "APP"]}),
    );
    set(&mut custom_payload, "/answers", json!({"APP1": {"p": 5, "e": 4}, "DEL3": {"p": 1, "e": null}}));
    set(&mut custom_payload, "/weights", json!({"APP": 20, "DEL": 80}));
    set(&mut custom_payload, "/recovery", json!({"RES1": {"p": 2}}));
    vec![json("esqual_one.json"), json("zone_one.json"), example(), custom_payload]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), jsonish in "[\\[\\]{}\":,0-9a-zA-Z.eE+-]{0,40}") {
        let registry = Registry::builtin();
        exercise(&text, &registry);
        exercise(&jsonish, &registry);
    }

    #[test]
    fn mutated_valid_json_never_panics(
        which in 0usize..4,
        edits in proptest::collection::vec(edit(), 1..4),
        cuts in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<char>()), 0..3),
    ) {
        let registry = registry_with_example();
        let mut doc = bases().swap_remove(which);
        for e in &edits {
            apply(&mut doc, e);
        }
        let text = doc.to_string();
        exercise(&text, &registry);
        exercise(&damage(&text, &cuts), &registry);
        let _ = Instrument::from_json_value(doc.clone());
        if let Ok(p) = Payload::from_value(doc) {
            let _ = p.validate(&registry);
        }
    }
}
