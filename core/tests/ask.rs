//! When to ask: the shared decision table (`ask_table.json`, also run by the loader's tests),
//! trigger parsing and firing, the visitor's memory, and properties of `decide`.

use crate::common;

use common::from_value;
use eservqual_core::ask::{
    decide, draw_for, privacy_skip, record_dismiss, record_pageview, record_submit, trigger_fires, Decision, Env,
    Memory, Settings, SkipReason, Trigger, TriggerState, DAY_MS,
};
use eservqual_core::config::Config;
use eservqual_core::{Error, ErrorCode};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const NOW: f64 = 1_700_000_000_000.0;

fn env() -> Env {
    Env { now_ms: NOW, gpc: false, consent: Some(true) }
}

// ---------------------------------------------------------------------------------------------
// The shared table

fn table() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ask_table.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The keys the table may use, so a typo cannot silently fall back to a default.
const SETTINGS_KEYS: [&str; 4] = ["sampleRate", "recontactDays", "dismissDays", "respectGpc"];
const MEMORY_KEYS: [&str; 4] = ["draw", "submittedAt", "dismissedAt", "pageviews"];
const ENV_KEYS: [&str; 3] = ["nowMs", "gpc", "consent"];

fn keys_within(value: &Value, allowed: &[&str], what: &str) -> Result<(), String> {
    let obj = value.as_object().ok_or(format!("{what} is not an object"))?;
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("{what} has unknown key `{k}`")),
        None => Ok(()),
    }
}

/// Runs one row; `Err` says what is wrong with it.
fn run_case(case: &Value) -> Result<(), String> {
    for key in ["settings", "memory", "env", "expect"] {
        case.get(key).ok_or(format!("no `{key}`"))?;
    }
    keys_within(&case["settings"], &SETTINGS_KEYS, "settings")?;
    keys_within(&case["memory"], &MEMORY_KEYS, "memory")?;
    keys_within(&case["env"], &ENV_KEYS, "env")?;
    // JS tells `null` (not known yet) from a missing key only by convention: the table is explicit.
    for key in ENV_KEYS {
        case["env"].get(key).ok_or(format!("env has no `{key}`"))?;
    }
    let settings = Settings::from_value(case["settings"].clone()).map_err(|e| format!("settings: {e}"))?;
    settings.validate().map_err(|e| format!("settings: {e}"))?;
    // The wasm reads the parsed storage through the Json view.
    let memory = Memory::read(&&case["memory"]);
    let env = Env::from_value(case["env"].clone()).map_err(|e| format!("env: {e}"))?;
    let expect: Decision = from_value(case["expect"].clone()).map_err(|e| format!("expect: {e}"))?;

    let got = decide(&settings, &memory, &env);
    if got != expect {
        return Err(format!("decided {got}, expected {expect}"));
    }
    // The same memory read from its storage text: same decision.
    let stored = Memory::from_json(&case["memory"].to_string());
    let got = decide(&settings, &stored, &env);
    if got != expect {
        return Err(format!("from stored text: decided {got}, expected {expect}"));
    }
    // The privacy gates alone agree with the full decision.
    let gate = privacy_skip(&settings, &env);
    let from_gate = match got {
        Decision::Skip(r @ (SkipReason::Gpc | SkipReason::NoConsent | SkipReason::ConsentPending)) => Some(r),
        _ => None,
    };
    if gate != from_gate {
        return Err(format!("privacy_skip {gate:?} disagrees with {got}"));
    }
    Ok(())
}

#[test]
fn shared_table() {
    let table = table();
    assert_eq!(table["dayMs"].as_f64(), Some(DAY_MS), "dayMs");
    let cases = table["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "only {} cases", cases.len());

    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap_or("").to_string();
        assert!(!name.is_empty(), "case {i} has no name");
        assert!(names.insert(name.clone()), "duplicate case name: {name}");
        if let Some(expect) = case["expect"].as_str() {
            seen.insert(expect.to_string());
        }
        if let Err(e) = run_case(case) {
            failures.push(format!("[{i}] {name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));

    // Every outcome is exercised.
    for expect in
        ["ask", "gpc", "no-consent", "consent-pending", "recently-submitted", "recently-dismissed", "not-sampled"]
    {
        assert!(seen.contains(expect), "no case expects {expect}");
    }
}

#[test]
fn decision_strings_are_stable() {
    let all = [
        (Decision::Ask, "ask"),
        (Decision::Skip(SkipReason::Gpc), "gpc"),
        (Decision::Skip(SkipReason::NoConsent), "no-consent"),
        (Decision::Skip(SkipReason::ConsentPending), "consent-pending"),
        (Decision::Skip(SkipReason::RecentlySubmitted), "recently-submitted"),
        (Decision::Skip(SkipReason::RecentlyDismissed), "recently-dismissed"),
        (Decision::Skip(SkipReason::NotSampled), "not-sampled"),
    ];
    for (decision, text) in all {
        assert_eq!(decision.as_str(), text);
        assert_eq!(serde_json::to_value(decision).unwrap(), json!(text));
        assert_eq!(serde_json::from_value::<Decision>(json!(text)).unwrap(), decision);
        if let Decision::Skip(reason) = decision {
            assert_eq!(serde_json::to_value(reason).unwrap(), json!(text));
        }
    }
    assert!(serde_json::from_value::<Decision>(json!("maybe")).is_err());
}

// ---------------------------------------------------------------------------------------------
// Settings

#[test]
fn settings_defaults_and_validation() {
    let d = Settings::default();
    assert_eq!((d.sample_rate, d.recontact_days, d.dismiss_days, d.respect_gpc), (1.0, 90.0, 14.0, true));
    assert_eq!(Settings::from_value(json!({})).unwrap(), d);
    d.validate().unwrap();
    Settings { sample_rate: 0.0, recontact_days: 0.0, dismiss_days: 0.0, respect_gpc: false }.validate().unwrap();

    let bad = [
        (Settings { sample_rate: 1.5, ..d.clone() }, "sampleRate"),
        (Settings { sample_rate: -0.1, ..d.clone() }, "sampleRate"),
        (Settings { sample_rate: f64::NAN, ..d.clone() }, "sampleRate"),
        (Settings { sample_rate: f64::INFINITY, ..d.clone() }, "sampleRate"),
        (Settings { recontact_days: -1.0, ..d.clone() }, "recontactDays"),
        (Settings { recontact_days: f64::NAN, ..d.clone() }, "recontactDays"),
        (Settings { recontact_days: f64::INFINITY, ..d.clone() }, "recontactDays"),
        (Settings { dismiss_days: -0.5, ..d.clone() }, "dismissDays"),
        (Settings { dismiss_days: f64::NEG_INFINITY, ..d.clone() }, "dismissDays"),
    ];
    for (settings, field) in bad {
        let err = settings.validate().unwrap_err();
        assert_eq!((err.code, err.field.as_str()), (ErrorCode::OutOfRange, field), "{settings:?}");
    }
    let err = Settings::from_value(json!({"sampleRate": 0.5, "sample_rate": 0.5})).unwrap_err();
    assert_eq!((err.code, err.field.as_str()), (ErrorCode::UnknownField, "sample_rate"));
    let err = Settings::from_value(json!({"sampleRate": 2})).unwrap_err();
    assert_eq!((err.code, err.field.as_str()), (ErrorCode::OutOfRange, "sampleRate"));
    let err = Settings::from_value(json!({"sampleRate": "0.5"})).unwrap_err();
    assert_eq!((err.code, err.field.as_str()), (ErrorCode::InvalidType, "sampleRate"));
}

// ---------------------------------------------------------------------------------------------
// Memory

#[test]
fn draw_is_kept_once_drawn() {
    let mut m = Memory::default();
    assert_eq!(draw_for(&mut m, 0.3), 0.3);
    assert_eq!(draw_for(&mut m, 0.9), 0.3, "an existing draw is kept");
    assert_eq!(m.draw, Some(0.3));
}

#[test]
fn draw_is_clamped_into_unit_interval() {
    let below_one = 1.0 - f64::EPSILON / 2.0;
    for (random, expect) in [
        (0.0, 0.0),
        (-0.0, 0.0),
        (0.999, 0.999),
        (1.0, below_one),
        (7.0, below_one),
        (f64::INFINITY, below_one),
        (-3.0, 0.0),
        (f64::NEG_INFINITY, 0.0),
        (f64::NAN, below_one),
    ] {
        let mut m = Memory::default();
        let d = draw_for(&mut m, random);
        assert_eq!(d.to_bits(), expect.to_bits(), "random {random}");
        assert!((0.0..1.0).contains(&d) && d.is_sign_positive());
        assert_eq!(m.draw, Some(d));
    }
    assert!(below_one < 1.0);
    // A draw at the top still asks at rate 1 and never below it.
    let m = Memory { draw: Some(below_one), ..Memory::default() };
    assert!(decide(&Settings::default(), &m, &env()).is_ask());
    let rate = Settings { sample_rate: 0.9999, ..Settings::default() };
    assert_eq!(decide(&rate, &m, &env()), Decision::Skip(SkipReason::NotSampled));
}

#[test]
fn invalid_stored_draw_is_replaced() {
    for stored in [1.0, 1.5, -0.1, f64::NAN, f64::INFINITY] {
        let mut m = Memory { draw: Some(stored), ..Memory::default() };
        assert_eq!(draw_for(&mut m, 0.4), 0.4, "stored {stored}");
        assert_eq!(m.draw, Some(0.4));
    }
}

#[test]
fn records() {
    let mut m = Memory::default();
    record_pageview(&mut m);
    record_pageview(&mut m);
    assert_eq!(m.pageviews, 2);
    m.pageviews = u32::MAX;
    record_pageview(&mut m);
    assert_eq!(m.pageviews, u32::MAX, "saturates");

    record_submit(&mut m, NOW);
    record_dismiss(&mut m, NOW + 1.0);
    assert_eq!((m.submitted_at, m.dismissed_at), (Some(NOW), Some(NOW + 1.0)));
    for broken in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        record_submit(&mut m, broken);
        record_dismiss(&mut m, broken);
        assert_eq!((m.submitted_at, m.dismissed_at), (Some(NOW), Some(NOW + 1.0)), "{broken} not recorded");
    }

    // A submit just now keeps the visitor waiting; after the window they are asked again.
    let settings = Settings::default();
    let m = Memory { draw: Some(0.1), submitted_at: Some(NOW), ..Memory::default() };
    let later = |days: f64| Env { now_ms: NOW + days * DAY_MS, ..env() };
    assert_eq!(decide(&settings, &m, &later(0.0)), Decision::Skip(SkipReason::RecentlySubmitted));
    assert_eq!(decide(&settings, &m, &later(89.9)), Decision::Skip(SkipReason::RecentlySubmitted));
    assert_eq!(decide(&settings, &m, &later(90.0)), Decision::Ask);
}

#[test]
fn memory_json_is_compact_and_round_trips() {
    assert_eq!(Memory::default().to_json(), "{}");
    let m = Memory { draw: Some(0.25), submitted_at: Some(NOW), dismissed_at: None, pageviews: 3 };
    assert_eq!(m.to_json(), r#"{"draw":0.25,"submittedAt":1700000000000.0,"pageviews":3}"#);
    assert_eq!(Memory::from_json(&m.to_json()), m);
    // A non-finite time would be written as null and read back as absent.
    let broken = Memory { submitted_at: Some(f64::NAN), ..Memory::default() };
    assert_eq!(Memory::from_json(&broken.to_json()), Memory::default());
}

#[test]
fn memory_reads_damaged_storage_field_by_field() {
    for text in ["", "null", "[]", "42", "{", "\"draw\"", "{\"draw\":"] {
        assert_eq!(Memory::from_json(text), Memory::default(), "{text:?}");
    }
    let m = Memory::from_json(
        r#"{"draw":0.5,"submittedAt":"yesterday","dismissedAt":1700000000000,"pageviews":-4,"future":{"x":1}}"#,
    );
    assert_eq!(m, Memory { draw: Some(0.5), submitted_at: None, dismissed_at: Some(NOW), pageviews: 0 });
    let m = Memory::from_json(r#"{"draw":1.5,"pageviews":1e12,"submittedAt":1700000000000}"#);
    assert_eq!(m, Memory { draw: None, submitted_at: Some(NOW), dismissed_at: None, pageviews: u32::MAX });
    let m = Memory::from_json(r#"{"draw":null,"pageviews":2.7}"#);
    assert_eq!(m, Memory { pageviews: 2, ..Memory::default() });
}

// ---------------------------------------------------------------------------------------------
// Triggers

fn delay(ms: f64) -> Trigger {
    Trigger::Delay { ms }
}

fn event(name: &str) -> Trigger {
    Trigger::Event { name: name.to_string() }
}

#[test]
fn trigger_attr_valid() {
    let name64 = "e".repeat(64);
    let cases: Vec<(&str, Trigger)> = vec![
        ("manual", Trigger::Manual),
        ("load", Trigger::Load),
        ("exit-intent", Trigger::ExitIntent),
        ("delay:5000", delay(5000.0)),
        ("delay:0", delay(0.0)),
        ("delay:86400000", delay(DAY_MS)),
        ("delay:1500.5", delay(1500.5)),
        ("scroll:50", Trigger::Scroll { percent: 50.0 }),
        ("scroll:0", Trigger::Scroll { percent: 0.0 }),
        ("scroll:100", Trigger::Scroll { percent: 100.0 }),
        ("scroll:12.5", Trigger::Scroll { percent: 12.5 }),
        ("pageviews:3", Trigger::Pageviews { count: 3 }),
        ("pageviews:1", Trigger::Pageviews { count: 1 }),
        ("pageviews:4294967295", Trigger::Pageviews { count: u32::MAX }),
        ("event:order-complete", event("order-complete")),
        ("event:checkout:done", event("checkout:done")),
        ("  delay : 250 ", delay(250.0)),
        (" event: order-complete ", event("order-complete")),
        ("\tload\n", Trigger::Load),
    ];
    for (attr, expect) in cases {
        assert_eq!(Trigger::parse_attr(attr), Ok(expect), "{attr:?}");
    }
    assert_eq!(Trigger::parse_attr(&format!("event:{name64}")), Ok(event(&name64)));
    // 64 characters, not bytes.
    let wide = "é".repeat(64);
    assert_eq!(Trigger::parse_attr(&format!("event:{wide}")), Ok(event(&wide)));
    assert_eq!(Trigger::default(), Trigger::Manual);
}

fn assert_err(result: Result<Trigger, Error>, code: ErrorCode, field: &str, input: &str) {
    match result {
        Ok(t) => panic!("{input}: accepted as {t:?}"),
        Err(e) => {
            assert_eq!((e.code, e.field.as_str()), (code, field), "{input}: {e}");
            assert!(!e.message.is_empty(), "{input}: empty message");
        }
    }
}

#[test]
fn trigger_attr_invalid() {
    use ErrorCode::*;
    let long = format!("event:{}", "e".repeat(65));
    let cases: Vec<(&str, ErrorCode, &str)> = vec![
        ("", OutOfRange, "trigger"),
        ("   ", OutOfRange, "trigger"),
        ("hover", OutOfRange, "trigger"),
        ("Load", OutOfRange, "trigger"),
        ("exit_intent", OutOfRange, "trigger"),
        (":5000", OutOfRange, "trigger"),
        ("load:1", InvalidType, "trigger"),
        ("manual:", InvalidType, "trigger"),
        ("exit-intent:yes", InvalidType, "trigger"),
        ("delay", MissingField, "trigger.ms"),
        ("delay:", InvalidType, "trigger.ms"),
        ("delay:abc", InvalidType, "trigger.ms"),
        ("delay:5s", InvalidType, "trigger.ms"),
        ("delay:1e3", InvalidType, "trigger.ms"),
        ("delay:NaN", InvalidType, "trigger.ms"),
        ("delay:inf", InvalidType, "trigger.ms"),
        ("delay:+5", InvalidType, "trigger.ms"),
        ("delay:5.", InvalidType, "trigger.ms"),
        ("delay:.5", InvalidType, "trigger.ms"),
        ("delay:-1", OutOfRange, "trigger.ms"),
        ("delay:86400001", OutOfRange, "trigger.ms"),
        ("delay:99999999999999999999999999999", OutOfRange, "trigger.ms"),
        ("scroll", MissingField, "trigger.percent"),
        ("scroll:101", OutOfRange, "trigger.percent"),
        ("scroll:-0.5", OutOfRange, "trigger.percent"),
        ("scroll:half", InvalidType, "trigger.percent"),
        ("pageviews", MissingField, "trigger.count"),
        ("pageviews:0", OutOfRange, "trigger.count"),
        ("pageviews:-3", OutOfRange, "trigger.count"),
        ("pageviews:4294967296", OutOfRange, "trigger.count"),
        ("pageviews:2.5", InvalidType, "trigger.count"),
        ("pageviews:3.0", InvalidType, "trigger.count"),
        ("pageviews:three", InvalidType, "trigger.count"),
        ("event", MissingField, "trigger.name"),
        ("event:", OutOfRange, "trigger.name"),
        ("event:   ", OutOfRange, "trigger.name"),
        (&long, OutOfRange, "trigger.name"),
    ];
    for (attr, code, field) in cases {
        assert_err(Trigger::parse_attr(attr), code, field, attr);
    }
}

#[test]
fn trigger_object_valid() {
    let cases = [
        (json!({"on": "manual"}), Trigger::Manual),
        (json!({"on": "load"}), Trigger::Load),
        (json!({"on": "exit-intent"}), Trigger::ExitIntent),
        (json!({"on": "delay", "ms": 5000}), delay(5000.0)),
        (json!({"on": "delay", "ms": 0}), delay(0.0)),
        (json!({"on": "delay", "ms": 86_400_000}), delay(DAY_MS)),
        (json!({"on": "scroll", "percent": 50}), Trigger::Scroll { percent: 50.0 }),
        (json!({"on": "scroll", "percent": 100.0}), Trigger::Scroll { percent: 100.0 }),
        (json!({"on": "pageviews", "count": 3}), Trigger::Pageviews { count: 3 }),
        (json!({"on": "event", "name": "order-complete"}), event("order-complete")),
    ];
    for (value, expect) in cases {
        let got = Trigger::from_value(value.clone()).unwrap_or_else(|e| panic!("{value}: {e}"));
        assert_eq!(got, expect, "{value}");
        got.validate().unwrap();
        // Serializes back to the config's shape.
        let back = serde_json::to_value(&got).unwrap();
        assert_eq!(Trigger::from_value(back.clone()).unwrap(), got, "{back}");
        assert_eq!(back["on"], value["on"]);
    }
    assert_eq!(serde_json::to_value(Trigger::Load).unwrap(), json!({"on": "load"}));
    assert_eq!(serde_json::to_value(Trigger::Pageviews { count: 3 }).unwrap(), json!({"on": "pageviews", "count": 3}));
}

#[test]
fn trigger_object_invalid() {
    use ErrorCode::*;
    let long = "e".repeat(65);
    let cases = [
        (json!({}), MissingField, "trigger.on"),
        (json!({"ms": 5}), MissingField, "trigger.on"),
        (json!({"on": "hover"}), OutOfRange, "trigger.on"),
        (json!({"on": "exitIntent"}), OutOfRange, "trigger.on"),
        (json!({"on": 5}), InvalidType, "trigger.on"),
        (json!("load"), InvalidType, "trigger"),
        (json!(null), InvalidType, "trigger"),
        (json!({"on": "delay"}), MissingField, "trigger.ms"),
        (json!({"on": "delay", "ms": -1}), OutOfRange, "trigger.ms"),
        (json!({"on": "delay", "ms": 86_400_001}), OutOfRange, "trigger.ms"),
        (json!({"on": "delay", "ms": "5000"}), InvalidType, "trigger.ms"),
        (json!({"on": "delay", "ms": null}), InvalidType, "trigger.ms"),
        (json!({"on": "scroll", "percent": 150}), OutOfRange, "trigger.percent"),
        (json!({"on": "scroll", "percent": -1}), OutOfRange, "trigger.percent"),
        (json!({"on": "scroll"}), MissingField, "trigger.percent"),
        (json!({"on": "pageviews", "count": 0}), OutOfRange, "trigger.count"),
        (json!({"on": "pageviews", "count": -1}), OutOfRange, "trigger.count"),
        (json!({"on": "pageviews", "count": 1.5}), InvalidType, "trigger.count"),
        (json!({"on": "pageviews", "count": 5_000_000_000u64}), OutOfRange, "trigger.count"),
        (json!({"on": "event"}), MissingField, "trigger.name"),
        (json!({"on": "event", "name": ""}), OutOfRange, "trigger.name"),
        (json!({"on": "event", "name": long}), OutOfRange, "trigger.name"),
        (json!({"on": "event", "name": 5}), InvalidType, "trigger.name"),
        // Unknown keys are rejected beside every kind, those of another kind included.
        (json!({"on": "load", "ms": 5}), UnknownField, "trigger.ms"),
        (json!({"on": "manual", "when": "now"}), UnknownField, "trigger.when"),
        (json!({"on": "exit-intent", "percent": 10}), UnknownField, "trigger.percent"),
        (json!({"on": "delay", "ms": 5, "percent": 3}), UnknownField, "trigger.percent"),
        (json!({"on": "event", "name": "x", "count": 1}), UnknownField, "trigger.count"),
        (json!({"on": "delay", "ms": 5, "delay": 5}), UnknownField, "trigger.delay"),
    ];
    for (value, code, field) in cases {
        assert_err(Trigger::from_value(value.clone()), code, field, &value.to_string());
    }
}

#[test]
fn trigger_nested_in_a_config_names_the_path() {
    let base = json!({"endpoint": "https://example.com/v1/responses"});
    let config = |trigger: Value| {
        let mut c = base.clone();
        c["trigger"] = trigger["trigger"].clone();
        Config::from_value(c)
    };
    let ok = config(json!({"trigger": {"on": "scroll", "percent": 40}})).unwrap();
    assert_eq!(ok.trigger, Trigger::Scroll { percent: 40.0 });
    for (value, code, field) in [
        (json!({"trigger": {"on": "delay", "ms": -5}}), ErrorCode::OutOfRange, "trigger.ms"),
        (json!({"trigger": {"on": "delay"}}), ErrorCode::MissingField, "trigger.ms"),
        (json!({"trigger": {"on": "load", "ms": 1}}), ErrorCode::UnknownField, "trigger.ms"),
        (json!({"trigger": {"on": "nope"}}), ErrorCode::OutOfRange, "trigger.on"),
    ] {
        let err = config(value.clone()).unwrap_err();
        assert_eq!((err.code, err.field.as_str()), (code, field), "{value}: {err}");
    }
}

#[test]
fn trigger_validate_built_in_code() {
    for t in [Trigger::Manual, Trigger::Load, delay(0.0), delay(DAY_MS), event("x"), Trigger::Pageviews { count: 1 }] {
        t.validate().unwrap();
    }
    let bad = [
        (delay(f64::NAN), "trigger.ms"),
        (delay(f64::INFINITY), "trigger.ms"),
        (delay(-0.5), "trigger.ms"),
        (Trigger::Scroll { percent: f64::NAN }, "trigger.percent"),
        (Trigger::Scroll { percent: 100.5 }, "trigger.percent"),
        (Trigger::Pageviews { count: 0 }, "trigger.count"),
        (event(""), "trigger.name"),
        (event(&"x".repeat(65)), "trigger.name"),
    ];
    for (t, field) in bad {
        let err = t.validate().unwrap_err();
        assert_eq!((err.code, err.field.as_str()), (ErrorCode::OutOfRange, field), "{t:?}");
    }
}

#[test]
fn trigger_fires_when_observed() {
    let idle = TriggerState::default();
    let everything = TriggerState {
        elapsed_ms: 1e12,
        max_scroll_percent: 100.0,
        exit_intent: true,
        pageviews: u32::MAX,
        events: vec!["order-complete".into()],
    };
    // manual never fires by itself; load fires at once.
    assert!(!trigger_fires(&Trigger::Manual, &idle));
    assert!(!trigger_fires(&Trigger::Manual, &everything));
    assert!(trigger_fires(&Trigger::Load, &idle));

    let at = |elapsed_ms: f64| TriggerState { elapsed_ms, ..idle.clone() };
    assert!(!trigger_fires(&delay(5000.0), &at(4999.0)));
    assert!(trigger_fires(&delay(5000.0), &at(5000.0)));
    assert!(trigger_fires(&delay(0.0), &at(0.0)));
    assert!(!trigger_fires(&delay(5000.0), &at(f64::NAN)));
    assert!(!trigger_fires(&delay(f64::NAN), &at(1e12)));

    assert!(!trigger_fires(&Trigger::ExitIntent, &idle));
    assert!(trigger_fires(&Trigger::ExitIntent, &TriggerState { exit_intent: true, ..idle.clone() }));

    let scrolled = |max_scroll_percent: f64| TriggerState { max_scroll_percent, ..idle.clone() };
    let half = Trigger::Scroll { percent: 50.0 };
    assert!(!trigger_fires(&half, &scrolled(49.9)));
    assert!(trigger_fires(&half, &scrolled(50.0)));
    assert!(trigger_fires(&half, &scrolled(100.0)));
    assert!(!trigger_fires(&half, &scrolled(f64::NAN)));
    assert!(trigger_fires(&Trigger::Scroll { percent: 0.0 }, &idle));

    let viewed = |pageviews: u32| TriggerState { pageviews, ..idle.clone() };
    let third = Trigger::Pageviews { count: 3 };
    assert!(!trigger_fires(&third, &viewed(2)));
    assert!(trigger_fires(&third, &viewed(3)));
    assert!(trigger_fires(&third, &viewed(4)));

    let fired = |names: &[&str]| TriggerState { events: names.iter().map(|s| s.to_string()).collect(), ..idle.clone() };
    let order = event("order-complete");
    assert!(!trigger_fires(&order, &idle));
    assert!(trigger_fires(&order, &fired(&["cart", "order-complete"])));
    assert!(!trigger_fires(&order, &fired(&["Order-Complete", "order-complete "])));

    // Page views counted in memory feed the trigger.
    let mut m = Memory::default();
    for _ in 0..3 {
        record_pageview(&mut m);
    }
    assert!(trigger_fires(&third, &TriggerState { pageviews: m.pageviews, ..idle }));
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Any f64, with the awkward ones (NaN, infinities, zeros, boundaries) over-represented.
fn wild() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => proptest::num::f64::ANY,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(0.0),
        1 => Just(-0.0),
        1 => Just(1.0),
        2 => 0.0..1.0f64,
        2 => 0.0..400.0f64,
        2 => 1.6e12..1.8e12f64,
    ]
}

fn settings_with(rate: impl Strategy<Value = f64>) -> impl Strategy<Value = Settings> {
    (rate, wild(), wild(), any::<bool>()).prop_map(|(sample_rate, recontact_days, dismiss_days, respect_gpc)| {
        Settings { sample_rate, recontact_days, dismiss_days, respect_gpc }
    })
}

fn memory() -> impl Strategy<Value = Memory> {
    (proptest::option::of(wild()), proptest::option::of(wild()), proptest::option::of(wild()), any::<u32>()).prop_map(
        |(draw, submitted_at, dismissed_at, pageviews)| Memory { draw, submitted_at, dismissed_at, pageviews },
    )
}

fn envs() -> impl Strategy<Value = Env> {
    (wild(), any::<bool>(), proptest::option::of(any::<bool>())).prop_map(|(now_ms, gpc, consent)| Env {
        now_ms,
        gpc,
        consent,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decide_is_total_and_deterministic(s in settings_with(wild()), m in memory(), e in envs()) {
        let first = decide(&s, &m, &e);
        prop_assert_eq!(first, decide(&s, &m, &e));
        // The privacy gates always win.
        if let Some(reason) = privacy_skip(&s, &e) {
            prop_assert_eq!(first, Decision::Skip(reason));
        }
        if s.respect_gpc && e.gpc {
            prop_assert_eq!(first, Decision::Skip(SkipReason::Gpc));
        }
        if e.consent != Some(true) && !(s.respect_gpc && e.gpc) {
            prop_assert!(!first.is_ask());
        }
    }

    #[test]
    fn rate_zero_never_asks(s in settings_with(Just(0.0)), mut m in memory(), e in envs(), random in wild()) {
        prop_assert!(!decide(&s, &m, &e).is_ask());
        draw_for(&mut m, random);
        prop_assert!(!decide(&s, &m, &e).is_ask());
    }

    #[test]
    fn rate_one_without_blockers_always_asks(
        s in settings_with(Just(1.0)),
        draw in proptest::option::of(wild()),
        pageviews in any::<u32>(),
        now_ms in wild(),
        gpc in any::<bool>(),
        random in wild(),
    ) {
        let s = Settings { respect_gpc: s.respect_gpc && !gpc, ..s };
        let mut m = Memory { draw, submitted_at: None, dismissed_at: None, pageviews };
        let e = Env { now_ms, gpc, consent: Some(true) };
        prop_assert_eq!(decide(&s, &m, &e), Decision::Ask);
        draw_for(&mut m, random);
        prop_assert_eq!(decide(&s, &m, &e), Decision::Ask);
    }

    #[test]
    fn sampled_share_matches_the_draw(rate in 0.0..=1.0f64, random in 0.0..1.0f64) {
        let s = Settings { sample_rate: rate, ..Settings::default() };
        let mut m = Memory::default();
        let d = draw_for(&mut m, random);
        prop_assert_eq!(d, random);
        prop_assert_eq!(decide(&s, &m, &env()).is_ask(), random < rate);
    }

    #[test]
    fn windows_end_exactly(days in 0u32..=3650, at in 0u64..=4_000_000_000_000u64, after in 0u64..=1_000_000_000u64) {
        // Whole milliseconds, as Date.now() gives them: the window end is exact in f64.
        let (days, at) = (f64::from(days), at as f64);
        let end = at + days * DAY_MS;
        let s = Settings { recontact_days: days, dismiss_days: days, ..Settings::default() };
        let submitted = Memory { draw: Some(0.0), submitted_at: Some(at), ..Memory::default() };
        let dismissed = Memory { draw: Some(0.0), dismissed_at: Some(at), ..Memory::default() };
        let at_now = |now_ms: f64| Env { now_ms, ..env() };
        prop_assert_eq!(decide(&s, &submitted, &at_now(end + after as f64)), Decision::Ask);
        prop_assert_eq!(decide(&s, &dismissed, &at_now(end + after as f64)), Decision::Ask);
        if end >= 1.0 {
            prop_assert_eq!(decide(&s, &submitted, &at_now(end - 1.0)), Decision::Skip(SkipReason::RecentlySubmitted));
            prop_assert_eq!(decide(&s, &dismissed, &at_now(end - 1.0)), Decision::Skip(SkipReason::RecentlyDismissed));
        }
    }

    #[test]
    fn parse_attr_never_panics(attr in ".{0,80}") {
        if let Ok(t) = Trigger::parse_attr(&attr) {
            prop_assert!(t.validate().is_ok());
        }
    }

    #[test]
    fn parse_attr_reads_every_valid_trigger(
        ms in 0u32..=86_400_000,
        percent in 0u32..=100,
        count in 1u32..,
        name in "[a-z0-9:_-]{1,64}",
    ) {
        prop_assert_eq!(Trigger::parse_attr(&format!("delay:{ms}")), Ok(delay(f64::from(ms))));
        prop_assert_eq!(Trigger::parse_attr(&format!("scroll:{percent}")), Ok(Trigger::Scroll { percent: f64::from(percent) }));
        prop_assert_eq!(Trigger::parse_attr(&format!("pageviews:{count}")), Ok(Trigger::Pageviews { count }));
        prop_assert_eq!(Trigger::parse_attr(&format!("event:{name}")), Ok(event(&name)));
    }

    #[test]
    fn trigger_objects_never_panic(on in "[a-z-]{0,12}", ms in wild(), count in any::<i64>(), name in ".{0,70}") {
        for value in [
            json!({"on": on}),
            json!({"on": on, "ms": ms, "percent": ms}),
            json!({"on": on, "count": count}),
            json!({"on": on, "name": name}),
        ] {
            if let Ok(t) = Trigger::from_value(value) {
                prop_assert!(t.validate().is_ok());
            }
        }
    }
}
